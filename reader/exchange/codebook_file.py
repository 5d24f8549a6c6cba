"""The codebook as a TOML file: read and check it, merge it into a database, write it back out.

A codebook is shared between coders and edited by hand, so reading it checks everything a typo can
break and reports it as one line naming the file and the value. Merging never deletes: actors,
stances and targets that annotations may point to stay even when a file leaves them out.
"""

from __future__ import annotations

import json
import math
import sqlite3
import tomllib
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import Any

import tomli_w
from sqlite_utils import Database

from reader.db import transaction
from reader.models import ACTOR_KINDS, MAX_STANCES

SYSTEM_ANNOTATOR = "nkreader"
"""Who the event log names for a codebook import that no coder started (a new database)."""

FIELDS: dict[str, tuple[str, ...]] = {
    "actors": ("name", "kind", "aliases", "parent", "description"),
    "stances": ("key", "label", "score", "description"),
    "targets": ("name", "description"),
}
"""The tables a codebook file may hold and the fields each entry may have, in export order."""

HEADER = (
    "# nkreader codebook. Edit it and load it with `nkreader codebook import FILE.toml`:\n"
    "# entries are matched by name (stances by key), ignoring case; nothing is ever removed.\n"
)


class CodebookError(Exception):
    """A codebook file that cannot be read or merged; the message is one line for the user."""


@dataclass(frozen=True, slots=True)
class ActorSpec:
    name: str
    kind: str = "other"
    aliases: tuple[str, ...] = ()
    parent: str | None = None
    """Another actor's name: the state of a minister, the organization of a spokesman."""
    description: str = ""


@dataclass(frozen=True, slots=True)
class StanceSpec:
    key: str
    label: str
    score: float = 0.0
    description: str = ""


@dataclass(frozen=True, slots=True)
class TargetSpec:
    name: str
    description: str = ""


@dataclass(frozen=True, slots=True)
class CodebookSpec:
    actors: tuple[ActorSpec, ...] = ()
    stances: tuple[StanceSpec, ...] = ()
    """In the order the digit keys pick them."""
    targets: tuple[TargetSpec, ...] = ()
    source: str = "codebook"
    """The file it came from, so that errors found while merging can name it."""


@dataclass(frozen=True, slots=True)
class Counts:
    """What an import did to one table's entries (those the file lists)."""

    added: int = 0
    updated: int = 0
    unchanged: int = 0


@dataclass(frozen=True, slots=True)
class MergeReport:
    """What an import did, per table; shown by the command and kept in the event log."""

    actors: Counts = field(default_factory=Counts)
    stances: Counts = field(default_factory=Counts)
    targets: Counts = field(default_factory=Counts)

    def as_dict(self) -> dict[str, dict[str, int]]:
        return {table: asdict(getattr(self, table)) for table in FIELDS}

    @property
    def changed(self) -> bool:
        return any(c.added or c.updated for c in (self.actors, self.stances, self.targets))

    def summary(self) -> str:
        """One line for the command line, e.g. ``actors: 2 added, 1 updated, 30 unchanged; ...``."""
        return "; ".join(
            f"{kind}: {c['added']} added, {c['updated']} updated, {c['unchanged']} unchanged"
            for kind, c in self.as_dict().items()
        )


# -- reading ------------------------------------------------------------------------------------


def read_codebook(path: Path) -> CodebookSpec:
    """Parse and check the codebook file at ``path``; CodebookError says what is wrong."""
    try:
        text = Path(path).read_bytes().decode("utf-8")
    except FileNotFoundError:
        raise CodebookError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise CodebookError(f"{path} is a directory, not a codebook file") from None
    except OSError as error:
        raise CodebookError(f"{path}: cannot read the file ({error.strerror})") from None
    except UnicodeDecodeError:
        raise CodebookError(f"{path}: not a text file (save it as UTF-8)") from None
    return parse_codebook(text, str(path))


