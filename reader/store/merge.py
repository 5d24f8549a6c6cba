"""Folding one actor into another, as one change that undo reverts exactly.

A merge rewrites several actors and annotations at once, so its event keeps a snapshot of every
row it touched (``reader.store.rows``); undo and redo put that snapshot back.
"""

from __future__ import annotations

import json
import sqlite3

from reader.db import StoreError, transaction
from reader.models import Actor
from reader.store import rows
from reader.store.base import KIND_ROWS, StoreBase
from reader.store.codebook import ACTOR_SELECT, actor_from_row
from reader.store.codebook_rules import fold


class MergeMixin(StoreBase):
    """``merge_actors``: one actor's name, aliases, children and annotations go to another."""

    def merge_actors(self, source_id: int, into_id: int) -> Actor:
        """Fold one actor into another, in one transaction that ``undo`` reverts exactly.

        The source's annotations move to the target, as actor or as speaker (one that would
        then repeat an annotation the target already has is removed), and so do the final
        layer's codes; its children get the
        target as parent, its name and aliases become the target's aliases, and the source is
        deleted.
        """
        if source_id == into_id:
            raise StoreError("an actor cannot be merged into itself")
        with transaction(self.conn):
            source = rows.row(self.conn, "actors", source_id)
            target = rows.row(self.conn, "actors", into_id)
            if source is None or target is None:
                raise StoreError(
                    f"actor {source_id if source is None else into_id} no longer exists"
                )
            ancestor: int | None = target["parent_id"]
            while ancestor is not None:
                if ancestor == source_id:
                    raise StoreError(
                        f"{target['name']!r} belongs to {source['name']!r}; merge the other way"
                    )
                ancestor = self._maybe_int("SELECT parent_id FROM actors WHERE id = ?", [ancestor])
            children = self._ids("SELECT id FROM actors WHERE parent_id = :id", source_id)
            moved = self._ids(
                "SELECT id FROM annotations WHERE actor_id = :id"
                " UNION SELECT id FROM annotations WHERE speaker_id = :id",
                source_id,
            )
            finals = self._ids(
                "SELECT id FROM final_annotations WHERE :id IN (actor_id, speaker_id)", source_id
            )
            before = rows.capture(
                self.conn,
                {
                    "actors": [source_id, into_id, *children],
                    "annotations": moved,
                    "final_annotations": finals,
                },
            )
            aliases = json.loads(target["aliases"])
            known = {fold(term) for term in (target["name"], *aliases)}
            for term in (source["name"], *json.loads(source["aliases"])):
                if fold(term) not in known:
                    known.add(fold(term))
                    aliases.append(term)
            self.conn.execute(
                "UPDATE actors SET aliases = ? WHERE id = ?", [json.dumps(aliases), into_id]
            )
            self.conn.execute(
                "UPDATE actors SET parent_id = ? WHERE parent_id = ?", [into_id, source_id]
            )
            removed: list[int] = []
            for annotation_id in moved:
                try:
                    self.conn.execute(
                        "UPDATE annotations SET"
                        " actor_id = CASE actor_id WHEN :source THEN :into ELSE actor_id END,"
                        " speaker_id = CASE speaker_id WHEN :source THEN :into ELSE speaker_id END"
                        " WHERE id = :id",
                        {"source": source_id, "into": into_id, "id": annotation_id},
                    )
                except sqlite3.IntegrityError:
                    self.conn.execute("DELETE FROM annotations WHERE id = ?", [annotation_id])
                    removed.append(annotation_id)
            # The final layer has no uniqueness to keep: its codes simply follow the actor.
            self.conn.execute(
                "UPDATE final_annotations SET"
                " actor_id = CASE actor_id WHEN :source THEN :into ELSE actor_id END,"
                " speaker_id = CASE speaker_id WHEN :source THEN :into ELSE speaker_id END"
                " WHERE :source IN (actor_id, speaker_id)",
                {"source": source_id, "into": into_id},
            )
            self.conn.execute("DELETE FROM actors WHERE id = ?", [source_id])
            after = rows.recapture(self.conn, before)
            self._log(
                "merge", "actor", source_id, kind=KIND_ROWS, before={"rows": before},
                after={"rows": after, "removed_duplicates": removed},
            )  # fmt: skip
        merged = self.conn.execute(f"{ACTOR_SELECT} WHERE id = ?", [into_id]).fetchone()
        return actor_from_row(merged)

    def _ids(self, sql: str, value: int) -> list[int]:
        return [int(row[0]) for row in self.conn.execute(sql + " ORDER BY id", {"id": value})]
