"""The codebook as a TOML file: read and check it, merge it into a database, write it back out.

A codebook is shared between coders and edited by hand, so reading it checks everything a typo can
break and reports it as one line naming the file and the value. Merging never deletes: actors,
stances and targets that annotations may point to stay even when a file leaves them out.
"""

from __future__ import annotations

import math
import tomllib
from importlib import resources
from pathlib import Path
from typing import Any

import tomli_w

from reader.exchange.output_files import OutputError, check_output, written_whole
from reader.models import (
    ACTOR_KINDS,
    MAX_STANCES,
    ActorSpec,
    CodebookReport,
    CodebookSpec,
    Counts,
    StanceSpec,
    TargetSpec,
)
from reader.store import Store, StoreError
from reader.store.codebook_rules import describe_for_file, find_clash, fold

__all__ = [
    "SYSTEM_ANNOTATOR",
    "CodebookError",
    "CodebookReport",
    "CodebookSpec",
    "Counts",
    "codebook_to_toml",
    "export_codebook",
    "load_default_codebook",
    "merge_codebook",
    "parse_codebook",
    "read_codebook",
]

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
    _check_actors(source, actors)
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


def _check_actors(source: str, actors: tuple[ActorSpec, ...]) -> None:
    """Each alias belongs to one actor and is no actor's name; parents form no cycle. A parent
    the file does not list may be an actor the database holds: merging checks that."""
    keyed = {fold(actor.name): actor for actor in actors}
    clash = find_clash(keyed, list(keyed), parents_known=False)
    if clash is not None:
        raise CodebookError(describe_for_file(clash, source, set(keyed)))


# -- merging ------------------------------------------------------------------------------------


def merge_codebook(store: Store, spec: CodebookSpec, *, by: str | None = None) -> CodebookReport:
    """Merge a checked file into the database through the Store: new entries added, the others
    updated, nothing deleted; one event that undo reverts, recorded for ``by`` (else the
    Store's coder). A refusal names the file."""
    try:
        return store.import_codebook(spec, by=by)
    except StoreError as error:
        raise CodebookError(str(error)) from None


def load_default_codebook(store: Store) -> CodebookReport:
    """Merge the codebook that ships with nkreader; a second call changes nothing. The event log
    names nkreader itself (``SYSTEM_ANNOTATOR``), not the coder who happened to open the file."""
    resource = resources.files("reader") / "data" / "codebook.toml"
    spec = parse_codebook(resource.read_text("utf-8"), "default codebook")
    return merge_codebook(store, spec, by=SYSTEM_ANNOTATOR)


# -- writing ------------------------------------------------------------------------------------


def codebook_to_toml(store: Store) -> str:
    """The database's codebook as the TOML that ``read_codebook`` reads, in a stable order:
    actors by name, stances in digit-key order, targets in codebook order (the target picker
    numbers them 1-9, so the most used come first)."""
    spec = store.codebook_spec()
    parts = [HEADER]
    for actor in spec.actors:
        entry: dict[str, Any] = {"name": actor.name, "kind": actor.kind,
                                 "aliases": list(actor.aliases), "parent": actor.parent or "",
                                 "description": actor.description}  # fmt: skip
        parts.append(f"[[actors]]\n{tomli_w.dumps(entry)}")
    for stance in spec.stances:
        score: float | int = int(stance.score) if stance.score.is_integer() else stance.score
        entry = {"key": stance.key, "label": stance.label, "score": score,
                 "description": stance.description}  # fmt: skip
        parts.append(f"[[stances]]\n{tomli_w.dumps(entry)}")
    for target in spec.targets:
        entry = {"name": target.name, "description": target.description}
        parts.append(f"[[targets]]\n{tomli_w.dumps(entry)}")
    return "\n".join(parts)


def export_codebook(store: Store, path: Path, *, force: bool = False) -> None:
    """Write the codebook to ``path`` so it can be edited and imported again: whole or not at
    all, never over the database, an existing file only with ``force``."""
    text = codebook_to_toml(store).encode("utf-8")
    try:
        target = check_output(Path(path), force=force, protected=store.database_files())
        with written_whole(target, "the codebook") as out:
            out.write(text)
    except OutputError as error:
        raise CodebookError(str(error)) from None