def parse_codebook(text: str, source: str) -> CodebookSpec:
    """Check the TOML ``text``; ``source`` names it in the errors."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise CodebookError(f"{source}: not valid TOML: {error}") from None
    unknown = sorted(set(data) - set(FIELDS))
    if unknown:
        raise CodebookError(
            f"{source}: unknown table {unknown[0]!r}; a codebook holds only "
            "[[actors]], [[stances]] and [[targets]]"
        )
    entries = {table: _entries(data, table, source) for table in FIELDS}
    actors = tuple(_actor(*entry) for entry in entries["actors"])
    stances = tuple(_stance(*entry) for entry in entries["stances"])
    targets = tuple(TargetSpec(_text(w, e, "name", True), _text(w, e, "description"))
                    for w, e in entries["targets"])  # fmt: skip
    _unique(source, "actor", [a.name for a in actors])
    _unique(source, "stance key", [s.key for s in stances])
    _unique(source, "target", [t.name for t in targets])
    if len(stances) > MAX_STANCES:
        raise CodebookError(
            f"{source}: {len(stances)} stances, but at most {MAX_STANCES} fit the digit keys 1-9"
        )
    _check_actors(source, actors, None)
    return CodebookSpec(actors, stances, targets, source)


def _entries(data: dict[str, Any], table: str, source: str) -> list[tuple[str, dict[str, Any]]]:
    """The table's entries, each with how errors name it (``actors entry 3``)."""
    entries = data.get(table, [])
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        raise CodebookError(f"{source}: {table!r} must be a list of [[{table}]] tables")
    for number, entry in enumerate(entries, 1):
        extra = sorted(set(entry) - set(FIELDS[table]))
        if extra:
            raise CodebookError(
                f"{source}: {table} entry {number} has unknown field {extra[0]!r};"
                f" allowed: {', '.join(FIELDS[table])}"
            )
    return [(f"{source}: {table} entry {n}", entry) for n, entry in enumerate(entries, 1)]


def _text(where: str, entry: dict[str, Any], key: str, required: bool = False) -> str:
    value = entry.get(key, "")
    if not isinstance(value, str):
        raise CodebookError(f"{where}: {key} must be a string, not {value!r}")
    if required and not value.strip():
        raise CodebookError(f"{where} has no {key}")
    return value.strip()


def _actor(where: str, entry: dict[str, Any]) -> ActorSpec:
    name = _text(where, entry, "name", True)
    kind = _text(where, entry, "kind") or "other"
    if kind not in ACTOR_KINDS:
        raise CodebookError(
            f"{where}: actor {name!r} has unknown kind {kind!r}; use {', '.join(ACTOR_KINDS)}"
        )
    aliases = entry.get("aliases", [])
    if not isinstance(aliases, list) or not all(isinstance(a, str) for a in aliases):
        raise CodebookError(f"{where}: aliases of actor {name!r} must be a list of strings")
    cleaned = tuple(a.strip() for a in aliases if a.strip())
    parent = _text(where, entry, "parent") or None
    return ActorSpec(name, kind, cleaned, parent, _text(where, entry, "description"))


def _stance(where: str, entry: dict[str, Any]) -> StanceSpec:
    key = _text(where, entry, "key", True)
    score = entry.get("score", 0)
    if isinstance(score, bool) or not isinstance(score, int | float) or not math.isfinite(score):
        raise CodebookError(f"{where}: stance {key!r} has score {score!r}; give a number")
    label = _text(where, entry, "label") or key
    return StanceSpec(key, label, float(score), _text(where, entry, "description"))


def _unique(source: str, what: str, names: list[str]) -> None:
    seen: set[str] = set()
    for name in names:
        if name.casefold() in seen:
            raise CodebookError(f"{source}: {what} {name!r} is listed twice")
        seen.add(name.casefold())


