"""Read-only summaries: progress per article, the stance table, the log, and consistent copies.

What the ``articles``, ``stats``, ``log`` and ``backup`` commands and the statistics screen show,
each one query whose rows come back as records.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from reader.models import ArticleSummary, LogEntry, StanceRow, StanceTable
from reader.store.base import Param, StoreBase
from reader.store.history import event_filter


class ReportsMixin(StoreBase):
    """Summaries across the whole database, for any coder or one."""

    def article_progress(self, annotator: str | None = None) -> list[ArticleSummary]:
        """Every article in import order with its sentences and how many are coded.

        A sentence counts as coded when anyone has coded it, or ``annotator`` when one is given.
        """
        who = "AND c.annotator = ?" if annotator else ""
        params: list[Param] = [annotator] if annotator else []
        sql = f"""
            SELECT a.id, a.title,
                (SELECT count(*) FROM sentences s WHERE s.article_id = a.id),
                (SELECT count(*) FROM sentences s WHERE s.article_id = a.id AND EXISTS
                    (SELECT 1 FROM coded_sentences c WHERE c.sentence_id = s.id {who})),
                (SELECT d.original_id FROM near_duplicates d WHERE d.article_id = a.id)
            FROM articles a ORDER BY a.id"""
        return [ArticleSummary(*row) for row in self.conn.execute(sql, params)]

    def stance_table(self, annotator: str | None = None) -> StanceTable:
        """The actor × stance count matrix.

        Columns are every stance of the codebook in codebook order, zeros included, so the tables
        of different coders line up; rows are the actors with at least one annotation (by
        ``annotator``, if given), most annotated first, then by name.
        """
        stances = self.conn.execute("SELECT id, key FROM stances ORDER BY position, id").fetchall()
        column = {stance_id: index for index, (stance_id, _) in enumerate(stances)}
        where, params = (
            ("WHERE x.annotator = ?", [annotator]) if annotator is not None else ("", [])
        )
        counts: dict[str, list[int]] = {}
        for name, stance_id, count in self.conn.execute(
            "SELECT ac.name, x.stance_id, count(*) FROM annotations x"
            f" JOIN actors ac ON ac.id = x.actor_id {where} GROUP BY x.actor_id, x.stance_id",
            params,
        ):
            counts.setdefault(name, [0] * len(stances))[column[stance_id]] += count
        found = [StanceRow(name, row, sum(row)) for name, row in counts.items()]
        found.sort(key=lambda item: (-item.total, item.actor.casefold(), item.actor))
        return StanceTable([key for _, key in stances], found)

    def log_entries(
        self,
        *,
        annotator: str | None = None,
        article_id: int | None = None,
        limit: int | None = None,
    ) -> list[LogEntry]:
        """The event log oldest first, so it reads as a history; ``limit`` keeps the newest."""
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
        return [LogEntry(*row) for row in self.conn.execute(sql, params)]

    def backup_to(self, target: Path) -> None:
        """Copy the database to ``target`` with SQLite's online backup: consistent even while
        others write. ``target`` is overwritten."""
        destination = sqlite3.connect(str(target))
        try:
            with destination:
                self.conn.backup(destination)
        finally:
            destination.close()
