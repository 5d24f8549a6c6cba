"""``nkreader check``: is a file sound, and saving what can still be read from a damaged one.

The damaged file is only ever read, through ``open_for_reading`` (nothing is created beside
it). The rows that can be read go into a new database with the current schema, table by table
and in ranges of rowids: a read that meets a damaged page fails, and the ranges around it are
narrowed until only the rows on that page are left behind, so one bad page loses only its rows.
Rows are read from the tables themselves, never through an index, so a damaged index loses
nothing. The new file is written under a temporary name and renamed into place once complete.
"""

from __future__ import annotations

import os
import secrets
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import cast

from reader.db import schema
from reader.db.connection import (
    SQLITE_HEADER,
    applied_steps,
    companion,
    connect,
    open_for_reading,
    table_names,
)
from reader.db.damage import check_problems, is_damage, one_line

__all__ = [
    "RecoveryError",
    "Salvage",
    "TableSalvage",
    "integrity_problems",
    "recover",
    "rows",
]

LOWEST = -(2**63)
HIGHEST = 2**63 - 1
"""The smallest and largest rowid SQLite allows."""

BATCH = 500
"""Rows read and written at a time while nothing fails."""

NOT_COPIED = {"_sqlite_migrations", "search_index", "shingle_bands", "shingle_index"}
"""Tables the new database fills itself: the schema steps it had, the search index mark (left
at zero, so the reader indexes the saved articles again), and the near-duplicate index and its
mark (left at zero, so the next import keys the saved articles again; ``shingle_bands`` has no
rowid to copy by)."""

_DAMAGED = object()
"""What ``_TableCopy._first`` returns when the way to the next row is damaged."""


class RecoveryError(Exception):
    """A recovery that cannot start or could not be finished; the message is for the user."""


def integrity_problems(path: Path) -> list[str]:
    """What ``PRAGMA integrity_check`` finds in ``path``, one line each; empty when it is sound.

    The file is only read, through a connection that creates nothing beside it. A file whose
    list of tables cannot be read at all gives one line saying so.
    """
    _require_sqlite(path)
    try:
        conn = open_for_reading(path)
    except sqlite3.DatabaseError as error:
        if isinstance(error, sqlite3.OperationalError) and not is_damage(error):
            raise RecoveryError(f"{path}: cannot open the database ({error})") from None
        return [f"the database cannot be read ({one_line(error)})"]
    try:
        return check_problems(conn, "integrity_check")
    finally:
        conn.close()


def _require_sqlite(path: Path) -> None:
    """Refuse a file that is not SQLite at all, rather than call it damaged."""
    try:
        with path.open("rb") as handle:
            header = handle.read(len(SQLITE_HEADER))
    except OSError as error:
        reason = error.strerror or str(error)
        raise RecoveryError(f"{path}: cannot read the file ({reason})") from None
    if header != SQLITE_HEADER:
        raise RecoveryError(f"{path} is not a SQLite database; there is nothing to check")


@dataclass
class TableSalvage:
    """What was saved of one table."""

    table: str
    saved: int = 0
    """Rows copied into the new database."""
    unreadable: list[tuple[int, int]] = field(default_factory=list)
    """Rowid ranges (inclusive) whose rows could not be read."""
    refused: int = 0
    """Rows read but refused by the new database (a value its schema does not allow)."""

    def lost(self, low: int, high: int) -> None:
        """Note that the rows from ``low`` to ``high`` could not be read (ranges that touch are
        shown as one)."""
        merged: list[tuple[int, int]] = []
        for first, last in sorted([*self.unreadable, (low, high)]):
            if merged and first <= merged[-1][1] + 1:
                merged[-1] = (merged[-1][0], max(merged[-1][1], last))
            else:
                merged.append((first, last))
        self.unreadable = merged

    def summary(self) -> str:
        """One line: ``sentences: 1,204 rows saved; rows with ids 45-61 could not be read``."""
        text = f"{self.table}: {rows(self.saved)} saved"
        if self.unreadable == [(LOWEST, HIGHEST)]:
            text += "; none of its rows could be read"
        elif self.unreadable:
            ranges = ", ".join(_shown_range(low, high) for low, high in self.unreadable[:3])
            extra = len(self.unreadable) - 3
            more = f" and {extra} more ranges" if extra > 0 else ""
            text += f"; rows with {ranges}{more} could not be read"
        if self.refused:
            text += f"; {rows(self.refused)} did not fit the current schema"
        return text


def rows(count: int) -> str:
    """``1 row``, ``2 rows``."""
    return f"{count} row" if count == 1 else f"{count} rows"


