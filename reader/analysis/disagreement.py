"""Where coders differ: each coder's value of a variable in a sentence, and whether they differ.

A coder's codes for a sentence are the set of their statements, (actor, stance, target) triples;
an empty set is "no claim". The variables of the agreement report are read off that set: whether
there is a claim, the set of actors, of stances, of targets (no target counts as a value), the
statements themselves, and the stance each actor was given. Two coders disagree on a variable
where its values differ; on ``stance_by_actor``, where an actor both coded with a single stance
got a different one from each (as the agreement report's units of that variable count it).
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from typing import Literal

__all__ = ["VARIABLES", "Statement", "Variable", "differs", "single_stances", "value"]

Statement = tuple[int, int, int | None]
"""(actor id, stance id, target id or None): one statement a coder coded."""

Variable = Literal["claim", "actor", "stance", "target", "statement", "stance_by_actor"]

VARIABLES: tuple[Variable, ...] = (
    "claim",
    "actor",
    "stance",
    "target",
    "statement",
    "stance_by_actor",
)
"""The variables, in the order the report and the review go through them."""


def value(variable: Variable, statements: frozenset[Statement]) -> Hashable:
    """The variable's value in a coder's codes for one sentence."""
    if variable == "claim":
        return bool(statements)
    if variable == "actor":
        return frozenset(actor for actor, _, _ in statements)
    if variable == "stance":
        return frozenset(stance for _, stance, _ in statements)
    if variable == "target":
        return frozenset(target for _, _, target in statements)
    if variable == "stance_by_actor":
        return frozenset(single_stances(statements).items())
    return statements


def single_stances(statements: frozenset[Statement]) -> dict[int, int]:
    """Each actor of the statements given one stance there, with that stance; an actor given
    two (toward two targets, say) has no single stance and is left out."""
    given: dict[int, int | None] = {}
    for actor, stance, _ in statements:
        if given.setdefault(actor, stance) != stance:
            given[actor] = None
    return {actor: stance for actor, stance in given.items() if stance is not None}


def differs(variable: Variable | None, coders: Mapping[str, frozenset[Statement]]) -> bool:
    """Whether two of the coders' codes differ on ``variable`` (on any variable: None)."""
    if len(coders) < 2:
        return False
    wanted = VARIABLES if variable is None else (variable,)
    return any(_differs(v, coders) for v in wanted)


def _differs(variable: Variable, coders: Mapping[str, frozenset[Statement]]) -> bool:
    if variable != "stance_by_actor":
        return len({value(variable, codes) for codes in coders.values()}) > 1
    # Only actors two coders gave a single stance are compared: an actor one coder left out is
    # a difference in ``actor``, not in the stance it was given.
    seen: dict[int, int] = {}
    for codes in coders.values():
        for actor, stance in single_stances(codes).items():
            if seen.setdefault(actor, stance) != stance:
                return True
    return False
