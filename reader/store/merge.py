"""Folding one actor into another, and putting the rows a merge touched back as they were.

A merge rewrites several actors and annotations at once, so its event stores a snapshot of every row
it touched; undo and redo restore such a snapshot instead of a single row.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from typing import Any

from reader.db import StoreError, transaction
from reader.models import Actor
from reader.store.base import ANNOTATION_COLUMNS
from reader.store.codebook import CodebookMixin, _actor


class MergeMixin(CodebookMixin):
    """``merge_actors`` and the snapshot writer that undo and redo of a merge use."""

    def merge_actors(self, source_id: int, into_id: int) -> Actor:
        """Fold one actor into another, in one transaction that ``undo`` reverts exactly.

        The source's annotations move to the target (one that would then repeat an annotation
        the target already has is removed), its children get the target as parent, its name and
        aliases become the target's aliases, and the source is deleted.
        """
        if source_id == into_id:
            raise StoreError("an actor cannot be merged into itself")
        with transaction(self.conn):
            source, target = self._actor_row(source_id), self._actor_row(into_id)
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
                ancestor = self._one("SELECT parent_id FROM actors WHERE id = ?", [ancestor])
            children = [
                self._actor_row(int(i))
                for (i,) in self.conn.execute(
                    "SELECT id FROM actors WHERE parent_id = ? ORDER BY id", [source_id]
                )
            ]
            moved = [
                self._annotation_row(int(i))
                for (i,) in self.conn.execute(
                    "SELECT id FROM annotations WHERE actor_id = ? ORDER BY id", [source_id]
                )
            ]
            before = _snapshot([source, target, *children], moved)
            target_terms = [target["name"], *json.loads(target["aliases"])]
            known = {t.casefold() for t in target_terms}
            aliases = json.loads(target["aliases"])
            for term in (source["name"], *json.loads(source["aliases"])):
                if term.casefold() not in known:
                    known.add(term.casefold())
                    aliases.append(term)
            self.conn.execute(
                "UPDATE actors SET aliases = ? WHERE id = ?", [json.dumps(aliases), into_id]
            )
            self.conn.execute(
                "UPDATE actors SET parent_id = ? WHERE parent_id = ?", [into_id, source_id]
            )
            removed: list[int] = []
            for row in moved:
                assert row is not None
                try:
                    self.conn.execute(
                        "UPDATE annotations SET actor_id = ? WHERE id = ?", [into_id, row["id"]]
                    )
                except sqlite3.IntegrityError:
                    self.conn.execute("DELETE FROM annotations WHERE id = ?", [row["id"]])
                    removed.append(row["id"])
            self.conn.execute("DELETE FROM actors WHERE id = ?", [source_id])
            after = _snapshot(
                [
                    None,
                    self._actor_row(into_id),
                    *(self._actor_row(c["id"]) for c in children if c),
                ],
                [self._annotation_row(r["id"]) for r in moved if r],
                ids=before,
            )
            after["removed_duplicates"] = removed
            self._log("merge", "actor", source_id, None, None, before, after)
        merged = self._actor_row(into_id)
        assert merged is not None
        return _actor(tuple(merged.values()))

    def _apply_snapshot(self, state: dict[str, Any]) -> None:
        """Make the actors and annotations a merge touched look as ``state`` records them.

        Rows are written before rows are deleted, so a restored actor exists before annotations
        and children point back at it, and is deleted only once nothing points at it.
        """
        merge = state["merge"]
        for _, row in merge["actors"]:
            if row is not None:
                self.conn.execute(
                    "INSERT INTO actors (id, name, kind, aliases, parent_id, description)"
                    " VALUES (:id, :name, :kind, :aliases, :parent_id, :description)"
                    " ON CONFLICT (id) DO UPDATE SET name = excluded.name, kind = excluded.kind,"
                    " aliases = excluded.aliases, parent_id = excluded.parent_id,"
                    " description = excluded.description",
                    row,
                )
        for annotation_id, row in merge["annotations"]:
            self.conn.execute("DELETE FROM annotations WHERE id = ?", [annotation_id])
            if row is not None:
                self.conn.execute(
                    f"INSERT INTO annotations ({ANNOTATION_COLUMNS}) VALUES (:id,"
                    " :sentence_id, :actor_id, :stance_id, :target_id, :note, :annotator,"
                    " :created_at, :updated_at)",
                    row,
                )
        for actor_id, row in merge["actors"]:
            if row is None:
                self.conn.execute("DELETE FROM actors WHERE id = ?", [actor_id])


def _snapshot(
    actors: Sequence[dict[str, Any] | None],
    annotations: Sequence[dict[str, Any] | None],
    ids: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Rows a merge touches, as ``{"merge": {"actors": [[id, row]], "annotations": [...]}}``.

    ``ids`` (the state before) gives the ids in the same order where a row is now ``None``.
    """

    def pairs(table: str, rows: Sequence[dict[str, Any] | None]) -> list[list[Any]]:
        if ids is None:
            return [[row["id"], row] for row in rows if row is not None]
        return [[i, row] for (i, _), row in zip(ids["merge"][table], rows, strict=True)]

    return {
        "merge": {
            "actors": pairs("actors", actors),
            "annotations": pairs("annotations", annotations),
        }
    }