def _check_actors(
    source: str, actors: tuple[ActorSpec, ...], existing: dict[str, ActorSpec] | None
) -> None:
    """Each alias belongs to one actor and is no actor's name; parents exist and form no cycle.

    ``existing`` holds the database's actors by folded name, the file's entries replacing them;
    ``None`` checks the file alone, where a parent may still be an actor the database holds.
    Clashes among the database's own actors are left alone: the file did not cause them.
    """
    merged = {**(existing or {}), **{a.name.casefold(): a for a in actors}}
    in_file = {a.name.casefold() for a in actors}

    def named(actor: ActorSpec) -> str:
        where = "" if actor.name.casefold() in in_file else " in the database"
        return f"actor {actor.name!r}{where}"

    owner: dict[str, ActorSpec] = {}
    for actor in merged.values():
        for alias in actor.aliases:
            other = merged.get(alias.casefold())
            role = "the name"
            if other is None:
                other, role = owner.get(alias.casefold()), "an alias"
            if other is not None and {actor.name.casefold(), other.name.casefold()} & in_file:
                also = f"and {role} of {named(other)}"
                if other is actor:
                    also = "and also its name" if role == "the name" else "twice"
                raise CodebookError(
                    f"{source}: {alias!r} is an alias of {named(actor)} {also};"
                    " each name and alias must belong to one actor"
                )
            owner[alias.casefold()] = actor
    for actor in merged.values():
        chain = [actor.name]
        parent = actor.parent
        while parent is not None:
            if parent.casefold() not in merged:
                if existing is not None:
                    raise CodebookError(
                        f"{source}: {named(actor)} has unknown parent {parent!r};"
                        " add that actor or correct the name"
                    )
                break
            if parent.casefold() in {name.casefold() for name in chain}:
                shown = " -> ".join([*chain, parent])
                raise CodebookError(f"{source}: actor {actor.name!r} is its own ancestor: {shown}")
            chain.append(merged[parent.casefold()].name)
            parent = merged[parent.casefold()].parent


# -- merging ------------------------------------------------------------------------------------


def merge_codebook(
    db: Database, spec: CodebookSpec, annotator: str = SYSTEM_ANNOTATOR
) -> MergeReport:
    """Add the file's new entries and update the others, all or nothing, and log one event.

    Nothing is deleted, so annotations never lose their actor, stance or target. Everything is
    checked against the database inside the write transaction, before the first write.
    """
    with transaction(db) as conn:
        rows = conn.execute(
            "SELECT a.id, a.name, a.kind, a.aliases, p.name, a.description"
            " FROM actors a LEFT JOIN actors p ON p.id = a.parent_id ORDER BY a.id"
        ).fetchall()
        ids = {row[1].casefold(): row[0] for row in rows}
        existing = {r[1].casefold(): ActorSpec(r[1], r[2], tuple(json.loads(r[3])), r[4], r[5])
                    for r in rows}  # fmt: skip
        _check_actors(spec.source, spec.actors, existing)
        old_keys = [key for (key,) in conn.execute("SELECT key FROM stances ORDER BY position, id")]
        total = len({k.casefold() for k in old_keys} | {s.key.casefold() for s in spec.stances})
        if total > MAX_STANCES:
            raise CodebookError(
                f"{spec.source}: importing it would make {total} stances, but at most"
                f" {MAX_STANCES} fit the digit keys 1-9 (the database has {len(old_keys)})"
            )
        new = {a.name.casefold() for a in spec.actors} - ids.keys()
        for actor in spec.actors:  # new actors first, so that parents can be set in any order
            if actor.name.casefold() in new:
                cursor = conn.execute("INSERT INTO actors (name) VALUES (?)", [actor.name])
                ids[actor.name.casefold()] = int(cursor.lastrowid or 0)
        actors = [
            {"name": a.name, "kind": a.kind, "aliases": json.dumps(list(a.aliases)),
             "parent_id": ids[a.parent.casefold()] if a.parent else None,
             "description": a.description}
            for a in spec.actors
        ]  # fmt: skip
        order = _stance_order([s.key for s in spec.stances], old_keys)
        stances = [{**asdict(s), "position": order.index(s.key) + 1} for s in spec.stances]
        for key in set(order) - {s.key for s in spec.stances}:  # left out: they only move
            conn.execute(
                "UPDATE stances SET position = ? WHERE key = ?", [order.index(key) + 1, key]
            )
        report = MergeReport(
            _upsert(conn, "actors", "name", actors, new),
            _upsert(conn, "stances", "key", stances),
            _upsert(conn, "targets", "name", [asdict(t) for t in spec.targets]),
        )
        if report.changed:
            conn.execute(
                "INSERT INTO events (at, annotator, action, entity, after)"
                " VALUES (?, ?, 'import', 'codebook', ?)",
                [
                    datetime.now(UTC).isoformat(timespec="milliseconds"),
                    annotator,
                    json.dumps({**report.as_dict(), "source": spec.source}),
                ],
            )
    return report


