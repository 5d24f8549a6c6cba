"""The event log read back: the log itself, and this coder's undo and redo.

Undo and redo are replayed from the log rather than kept in memory, which is why they survive a
restart; an undo or redo is itself an event, pointing at the one it reverts and of the same kind.
The ``kind`` column says how an event's ``before`` and ``after`` are put back: one annotation,
one sentence status, or a snapshot of several rows (a codebook change).
"""

from __future__ import annotations

import json
from typing import Any

from reader.db import StoreError, transaction
from reader.models import Event
from reader.store import rows
from reader.store.base import KIND_ANNOTATION, KIND_ROWS, KIND_STATUS, Param, StoreBase, now

EVENT_COLUMNS = (
    "id, at, annotator, action, entity, entity_id, article_id, sentence_id, before, after,"
    " reverts, kind"
)
"""Every column of ``events``, in ``Event``'s field order."""


def event_filter(
    annotator: str | None, article_id: int | None, table: str = ""
) -> tuple[str, list[Param]]:
    """A WHERE clause and its parameters selecting one coder's and/or one article's events.

    ``table`` is the alias the events table has in the caller's query (e.g. ``"e."``).
    """
    clauses: list[str] = []
    params: list[Param] = []
    if annotator:
        clauses.append(f"{table}annotator = ?")
        params.append(annotator)
    if article_id is not None:
        clauses.append(f"{table}article_id = ?")
        params.append(article_id)
    return (f"WHERE {' AND '.join(clauses)}" if clauses else ""), params


class HistoryMixin(StoreBase):
    """The event log, and undo and redo over this coder's changes."""

    def events(
        self, *, annotator: str | None = None, article_id: int | None = None, limit: int = 1000
    ) -> list[Event]:
        """The newest events first, optionally for one coder or one article."""
        where, params = event_filter(annotator, article_id)
        found = self.conn.execute(
            f"SELECT {EVENT_COLUMNS} FROM events {where} ORDER BY id DESC LIMIT ?",
            [*params, limit],
        ).fetchall()
        return [Event(*row) for row in found]

    def original_event(self, event: Event) -> Event:
        """The change behind ``event``: for an undo or a redo, the change it ultimately reverts
        or re-applies, followed back through ``reverts``; any other event itself. So redoing an
        added annotation is told as adding it, not as undoing an undo."""
        seen = {event.id}
        while event.action in ("undo", "redo") and event.reverts not in (None, *seen):
            row = self.conn.execute(
                f"SELECT {EVENT_COLUMNS} FROM events WHERE id = ?", [event.reverts]
            ).fetchone()
            if row is None:
                break
            event = Event(*row)
            seen.add(event.id)
        return event

    def _stacks(self) -> tuple[list[Event], list[Event]]:
        """This coder's undo and redo stacks, replayed from the event log."""
        found = self.conn.execute(
            f"SELECT {EVENT_COLUMNS} FROM events WHERE annotator = ? AND kind IS NOT NULL"
            " ORDER BY id",
            [self.annotator],
        ).fetchall()
        undo: list[Event] = []
        redo: list[Event] = []
        for event in (Event(*row) for row in found):
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

    def _put_back(self, event: Event, state: str | None) -> None:
        """Make what the event changed look like ``state``, one side of the event."""
        held: dict[str, Any] | None = json.loads(state) if state else None
        if event.kind == KIND_ROWS:
            if held is None:
                raise StoreError("this change cannot be undone: its record holds no rows")
            rows.restore(self.conn, rows.snapshot_tables(held))
        elif event.kind == KIND_ANNOTATION:
            assert event.entity_id is not None
            rows.put_annotation(self.conn, event.entity_id, held)
        elif event.kind == KIND_STATUS:
            assert event.sentence_id is not None
            rows.put_status(self.conn, event.sentence_id, event.annotator, held)
        else:
            raise StoreError(f"a change of kind {event.kind!r} cannot be undone")

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
            self._put_back(event, event.before)
            self.conn.execute(
                "INSERT INTO events (at, annotator, action, entity, entity_id, article_id,"
                " sentence_id, before, after, reverts, kind)"
                " SELECT ?, ?, ?, entity, entity_id, article_id, sentence_id, after, before, id,"
                " kind FROM events WHERE id = ?",
                [now(), self.annotator, action, event.id],
            )
        return event
