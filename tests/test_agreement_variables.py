"""The pieces under ``nkreader agreement``: the Store's decided sentences, the variables built
from them, and groups of coders restricted from them."""

from __future__ import annotations

from reader.analysis.columns import Columns
from reader.analysis.reliability import agreement_report, group_agreement
from reader.analysis.variables import (
    CLAIM,
    NO_CLAIM,
    VARIABLES,
    build_variables,
    restrict,
    restrict_variable,
    restrict_variables,
)
from reader.models import CoderDecision, DecidedSentence
from reader.store import Store

SCORES = {1: 1.0, 2: -1.0, 3: 0.0}


def decided(
    sentence: int, article: int, **coders: set[tuple[int, int, int | None]]
) -> DecidedSentence:
    return DecidedSentence(
        sentence, article, {c: CoderDecision(frozenset(s), not s) for c, s in coders.items()}
    )


SENTENCES = [
    decided(1, 10, ana={(1, 1, None)}, ben={(1, 1, 5)}, cho=set()),
    decided(2, 10, ana={(1, 1, 5), (1, 2, 6)}, ben={(1, 2, 6)}, cho={(1, 2, 6), (2, 3, None)}),
    decided(3, 11, ana=set(), ben=set()),
    decided(4, 11, ana={(2, 1, 5)}),
]


def test_each_variable_reads_the_decisions_as_documented() -> None:
    variables = build_variables(SENTENCES, SCORES)
    assert [(v.name, v.metric) for v in variables] == list(VARIABLES)
    claim, actor, stance, target, statement, nominal, ordinal = variables
    assert claim.units[1] == {"ana": CLAIM, "ben": CLAIM, "cho": NO_CLAIM}
    assert claim.units[4] == {"ana": CLAIM}  # kept, but with one value it pairs with nothing
    assert actor.units[2] == {"ana": {1}, "ben": {1}, "cho": {1, 2}}
    assert stance.units[2] == {"ana": {1, 2}, "ben": {2}, "cho": {2, 3}}
    assert target.units[1] == {"ana": {None}, "ben": {5}, "cho": frozenset()}
    assert statement.units[3] == {"ana": frozenset(), "ben": frozenset()}
    assert actor.given_claim is not None and set(actor.given_claim) == {2, 4}
    assert claim.given_claim is None and nominal.given_claim is None
    # ana gave actor 1 two stances in sentence 2: she is not part of that unit
    assert nominal.units == {(1, 1): {"ana": 1, "ben": 1}, (2, 1): {"ben": 2, "cho": 2}}
    assert ordinal.units == {(1, 1): {"ana": 1.0, "ben": 1.0}, (2, 1): {"ben": -1.0, "cho": -1.0}}
    assert nominal.clusters == {(1, 1): 10, (2, 1): 10}
    assert claim.clusters == {1: 10, 2: 10, 3: 11, 4: 11}


def test_a_group_of_coders_is_the_variables_restricted_to_them() -> None:
    """Restricting the variables to a pair gives what building them from the pair's decisions
    gives; a sentence where only a coder left out saw no claim now counts as a claim for all."""
    variables = build_variables(restrict(SENTENCES, {"ana", "ben", "cho"}), SCORES)
    assert [s.sentence_id for s in restrict(SENTENCES, {"ana", "ben", "cho"})] == [1, 2, 3]
    for pair in (("ana", "ben"), ("ben", "cho")):
        direct = build_variables(restrict(SENTENCES, set(pair)), SCORES)
        restricted = restrict_variables(variables, pair)
        for ours, theirs in zip(restricted, direct, strict=True):
            assert ours.units == theirs.units
            assert ours.given_claim == theirs.given_claim
        assert restrict_variable(variables[1], pair) == restricted[1]
    actor = restrict_variable(variables[1], ("ana", "ben"))
    assert actor.given_claim is not None and set(actor.given_claim) == {1, 2}


