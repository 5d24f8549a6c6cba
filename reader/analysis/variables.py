"""The coding study's variables as reliability data: which value each coder gave each unit.

Coders decide sentences: they code statements (an actor takes a stance toward a target, or toward
none) or mark the sentence "no claim". Agreement is asked of several variables read off those
decisions (``{unit: {coder: value}}``, as :func:`reader.analysis.agreement.agreement` takes them):

* ``claim`` (nominal): per sentence, "claim" when the coder coded at least one statement there,
  else "no claim";
* ``actor``, ``stance``, ``target`` (MASI): per sentence, the set of actors, of stances, of
  targets the coder's statements name (a statement without a target adds ``None``: "no target"
  is a value); the empty set for no claim;
* ``statement`` (MASI): per sentence, the set of (actor, stance, target) triples;
* ``stance_by_actor`` (nominal on the stance; ordinal on the stance's score): per (sentence,
  actor) that at least two coders coded, the one stance each gave that actor there.

A coder who has not decided a sentence is missing from its unit, never "no claim". The four set
variables over every decided sentence count the claim decision a second time (an empty set
against a filled one), so each also comes over the sentences where every coder found a claim
(``given_claim``), which measures agreement on the codes alone. In ``stance_by_actor``, a coder
who gave an actor two different stances in one sentence (toward two targets, say) gave it no
single stance there: the (sentence, actor) is not a unit for that coder, who is left out of it
as if they had not coded that actor; only coders who coded the actor take part.

Units are sentence ids, and ``(sentence id, actor id)`` for ``stance_by_actor``; each unit's
cluster is its sentence's article, which the bootstrap resamples.
"""

from __future__ import annotations

from collections.abc import Collection, Hashable, Mapping, Sequence
from dataclasses import dataclass

from reader.analysis.agreement import Metric
from reader.analysis.columns import Columns, Part
from reader.models import DecidedSentence, Statement

Units = Mapping[Hashable, Mapping[str, Hashable]]
"""Reliability data: ``{unit: {coder: value}}``."""

CLAIM = "claim"
NO_CLAIM = "no claim"
"""The two values of ``claim``."""

SET_VARIABLES: tuple[str, ...] = ("actor", "stance", "target", "statement")
"""The variables whose values are sets, compared by MASI, with a ``given_claim`` figure."""

STANCE_BY_ACTOR = "stance_by_actor"

VARIABLES: tuple[tuple[str, Metric], ...] = (
    ("claim", "nominal"),
    *((name, "masi") for name in SET_VARIABLES),
    (STANCE_BY_ACTOR, "nominal"),
    (STANCE_BY_ACTOR, "ordinal"),
)
"""Every (variable, distance) reported, in the order reports list them."""

_NOTHING: frozenset[Hashable] = frozenset()


@dataclass(frozen=True, slots=True)
class Variable:
    """One variable's reliability data under one distance."""

    name: str
    metric: Metric
    units: Columns
    clusters: Mapping[Hashable, int]
    """Each unit's article."""
    given_claim: Columns | None = None
    """For the set variables: the units where every coder found a claim; None for the others."""


def restrict(
    sentences: Sequence[DecidedSentence], coders: Collection[str]
) -> list[DecidedSentence]:
    """The sentences as only ``coders`` decided them: others' decisions dropped, and the
    sentences fewer than two of ``coders`` decided left out (no pair to compare there)."""
    kept = []
    for sentence in sentences:
        decisions = {c: d for c, d in sentence.decisions.items() if c in coders}
        if len(decisions) >= 2:
            if len(decisions) < len(sentence.decisions):
                sentence = DecidedSentence(sentence.sentence_id, sentence.article_id, decisions)
            kept.append(sentence)
    return kept


