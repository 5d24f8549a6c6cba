"""A DNA project's documents and statements stored as articles and codes, in one transaction.

``reader.exchange.dna_import`` reads the DNA file and hands over plain records; here they are
matched to what the database holds and written:

- a document is an article, matched by its text (the same content hash): one here already keeps
  its sentences, and the statements go onto them;
- each statement is one code on the sentence where its span starts, keeping the span itself;
  ``organization`` is the actor and ``person`` the speaker (a statement with a person and no
  organization is the person's own: the person is the actor), ``concept`` the target,
  ``agreement`` the stance; its coder is the annotator;
- actors, targets and stances by name, ignoring case, as everywhere (an actor also by alias);
  missing ones are added: an actor named as an organization anywhere is an organization, one
  only ever named as a person a person; agreement 1 is the ``support`` stance, 0 ``oppose``
  (an integer agreement: the stance scored so, else ``support``, ``neutral`` or ``oppose`` by
  its sign), each added with score 1, 0 or -1 if the codebook lacks it;
- codes by the rules of ``reader.store.placing``: two identical statements on the same span by
  the same coder are one code, importing the same project twice adds nothing.

Like ``nkreader merge``, the import adds articles as well as codes: it is one ``import`` event
in the log that ``u`` does not take back (a backup taken first is the way back).
"""

from __future__ import annotations

import json
from bisect import bisect_right
from collections.abc import Sequence

from reader.db import StoreError, transaction
from reader.models import MAX_STANCES, DnaDocument, DnaReport, DnaStatement
from reader.store.article_batches import encode_batch, store_batch
from reader.store.base import StoreBase, now
from reader.store.codebook_rules import fold
from reader.store.placing import Code, Placer

__all__ = ["DnaImportsMixin"]

_STANCES = {1: ("support", "Support", 1.0), 0: ("neutral", "Neutral", 0.0),
            -1: ("oppose", "Oppose", -1.0)}  # fmt: skip
"""The stance each sign of agreement stands for, as added to a codebook that lacks it."""


class DnaImportsMixin(StoreBase):
    """``import_dna``: a DNA project's documents, codebook values and statements."""

    def import_dna(
        self,
        documents: Sequence[DnaDocument],
        statements: Sequence[DnaStatement],
        source: str,
        skipped: Sequence[str] = (),
    ) -> DnaReport:
        """Store the documents and place the statements, all in one transaction."""
        with transaction(self.conn):
            stamp = now()
            rows = [
                (d.title, d.text, d.source, d.content_hash, stamp, d.published, d.outlet, None,
                 d.metadata)
                for d in documents
            ]  # fmt: skip
            stored = store_batch(self.conn, encode_batch(rows, [list(d.spans) for d in documents]))
            articles = {
                d.dna_id: article for d, (article, _) in zip(documents, stored, strict=True)
            }
            added = sum(new for _, new in stored)
            book = _Codebook(self)
            left_out: list[str] = list(skipped)
            nobody = 0
            codes: list[Code] = []
            places = _Sentences(self, set(articles.values()))
            for statement in statements:
                actor, speaker = statement.organization, statement.person
                if not actor:
                    actor, speaker = speaker, ""
                if not actor:
                    nobody += 1
                    continue
                article = articles[statement.document]
                codes.append(
                    Code(
                        places.at(article, statement.start), book.actor(actor, statements),
                        book.stance(statement.agreement, statement.boolean),
                        book.target(statement.concept) if statement.concept else None, "",
                        statement.coder, stamp, stamp,
                        book.actor(speaker, statements) if speaker else None,
                        statement.start, statement.end,
                    )
                )  # fmt: skip
            if nobody:
                left_out.append(
                    f"{nobody} statement{'s' * (nobody != 1)} with neither organization nor"
                    " person skipped"
                )
            placer = Placer(self.conn, {code.sentence_id for code in codes})
            for code in codes:
                placer.code(code)
            report = DnaReport(
                source, added, len(stored) - added, placer.placement(f"{source}: "),
                book.added["actors"], book.added["targets"], book.added["stances"],
                tuple(left_out),
            )  # fmt: skip
            self._log(
                "import", "dna", None, kind=None,
                after={"file": source, "documents_added": added,
                       "codes_added": dict(report.placement.codes_added),
                       "actors_added": report.actors_added, "skipped": list(left_out)},
            )  # fmt: skip
        return report


