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
from reader.models import DecidedSentence, Statement

Units = dict[Hashable, dict[str, Hashable]]
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
    units: Units
    clusters: Mapping[Hashable, int]
    """Each unit's article."""
    given_claim: Units | None = None
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
    One pass over the sentences builds them all.
    """
    claim: Units = {}
    actor: Units = {}
    stance: Units = {}
    target: Units = {}
    statement: Units = {}
    by_actor: dict[tuple[int, int], dict[str, int]] = {}
    clusters: dict[Hashable, int] = {}
    seen: dict[frozenset[Statement], _Parts] = {}
    for sentence in sentences:
        unit = sentence.sentence_id
        clusters[unit] = sentence.article_id
        claims: dict[str, Hashable] = {}
        actors: dict[str, Hashable] = {}
        stances: dict[str, Hashable] = {}
        targets: dict[str, Hashable] = {}
        statements: dict[str, Hashable] = {}
        for coder, decision in sentence.decisions.items():
            coded = decision.statements
            if not coded:
                claims[coder] = NO_CLAIM
                actors[coder] = stances[coder] = targets[coder] = statements[coder] = _NOTHING
                continue
            parts = seen.get(coded)
            if parts is None:  # coders often code the same statements: each set read once
                parts = seen[coded] = _parts(coded)
            claims[coder] = CLAIM
            actors[coder], stances[coder], targets[coder], single = parts
            statements[coder] = coded
            for actor_id, stance_id in single:
                by_actor.setdefault((unit, actor_id), {})[coder] = stance_id
        claim[unit] = claims
        actor[unit] = actors
        stance[unit] = stances
        target[unit] = targets
        statement[unit] = statements
    nominal: Units = {}
    ordinal: Units = {}
    actor_clusters: dict[Hashable, int] = {}
    for key, coded_stances in by_actor.items():
        if len(coded_stances) >= 2:
            nominal[key] = {coder: s for coder, s in coded_stances.items()}
            ordinal[key] = {coder: stance_scores[s] for coder, s in coded_stances.items()}
            actor_clusters[key] = clusters[key[0]]
    sets = {"actor": actor, "stance": stance, "target": target, "statement": statement}
    return [
        Variable("claim", "nominal", claim, clusters),
        *(
            Variable(name, "masi", sets[name], clusters, _given_claim(sets[name]))
            for name in SET_VARIABLES
        ),
        Variable(STANCE_BY_ACTOR, "nominal", nominal, actor_clusters),
        Variable(STANCE_BY_ACTOR, "ordinal", ordinal, actor_clusters),
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


def _given_claim(units: Units) -> Units:
    """The units of a set variable where every coder found a claim: no empty set among them
    (a claim names at least one actor, stance, target, which may be "no target")."""
    return {unit: coded for unit, coded in units.items() if all(coded.values())}


def restrict_variable(variable: Variable, coders: Collection[str]) -> Variable:
    """``variable`` as only ``coders`` coded it: the others' values dropped, and units left
    with fewer than two values left out; ``given_claim`` taken again among what remains (a
    unit where only a coder left out saw no claim now qualifies)."""
    (restricted,) = restrict_variables([variable], coders)
    return restricted


def restrict_variables(variables: Sequence[Variable], coders: Collection[str]) -> list[Variable]:
    """:func:`restrict_variable` of each of ``variables``; the variables over the same units
    (those of the sentences; those of the sentences' actors) are restricted together, in one
    pass over the units."""
    together: list[list[int]] = []
    for place, variable in enumerate(variables):
        for places in together:
            first = variables[places[0]]
            if first.clusters is variable.clusters and first.units.keys() == variable.units.keys():
                places.append(place)
                break
        else:
            together.append([place])
    restricted: list[Variable | None] = [None] * len(variables)
    for places in together:
        kept = _restrict([variables[p].units for p in places], coders)
        for place, units in zip(places, kept, strict=True):
            variable = variables[place]
            given = None if variable.given_claim is None else _given_claim(units)
            restricted[place] = Variable(
                variable.name, variable.metric, units, variable.clusters, given
            )
    return [v for v in restricted if v is not None]


def _restrict(datasets: Sequence[Units], coders: Collection[str]) -> list[Units]:
    """Units with the same keys and coders (the variables of the same sentences), each kept
    with only ``coders``' values where at least two of them remain."""
    out: list[Units] = [{} for _ in datasets]
    first = datasets[0]
    if len(coders) == 2:  # a pair: the common case, with dict displays for speed
        a, b = coders
        for unit, coded in first.items():
            if a in coded and b in coded:
                for units, kept in zip(datasets, out, strict=True):
                    values = units[unit]
                    kept[unit] = {a: values[a], b: values[b]}
        return out
    for unit, coded in first.items():
        chosen = [coder for coder in coded if coder in coders]
        if len(chosen) >= 2:
            for units, kept in zip(datasets, out, strict=True):
                values = units[unit]
                kept[unit] = {coder: values[coder] for coder in chosen}
    return out