def _shown_range(low: int, high: int) -> str:
    if low <= LOWEST:
        return f"ids up to {high}"
    if high >= HIGHEST:
        return f"ids from {low} on"
    return f"id {low}" if low == high else f"ids {low}-{high}"


@dataclass
class Salvage:
    """What ``recover`` saved, table by table."""

    tables: list[TableSalvage]
    orphans: int
    """Saved rows that refer to a row that was lost (``PRAGMA foreign_key_check``)."""
    schema_guessed: bool
    """The damaged file's schema steps could not be read; it was taken to be current."""

    @property
    def saved(self) -> int:
        return sum(table.saved for table in self.tables)

    @property
    def complete(self) -> bool:
        """Every row was read and saved."""
        return not any(table.unreadable or table.refused for table in self.tables)


def recover(source: Path, out: Path) -> Salvage:
    """Copy every readable row of ``source`` into a new database ``out`` with the current
    schema; ``source`` is only read. An existing ``out`` is replaced, whole, only at the end.

    Raises ``RecoveryError`` when nothing can be read (the list of tables is damaged), when the
    file is not an nkreader database or is from a newer nkreader, or when ``out`` cannot be
    written.
    """
    _require_sqlite(source)
    try:
        src = open_for_reading(source)
    except sqlite3.DatabaseError as error:
        if isinstance(error, sqlite3.OperationalError) and not is_damage(error):
            raise RecoveryError(f"{source}: cannot open the database ({error})") from None
        raise RecoveryError(_unreadable(source, error)) from None
    try:
        steps, guessed = _source_steps(source, src)
        temporary = out.with_name(f".{out.name}.{secrets.token_hex(4)}.tmp")
        try:
            salvage = _copy_into(src, temporary, steps, guessed)
            os.replace(temporary, out)
        except BaseException as error:
            for suffix in ("", "-wal", "-shm", "-journal"):
                companion(temporary, suffix).unlink(missing_ok=True)
            if isinstance(error, OSError | sqlite3.OperationalError):
                raise RecoveryError(
                    f"{out}: cannot write the recovered database ({error})"
                ) from None
            raise
        return salvage
    finally:
        src.close()


def _unreadable(source: Path, error: BaseException) -> str:
    return (
        f"{source}: nothing can be recovered, even its list of tables is damaged "
        f"({one_line(error)}); restore a backup"
    )


def _source_steps(source: Path, src: sqlite3.Connection) -> tuple[int, bool]:
    """How many of today's schema steps the damaged file had, and whether that was a guess
    (its record of steps cannot be read: then it is taken to be current)."""
    try:
        tables = table_names(src)
    except sqlite3.DatabaseError as error:
        raise RecoveryError(_unreadable(source, error)) from None
    known = schema.step_names()
    try:
        applied = applied_steps(src, tables)
    except sqlite3.DatabaseError as error:
        if isinstance(error, sqlite3.OperationalError) and not is_damage(error):
            raise
        return len(known), True
    if "articles" not in tables and not applied:
        raise RecoveryError(f"{source} is not an nkreader database; nothing to recover")
    if applied != known[: len(applied)]:
        raise RecoveryError(
            f"{source} was written by a newer nkreader (schema {applied[-1]}); "
            "upgrade nkreader to recover it"
        )
    return (len(applied) or len(known)), not applied


def _copy_into(src: sqlite3.Connection, target: Path, steps: int, guessed: bool) -> Salvage:
    """Make ``target`` with the first ``steps`` schema steps, copy the rows, then apply the
    later steps, so rows from an older file are upgraded the way an open would upgrade them."""
    from sqlite_utils import Database

    dst = connect(target)
    try:
        db = Database(dst)
        schema.build_migrations(schema.STEPS[:steps]).apply(db)
        dst.execute("PRAGMA foreign_keys = OFF")  # rows whose parents were lost are kept
        dst.execute("BEGIN")
        copies = [
            _TableCopy(src, dst, table, columns).run()
            for table, columns in _tables_to_copy(src, dst)
        ]
        dst.execute("COMMIT")
        schema.build_migrations().apply(db)
        orphans = len(dst.execute("PRAGMA foreign_key_check").fetchall())
        problems = check_problems(dst, "integrity_check")
        if problems:
            raise sqlite3.OperationalError(f"the new database fails its check: {problems[0]}")
        dst.execute("PRAGMA journal_mode = DELETE")  # one self-contained file
    finally:
        dst.close()
    return Salvage(copies, orphans, guessed)


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _tables_to_copy(
    src: sqlite3.Connection, dst: sqlite3.Connection
) -> list[tuple[str, list[str]]]:
    """Each ordinary table of the new database that the damaged file also has, with the columns
    both have (in the new table's order). Virtual tables and their shadow tables (the search
    index) are left out: the reader rebuilds the index."""
    kinds = {name: kind for _, name, kind, *_ in dst.execute("PRAGMA main.table_list")}
    tables = [
        name
        for (name,) in dst.execute("SELECT name FROM sqlite_master ORDER BY rowid")
        if kinds.get(name) == "table" and not name.startswith("sqlite_") and name not in NOT_COPIED
    ]
    chosen: list[tuple[str, list[str]]] = []
    for table in tables:
        wanted = [row[1] for row in dst.execute(f"PRAGMA table_info({_quoted(table)})")]
        try:
            present = {row[1] for row in src.execute(f"PRAGMA table_info({_quoted(table)})")}
        except sqlite3.DatabaseError as error:
            if isinstance(error, sqlite3.OperationalError) and not is_damage(error):
                raise
            present = set()
        columns = [column for column in wanted if column in present]
        if columns:
            chosen.append((table, columns))
    return chosen


