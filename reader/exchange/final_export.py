"""The study's final data out: the codes coders agreed on, and the adjudicated ones.

``nkreader export --final`` writes one row per final statement, with a column saying where it
comes from (``agreed``: two or more coders coded the sentence alike; ``single``: one coder
decided it; ``adjudicated``: an adjudicator decided). Sentences whose final codes are "no claim"
have no row, as in the coders' export; disagreements no adjudicator has decided yet are left out
and counted, so the caller can say how many are still waiting.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TextIO

from reader.exchange.exporting import ExportError, UnreadDates, escape_formula
from reader.exchange.output_files import OutputError, check_output, written_whole
from reader.store import Store
from reader.store.adjudication import FinalSentence, StatementKey
from reader.store.exports import (
    ACTOR_PATH_SEPARATOR,
    ADDED_COLUMNS,
    TEXT_COLUMNS,
    actor_chains,
    source_file,
)
from reader.text.dates import parse_published

__all__ = [
    "FINAL_COLUMNS",
    "export_final_to_path",
    "final_columns",
    "final_rows",
    "write_final_export",
]

FINAL_COLUMNS = (
    "article_id", "source", "title", "published", "sentence_position", "start", "end",
    "sentence", "actor", "actor_kind", "parent_actor", "stance", "stance_score", "target",
    "note", "final", "coders", "adjudicator", "reason", *ADDED_COLUMNS,
)  # fmt: skip
"""The columns of the final export: the coders' export's (but ids, coder and timestamps), where
the statement comes from, then the coders' export's added columns.

``speaker`` is the speaker the final code names: an adjudicated code's own, else the one the
coders who agreed on the statement gave it (several, if they named different speakers, joined
with ``;`` as ``coders`` are)."""

NUMERIC = frozenset(
    ("article_id", "sentence_position", "start", "end", "stance_score", "sentence_number")
)
"""Columns that are numbers: never escaped against spreadsheet formulas."""


def final_columns(text: bool = True) -> tuple[str, ...]:
    """The final export's columns, without ``title`` and ``sentence`` when not ``text``."""
    return FINAL_COLUMNS if text else tuple(c for c in FINAL_COLUMNS if c not in TEXT_COLUMNS)