def build_variables(
    sentences: Sequence[DecidedSentence], stance_scores: Mapping[int, float]
) -> list[Variable]:
    """Every variable of :data:`VARIABLES`, in that order, from the coders' decisions.

    ``stance_scores`` gives each stance id its score, the ordinal value of ``stance_by_actor``.
    One pass over the sentences builds them all, column by column (:class:`Columns`): the
    sentences decided by the same coders share one list of units, and each variable has one
    list of values per coder there.
    """
    parts: dict[tuple[str, ...], tuple[list[Hashable], list[list[list[Hashable]]]]] = {}
    """For each set of coders: their sentences, and per sentence-level variable (claim, then
    the sets) one list of values per coder."""
    by_actor = Columns.collect()
    scores = Columns.collect()
    clusters: dict[Hashable, int] = {}
    actor_clusters: dict[Hashable, int] = {}
    singles: dict[tuple[int, int], dict[str, int]] = {}
    seen: dict[frozenset[Statement], _Parts] = {}
    for sentence in sentences:
        unit = sentence.sentence_id
        clusters[unit] = sentence.article_id
        coders = tuple(sentence.decisions)
        part = parts.get(coders)
        if part is None:
            part = parts[coders] = ([], [[[] for _ in coders] for _ in range(5)])
        part[0].append(unit)
        claim, actor, stance, target, statement = part[1]
        for k, decision in enumerate(sentence.decisions.values()):
            coded = decision.statements
            if not coded:
                claim[k].append(NO_CLAIM)
                for values in (actor, stance, target, statement):
                    values[k].append(_NOTHING)
                continue
            found = seen.get(coded)
            if found is None:  # coders often code the same statements: each set read once
                found = seen[coded] = _parts(coded)
            claim[k].append(CLAIM)
            actor[k].append(found[0])
            stance[k].append(found[1])
            target[k].append(found[2])
            statement[k].append(coded)
            for actor_id, stance_id in found[3]:
                singles.setdefault((unit, actor_id), {})[coders[k]] = stance_id
        for key, given in singles.items():
            if len(given) >= 2:
                by_actor.add(key, given)
                scores.add(key, {coder: stance_scores[s] for coder, s in given.items()})
                actor_clusters[key] = sentence.article_id
        singles.clear()
    columns = [
        Columns(
            [Part(coders, units, tuple(values[place])) for coders, (units, values) in parts.items()]
        )
        for place in range(5)
    ]
    claims, *sets = columns
    return [
        Variable("claim", "nominal", claims, clusters),
        *(
            Variable(name, "masi", units, clusters, units.where(all))
            for name, units in zip(SET_VARIABLES, sets, strict=True)
        ),
        Variable(STANCE_BY_ACTOR, "nominal", by_actor.build(), actor_clusters),
        Variable(STANCE_BY_ACTOR, "ordinal", scores.build(), actor_clusters),
    ]


_Parts = tuple[frozenset[int], frozenset[int], frozenset[int | None], list[tuple[int, int]]]


def _parts(statements: frozenset[Statement]) -> _Parts:
    """The actors, stances and targets of a set of statements, and each actor given a single
    stance there with that stance."""
    given: dict[int, int | None] = {}
    for actor_id, stance_id, _ in statements:
        if given.setdefault(actor_id, stance_id) != stance_id:
            given[actor_id] = None  # two stances: no single one
    return (
        frozenset([a for a, _, _ in statements]),
        frozenset([s for _, s, _ in statements]),
        frozenset([t for _, _, t in statements]),
        [(actor_id, stance_id) for actor_id, stance_id in given.items() if stance_id is not None],
    )


def restrict_variable(variable: Variable, coders: Collection[str]) -> Variable:
    """``variable`` as only ``coders`` coded it: the others' values dropped, and units left
    with fewer than two values left out; ``given_claim`` taken again among what remains (a
    unit where only a coder left out saw no claim now qualifies: a set variable's empty set is
    "no claim")."""
    units = variable.units.restricted(coders)
    given = None if variable.given_claim is None else units.where(all)
    return Variable(variable.name, variable.metric, units, variable.clusters, given)


def restrict_variables(variables: Sequence[Variable], coders: Collection[str]) -> list[Variable]:
    """:func:`restrict_variable` of each of ``variables``."""
    return [restrict_variable(variable, coders) for variable in variables]
