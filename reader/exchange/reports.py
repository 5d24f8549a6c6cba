"""Read-only listings for the command line: articles with progress, and the event log."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from typing import Any

from reader.store.history import event_filter


def article_rows(
    conn: sqlite3.Connection, annotator: str | None = None
) -> Iterator[tuple[int, str, int, int]]:
    """(id, title, sentences, coded sentences) per article in import order.

    A sentence counts as coded when it has an annotation or a "no claim" status, by anyone, or by
    ``annotator`` alone when one is given.
    """
    who = "AND annotator = ?" if annotator else ""
    params: list[Any] = [annotator, annotator] if annotator else []
    sql = f"""
        WITH touched AS (
            SELECT sentence_id FROM annotations WHERE 1 {who}
            UNION SELECT sentence_id FROM sentence_status WHERE 1 {who}
        )
        SELECT a.id, a.title, count(s.id), count(t.sentence_id)
        FROM articles a
        LEFT JOIN sentences s ON s.article_id = a.id
        LEFT JOIN touched t ON t.sentence_id = s.id
        GROUP BY a.id ORDER BY a.id"""
    for row in conn.execute(sql, params):
        yield int(row[0]), str(row[1]), int(row[2]), int(row[3])


def format_table(headers: list[str], rows: list[list[str]]) -> str:
    """Rows as a plain, aligned text table (numbers right-aligned) for a terminal."""
    widths = [len(h) for h in headers]
    for row in rows:
        widths = [max(w, len(cell)) for w, cell in zip(widths, row, strict=True)]

    def line(cells: list[str]) -> str:
        out = []
        for width, cell in zip(widths, cells, strict=True):
            numeric = cell.replace(".", "", 1).lstrip("-").isdigit()
            out.append(cell.rjust(width) if numeric else cell.ljust(width))
        return "  ".join(out).rstrip()

    rule = "  ".join("-" * w for w in widths)
    return "\n".join([line(headers), rule, *(line(r) for r in rows)])


def event_rows(
    conn: sqlite3.Connection,
    *,
    annotator: str | None = None,
    article_id: int | None = None,
    limit: int | None = None,
) -> Iterator[tuple[Any, ...]]:
    """(id, time, annotator, action, entity, entity id, article, sentence position, change) rows.

    Oldest first, so the log reads as a history; ``limit`` keeps the newest ones.
    """
    where, params = event_filter(annotator, article_id, table="e.")
    newest = "ORDER BY e.id DESC LIMIT ?" if limit else "ORDER BY e.id DESC"
    if limit:
        params.append(limit)
    sql = f"""
        SELECT * FROM (
            SELECT e.id, e.at, e.annotator, e.action, e.entity, e.entity_id, e.article_id,
                   s.position, coalesce(e.after, e.before, '')
            FROM events e LEFT JOIN sentences s ON s.id = e.sentence_id
            {where} {newest}
        ) ORDER BY id"""
    yield from conn.execute(sql, params)


def backup_database(conn: sqlite3.Connection, target: str) -> None:
    """Copy a live database with SQLite's online backup: consistent even while others write."""
    destination = sqlite3.connect(target)
    try:
        with destination:
            conn.backup(destination)
    finally:
        destination.close()
