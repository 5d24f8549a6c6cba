"""Codes read back from an nkreader export, restored onto the articles already here.

An export names things as people read them, not by this database's ids: an article by its
source and a sentence by its offsets (else by the article's title and the sentence's text), an
actor, speaker, stance and target by name (ignoring case, as a codebook import does). A row
that cannot be placed (its article is not here, its sentence was split otherwise, its actor is
not in the codebook) is named by line, and then nothing of the file is restored: half a file
of codes would look complete in every count. Codebook entries are never created from a row: a name
mistyped in a spreadsheet would otherwise become an actor.

What is restored is placed by ``reader.store.placing`` (never twice, never over a code here)
and logged as one event holding the rows it added, so ``u`` in the reader takes the whole file
back, as it does a codebook import.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Sequence

from reader.db import transaction
from reader.models import CodeRow, CodesReport
from reader.store import rows
from reader.store.base import KIND_ROWS, NO_CLAIM, StoreBase, now
from reader.store.codebook_rules import fold
from reader.store.placing import Code, Mark, Placer

__all__ = ["CodeImportsMixin"]

_ARTICLES_KEPT = 256
"""Articles whose text and sentences are kept while rows are matched: an export lists an
article's rows together, so a few are enough, and memory stays flat for any export."""


class CodeImportsMixin(StoreBase):
    """``restore_codes``: the annotations and "no claim" marks of an export file."""

    def restore_codes(
        self, found: Sequence[CodeRow], source: str, problems: Sequence[str] = ()
    ) -> CodesReport:
        """Place every row's code here, or none when any row (or one of ``problems``, lines
        the file's reader could not read) cannot be placed; in one transaction.

        ``uncoded`` rows (of an ``--all-sentences`` export) say nothing to restore and are
        passed over. A timestamp missing from a row (a "no claim" row has none) is now.
        """
        problems = list(problems)
        with transaction(self.conn):
            finder = _Sentences(self)
            names = {
                table: {fold(str(name)): int(i) for i, name in self.conn.execute(sql)}
                for table, sql in (
                    ("actor", "SELECT id, name FROM actors"),
                    ("stance", "SELECT id, key FROM stances"),
                    ("target", "SELECT id, name FROM targets"),
                )
            }
            codes: list[Code] = []
            marks: list[Mark] = []
            for row in found:
                if row.status == "uncoded":
                    continue
                placed = self._place(row, finder, names, problems)
                if isinstance(placed, Code):
                    codes.append(placed)
                elif isinstance(placed, Mark):
                    marks.append(placed)
            if problems:
                return CodesReport(source, problems=tuple(problems))
            wanted = {code.sentence_id for code in codes} | {mark.sentence_id for mark in marks}
            placer = Placer(self.conn, wanted)
            for code in codes:
                placer.code(code)
            for mark in marks:
                placer.mark(mark)
            report = CodesReport(source, placer.placement(f"{source}: "))
            if placer.added_codes or placer.added_marks:
                self._log_restored(report, placer)
        return report

    def _place(
        self,
        row: CodeRow,
        finder: _Sentences,
        names: dict[str, dict[str, int]],
        problems: list[str],
    ) -> Code | Mark | None:
        """The row as a code or mark in this database's ids, or None with its problem noted."""
        if row.status not in ("coded", NO_CLAIM):
            problems.append(f"{row.line}: unknown status {row.status!r}")
            return None
        if not row.annotator:
            problems.append(f"{row.line}: no annotator; every code needs its coder")
            return None
        sentence_id = finder.find(row)
        if sentence_id is None:
            problems.append(f"{row.line}: {finder.missing(row)}")
            return None
        if row.status == NO_CLAIM:
            return Mark(sentence_id, row.annotator, NO_CLAIM, row.updated_at or now())
        found: dict[str, int | None] = {}
        for what, value in (("actor", row.actor), ("stance", row.stance), ("target", row.target)):
            if not value:
                if what != "target":
                    problems.append(f"{row.line}: no {what}; a code needs an actor and a stance")
                    return None
                found[what] = None
                continue
            found[what] = names[what].get(fold(value))
            if found[what] is None:
                problems.append(
                    f"{row.line}: {what} {value!r} is not in the codebook here; add it"
                    " (nkreader codebook import, or the codebook screen) and import the file again"
                )
                return None
        speaker_id = names["actor"].get(fold(row.speaker)) if row.speaker else None
        if row.speaker and speaker_id is None:
            problems.append(
                f"{row.line}: speaker {row.speaker!r} is not an actor in the codebook here; add"
                " it (nkreader codebook import, or the codebook screen) and import the file again"
            )
            return None
        actor_id, stance_id = found["actor"], found["stance"]
        assert actor_id is not None and stance_id is not None
        stamp = now()
        return Code(sentence_id, actor_id, stance_id, found["target"], row.note, row.annotator,
                    row.created_at or stamp, row.updated_at or row.created_at or stamp,
                    speaker_id)  # fmt: skip

    def _log_restored(self, report: CodesReport, placer: Placer) -> None:
        """One event with every row added, absent before: undo removes them all at once."""
        added = {"annotations": placer.added_codes}
        before = {
            "annotations": [[i, None] for i in placer.added_codes],
            "sentence_status": [[[sid, who], None] for sid, who in placer.added_marks],
        }
        after = {
            **rows.capture(self.conn, added),
            "sentence_status": rows.capture_statuses(self.conn, placer.added_marks),
        }
        placement = report.placement
        self._log(
            "import", "codes", None, kind=KIND_ROWS, before={"rows": before},
            after={"rows": after, "file": report.source, "codes_added": dict(placement.codes_added),
                   "no_claim_marks_added": dict(placement.marks_added)},
        )  # fmt: skip


