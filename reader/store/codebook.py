"""The codebook (actors, stances, targets): reading it, editing one entry, importing a whole file.

Names are unique ignoring case, so a coder never has to tell two near-identical actors apart in the
picker. Every change, one entry or a whole file, is one event holding a snapshot of the rows it
touched before and after, so undo puts them back exactly (``reader.store.rows``).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from reader.db import StoreError, transaction
from reader.models import (
    ACTOR_KINDS,
    MAX_STANCES,
    Actor,
    ActorSpec,
    Codebook,
    CodebookReport,
    CodebookSpec,
    Counts,
    Stance,
    StanceSpec,
    Target,
    TargetSpec,
)
from reader.store import rows
from reader.store.base import KIND_ROWS, StoreBase
from reader.store.codebook_rules import describe_for_edit, describe_for_file, find_clash, fold

ACTOR_SELECT = "SELECT id, name, kind, aliases, parent_id, description FROM actors"
STANCE_SELECT = "SELECT id, key, label, score, position, description FROM stances"


def actor_from_row(row: sqlite3.Row | tuple[Any, ...]) -> Actor:
    """An ``Actor`` from the columns of ``ACTOR_SELECT``."""
    return Actor(row[0], row[1], row[2], tuple(json.loads(row[3] or "[]")), row[4], row[5])


class CodebookMixin(StoreBase):
    """Reads and edits of actors, stances and targets, and codebook imports."""

    def actors(self) -> list[Actor]:
        return [actor_from_row(row) for row in self.conn.execute(f"{ACTOR_SELECT} ORDER BY name")]

    def stances(self) -> list[Stance]:
        found = self.conn.execute(f"{STANCE_SELECT} ORDER BY position, id").fetchall()
        return [Stance(*row) for row in found]

    def targets(self) -> list[Target]:
        found = self.conn.execute("SELECT id, name, description FROM targets ORDER BY id")
        return [Target(*row) for row in found]

    def codebook(self) -> Codebook:
        return Codebook(tuple(self.actors()), tuple(self.stances()), tuple(self.targets()))

    def actor_usage(self, actor_id: int) -> int:
        """How many codes name the actor, as actor or as speaker: annotations by any coder and
        the final layer's codes (which keep the actor as much as a coder's code does)."""
        return self._int(
            "SELECT (SELECT count(*) FROM annotations WHERE ?1 IN (actor_id, speaker_id))"
            " + (SELECT count(*) FROM final_annotations WHERE ?1 IN (actor_id, speaker_id))",
            [actor_id],
        )

    @contextmanager
    def _logged_change(
        self, action: str, entity: str, entity_id: int | None, ids: dict[str, list[int]]
    ) -> Iterator[dict[str, Any]]:
        """Run a codebook change in one transaction, logged with its rows before and after.

        ``ids`` names the rows the change touches; the body adds the ids of rows it creates to
        its lists, and may put more to log (the new row's ``id``, say) in the yielded dictionary.
        """
        with transaction(self.conn):
            before = rows.capture(self.conn, ids)
            extra: dict[str, Any] = {}
            yield extra
            self._log_snapshot(action, entity, entity_id, before, ids, extra)

    def _log_snapshot(
        self,
        action: str,
        entity: str,
        entity_id: int | None,
        before: rows.Snapshot,
        ids: dict[str, list[int]],
        extra: dict[str, Any],
        by: str | None = None,
    ) -> None:
        """Log a change as its rows before and after; rows it created were absent before.
        ``by``: who it is recorded for, when not the Store's coder."""
        for table, found in ids.items():
            known = {pair[0] for pair in before.get(table, [])}
            before.setdefault(table, []).extend([i, None] for i in found if i not in known)
            known.update(found)
        after = rows.recapture(self.conn, before)
        self._log(
            action, entity, entity_id if entity_id is not None else extra.pop("id", None),
            kind=KIND_ROWS, before={"rows": before}, after={**extra, "rows": after}, by=by,
        )  # fmt: skip

    # -- actors -----------------------------------------------------------------------------

    def _check_actor(
        self, actor_id: int | None, name: str, aliases: list[str], parent_id: int | None
    ) -> None:
        """Refuse a name or alias another actor uses (ignoring case), and a parent cycle."""
        names = {int(i): str(n) for i, n in self.conn.execute("SELECT id, name FROM actors")}
        if actor_id is not None:
            names[actor_id] = name  # children name their parent by its new name
        if parent_id is not None and parent_id not in names:
            raise StoreError(f"no actor with id {parent_id} to be the parent")
        others: dict[str, ActorSpec] = {}
        for other in (actor_from_row(row) for row in self.conn.execute(ACTOR_SELECT)):
            if other.id != actor_id:
                parent = names.get(other.parent_id) if other.parent_id is not None else None
                others[fold(other.name)] = ActorSpec(other.name, other.kind, other.aliases, parent)
        if fold(name) in others:
            raise StoreError(
                f"the name {name!r} is already used by actor {others[fold(name)].name!r}"
            )
        parent_name = names[parent_id] if parent_id is not None else None
        edited = ActorSpec(name, "other", tuple(aliases), parent_name)
        clash = find_clash({**others, fold(name): edited}, [fold(name)], parents_known=True)
        if clash is not None:
            raise StoreError(describe_for_edit(clash, edited))

    def add_actor(
        self, name: str, kind: str, aliases: Iterable[str] = (), parent_id: int | None = None
    ) -> Actor:
        """Create an actor (from the actor picker or the codebook screen); refuses a name or alias
        that another actor already uses, ignoring case."""
        name, alias_list = _clean_actor(name, kind, aliases)
        created: dict[str, list[int]] = {"actors": []}
        with self._logged_change("add", "actor", None, created) as extra:
            self._check_actor(None, name, alias_list, parent_id)
            cursor = self.conn.execute(
                "INSERT INTO actors (name, kind, aliases, parent_id) VALUES (?, ?, ?, ?)",
                [name, kind, json.dumps(alias_list), parent_id],
            )
            actor_id = int(cursor.lastrowid or 0)
            created["actors"].append(actor_id)
            extra["id"] = actor_id
        return Actor(actor_id, name, kind, tuple(alias_list), parent_id)

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
        with self._logged_change("edit", "actor", actor_id, {"actors": [actor_id]}):
            before = rows.row(self.conn, "actors", actor_id)
            if before is None:
                raise StoreError(f"actor {actor_id} no longer exists")
            self._check_actor(actor_id, name, alias_list, parent_id)
            self.conn.execute(
                "UPDATE actors SET name = ?, kind = ?, aliases = ?, parent_id = ? WHERE id = ?",
                [name, kind, json.dumps(alias_list), parent_id, actor_id],
            )
        return Actor(actor_id, name, kind, tuple(alias_list), parent_id, before["description"])

    def delete_actor(self, actor_id: int) -> None:
        """Remove an unused actor; its children move up to its own parent."""
        children = [
            int(i)
            for (i,) in self.conn.execute("SELECT id FROM actors WHERE parent_id = ?", [actor_id])
        ]
        with self._logged_change("delete", "actor", actor_id, {"actors": [actor_id, *children]}):
            before = rows.row(self.conn, "actors", actor_id)
            if before is None:
                raise StoreError(f"actor {actor_id} no longer exists")
            used = self.actor_usage(actor_id)
            if used:
                raise StoreError(
                    f"{before['name']!r} is used by {used} annotation{'s' * (used != 1)};"
                    " merge it into another actor instead"
                )
            self.conn.execute(
                "UPDATE actors SET parent_id = ? WHERE parent_id = ?",
                [before["parent_id"], actor_id],
            )
            self.conn.execute("DELETE FROM actors WHERE id = ?", [actor_id])

    # -- targets and stances ----------------------------------------------------------------

    def _check_unique(
        self, table: str, column: str, value: str, own_id: int | None, what: str
    ) -> None:
        for other_id, other in self.conn.execute(f"SELECT id, {column} FROM {table}"):
            if other_id != own_id and fold(str(other)) == fold(value):
                raise StoreError(f"the {what} {other!r} already exists")

    def add_target(self, name: str, description: str = "") -> Target:
        """A new target; refuses a name already used, ignoring case."""
        name = " ".join(name.split())
        if not name:
            raise StoreError("a target needs a name")
        created: dict[str, list[int]] = {"targets": []}
        with self._logged_change("add", "target", None, created) as extra:
            self._check_unique("targets", "name", name, None, "target")
            cursor = self.conn.execute(
                "INSERT INTO targets (name, description) VALUES (?, ?)", [name, description.strip()]
            )
            target = Target(int(cursor.lastrowid or 0), name, description.strip())
            created["targets"].append(target.id)
            extra["id"] = target.id
        return target

    def update_target(self, target_id: int, *, name: str, description: str = "") -> Target:
        """Rename a target or change its description; annotations keep pointing at it."""
        name = " ".join(name.split())
        if not name:
            raise StoreError("a target needs a name")
        with self._logged_change("edit", "target", target_id, {"targets": [target_id]}):
            if rows.row(self.conn, "targets", target_id) is None:
                raise StoreError(f"target {target_id} no longer exists")
            self._check_unique("targets", "name", name, target_id, "target")
            self.conn.execute(
                "UPDATE targets SET name = ?, description = ? WHERE id = ?",
                [name, description.strip(), target_id],
            )
        return Target(target_id, name, description.strip())

    def add_stance(
        self, key: str, label: str = "", score: float = 0.0, description: str = ""
    ) -> Stance:
        """A new stance after the others; refused once the digit keys 1-9 are all taken."""
        key = key.strip()
        if not key:
            raise StoreError("a stance needs a key")
        created: dict[str, list[int]] = {"stances": []}
        with self._logged_change("add", "stance", None, created) as extra:
            count = self._int("SELECT count(*) FROM stances")
            if count >= MAX_STANCES:
                raise StoreError(
                    f"the codebook already has {count} stances; at most {MAX_STANCES} fit the"
                    " digit keys 1-9"
                )
            self._check_unique("stances", "key", key, None, "stance key")
            position = self._int("SELECT coalesce(max(position), 0) FROM stances") + 1
            stance = Stance(0, key, label.strip() or key, float(score), position,
                            description.strip())  # fmt: skip
            cursor = self.conn.execute(
                "INSERT INTO stances (key, label, score, position, description)"
                " VALUES (?, ?, ?, ?, ?)",
                [stance.key, stance.label, stance.score, position, stance.description],
            )
            stance = Stance(int(cursor.lastrowid or 0), *[getattr(stance, f) for f in
                            ("key", "label", "score", "position", "description")])  # fmt: skip
            created["stances"].append(stance.id)
            extra["id"] = stance.id
        return stance

    def update_stance(
        self, stance_id: int, *, key: str, label: str, score: float, description: str = ""
    ) -> Stance:
        """Change a stance's key, label, score or description; its digit key stays."""
        key = key.strip()
        if not key:
            raise StoreError("a stance needs a key")
        with self._logged_change("edit", "stance", stance_id, {"stances": [stance_id]}):
            before = rows.row(self.conn, "stances", stance_id)
            if before is None:
                raise StoreError(f"stance {stance_id} no longer exists")
            self._check_unique("stances", "key", key, stance_id, "stance key")
            stance = Stance(stance_id, key, label.strip() or key, float(score),
                            int(before["position"]), description.strip())  # fmt: skip
            self.conn.execute(
                "UPDATE stances SET key = ?, label = ?, score = ?, description = ? WHERE id = ?",
                [stance.key, stance.label, stance.score, stance.description, stance_id],
            )
        return stance

    # -- a whole codebook -------------------------------------------------------------------

    def codebook_spec(self, source: str = "database") -> CodebookSpec:
        """The codebook as a file would hold it: actors by name (parents by name), stances in
        digit-key order, targets in codebook order (the target picker numbers them 1-9)."""
        actors = [
            actor_from_row(row)
            for row in self.conn.execute(f"{ACTOR_SELECT} ORDER BY name COLLATE NOCASE, id")
        ]
        names = {actor.id: actor.name for actor in actors}
        return CodebookSpec(
            tuple(ActorSpec(a.name, a.kind, a.aliases,
                            names.get(a.parent_id) if a.parent_id is not None else None,
                            a.description) for a in actors),
            tuple(StanceSpec(s.key, s.label, s.score, s.description) for s in self.stances()),
            tuple(TargetSpec(t.name, t.description) for t in self.targets()),
            source,
        )  # fmt: skip

    def import_codebook(self, spec: CodebookSpec, *, by: str | None = None) -> CodebookReport:
        """Add the file's new entries and update the others, all or nothing, as one event that
        undo reverts; ``by``: who the event is recorded for, when not this Store's coder (the
        codebook that ships with nkreader is recorded as nkreader's own).

        Nothing is deleted, so annotations never lose their actor, stance or target. Everything is
        checked against the database inside the write transaction, before the first write; a
        refusal is a ``StoreError`` naming the file.
        """
        with transaction(self.conn):
            touched = {
                "actors": self._ids_of("actors", "name", [a.name for a in spec.actors]),
                "stances": [int(i) for (i,) in self.conn.execute("SELECT id FROM stances")],
                "targets": self._ids_of("targets", "name", [t.name for t in spec.targets]),
            }
            before = rows.capture(self.conn, touched)
            report = self._merge(spec, touched)
            if report.changed:
                extra = {**report.as_dict(), "source": spec.source}
                self._log_snapshot("import", "codebook", None, before, touched, extra, by)
        return report

    def _ids_of(self, table: str, column: str, names: list[str]) -> list[int]:
        wanted = {fold(name) for name in names}
        return [int(i) for i, n in self.conn.execute(f"SELECT id, {column} FROM {table}")
                if fold(str(n)) in wanted]  # fmt: skip

    def _merge(self, spec: CodebookSpec, touched: dict[str, list[int]]) -> CodebookReport:
        """The writes of ``import_codebook``, after checking the file against the database."""
        conn = self.conn
        found = conn.execute(
            "SELECT a.id, a.name, a.kind, a.aliases, p.name, a.description"
            " FROM actors a LEFT JOIN actors p ON p.id = a.parent_id ORDER BY a.id"
        ).fetchall()
        ids = {fold(row[1]): int(row[0]) for row in found}
        existing = {fold(r[1]): ActorSpec(r[1], r[2], tuple(json.loads(r[3])), r[4], r[5])
                    for r in found}  # fmt: skip
        in_file = [fold(actor.name) for actor in spec.actors]
        clash = find_clash(
            {**existing, **{fold(a.name): a for a in spec.actors}}, in_file, parents_known=True
        )
        if clash is not None:
            raise StoreError(describe_for_file(clash, spec.source, set(in_file)))
        old_keys = [key for (key,) in conn.execute("SELECT key FROM stances ORDER BY position, id")]
        total = len({fold(k) for k in old_keys} | {fold(s.key) for s in spec.stances})
        if total > MAX_STANCES:
            raise StoreError(
                f"{spec.source}: importing it would make {total} stances, but at most"
                f" {MAX_STANCES} fit the digit keys 1-9 (the database has {len(old_keys)})"
            )
        new = {fold(a.name) for a in spec.actors} - ids.keys()
        for actor in spec.actors:  # new actors first, so that parents can be set in any order
            if fold(actor.name) in new:
                cursor = conn.execute("INSERT INTO actors (name) VALUES (?)", [actor.name])
                ids[fold(actor.name)] = int(cursor.lastrowid or 0)
                touched["actors"].append(ids[fold(actor.name)])
        actors = [
            {"name": a.name, "kind": a.kind, "aliases": json.dumps(list(a.aliases)),
             "parent_id": ids[fold(a.parent)] if a.parent else None,
             "description": a.description}
            for a in spec.actors
        ]  # fmt: skip
        order = _stance_order([s.key for s in spec.stances], old_keys)
        stances = [
            {"key": s.key, "label": s.label, "score": s.score, "description": s.description,
             "position": order.index(s.key) + 1}
            for s in spec.stances
        ]  # fmt: skip
        for key in set(order) - {s.key for s in spec.stances}:  # left out: they only move
            conn.execute(
                "UPDATE stances SET position = ? WHERE key = ?", [order.index(key) + 1, key]
            )
        targets = [{"name": t.name, "description": t.description} for t in spec.targets]
        report = CodebookReport(
            self._upsert("actors", "name", actors, new, touched),
            self._upsert("stances", "key", stances, set(), touched),
            self._upsert("targets", "name", targets, set(), touched),
        )
        return report

    def _upsert(
        self,
        table: str,
        key: str,
        entries: list[dict[str, Any]],
        new: set[str],
        touched: dict[str, list[int]],
    ) -> Counts:
        """Insert or update each entry, matched on ``key`` ignoring case, and count what happened.

        Entries named in ``new`` count as added: their bare rows were inserted first. Matching
        folds case in Python, beyond the ASCII letters that SQLite's NOCASE folds.
        """
        added = updated = 0
        ids = {fold(str(k)): i for i, k in self.conn.execute(f"SELECT id, {key} FROM {table}")}
        for entry in entries:
            columns, values = ", ".join(entry), list(entry.values())
            row_id = ids.get(fold(entry[key]))
            sql = f"SELECT id, {columns} FROM {table} WHERE id = ?"
            before = self.conn.execute(sql, [row_id]).fetchone() if row_id is not None else None
            is_new = before is None or fold(entry[key]) in new
            if before is None:
                marks = ", ".join("?" * len(entry))
                cursor = self.conn.execute(
                    f"INSERT INTO {table} ({columns}) VALUES ({marks})", values
                )
                touched[table].append(int(cursor.lastrowid or 0))
            elif list(before[1:]) != values:
                sets = ", ".join(f"{column} = ?" for column in entry)
                self.conn.execute(f"UPDATE {table} SET {sets} WHERE id = ?", [*values, before[0]])
                updated += not is_new
            added += is_new
        return Counts(added, updated, len(entries) - added - updated)


def _stance_order(file_keys: list[str], old_keys: list[str]) -> list[str]:
    """A stance the file leaves out keeps its digit key; the file's fill the rest in its order."""
    listed = {fold(key) for key in file_keys}
    kept = {i: key for i, key in enumerate(old_keys) if fold(key) not in listed}
    rest = iter(file_keys)
    return [kept[i] if i in kept else next(rest) for i in range(len(kept) + len(file_keys))]


def _clean_actor(name: str, kind: str, aliases: Iterable[str]) -> tuple[str, list[str]]:
    """The actor's name and aliases with spacing tidied; refuses an empty name or unknown kind."""
    name = " ".join(name.split())
    if not name:
        raise StoreError("an actor needs a name")
    if kind not in ACTOR_KINDS:
        raise StoreError(f"unknown actor kind {kind!r}: use one of {', '.join(ACTOR_KINDS)}")
    return name, [" ".join(a.split()) for a in aliases if a.strip()]
