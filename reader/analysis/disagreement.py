"""Where coders differ: each coder's value of a variable in a sentence, and whether they differ.

A coder's codes for a sentence are the set of their statements, (actor, stance, target) triples;
an empty set is "no claim". The variables of the agreement report are read off that set: whether
there is a claim, the set of actors, of stances, of targets (no target counts as a value), and
the statements themselves. Two coders disagree on a variable where its values differ.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from typing import Literal

__all__ = ["VARIABLES", "Statement", "Variable", "differs", "value"]

Statement = tuple[int, int, int | None]
"""(actor id, stance id, target id or None): one statement a coder coded."""

Variable = Literal["claim", "actor", "stance", "target", "statement"]

VARIABLES: tuple[Variable, ...] = ("claim", "actor", "stance", "target", "statement")
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
    return statements


def differs(variable: Variable | None, coders: Mapping[str, frozenset[Statement]]) -> bool:
    """Whether two of the coders' codes differ on ``variable`` (on any variable: None)."""
    if len(coders) < 2:
        return False
    wanted = VARIABLES if variable is None else (variable,)
    return any(len({value(v, codes) for codes in coders.values()}) > 1 for v in wanted)
