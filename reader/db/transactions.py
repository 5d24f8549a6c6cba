"""Writes that either land whole or fail with one line the user can act on.

Every change goes through ``transaction``: it takes the write lock up front, and turns the
failures a coder can meet (another process holding the lock, a read-only file, a full disk, a
damaged file) into ``WriteFailed``, a ``StoreError`` whose message says what to do. Once a file
is known to be damaged, ``refuse_writes`` makes every later transaction on that connection fail
before it starts, so nothing more is written into it.
"""

from __future__ import annotations

import sqlite3
from contextlib import suppress
from pathlib import Path
from typing import TYPE_CHECKING

from reader.db.damage import Explained, damage_message, is_damage

if TYPE_CHECKING:
    from sqlite_utils import Database


class StoreError(Exception):
    """A change that was refused or could not be saved; the message is meant for the user.

    Defined here, below the Store, because the transaction itself turns a lock that never came
    free, a read-only file or a full disk into this error; ``reader.store`` re-exports it.
    """


class WriteFailed(StoreError, sqlite3.OperationalError):
    """A write SQLite refused (busy, read-only, disk full), explained in one line.

    Also an ``sqlite3.OperationalError``, so code that already reports SQLite errors (a batch
    import) keeps working and shows this clearer message.
    """


class DatabaseDamaged(WriteFailed, Explained):
    """A change that met a damaged page: rolled back, and the message says how to recover."""


def is_read_only(conn: sqlite3.Connection) -> bool:
    """True for a connection ``open_database`` opened read-only, or one that stopped saving
    because its file is damaged (every change will be refused), so a screen can say so up
    front instead of at the first key."""
    return refusal(conn) is not None or bool(conn.execute("PRAGMA query_only").fetchone()[0])


def refusal(conn: sqlite3.Connection) -> str | None:
    """Why every change on ``conn`` is refused (``refuse_writes``), or None."""
    return getattr(conn, "refusal", None)


def refuse_writes(conn: sqlite3.Connection, message: str) -> None:
    """From now on every transaction on ``conn`` fails with ``DatabaseDamaged(message)`` before
    it starts; reading goes on. ``PRAGMA query_only`` backs this up for a connection that cannot
    carry the message (one not made by ``reader.db.connect``)."""
    with suppress(AttributeError):
        conn.refusal = message  # type: ignore[attr-defined]
    if not conn.in_transaction:
        conn.execute("PRAGMA query_only = ON")


def database_file(conn: sqlite3.Connection) -> Path | None:
    """The main database file of ``conn``; None for an in-memory or temporary database."""
    for _, name, file in conn.execute("PRAGMA database_list").fetchall():
        if name == "main" and file:
            return Path(file)
    return None


def _database_file(conn: sqlite3.Connection) -> str:
    """The file a connection writes to, for messages."""
    try:
        path = database_file(conn)
    except sqlite3.Error:
        return "the database"
    return str(path) if path else "the database"


def write_error(conn: sqlite3.Connection, error: sqlite3.Error) -> sqlite3.Error:
    """``error`` as a one-line ``WriteFailed`` when the user can act on it, else unchanged.

    A lock that did not come free within the busy timeout means another nkreader is writing; a
    read-only file, a full disk or a damaged file each need the user to do something before
    trying again.
    """
    name = str(getattr(error, "sqlite_errorname", "") or "")
    text = str(error).lower()
    path = _database_file(conn)
    if is_damage(error):
        return DatabaseDamaged(damage_message(path, error))
    if name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")) or "locked" in text or "busy" in text:
        return WriteFailed(f"another nkreader process is busy writing to {path}; try again")
    if name.startswith("SQLITE_READONLY") or "readonly" in text:
        return WriteFailed(f"{path} is read-only: changes cannot be saved")
    if name == "SQLITE_FULL" or "disk is full" in text:
        return WriteFailed(f"{path}: the disk is full; free some space, then try again")
    return error


class transaction:
    """A write transaction that takes the write lock up front (``BEGIN IMMEDIATE``).

    A deferred transaction that reads and then writes can fail at once with "database is locked"
    when another process wrote in between; taking the lock first makes it wait (busy timeout)
    instead. A lock still held when the timeout ends, a read-only file or a full disk become a
    ``WriteFailed`` (a ``StoreError``) with a one-line message, after the rollback. A damaged
    page met on the way is a ``DatabaseDamaged``, and the connection refuses every later change
    (``refuse_writes``). Nested use becomes a savepoint. Takes a sqlite-utils ``Database`` or a
    bare connection.
    """

    def __init__(self, db: Database | sqlite3.Connection) -> None:
        self.conn = db if isinstance(db, sqlite3.Connection) else db.conn
        self.savepoint: str | None = None

    def __enter__(self) -> sqlite3.Connection:
        refused = refusal(self.conn)
        if refused is not None:
            raise DatabaseDamaged(refused)
        if self.conn.in_transaction:
            self.savepoint = f"sp_{id(self)}"
            self.conn.execute(f"SAVEPOINT {self.savepoint}")
        else:
            try:
                self.conn.execute("BEGIN IMMEDIATE")
            except sqlite3.DatabaseError as error:
                raise self._explained(error) from None
        return self.conn

    def _explained(self, error: sqlite3.DatabaseError) -> sqlite3.Error:
        """``write_error``'s one line for ``error``; damage also stops every later change."""
        translated = write_error(self.conn, error)
        if isinstance(translated, DatabaseDamaged):
            refuse_writes(self.conn, str(translated))
        return translated

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        if self.savepoint:
            if exc_type is not None and self.conn.in_transaction:
                self.conn.execute(f"ROLLBACK TO SAVEPOINT {self.savepoint}")
            if self.conn.in_transaction:
                self.conn.execute(f"RELEASE SAVEPOINT {self.savepoint}")
            return
        if exc_type is not None:
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            if isinstance(exc, sqlite3.DatabaseError) and not isinstance(exc, WriteFailed):
                translated = self._explained(exc)
                if translated is not exc:
                    raise translated from None
            return
        try:
            self.conn.execute("COMMIT")
        except BaseException as error:
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            if isinstance(error, sqlite3.DatabaseError) and not isinstance(error, WriteFailed):
                raise self._explained(error) from None
            raise
