"""The codebook (actors, stances, targets): reading it and editing it from the codebook screen.

Names are unique ignoring case, so a coder never has to tell two near-identical actors apart in the
picker; every edit is logged with the row before and after.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Sequence
from typing import Any

from reader.db import StoreError, transaction
from reader.models import ACTOR_KINDS, MAX_STANCES, Actor, Codebook, Stance, Target
from reader.store.base import StoreBase


class CodebookMixin(StoreBase):
    """Reads and edits of actors, stances and targets (merging actors lives in ``merge``)."""

    def actors(self) -> list[Actor]:
        rows = self.conn.execute(
            "SELECT id, name, kind, aliases, parent_id, description FROM actors ORDER BY name"
        ).fetchall()
        return [_actor(row) for row in rows]

    def stances(self) -> list[Stance]:
        rows = self.conn.execute(
            "SELECT id, key, label, score, position, description FROM stances ORDER BY position, id"
        ).fetchall()
        return [Stance(*row) for row in rows]

    def targets(self) -> list[Target]:
        rows = self.conn.execute("SELECT id, name, description FROM targets ORDER BY id").fetchall()
        return [Target(*row) for row in rows]

    def codebook(self) -> Codebook:
        return Codebook(tuple(self.actors()), tuple(self.stances()), tuple(self.targets()))

    def add_actor(
        self, name: str, kind: str, aliases: Iterable[str] = (), parent_id: int | None = None
    ) -> Actor:
        """Create an actor (from the actor picker or the codebook screen); refuses a name or alias
        that another actor already uses, ignoring case."""
        name, alias_list = _clean_actor(name, kind, aliases)
        with transaction(self.conn):
            self._check_actor(None, name, alias_list, parent_id)
            cursor = self.conn.execute(
                "INSERT INTO actors (name, kind, aliases, parent_id) VALUES (?, ?, ?, ?)",
                [name, kind, json.dumps(alias_list), parent_id],
            )
            actor_id = int(cursor.lastrowid or 0)
            self._log(
                "add",
                "actor",
                actor_id,
                None,
                None,
                None,
                {"name": name, "kind": kind, "aliases": alias_list, "parent_id": parent_id},
            )
        return Actor(actor_id, name, kind, tuple(alias_list), parent_id)

    # -- codebook editing -------------------------------------------------------------------

    def _actor_row(self, actor_id: int) -> dict[str, Any] | None:
        row = self.conn.execute(
            "SELECT id, name, kind, aliases, parent_id, description FROM actors WHERE id = ?",
            [actor_id],
        ).fetchone()
        if row is None:
            return None
        keys = ("id", "name", "kind", "aliases", "parent_id", "description")
        return dict(zip(keys, row, strict=True))

    def _check_actor(
        self, actor_id: int | None, name: str, aliases: Sequence[str], parent_id: int | None
    ) -> None:
        """Refuse a name or alias another actor uses (ignoring case), and a parent cycle."""
        owners: dict[str, str] = {}
        for other_id, other_name, other_aliases in self.conn.execute(
            "SELECT id, name, aliases FROM actors"
        ):
            if other_id != actor_id:
                for term in (other_name, *json.loads(other_aliases or "[]")):
                    owners.setdefault(term.casefold(), other_name)
        seen = {name.casefold()}
        for term in (name, *aliases):
            owner = owners.get(term.casefold())
            if owner is not None:
                what = "name" if term == name else "alias"
                raise StoreError(f"the {what} {term!r} is already used by actor {owner!r}")
            if term is not name and term.casefold() in seen:
                raise StoreError(f"the alias {term!r} is listed twice or repeats the name")
            seen.add(term.casefold())
        if parent_id is None:
            return
        chain = [name]
        current: int | None = parent_id
        while current is not None:
            row = self.conn.execute(
                "SELECT name, parent_id FROM actors WHERE id = ?", [current]
            ).fetchone()
            if row is None:
                raise StoreError(f"no actor with id {current} to be the parent")
            if current == actor_id:
                shown = " -> ".join([*chain, name])
                raise StoreError(f"{name!r} cannot be its own ancestor: {shown}")
            chain.append(row[0])
            current = row[1]

    def update_actor(
        self,
        actor_id: int,
        *,
        name: str,
        kind: str,
        aliases: Iterable[str],
        parent_id: int | None,
    ) -> Actor:
        """Change an actor's name, kind, aliases or parent; annotations keep pointing at it."""
        name, alias_list = _clean_actor(name, kind, aliases)
        with transaction(self.conn):
            before = self._actor_row(actor_id)
            if before is None:
                raise StoreError(f"actor {actor_id} no longer exists")
            self._check_actor(actor_id, name, alias_list, parent_id)
            self.conn.execute(
                "UPDATE actors SET name = ?, kind = ?, aliases = ?, parent_id = ? WHERE id = ?",
                [name, kind, json.dumps(alias_list), parent_id, actor_id],
            )
            self._log("edit", "actor", actor_id, None, None, before, self._actor_row(actor_id))
        return Actor(actor_id, name, kind, tuple(alias_list), parent_id, before["description"])

    def actor_usage(self, actor_id: int) -> int:
        """How many annotations (by any coder) name the actor."""
        return int(self._one("SELECT count(*) FROM annotations WHERE actor_id = ?", [actor_id]))

    def delete_actor(self, actor_id: int) -> None:
        """Remove an unused actor; its children move up to its own parent."""
        with transaction(self.conn):
            before = self._actor_row(actor_id)
            if before is None:
                raise StoreError(f"actor {actor_id} no longer exists")
            used = self.actor_usage(actor_id)
            if used:
                raise StoreError(
                    f"{before['name']!r} is used by {used} annotation{'s' * (used != 1)};"
                    " merge it into another actor instead"
                )
            children = [
                int(i)
                for (i,) in self.conn.execute(
                    "SELECT id FROM actors WHERE parent_id = ?", [actor_id]
                )
            ]
            self.conn.execute(
                "UPDATE actors SET parent_id = ? WHERE parent_id = ?",
                [before["parent_id"], actor_id],
            )
            self.conn.execute("DELETE FROM actors WHERE id = ?", [actor_id])
            self._log(
                "delete", "actor", actor_id, None, None, {**before, "children": children}, None
            )

    def add_target(self, name: str, description: str = "") -> Target:
        """A new target; refuses a name already used, ignoring case."""
        name = " ".join(name.split())
        if not name:
            raise StoreError("a target needs a name")
        with transaction(self.conn):
            self._check_unique("targets", "name", name, None, "target")
            cursor = self.conn.execute(
                "INSERT INTO targets (name, description) VALUES (?, ?)", [name, description.strip()]
            )
            target = Target(int(cursor.lastrowid or 0), name, description.strip())
            self._log("add", "target", target.id, None, None, None, _asdict(target))
        return target

    def update_target(self, target_id: int, *, name: str, description: str = "") -> Target:
        """Rename a target or change its description; annotations keep pointing at it."""
        name = " ".join(name.split())
        if not name:
            raise StoreError("a target needs a name")
        with transaction(self.conn):
            row = self.conn.execute(
                "SELECT id, name, description FROM targets WHERE id = ?", [target_id]
            ).fetchone()
            if row is None:
                raise StoreError(f"target {target_id} no longer exists")
            self._check_unique("targets", "name", name, target_id, "target")
            self.conn.execute(
                "UPDATE targets SET name = ?, description = ? WHERE id = ?",
                [name, description.strip(), target_id],
            )
            target = Target(target_id, name, description.strip())
            self._log(
                "edit", "target", target_id, None, None, _asdict(Target(*row)), _asdict(target)
            )
        return target

    def add_stance(
        self, key: str, label: str = "", score: float = 0.0, description: str = ""
    ) -> Stance:
        """A new stance after the others; refused once the digit keys 1-9 are all taken."""
        key = key.strip()
        if not key:
            raise StoreError("a stance needs a key")
        with transaction(self.conn):
            count = int(self._one("SELECT count(*) FROM stances"))
            if count >= MAX_STANCES:
                raise StoreError(
                    f"the codebook already has {count} stances; at most {MAX_STANCES} fit the"
                    " digit keys 1-9"
                )
            self._check_unique("stances", "key", key, None, "stance key")
            position = int(self._one("SELECT coalesce(max(position), 0) FROM stances")) + 1
            cursor = self.conn.execute(
                "INSERT INTO stances (key, label, score, position, description)"
                " VALUES (?, ?, ?, ?, ?)",
                [key, label.strip() or key, float(score), position, description.strip()],
            )
            stance = Stance(
                int(cursor.lastrowid or 0), key, label.strip() or key, float(score), position,
                description.strip(),
            )  # fmt: skip
            self._log("add", "stance", stance.id, None, None, None, _asdict(stance))
        return stance

    def update_stance(
        self, stance_id: int, *, key: str, label: str, score: float, description: str = ""
    ) -> Stance:
        """Change a stance's key, label, score or description; its digit key stays."""
        key = key.strip()
        if not key:
            raise StoreError("a stance needs a key")
        with transaction(self.conn):
            row = self.conn.execute(
                "SELECT id, key, label, score, position, description FROM stances WHERE id = ?",
                [stance_id],
            ).fetchone()
            if row is None:
                raise StoreError(f"stance {stance_id} no longer exists")
            self._check_unique("stances", "key", key, stance_id, "stance key")
            stance = Stance(
                stance_id, key, label.strip() or key, float(score), row[4], description.strip()
            )
            self.conn.execute(
                "UPDATE stances SET key = ?, label = ?, score = ?, description = ? WHERE id = ?",
                [stance.key, stance.label, stance.score, stance.description, stance_id],
            )
            self._log(
                "edit", "stance", stance_id, None, None, _asdict(Stance(*row)), _asdict(stance)
            )
        return stance

    def _check_unique(
        self, table: str, column: str, value: str, own_id: int | None, what: str
    ) -> None:
        for other_id, other in self.conn.execute(f"SELECT id, {column} FROM {table}"):
            if other_id != own_id and str(other).casefold() == value.casefold():
                raise StoreError(f"the {what} {other!r} already exists")


def _actor(row: sqlite3.Row | tuple[Any, ...]) -> Actor:
    return Actor(row[0], row[1], row[2], tuple(json.loads(row[3] or "[]")), row[4], row[5])


def _clean_actor(name: str, kind: str, aliases: Iterable[str]) -> tuple[str, list[str]]:
    """The actor's name and aliases with spacing tidied; refuses an empty name or unknown kind."""
    name = " ".join(name.split())
    if not name:
        raise StoreError("an actor needs a name")
    if kind not in ACTOR_KINDS:
        raise StoreError(f"unknown actor kind {kind!r}: use one of {', '.join(ACTOR_KINDS)}")
    return name, [" ".join(a.split()) for a in aliases if a.strip()]


def _asdict(record: Target | Stance) -> dict[str, Any]:
    return {name: getattr(record, name) for name in record.__slots__}  # type: ignore[attr-defined]
