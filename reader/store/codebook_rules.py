"""The rules every set of actors keeps, checked in one place for one edit and for a whole file.

A word must pick one actor: each name and alias belongs to one actor, ignoring case (beyond the
ASCII letters SQLite's NOCASE folds). Parents form no cycle and exist. The actor screen, the
actor picker and a codebook file import all check their actors here, and each says what went
wrong in its own words: a coder editing one actor is told which other actor owns the word; a file
import names the file and says which actors are the file's and which the database's.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Literal

from reader.models import ActorSpec

__all__ = ["ActorClash", "describe_for_edit", "describe_for_file", "find_clash", "fold"]


def fold(name: str) -> str:
    """The key two names share when they name the same actor."""
    return name.casefold()


@dataclass(frozen=True, slots=True)
class ActorClash:
    """How a set of actors breaks the rules, with the names a message needs."""

    problem: Literal["shared", "repeated", "cycle", "unknown_parent"]
    actor: ActorSpec
    """The actor whose alias clashes, or whose parents go round or lead nowhere."""
    term: str
    """The alias (or name) that clashes, or the parent that is unknown."""
    other: ActorSpec | None = None
    """For ``shared``: the actor the term also belongs to."""
    role: Literal["name", "alias"] = "alias"
    """For ``shared``: whether the term is the other actor's name or one of its aliases."""
    chain: tuple[str, ...] = ()
    """For ``cycle``: the names from the actor round to itself."""


def find_clash(
    actors: Mapping[str, ActorSpec], changed: Collection[str], *, parents_known: bool
) -> ActorClash | None:
    """The first way ``actors`` (keyed by ``fold(name)``) break the rules, or None.

    Only clashes that involve an actor in ``changed`` (folded names) count: the others were
    there before and the change did not cause them. With ``parents_known``, a parent must be one
    of ``actors``; without, a parent outside them may exist elsewhere (a file naming a parent the
    database holds). Changed actors are checked first, so a cycle is shown from one of them.
    """
    order = [key for key in changed if key in actors]
    order += [key for key in actors if key not in set(order)]
    owner: dict[str, ActorSpec] = {}
    for key in order:
        actor = actors[key]
        for alias in actor.aliases:
            other = actors.get(fold(alias))
            role: Literal["name", "alias"] = "name"
            if other is None:
                other, role = owner.get(fold(alias)), "alias"
            if other is not None and {key, fold(other.name)} & set(changed):
                problem: Literal["shared", "repeated"] = "repeated" if other is actor else "shared"
                return ActorClash(problem, actor, alias, other, role)
            owner[fold(alias)] = actor
    for key in order:
        actor = actors[key]
        chain = [actor.name]
        parent = actor.parent
        while parent is not None:
            if fold(parent) not in actors:
                if parents_known:
                    return ActorClash("unknown_parent", actor, parent)
                break
            if fold(parent) in {fold(name) for name in chain}:
                return ActorClash("cycle", actor, parent, chain=(*chain, parent))
            chain.append(actors[fold(parent)].name)
            parent = actors[fold(parent)].parent
    return None


def describe_for_edit(clash: ActorClash, edited: ActorSpec) -> str:
    """The one line a coder editing the actor ``edited`` reads (the actor screen, the picker),
    naming the word as the coder typed it and the actor that already owns it."""
    if clash.problem == "repeated":
        return f"the alias {clash.term!r} is listed twice or repeats the name"
    if clash.problem == "cycle":
        return f"{edited.name!r} cannot be its own ancestor: {' -> '.join(clash.chain)}"
    if clash.problem == "unknown_parent":
        return f"no actor {clash.term!r} to be the parent"
    assert clash.other is not None
    if fold(clash.actor.name) == fold(edited.name):  # one of the edited actor's aliases
        term, what, owner = clash.term, "alias", clash.other
    elif clash.role == "name":  # another actor's alias is the edited actor's name
        term, what, owner = edited.name, "name", clash.actor
    else:  # another actor's alias is also one of the edited actor's
        term = next((a for a in edited.aliases if fold(a) == fold(clash.term)), clash.term)
        what, owner = "alias", clash.actor
    return f"the {what} {term!r} is already used by actor {owner.name!r}"


def describe_for_file(clash: ActorClash, source: str, in_file: Collection[str]) -> str:
    """The one line a codebook import reports: the file, the value, and whose actors clash."""

    def named(actor: ActorSpec) -> str:
        where = "" if fold(actor.name) in in_file else " in the database"
        return f"actor {actor.name!r}{where}"

    actor = clash.actor
    if clash.problem == "cycle":
        return f"{source}: actor {actor.name!r} is its own ancestor: {' -> '.join(clash.chain)}"
    if clash.problem == "unknown_parent":
        return (
            f"{source}: {named(actor)} has unknown parent {clash.term!r};"
            " add that actor or correct the name"
        )
    if clash.problem == "repeated":
        also = "and also its name" if clash.role == "name" else "twice"
    else:
        assert clash.other is not None
        also = f"and {'the name' if clash.role == 'name' else 'an alias'} of {named(clash.other)}"
    return (
        f"{source}: {clash.term!r} is an alias of {named(actor)} {also};"
        " each name and alias must belong to one actor"
    )
