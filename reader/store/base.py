"""What every part of the Store shares: the connection, the coder, typed queries and the event log.

The Store is put together from one mixin per concern (articles, search, coding, codebook, merge,
history, reports, exports, imports, health, agreement data). Each subclasses ``StoreBase`` alone
and reaches rows of other concerns through the functions of ``reader.store.rows``, never through
another mixin's methods, so any one of them can be read on its own.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from reader.db import StoreError, database_file, is_read_only
from reader.store.tokenizer import register, words

if TYPE_CHECKING:
    from sqlite_utils import Database

__all__ = [
    "KIND_ANNOTATION",
    "KIND_ROWS",
    "KIND_STATUS",
    "NO_CLAIM",
    "DuplicateAnnotation",
    "EventKind",
    "Param",
    "StoreBase",
    "StoreError",
    "fts_query",
    "now",
]

NO_CLAIM = "no_claim"
"""The sentence status a coder sets for "reviewed: no claim here"."""

Param = str | int | float | bytes | None
"""A value bound to a SQL parameter."""

EventKind = Literal["annotation", "status", "rows"]
"""What an undoable event's ``before`` and ``after`` hold, recorded in the ``events.kind`` column:
one annotation row, one sentence-status row, or a snapshot of several rows of several tables
(``reader.store.rows``). Events without a kind (a seed import, say) cannot be undone."""

KIND_ANNOTATION: EventKind = "annotation"
KIND_STATUS: EventKind = "status"
KIND_ROWS: EventKind = "rows"


class DuplicateAnnotation(StoreError):
    """The same actor, stance and target on the same sentence by the same coder already exists."""


def now() -> str:
    """The current time as stored: UTC, ISO 8601, milliseconds."""
    return datetime.now(UTC).isoformat(timespec="milliseconds")


def fts_query(text: str) -> str:
    """Turn typed words into a safe FTS5 query: every word must match, the last as a prefix.

    Words are cut where the index's tokenizer cuts them ("U.N." is "U" and "N"), and each part
    is its own term: the index keeps no positions (``detail=none``), so it cannot answer
    phrase queries, and a filter needs none. "" when the text has no words.
    """
    query = words().query(text)
    return query.fts() if query is not None else ""


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
        register(self.conn)  # the search's scan of articles not indexed yet

    @property
    def db(self) -> Database:
        """The connection as a sqlite-utils ``Database``, made on first use (for the schema steps
        and the tests; the Store's own queries use the connection)."""
        if self._db is None:
            from sqlite_utils import Database

            self._db = Database(self.conn)
        return self._db

    def close(self) -> None:
        self.conn.close()

    @property
    def path(self) -> Path | None:
        """The database file; None for an in-memory database."""
        return database_file(self.conn)

    def database_files(self) -> list[Path]:
        """The database file and the files SQLite keeps beside it (write-ahead log, shared
        memory, rollback journal), whether they exist now or not: what no output may replace."""
        path = self.path
        if path is None:
            return []
        return [path, *(path.with_name(path.name + end) for end in ("-wal", "-shm", "-journal"))]

    @property
    def read_only(self) -> bool:
        """Whether every change will be refused (a file nkreader may not write, or one found
        damaged), so a screen can say so up front instead of at the first key."""
        return is_read_only(self.conn)

    @property
    def notice(self) -> str | None:
        """One line on what cannot be done with this file (``PATH is read-only: changes cannot
        be saved``), set when it was opened, for the reader and the commands to show once."""
        return getattr(self.conn, "notice", None)

    # -- typed single values ----------------------------------------------------------------

    def _value(self, sql: str, params: Sequence[Param] = ()) -> object:
        """The first column of the first row, or None when there is no row."""
        row = self.conn.execute(sql, params).fetchone()
        return row[0] if row else None

    def _int(self, sql: str, params: Sequence[Param] = ()) -> int:
        """A count or another whole number the query always yields."""
        value = self._value(sql, params)
        if not isinstance(value, int):
            raise TypeError(f"expected a whole number from {sql!r}, got {value!r}")
        return value

    def _maybe_int(self, sql: str, params: Sequence[Param] = ()) -> int | None:
        """An id or number the query may not find."""
        value = self._value(sql, params)
        return int(value) if isinstance(value, int) else None

    def _maybe_str(self, sql: str, params: Sequence[Param] = ()) -> str | None:
        value = self._value(sql, params)
        return None if value is None else str(value)

    # -- the event log ----------------------------------------------------------------------

    def _log(
        self,
        action: str,
        entity: str,
        entity_id: int | None,
        *,
        kind: EventKind | None,
        article_id: int | None = None,
        sentence_id: int | None = None,
        before: object = None,
        after: object = None,
        reverts: int | None = None,
        by: str | None = None,
    ) -> int:
        """Append one event in the caller's transaction; ``kind`` says how undo reads it;
        ``by``: the coder it is recorded for, when not the Store's own (a login attempt)."""
        cursor = self.conn.execute(
            "INSERT INTO events (at, annotator, action, entity, entity_id, article_id,"
            " sentence_id, before, after, reverts, kind) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                now(),
                self.annotator if by is None else by,
                action,
                entity,
                entity_id,
                article_id,
                sentence_id,
                json.dumps(before) if before is not None else None,
                json.dumps(after) if after is not None else None,
                reverts,
                kind,
            ],
        )
        return int(cursor.lastrowid or 0)
