"""The event log read back: the log itself, and this coder's undo and redo.

Undo and redo are replayed from the log rather than kept in memory, which is why they survive a
restart; an undo or redo is itself an event, pointing at the one it reverts.
"""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from reader.db import StoreError, transaction
from reader.models import Event
from reader.store.base import ANNOTATION_COLUMNS, EVENT_COLUMNS
from reader.store.coding import CodingMixin
from reader.store.merge import MergeMixin


class HistoryMixin(CodingMixin, MergeMixin):
    """The event log, and undo and redo over this coder's changes (statuses need ``CodingMixin``,
    merges ``MergeMixin``)."""

    def events(
        self, *, annotator: str | None = None, article_id: int | None = None, limit: int = 1000
    ) -> list[Event]:
        """The newest events first, optionally for one coder or one article."""
        where, params = event_filter(annotator, article_id)
        rows = self.conn.execute(
            f"SELECT {EVENT_COLUMNS} FROM events {where} ORDER BY id DESC LIMIT ?",
            [*params, limit],
        ).fetchall()
        return [Event(*row) for row in rows]

    def _stacks(self) -> tuple[list[Event], list[Event]]:
        """This coder's undo and redo stacks, replayed from the event log."""
        rows = self.conn.execute(
            f"SELECT {EVENT_COLUMNS} FROM events WHERE annotator = ?"
            " AND action IN ('add', 'edit', 'delete', 'status', 'merge', 'undo', 'redo')"
            " AND (entity IN ('annotation', 'sentence_status')"
            " OR (entity = 'actor' AND (action = 'merge' OR before LIKE '{\"merge\":%'"
            " OR after LIKE '{\"merge\":%'))) ORDER BY id",
            [self.annotator],
        ).fetchall()
        undo: list[Event] = []
        redo: list[Event] = []
        for event in (Event(*row) for row in rows):
            if event.action == "undo":
                if undo:
                    redo.append(event)
                    undo.pop()
            elif event.action == "redo":
                if redo:
                    redo.pop()
                    undo.append(event)
            else:
                undo.append(event)
                redo.clear()
        return undo, redo

    def _apply_state(self, event: Event, row_json: str | None) -> None:
        """Make the event's entity look like ``row_json`` (None: absent)."""
        row = json.loads(row_json) if row_json else None
        if event.entity == "actor":
            assert row is not None
            self._apply_snapshot(row)
        elif event.entity == "annotation":
            self.conn.execute("DELETE FROM annotations WHERE id = ?", [event.entity_id])
            if row is not None:
                try:
                    self.conn.execute(
                        f"INSERT INTO annotations ({ANNOTATION_COLUMNS}) VALUES (:id,"
                        " :sentence_id, :actor_id, :stance_id, :target_id, :note, :annotator,"
                        " :created_at, :updated_at)",
                        row,
                    )
                except sqlite3.IntegrityError:
                    raise StoreError(
                        "cannot restore the annotation: the same one was added again since"
                    ) from None
        else:
            assert event.sentence_id is not None
            self._put_status(event.sentence_id, row)

    def undo(self) -> Event | None:
        """Revert this coder's last change; returns the event it undid, or None if none is left."""
        return self._step_back("undo")

    def redo(self) -> Event | None:
        """Re-apply the change most recently undone; returns the undo event it reversed."""
        return self._step_back("redo")

    def _step_back(self, action: str) -> Event | None:
        """Restore the state before the top event of the undo (or redo) stack, and log it.

        Undo and redo are the same move: an undo event's ``before`` is the undone change's
        ``after``, so redoing restores it exactly.
        """
        with transaction(self.conn):
            undo, redo = self._stacks()
            stack = undo if action == "undo" else redo
            if not stack:
                return None
            event = stack[-1]
            self._apply_state(event, event.before)
            self._log(
                action,
                event.entity,
                event.entity_id,
                event.article_id,
                event.sentence_id,
                _load(event.after),
                _load(event.before),
                reverts=event.id,
            )
        return event


def event_filter(
    annotator: str | None, article_id: int | None, table: str = ""
) -> tuple[str, list[Any]]:
    """A WHERE clause and its parameters selecting one coder's and/or one article's events.

    ``table`` is the alias the events table has in the caller's query (e.g. ``"e."``).
    """
    clauses: list[str] = []
    params: list[Any] = []
    if annotator:
        clauses.append(f"{table}annotator = ?")
        params.append(annotator)
    if article_id is not None:
        clauses.append(f"{table}article_id = ?")
        params.append(article_id)
    return (f"WHERE {' AND '.join(clauses)}" if clauses else ""), params


def _load(value: str | None) -> dict[str, Any] | None:
    return json.loads(value) if value else None
