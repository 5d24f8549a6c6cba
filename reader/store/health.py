"""Whether the file is sound: the reader's background check, and saving stopped on damage.

A damaged page may lie anywhere, and a read meets it only when it touches that page; the reader
asks SQLite to walk the whole file (``PRAGMA quick_check``) once it is on screen, on a
connection of its own, and from the first sign of damage refuses every change rather than write
into the file. Reading goes on, so a coder can still look things up and export.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Self, TypeVar

from reader.db import (
    check_problems,
    connect,
    damage_message,
    is_damage,
    open_for_reading,
    refuse_writes,
)
from reader.store.base import StoreBase

STOPPED = "changes are no longer saved"
"""What happens once a damaged file is noticed, as the message says it."""

S = TypeVar("S", bound=StoreBase)


class DamageCheck:
    """``PRAGMA quick_check`` of one file, run on a background thread with ``run``, and stopped
    at once from any other thread with ``cancel``.

    On a large file the check takes seconds (about 6 s for 100,000 articles); a reader closed
    meanwhile must not wait for it, so ``cancel`` interrupts the statement in progress.
    """

    def __init__(self, path: Path, read_only: bool) -> None:
        self.path = path
        self.read_only = read_only
        self._lock = threading.Lock()
        self._conn: sqlite3.Connection | None = None
        self._cancelled = False

    def run(self) -> str | None:
        """The one line to show when the file is damaged, else None (also when the check was
        cancelled or could not run: the reads themselves still report damage).

        The connection is a read-only one: ``mode=ro`` beside the Store's own (it shares its
        locks, so a commit made meanwhile is never half-seen), or, for a file the Store reads as
        read-only, the same kind of connection that opened it.
        """
        try:
            conn = (
                open_for_reading(self.path)
                if self.read_only
                else connect(self.path, read_only=True)
            )
        except sqlite3.Error as error:
            return self._message(error) if is_damage(error) else None
        with self._lock:
            if self._cancelled:
                conn.close()
                return None
            self._conn = conn
        try:
            problems = check_problems(conn)
        except sqlite3.Error as error:  # "interrupted" when cancelled
            return self._message(error) if is_damage(error) else None
        finally:
            with self._lock:
                self._conn = None
                conn.close()
        if not problems or self._cancelled:
            return None
        more = f" and {len(problems) - 1} more problems" if len(problems) > 1 else ""
        return self._message(problems[0] + more)

    def cancel(self) -> None:
        """Stop the check: before it starts, or in the middle of its statement."""
        with self._lock:
            self._cancelled = True
            if self._conn is not None:
                self._conn.interrupt()

    def _message(self, reason: object) -> str:
        return damage_message(self.path, reason, STOPPED)


class HealthMixin(StoreBase):
    """The background check and the switch that stops saving."""

    def damage_check(self) -> DamageCheck | None:
        """A ``DamageCheck`` of this Store's file, to run on a background thread; None for an
        in-memory database."""
        path = self.path
        if path is None:
            return None
        return DamageCheck(path, self.read_only)

    def reading_copy(self) -> Callable[[], Self] | None:
        """A function that opens another Store on this file, only to read, for a background
        thread to call and then use: a SQLite connection belongs to the thread that opened it.
        The caller closes that Store. It reads what has been committed, as another process
        would; None for an in-memory database, which no other connection sees.

        Its connection is made as the damage check's is (``mode=ro`` beside this Store's own,
        sharing its locks; for a file this Store reads as read-only, the kind that opened it).
        """
        path = self.path
        if path is None:
            return None
        return partial(_open_copy, type(self), path, self.read_only, self.annotator)

    def damaged(self, reason: object) -> str:
        """The one line for damage met while reading (an error or a check's finding); saving
        stops (``stop_saving``)."""
        message = damage_message(self.path or "the database", reason, STOPPED)
        self.stop_saving(message)
        return message

    def stop_saving(self, message: str) -> None:
        """Refuse every change from now on with ``message`` (a ``StoreError``); reading goes
        on. Also stops the search index from being brought up to date."""
        refuse_writes(self.conn, message)


def _open_copy(kind: type[S], path: Path, read_only: bool, annotator: str) -> S:
    """A Store of ``kind`` on ``path`` that only reads (``HealthMixin.reading_copy``)."""
    conn = open_for_reading(path) if read_only else connect(path, read_only=True)
    return kind(conn, annotator)