def test_a_report_compares_all_coders_and_each_pair() -> None:
    report = agreement_report(SENTENCES, ["ana", "ben", "cho"], SCORES, draws=0)
    assert (report.coders, report.units) == (("ana", "ben", "cho"), 3)
    assert [p.coders for p in report.pairs] == [("ana", "ben"), ("ana", "cho"), ("ben", "cho")]
    assert [p.units for p in report.pairs] == [3, 2, 2]
    alone = group_agreement(
        restrict_variables(build_variables(SENTENCES, SCORES), ("ana", "cho")),
        ("ana", "cho"),
        draws=0,
    )
    assert alone == report.pairs[1]
    assert all(v.interval is None for v in report.variables)


def test_decided_sentences_gathers_every_chosen_coders_decision(store: Store) -> None:
    """Annotations and "no claim" marks of the coders asked for, on sentences two of them
    decided; other coders, other statuses and other articles left out."""
    first, second = (a.id for a in store.article_progress()[:2])
    s1, s2, s3 = (s.id for s in store.sentences(first)[:3])
    (t1,) = (s.id for s in store.sentences(second)[:1])
    actor = store.actors()[0].id
    stance, other = (s.id for s in store.stances()[:2])
    target = store.targets()[0].id
    ana, ben, cho = (Store(store.conn, name) for name in ("ana", "ben", "cho"))
    ana.add_annotation(s1, actor, stance, target)
    ana.add_annotation(s1, actor, other)
    ben.set_no_claim(s1, True)
    cho.add_annotation(s1, actor, stance, target)
    ana.set_no_claim(s2, True)
    ana.add_annotation(s2, actor, stance)  # a code beside a stale mark: a claim
    ben.add_annotation(s2, actor, stance)
    ana.add_annotation(s3, actor, stance)  # only one coder
    ana.set_no_claim(t1, True)
    ben.set_no_claim(t1, True)
    store.conn.execute(
        "INSERT INTO sentence_status VALUES (?, 'cho', 'skipped', '2024-01-01T00:00:00')", [t1]
    )
    assert store.coders() == ["ana", "ben", "cho"]
    found = store.decided_sentences(["ana", "ben"])
    assert [s.sentence_id for s in found] == [s1, s2, t1]
    assert found[0].article_id == first and found[2].article_id == second
    assert found[0].decisions == {
        "ana": CoderDecision(frozenset({(actor, stance, target), (actor, other, None)})),
        "ben": CoderDecision(frozenset(), marked_no_claim=True),
    }
    assert found[1].decisions["ana"] == CoderDecision(frozenset({(actor, stance, None)}), True)
    assert found[1].decisions["ana"].claim
    every = store.decided_sentences(["ana", "ben", "cho"], [second])
    assert [(s.sentence_id, sorted(s.decisions)) for s in every] == [(t1, ["ana", "ben"])]
    lone = store.decided_sentences(["ana"], min_coders=1)
    assert [s.sentence_id for s in lone] == [s1, s2, s3, t1]


def test_columns_are_the_mapping_they_hold() -> None:
    """Units collected by column read back as ``{unit: {coder: value}}``; a group of coders
    and a filter on values give what the same operations on dictionaries give; kinds count the
    units of two values or more."""
    units = {
        1: {"ana": "x", "ben": "x"},
        2: {"ana": "x", "ben": "y", "cho": "y"},
        3: {"ben": "z", "cho": "z"},
        4: {"ana": "y", "ben": "x"},
        5: {"cho": "x"},
    }
    builder = Columns.collect()
    for unit, coded in units.items():
        builder.add(unit, coded)
    columns = builder.build()
    assert dict(columns.items()) == units and columns == units
    assert (len(columns), columns.pairable(), columns[2], 5 in columns) == (5, 4, units[2], True)
    assert sorted(columns) == [1, 2, 3, 4, 5]
    assert columns.kinds() == {("x", "x"): 1, ("x", "y", "y"): 1, ("z", "z"): 1, ("y", "x"): 1}
    pair = columns.restricted({"ana", "ben"})
    assert pair == {1: units[1], 2: {"ana": "x", "ben": "y"}, 4: units[4]}
    assert columns.where(lambda values: "z" not in values) == {
        u: c for u, c in units.items() if u != 3
    }
