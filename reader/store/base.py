"""What every part of the store shares: the connection, the coder, the event log and the errors.

The store is one class put together from mixins (articles, coding, codebook, merge, history); each
subclasses ``StoreBase`` so the shared attributes and the event-log writer are typed once, here.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Self

from reader.db import StoreError, database_file, open_connection

if TYPE_CHECKING:
    from sqlite_utils import Database

__all__ = [
    "ANNOTATION_COLUMNS",
    "CHANGE_ACTIONS",
    "EVENT_COLUMNS",
    "NO_CLAIM",
    "DuplicateAnnotation",
    "StoreBase",
    "StoreError",
    "fts_query",
    "now",
    "search_words",
]

NO_CLAIM = "no_claim"
"""The sentence status a coder sets for "reviewed: no claim here"."""

CHANGE_ACTIONS = ("add", "edit", "delete", "status")
"""Event actions that change coding and can be undone."""


class DuplicateAnnotation(StoreError):
    """The same actor, stance and target on the same sentence by the same coder already exists."""


def now() -> str:
    """The current time as stored: UTC, ISO 8601, milliseconds."""
    return datetime.now(UTC).isoformat(timespec="milliseconds")


def search_words(text: str) -> list[str]:
    """The words of a typed query, cut the way the index's tokenizer cuts them."""
    return re.findall(r"\w+", text)


def fts_query(text: str) -> str:
    """Turn typed words into a safe FTS5 query: every word must match, the last as a prefix.

    Words are cut at punctuation the way FTS5's tokenizer cuts them ("U.N." is "U" and "N"), and
    each part is its own term: the index keeps no positions (``detail=none``), so it cannot answer
    phrase queries, and a filter needs none.
    """
    words = search_words(text)
    if not words:
        return ""
    quoted = [f'"{w}"' for w in words]
    quoted[-1] += "*"
    return " ".join(quoted)


ANNOTATION_COLUMNS = (
    "id, sentence_id, actor_id, stance_id, target_id, note, annotator, created_at, updated_at"
)
EVENT_COLUMNS = (
    "id, at, annotator, action, entity, entity_id, article_id, sentence_id, before, after, reverts"
)


class StoreBase:
    """Queries and writes for one coder (``annotator``) on one database."""

    def __init__(self, db: Database | sqlite3.Connection, annotator: str) -> None:
        """``db`` is a sqlite-utils ``Database`` or a bare connection: every query and write goes
        through the connection, so the reader can start without importing sqlite-utils."""
        if isinstance(db, sqlite3.Connection):
            self.conn = db
            self._db: Database | None = None
        else:
            self.conn = db.conn
            self._db = db
        self.annotator = annotator

    @property
    def db(self) -> Database:
        """The connection as a sqlite-utils ``Database`` (for importing, the codebook and the
        commands), made on first use."""
        if self._db is None:
            from sqlite_utils import Database

            self._db = Database(self.conn)
        return self._db

    @classmethod
    def open(cls, path: str | Path | None, annotator: str) -> Self:
        """Open (and migrate) the database at ``path`` for ``annotator``."""
        return cls(open_connection(path), annotator)

    def close(self) -> None:
        self.conn.close()

    @property
    def path(self) -> Path | None:
        """The database file; None for an in-memory database."""
        return database_file(self.conn)

    def _one(self, sql: str, params: Sequence[Any] = ()) -> Any:
        row = self.conn.execute(sql, params).fetchone()
        return row[0] if row else None

    def _log(
        self,
        action: str,
        entity: str,
        entity_id: int | None,
        article_id: int | None,
        sentence_id: int | None,
        before: dict[str, Any] | None,
        after: dict[str, Any] | None,
        reverts: int | None = None,
    ) -> int:
        cursor = self.conn.execute(
            "INSERT INTO events (at, annotator, action, entity, entity_id, article_id,"
            " sentence_id, before, after, reverts) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                now(),
                self.annotator,
                action,
                entity,
                entity_id,
                article_id,
                sentence_id,
                json.dumps(before) if before is not None else None,
                json.dumps(after) if after is not None else None,
                reverts,
            ],
        )
        return int(cursor.lastrowid or 0)

    def _annotation_row(self, annotation_id: int) -> dict[str, Any] | None:
        cursor = self.conn.execute(
            f"SELECT {ANNOTATION_COLUMNS} FROM annotations WHERE id = ?", [annotation_id]
        )
        row = cursor.fetchone()
        if row is None:
            return None
        return dict(zip([c[0] for c in cursor.description], row, strict=True))