class _TableCopy:
    """Copies one table's readable rows, narrowing in on the damaged parts."""

    def __init__(
        self, src: sqlite3.Connection, dst: sqlite3.Connection, table: str, columns: Sequence[str]
    ) -> None:
        self.src = src
        self.dst = dst
        names = ", ".join(_quoted(column) for column in columns)
        table_sql = _quoted(table)
        where = "WHERE rowid >= ? AND rowid <= ? ORDER BY rowid"
        self.select = f"SELECT rowid, {names} FROM {table_sql} {where} LIMIT ?"
        self.probe = f"SELECT rowid FROM {table_sql} {where} LIMIT 1"
        marks = ", ".join("?" * len(columns))
        self.insert = f"INSERT OR IGNORE INTO {table_sql} ({names}) VALUES ({marks})"
        self.result = TableSalvage(table)

    def run(self) -> TableSalvage:
        self._copy(LOWEST, HIGHEST)
        return self.result

    def _rows(self, low: int, high: int, limit: int) -> list[tuple[object, ...]] | None:
        """Up to ``limit`` rows from ``low`` to ``high``; None when a damaged page is met."""
        try:
            return self.src.execute(self.select, (low, high, limit)).fetchall()
        except sqlite3.DatabaseError as error:
            if isinstance(error, sqlite3.OperationalError) and not is_damage(error):
                raise
            return None

    def _first(self, low: int, high: int) -> object:
        """The first rowid from ``low`` to ``high``, None if there is none, ``_DAMAGED`` when
        the way to it is damaged."""
        try:
            row = self.src.execute(self.probe, (low, high)).fetchone()
        except sqlite3.DatabaseError as error:
            if isinstance(error, sqlite3.OperationalError) and not is_damage(error):
                raise
            return _DAMAGED
        return None if row is None else int(row[0])

    def _save(self, rows: list[tuple[object, ...]]) -> None:
        before = self.dst.total_changes
        self.dst.executemany(self.insert, [row[1:] for row in rows])
        saved = self.dst.total_changes - before
        self.result.saved += saved
        self.result.refused += len(rows) - saved

    def _copy(self, low: int, high: int) -> None:
        """Copy the readable rows with rowids from ``low`` to ``high``."""
        position: int | None = low
        while position is not None and position <= high:
            rows = self._rows(position, high, BATCH)
            if rows is None:
                position = self._copy_carefully(position, high)
                continue
            self._save(rows)
            if len(rows) < BATCH:
                return
            position = cast(int, rows[-1][0]) + 1

    def _copy_carefully(self, position: int, high: int) -> int | None:
        """Row by row past a damaged part (up to a batch's worth); where to go on from, or
        None when nothing readable is left up to ``high``."""
        for _ in range(BATCH):
            if position > high:
                return None
            found = self._first(position, high)
            if found is None:
                return None
            if found is _DAMAGED:
                return self._skip_damage(position, high)
            assert isinstance(found, int)
            row = self._rows(found, found, 1)
            if row is None:
                self.result.lost(found, found)  # its record or its overflow page is damaged
            else:
                self._save(row)
            position = found + 1
        return position

    def _skip_damage(self, position: int, high: int) -> int | None:
        """The way to the first row at or after ``position`` is damaged: find, in steps that
        double, the nearest point from which rows can be reached again, save what can be read
        between the last failing point and it, and return it (None: nothing readable up to
        ``high``)."""
        failed = position
        step = 1
        while True:
            point = min(position + step, high)
            if point <= failed:
                self.result.lost(position, high)
                return None
            if self._first(point, high) is not _DAMAGED:
                break
            failed = point
            step *= 2
        self.result.lost(position, failed)
        if failed + 1 <= point - 1:
            self._copy(failed + 1, point - 1)
        return point