def _stance_order(file_keys: list[str], old_keys: list[str]) -> list[str]:
    """A stance the file leaves out keeps its digit key; the file's fill the rest in its order."""
    listed = {key.casefold() for key in file_keys}
    kept = {i: key for i, key in enumerate(old_keys) if key.casefold() not in listed}
    rest = iter(file_keys)
    return [kept[i] if i in kept else next(rest) for i in range(len(kept) + len(file_keys))]


def _upsert(
    conn: sqlite3.Connection,
    table: str,
    key: str,
    rows: list[dict[str, Any]],
    new: set[str] | None = None,
) -> Counts:
    """Insert or update each row, matched on ``key`` ignoring case, and count what happened.

    Rows named in ``new`` count as added: their bare rows were inserted first. Matching folds case
    in Python, beyond the ASCII letters that SQLite's NOCASE folds.
    """
    added = updated = 0
    ids = {str(k).casefold(): i for i, k in conn.execute(f"SELECT id, {key} FROM {table}")}
    for row in rows:
        columns, values = ", ".join(row), list(row.values())
        id_ = ids.get(row[key].casefold())
        sql = f"SELECT id, {columns} FROM {table} WHERE id = ?"
        before = conn.execute(sql, [id_]).fetchone() if id_ is not None else None
        is_new = before is None or row[key].casefold() in (new or set())
        if before is None:
            marks = ", ".join("?" * len(row))
            conn.execute(f"INSERT INTO {table} ({columns}) VALUES ({marks})", values)
        elif list(before[1:]) != values:
            sets = ", ".join(f"{column} = ?" for column in row)
            conn.execute(f"UPDATE {table} SET {sets} WHERE id = ?", [*values, before[0]])
            updated += not is_new
        added += is_new
    return Counts(added, updated, len(rows) - added - updated)


def load_default_codebook(db: Database) -> MergeReport:
    """Merge the codebook that ships with nkreader; a second call changes nothing."""
    resource = resources.files("reader") / "data" / "codebook.toml"
    return merge_codebook(db, parse_codebook(resource.read_text("utf-8"), "default codebook"))


# -- writing ------------------------------------------------------------------------------------


EXPORT_QUERIES = {
    "actors": "SELECT a.name, a.kind, a.aliases, coalesce(p.name, ''), a.description"
    " FROM actors a LEFT JOIN actors p ON p.id = a.parent_id ORDER BY a.name, a.id",
    "stances": "SELECT key, label, score, description FROM stances ORDER BY position, id",
    "targets": "SELECT name, description FROM targets ORDER BY id",
}
"""Columns in ``FIELDS`` order. Actor names sort ignoring case (COLLATE NOCASE); targets keep
codebook order, which the target picker numbers 1-9, so the most used come first."""


def codebook_to_toml(db: Database) -> str:
    """The database's codebook as the TOML that ``read_codebook`` reads, in a stable order."""
    parts = [HEADER]
    for table, sql in EXPORT_QUERIES.items():
        for row in db.conn.execute(sql):
            entry = dict(zip(FIELDS[table], row, strict=True))
            if table == "actors":
                entry["aliases"] = json.loads(entry["aliases"])
            elif table == "stances" and float(entry["score"]).is_integer():
                entry["score"] = int(entry["score"])  # "score = 1" rather than "1.0"
            parts.append(f"[[{table}]]\n{tomli_w.dumps(entry)}")
    return "\n".join(parts)


def export_codebook(db: Database, path: Path) -> None:
    """Write the codebook to ``path`` (replacing it) so it can be edited and imported again."""
    try:
        Path(path).write_text(codebook_to_toml(db), encoding="utf-8")
    except OSError as error:
        raise CodebookError(f"{path}: cannot write the codebook ({error.strerror})") from None
