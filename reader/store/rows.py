"""Rows as the event log records them, and snapshots of several rows that undo puts back.

Every change is logged with the rows it touched before and after, so that undo and redo can
restore either side exactly. One annotation or one sentence status is kept as its row; a change
that touches several rows of several tables (an actor merge, a codebook import, an actor deleted
with children) is kept as a snapshot: ``{"rows": {table: [[id, row or null], ...]}}``. These
functions work on a connection inside the caller's transaction and are shared by every part of
the Store.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from reader.db import StoreError

__all__ = [
    "COLUMNS",
    "Row",
    "Snapshot",
    "capture",
    "capture_statuses",
    "put_annotation",
    "put_status",
    "recapture",
    "restore",
    "row",
    "snapshot_tables",
    "status_row",
]

Row = dict[str, Any]
"""One row as a column → value mapping, the way events store it (JSON)."""

Snapshot = dict[str, list[list[Any]]]
"""``{table: [[id, row or None], ...]}``: the rows of a multi-row change, in a fixed order."""

COLUMNS: dict[str, tuple[str, ...]] = {
    "actors": ("id", "name", "kind", "aliases", "parent_id", "description"),
    "stances": ("id", "key", "label", "description", "score", "position"),
    "targets": ("id", "name", "description"),
    "annotations": (
        "id", "sentence_id", "actor_id", "stance_id", "target_id", "note", "annotator",
        "created_at", "updated_at", "speaker_id", "start", "end",
    ),
    "final_decisions": ("id", "adjudicator", "decided_at", "reason", "source_coder"),
    "final_annotations": (
        "id", "sentence_id", "actor_id", "stance_id", "target_id", "note", "speaker_id",
    ),
}  # fmt: skip
"""The tables a snapshot may hold, with every column, in the order they are restored."""

STATUS_COLUMNS = ("sentence_id", "annotator", "status", "updated_at")


def _select(table: str) -> str:
    return f"SELECT {', '.join(_quoted(COLUMNS[table]))} FROM {table} WHERE id = ?"


def _quoted(columns: Iterable[str]) -> list[str]:
    return [f'"{column}"' for column in columns]


def row(conn: sqlite3.Connection, table: str, row_id: int) -> Row | None:
    """The row of ``table`` with this id, every column, or None."""
    found = conn.execute(_select(table), [row_id]).fetchone()
    return dict(zip(COLUMNS[table], found, strict=True)) if found else None


def status_row(conn: sqlite3.Connection, sentence_id: int, annotator: str) -> Row | None:
    """The coder's status row for the sentence, or None."""
    found = conn.execute(
        f"SELECT {', '.join(STATUS_COLUMNS)} FROM sentence_status"
        " WHERE sentence_id = ? AND annotator = ?",
        [sentence_id, annotator],
    ).fetchone()
    return dict(zip(STATUS_COLUMNS, found, strict=True)) if found else None


def put_status(
    conn: sqlite3.Connection, sentence_id: int, annotator: str, status: Row | None
) -> None:
    """Make the coder's status of the sentence ``status`` (None: no status)."""
    if status is None:
        conn.execute(
            "DELETE FROM sentence_status WHERE sentence_id = ? AND annotator = ?",
            [sentence_id, annotator],
        )
    else:
        conn.execute(
            "INSERT OR REPLACE INTO sentence_status (sentence_id, annotator, status, updated_at)"
            " VALUES (:sentence_id, :annotator, :status, :updated_at)",
            status,
        )


def put_annotation(conn: sqlite3.Connection, annotation_id: int, annotation: Row | None) -> None:
    """Make the annotation with this id look like ``annotation`` (None: absent)."""
    conn.execute("DELETE FROM annotations WHERE id = ?", [annotation_id])
    if annotation is not None:
        try:
            _insert(conn, "annotations", annotation)
        except sqlite3.IntegrityError:
            raise StoreError(
                "cannot restore the annotation: the same one was added again since"
            ) from None


def _insert(conn: sqlite3.Connection, table: str, values: Row) -> None:
    columns = [column for column in COLUMNS[table] if column in values]
    names = ", ".join(_quoted(columns))
    marks = ", ".join(f":{column}" for column in columns)
    updates = ", ".join(f'"{c}" = excluded."{c}"' for c in columns if c != "id")
    conn.execute(
        f"INSERT INTO {table} ({names}) VALUES ({marks}) ON CONFLICT (id) DO UPDATE SET {updates}",
        values,
    )


# -- snapshots ----------------------------------------------------------------------------------


def capture(conn: sqlite3.Connection, ids: Mapping[str, Iterable[int]]) -> Snapshot:
    """The current rows of these ids, per table (a missing row is recorded as None)."""
    return {
        table: [[row_id, row(conn, table, row_id)] for row_id in dict.fromkeys(ids[table])]
        for table in COLUMNS
        if table in ids
    }


def recapture(conn: sqlite3.Connection, before: Snapshot) -> Snapshot:
    """The same rows as ``before`` (same tables, same ids, same order), as they are now."""
    return capture(conn, {table: [pair[0] for pair in pairs] for table, pairs in before.items()})


def snapshot_tables(state: Mapping[str, Any]) -> Snapshot:
    """The snapshot an event's ``before`` or ``after`` holds.

    Actor merges logged by earlier versions kept it under ``"merge"`` rather than ``"rows"``.
    """
    held = state.get("rows", state.get("merge"))
    if not isinstance(held, dict):
        raise StoreError("this change cannot be undone: its record holds no rows")
    return held


def capture_statuses(conn: sqlite3.Connection, keys: Iterable[tuple[int, str]]) -> list[list[Any]]:
    """Sentence statuses for a snapshot's ``"sentence_status"`` entry: ``[[sentence id,
    annotator], row or None]`` (the table has no id of its own)."""
    return [[[sid, who], status_row(conn, sid, who)] for sid, who in keys]


def restore(conn: sqlite3.Connection, snapshot: Snapshot) -> None:
    """Make every row the snapshot names look as it records it, inside the caller's transaction.

    Rows come back before rows go, so that whatever points at a restored row finds it: actors
    first without their parents (a parent may be restored in the same step), then their parents,
    stances, targets and annotations; rows recorded as absent are deleted last, annotations
    before what they point at. A row that something newer still needs (an actor another coder
    has since used, say) stops the whole step with a ``StoreError``.
    """
    try:
        for table in COLUMNS:
            for row_id, values in snapshot.get(table, []):
                if values is None:
                    continue
                if table == "annotations":
                    put_annotation(conn, row_id, values)
                elif table == "actors":
                    _insert(conn, table, {**values, "parent_id": None})
                else:
                    _insert(conn, table, values)
        for row_id, values in snapshot.get("actors", []):
            if values is not None:
                conn.execute(
                    "UPDATE actors SET parent_id = ? WHERE id = ?", [values["parent_id"], row_id]
                )
        for table in reversed(COLUMNS):
            gone = [row_id for row_id, values in snapshot.get(table, []) if values is None]
            _delete(conn, table, gone)
        for (sentence_id, annotator), values in snapshot.get("sentence_status", []):
            put_status(conn, sentence_id, annotator, values)
    except sqlite3.IntegrityError as error:
        raise StoreError(
            f"this change cannot be undone: a later change still depends on it ({error})"
        ) from None


def _delete(conn: sqlite3.Connection, table: str, ids: Sequence[int]) -> None:
    for row_id in ids:
        conn.execute(f"DELETE FROM {table} WHERE id = ?", [row_id])
