"""Telling a damaged database from other failures, and saying in one line how to recover.

A damaged page (a failing disk, a file copied while it was written, bytes overwritten) reaches
Python as ``sqlite3.DatabaseError`` ("database disk image is malformed", "file is not a
database") at whichever read or write first touches it, which may be long after the file was
opened. Every layer that meets one turns it into ``damage_message``: what is wrong, that nothing
was written, and the two ways back (a backup, or ``nkreader check --recover``).
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

__all__ = [
    "Explained",
    "check_problems",
    "damage_message",
    "is_damage",
    "latest_backup",
    "one_line",
]

_DAMAGE_CODES = ("SQLITE_CORRUPT", "SQLITE_NOTADB")
"""SQLite's result codes for a file whose pages do not make sense (extended codes included:
``SQLITE_CORRUPT_INDEX``, ``SQLITE_CORRUPT_VTAB``, ...)."""

_DAMAGE_TEXTS = ("malformed", "file is not a database")
"""The same, recognised by message, for errors raised without a code."""

_NOT_BACKUPS = ("-wal", "-shm", "-journal", ".partial")
"""Files that start like a backup's name but are a database's companions or a copy in progress."""


class Explained:
    """Marks an error whose message already explains the damage (``DatabaseDamaged``)."""


def is_damage(error: BaseException) -> bool:
    """Whether ``error`` is SQLite saying the file is damaged (not busy, full or read-only),
    or an ``Explained`` one: callers that report ``StoreError`` messages as they are check for
    those first."""
    if isinstance(error, Explained):
        return True
    if not isinstance(error, sqlite3.DatabaseError):
        return False
    name = str(getattr(error, "sqlite_errorname", "") or "")
    if name.startswith(_DAMAGE_CODES):
        return True
    text = str(error).lower()
    return any(part in text for part in _DAMAGE_TEXTS)


def one_line(reason: object) -> str:
    """An error or a check's finding as one line: SQLite's integrity reports span lines and
    start with a heading (``*** in database main ***``) that says nothing to a coder."""
    lines = [line.strip() for line in str(reason).splitlines()]
    return "; ".join(line for line in lines if line and not line.startswith("***"))


def latest_backup(path: Path) -> Path | None:
    """The newest automatic backup beside ``path`` (``NAME.bak-*``, made before a schema
    upgrade), or None. Backups a coder made elsewhere, or with ``nkreader backup``, are not
    known here."""
    try:
        candidates = [
            candidate
            for candidate in path.parent.glob(f"{glob_escape(path.name)}.bak-*")
            if not candidate.name.endswith(_NOT_BACKUPS) and candidate.is_file()
        ]
        return max(candidates, key=lambda candidate: candidate.stat().st_mtime_ns, default=None)
    except OSError:
        return None


def glob_escape(name: str) -> str:
    """``name`` with glob's special characters taken literally."""
    return "".join(f"[{char}]" if char in "*?[]" else char for char in name)


def damage_message(
    path: Path | str, reason: object, consequence: str = "nothing was written to it"
) -> str:
    """One line for a damaged database: what is wrong, ``consequence`` (what happened to the
    change at hand), and how to recover: a backup (the automatic one if there is one) or what
    ``nkreader check --recover`` can still read."""
    import shlex

    shown = str(path)
    where = one_line(reason) or "damaged"
    backup = latest_backup(Path(path)) if shown != "the database" else None
    if backup is not None:
        restore = (
            f"restore a backup you made, or the automatic one taken before its last schema "
            f"upgrade ({backup})"
        )
    else:
        restore = "restore a backup you made"
    salvage = f"nkreader check --db {shlex.quote(shown)} --recover NEW.db"
    return (
        f"{shown} is damaged ({where}); {consequence}. To recover, {restore}, or save what can "
        f"still be read with: {salvage}"
    )


def check_problems(conn: sqlite3.Connection, pragma: str = "quick_check") -> list[str]:
    """What ``PRAGMA quick_check`` (or ``integrity_check``) finds, one line each; empty when the
    file is sound.

    SQLite raises instead of reporting when the damage is in a table's first page; then each
    table is checked alone, so the report still names which ones cannot be read.
    """
    try:
        rows = conn.execute(f"PRAGMA {pragma}").fetchall()
    except sqlite3.DatabaseError as error:
        if not is_damage(error):
            raise
        return _problems_by_table(conn, pragma, error)
    found = [one_line(row[0]) for row in rows]
    return [] if found == ["ok"] else found


def _problems_by_table(
    conn: sqlite3.Connection, pragma: str, error: sqlite3.DatabaseError
) -> list[str]:
    try:
        tables = [
            row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        ]
    except sqlite3.DatabaseError as unreadable:
        return [f"the list of tables cannot be read ({one_line(unreadable)})"]
    problems: list[str] = []
    for table in tables:
        quoted = '"' + table.replace('"', '""') + '"'
        try:
            rows = conn.execute(f"PRAGMA {pragma}({quoted})").fetchall()
        except sqlite3.DatabaseError as failed:
            problems.append(f"table {table}: {one_line(failed)}")
            continue
        problems.extend(f"table {table}: {one_line(row[0])}" for row in rows if row[0] != "ok")
    return problems or [one_line(error)]
