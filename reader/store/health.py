"""Whether the file is sound: the reader's background check, and saving stopped on damage.

A damaged page may lie anywhere, and a read meets it only when it touches that page; the reader
asks SQLite to walk the whole file (``PRAGMA quick_check``) once it is on screen, on a
connection of its own, and from the first sign of damage refuses every change rather than write
into the file. Reading goes on, so a coder can still look things up and export.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

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


class HealthMixin(StoreBase):
    """The background check and the switch that stops saving."""

    def damage_check_job(self) -> Callable[[], str | None] | None:
        """A job for a background thread: ``PRAGMA quick_check`` on a connection of its own;
        it returns the one line to show when the file is damaged, else None. None instead of a
        job for an in-memory database.

        The connection is a read-only one: ``mode=ro`` beside this Store's own (it shares its
        locks, so a commit made meanwhile is never half-seen), or, for a file this Store reads
        as read-only, the same kind of connection that opened it. A check that cannot run (the
        file went away, say) finds nothing: the reads themselves still report damage.
        """
        path = self.path
        if path is None:
            return None
        read_only = self.read_only

        def job() -> str | None:
            try:
                conn = open_for_reading(path) if read_only else connect(path, read_only=True)
            except sqlite3.Error as error:
                return self._damaged_message(path, error) if is_damage(error) else None
            try:
                problems = check_problems(conn)
            except sqlite3.Error as error:
                return self._damaged_message(path, error) if is_damage(error) else None
            finally:
                conn.close()
            if not problems:
                return None
            more = f" and {len(problems) - 1} more problems" if len(problems) > 1 else ""
            return self._damaged_message(path, problems[0] + more)

        return job

    @staticmethod
    def _damaged_message(path: Path, reason: object) -> str:
        return damage_message(path, reason, STOPPED)

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