class _Sentences:
    """Finds the sentence a row names: by source and offsets, else by title and text."""

    def __init__(self, store: StoreBase) -> None:
        self.conn = store.conn
        self.by_source: dict[str, list[int]] = {}
        self.by_title: dict[str, list[int]] = {}
        for article_id, source, title in self.conn.execute(
            "SELECT id, source, title FROM articles ORDER BY id"
        ):
            self.by_source.setdefault(source, []).append(article_id)
            self.by_title.setdefault(title, []).append(article_id)
        self._kept: OrderedDict[int, tuple[str, list[tuple[int, int, int, int]]]] = OrderedDict()

    def _article(self, article_id: int) -> tuple[str, list[tuple[int, int, int, int]]]:
        """The article's text and its sentences ``(id, position, start, end)``."""
        kept = self._kept.get(article_id)
        if kept is not None:
            self._kept.move_to_end(article_id)
            return kept
        text = str(self.conn.execute("SELECT text FROM articles WHERE id = ?", [article_id])
                   .fetchone()[0])  # fmt: skip
        sentences = self.conn.execute(
            'SELECT id, position, start, "end" FROM sentences WHERE article_id = ?'
            " ORDER BY position",
            [article_id],
        ).fetchall()
        self._kept[article_id] = (text, sentences)
        if len(self._kept) > _ARTICLES_KEPT:
            self._kept.popitem(last=False)
        return text, sentences

    def find(self, row: CodeRow) -> int | None:
        if row.start is not None and row.end is not None:
            for article_id in self.by_source.get(row.source, []):
                text, sentences = self._article(article_id)
                for sentence_id, _, start, end in sentences:
                    if (start, end) == (row.start, row.end) and (
                        not row.sentence or text[start:end] == row.sentence
                    ):
                        return int(sentence_id)
        if row.sentence:
            for article_id in self.by_title.get(row.title, []):
                text, sentences = self._article(article_id)
                same = [(p, i) for i, p, s, e in sentences if text[s:e] == row.sentence]
                if same:
                    chosen = next((i for p, i in same if p == row.sentence_position), same[0][1])
                    return int(chosen)
        return None

    def missing(self, row: CodeRow) -> str:
        """Why ``find`` found nothing, and what to do."""
        offsets = f"{row.start}-{row.end}" if row.start is not None else "no offsets"
        if row.source in self.by_source or row.title in self.by_title:
            return (
                f"the article {row.title!r} here has no sentence at {offsets} reading as the"
                " row's; it was split into other sentences"
            )
        return (
            f"no article with source {row.source!r} and offsets {offsets} here, nor one titled"
            f" {row.title!r}; import the articles first"
        )