def final_rows(
    store: Store, *, day_first: bool | None = None, unread_dates: UnreadDates | None = None
) -> tuple[Iterator[dict[str, object]], int]:
    """The final export's rows in reading order, and how many disagreements still wait.

    Published dates are read as the coders' export reads them (``day_first``, None: the
    project's setting); articles whose date cannot be read are added to ``unread_dates``.
    """
    final, waiting = store.final_layer()
    day_first = store.day_first if day_first is None else day_first
    unread = unread_dates if unread_dates is not None else []
    codebook = store.codebook()
    actors = {a.id: a for a in codebook.actors}
    chains = actor_chains((a.id, a.name, a.parent_id) for a in codebook.actors)
    stances = {s.id: s for s in codebook.stances}
    targets = {t.id: t.name for t in codebook.targets}
    details = store.final_details()
    notes, adjudicated, coded = details.notes, details.final_speakers, details.coded_speakers

    def speakers(entry: FinalSentence, key: StatementKey) -> str:
        if entry.final == "adjudicated":
            found = adjudicated.get(key, set())
        else:
            by_coder = coded.get(key, {})
            found = {i for coder in entry.coders for i in by_coder.get(coder, ())}
        return ";".join(sorted(actors[i].name for i in found if i in actors))

    def rows() -> Iterator[dict[str, object]]:
        by_article: dict[int, list[FinalSentence]] = {}
        places = details.articles
        for entry in final:
            by_article.setdefault(places[entry.sentence_id], []).append(entry)
        for article_id in sorted(by_article):
            article = store.article(article_id)
            if article is None:
                continue
            published = parse_published(article.published or "", day_first=day_first)
            if published.date is None and (article.published or "").strip():
                unread.append((article_id, article.published or ""))
            file = source_file(article.source, article.url)
            group = store.duplicate_group(article_id)
            sentences = {s.id: s for s in store.sentences(article_id)}
            entries = sorted(
                by_article[article_id], key=lambda e: sentences[e.sentence_id].position
            )
            for entry in entries:
                sentence = sentences[entry.sentence_id]
                decision = entry.decision
                for actor_id, stance_id, target_id in sorted(
                    entry.statements, key=lambda t: (t[0], t[1], t[2] or 0)
                ):
                    actor, stance = actors.get(actor_id), stances.get(stance_id)
                    parent = actors.get(actor.parent_id) if actor and actor.parent_id else None
                    chain = chains.get(actor_id, ())
                    key = (entry.sentence_id, actor_id, stance_id, target_id)
                    yield {
                        "article_id": article_id,
                        "source": article.source,
                        "title": article.title,
                        "published": article.published or "",
                        "sentence_position": sentence.position,
                        "start": sentence.start,
                        "end": sentence.end,
                        "sentence": sentence.text,
                        "actor": actor.name if actor else "",
                        "actor_kind": actor.kind if actor else "",
                        "parent_actor": parent.name if parent else "",
                        "stance": stance.key if stance else "",
                        "stance_score": stance.score if stance else "",
                        "target": targets.get(target_id, "") if target_id is not None else "",
                        "note": notes.get(key, ""),
                        "final": entry.final,
                        "coders": ";".join(entry.coders),
                        "adjudicator": decision.adjudicator if decision else "",
                        "reason": decision.reason if decision else "",
                        "outlet": article.outlet or "",
                        "file": file,
                        "published_date": published.date.isoformat() if published.date else "",
                        "published_time": published.time or "",
                        "sentence_number": sentence.position + 1,
                        "actor_path": ACTOR_PATH_SEPARATOR.join(chain),
                        "actor_top": chain[-1] if chain else "",
                        "speaker": speakers(entry, key),
                        "duplicate_group": group if group is not None else "",
                    }

    return rows(), len(waiting)


def write_final_export(
    store: Store,
    out: TextIO,
    *,
    fmt: str = "csv",
    formula_escape: bool = True,
    text: bool = True,
    day_first: bool | None = None,
    unread_dates: UnreadDates | None = None,
) -> tuple[int, int]:
    """Write the final layer to ``out``; (rows written, disagreements still waiting).

    ``text``, ``day_first`` and ``unread_dates`` as in ``reader.exchange.exporting``.
    """
    produced, waiting = final_rows(store, day_first=day_first, unread_dates=unread_dates)
    columns = final_columns(text)
    count = 0
    if fmt == "jsonl":
        for row in produced:
            kept = {name: row[name] for name in columns}
            out.write(json.dumps(kept, ensure_ascii=False) + "\n")
            count += 1
        return count, waiting
    if fmt != "csv":
        raise ExportError(f"unknown export format {fmt!r}: use one of csv, jsonl")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(columns)
    escape: Callable[[str, object], object] = (
        (lambda name, value: escape_formula(value)
         if isinstance(value, str) and name not in NUMERIC else value)
        if formula_escape else (lambda name, value: value)
    )  # fmt: skip
    for row in produced:
        writer.writerow([escape(name, row[name]) for name in columns])
        count += 1
    return count, waiting


def export_final_to_path(
    store: Store,
    path: Path,
    *,
    fmt: str,
    force: bool = False,
    formula_escape: bool = True,
    text: bool = True,
    day_first: bool | None = None,
    unread_dates: UnreadDates | None = None,
) -> tuple[int, int]:
    """``write_final_export`` into a file, written whole and never over the database."""
    try:
        target = check_output(Path(path), force=force, protected=store.database_files())
        buffer = io.StringIO(newline="")
        counts = write_final_export(
            store, buffer, fmt=fmt, formula_escape=formula_escape, text=text,
            day_first=day_first, unread_dates=unread_dates,
        )  # fmt: skip
        with written_whole(target, "the export", "export") as out:
            out.write(buffer.getvalue().encode("utf-8"))
        return counts
    except OutputError as error:
        raise ExportError(str(error)) from None