class _Sentences:
    """The sentence of an article where an offset falls (or, between two, the next one)."""

    def __init__(self, store: StoreBase, articles: set[int]) -> None:
        self.spans: dict[int, tuple[list[int], list[int], list[int]]] = {}
        for article in articles:
            found = store.conn.execute(
                'SELECT id, start, "end" FROM sentences WHERE article_id = ? ORDER BY start',
                [article],
            ).fetchall()
            self.spans[article] = (
                [int(row[0]) for row in found],
                [int(row[1]) for row in found],
                [int(row[2]) for row in found],
            )

    def at(self, article: int, offset: int) -> int:
        ids, starts, ends = self.spans[article]
        if not ids:
            raise StoreError(f"article {article} has no sentences to put statements on")
        index = max(0, bisect_right(starts, offset) - 1)
        if offset >= ends[index] and index + 1 < len(ids):
            index += 1  # in the space after a sentence: the next one is where it starts
        return ids[index]


class _Codebook:
    """Actors, targets and stances by name, added when missing."""

    def __init__(self, store: StoreBase) -> None:
        self.conn = store.conn
        self.added = {"actors": 0, "targets": 0, "stances": 0}
        self.actors: dict[str, int] = {}
        found = self.conn.execute("SELECT id, name, aliases FROM actors ORDER BY id").fetchall()
        for actor_id, name, _ in found:
            self.actors.setdefault(fold(name), int(actor_id))
        for actor_id, _, aliases in found:
            try:
                listed = json.loads(aliases or "[]")
            except ValueError:
                listed = []
            for alias in listed if isinstance(listed, list) else []:
                self.actors.setdefault(fold(str(alias)), int(actor_id))
        self.targets = {
            fold(name): int(i) for i, name in self.conn.execute("SELECT id, name FROM targets")
        }
        self.stances = [
            (int(i), fold(key), float(score))
            for i, key, score in self.conn.execute("SELECT id, key, score FROM stances")
        ]
        self._organizations: set[str] | None = None

    def actor(self, name: str, statements: Sequence[DnaStatement]) -> int:
        found = self.actors.get(fold(name))
        if found is not None:
            return found
        if self._organizations is None:
            self._organizations = {fold(s.organization) for s in statements if s.organization}
        kind = "organization" if fold(name) in self._organizations else "person"
        cursor = self.conn.execute(
            "INSERT INTO actors (name, kind, aliases, parent_id, description)"
            " VALUES (?, ?, '[]', NULL, '')",
            [name, kind],
        )
        self.actors[fold(name)] = int(cursor.lastrowid or 0)
        self.added["actors"] += 1
        return self.actors[fold(name)]

    def target(self, name: str) -> int:
        found = self.targets.get(fold(name))
        if found is None:
            cursor = self.conn.execute(
                "INSERT INTO targets (name, description) VALUES (?, '')", [name]
            )
            found = self.targets[fold(name)] = int(cursor.lastrowid or 0)
            self.added["targets"] += 1
        return found

    def stance(self, agreement: int, boolean: bool) -> int:
        sign = (1 if agreement else -1) if boolean else (agreement > 0) - (agreement < 0)
        if not boolean:
            scored = next((i for i, _, score in self.stances if score == agreement), None)
            if scored is not None:
                return scored
        key, label, score = _STANCES[sign]
        found = next((i for i, k, _ in self.stances if k == key), None)
        if found is not None:
            return found
        if len(self.stances) >= MAX_STANCES:
            raise StoreError(
                f"the codebook has {MAX_STANCES} stances (the digit keys 1-9) and none is"
                f" {key!r}; rename one to {key!r} and import again"
            )
        position = self.conn.execute("SELECT coalesce(max(position), 0) + 1 FROM stances")
        cursor = self.conn.execute(
            "INSERT INTO stances (key, label, score, position, description)"
            " VALUES (?, ?, ?, ?, '')",
            [key, label, score, int(position.fetchone()[0])],
        )
        stance_id = int(cursor.lastrowid or 0)
        self.stances.append((stance_id, key, score))
        self.added["stances"] += 1
        return stance_id
