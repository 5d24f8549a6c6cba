"""Krippendorff's alpha and its bootstrap against published examples and independent programs.

The references: the worked examples of Krippendorff (2011), "Computing Krippendorff's
Alpha-Reliability"; the ``krippendorff`` package (nominal, ordinal, interval) on coders x units
matrices; nltk's ``AnnotationTask.alpha`` with ``masi_distance`` for sets of values.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Hashable

import krippendorff
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from nltk.metrics.agreement import AnnotationTask
from nltk.metrics.distance import masi_distance as nltk_masi

from reader.analysis import agreement as module
from reader.analysis.agreement import NO_PAIRS, Agreement, agreement, bootstrap, masi_distance

Units = dict[int, dict[str, Hashable]]
SETTINGS = settings(max_examples=100, deadline=None)


def units_from_rows(rows: dict[str, str]) -> Units:
    """``{unit: {coder: value}}`` from one line of values per coder, ``.`` where one is missing."""
    units: Units = {}
    for coder, row in rows.items():
        for unit, value in enumerate(row.split()):
            if value != ".":
                units.setdefault(unit, {})[coder] = int(value) if value.isdigit() else value
    return units


def matrix(units: Units, coders: list[str]) -> np.ndarray:
    """The coders x units matrix ``krippendorff.alpha`` takes, NaN where a value is missing."""
    out = np.full((len(coders), len(units)), np.nan)
    for column, coded in enumerate(units.values()):
        for row, coder in enumerate(coders):
            if coder in coded:
                out[row, column] = coded[coder]  # type: ignore[assignment]
    return out


def wrapped_masi(a: frozenset[int], b: frozenset[int]) -> float:
    """nltk's MASI distance, with two empty sets equal (nltk's divides by zero there)."""
    return 0.0 if not a and not b else nltk_masi(a, b)


def nltk_alpha(units: Units) -> float:
    task = AnnotationTask(
        data=[
            (coder, unit, value) for unit, coded in units.items() for coder, value in coded.items()
        ],
        distance=wrapped_masi,
    )
    return float(task.alpha())


# Krippendorff (2011): four observers, twelve units, missing data (section C onwards).
FOUR_CODERS = units_from_rows(
    {
        "A": "1 2 3 3 2 1 4 1 2 . . .",
        "B": "1 2 3 3 2 2 4 1 2 5 . 3",
        "C": ". 3 3 3 2 3 4 2 2 5 1 .",
        "D": "1 2 3 3 2 4 4 1 2 5 1 .",
    }
)


def test_binary_two_observers_example() -> None:
    """Section A: two observers, ten units, 0/1: alpha = 0.095 (2/21)."""
    units = units_from_rows({"A": "0 1 0 0 0 0 0 0 1 0", "B": "1 1 1 0 0 1 0 0 0 0"})
    result = agreement(units, "nominal")
    assert result.alpha == pytest.approx(2 / 21, abs=1e-12)
    assert round(result.alpha, 3) == 0.095
    assert (result.pairable_units, result.values, result.percent_agreement) == (10, 20, 0.6)


def test_nominal_two_observers_example() -> None:
    """Section B: Ben and Gerry, twelve units, five categories: alpha = 0.692 (155/224)."""
    units = units_from_rows({"Ben": "a a b b d c c c e d d a", "Gerry": "b a b b b c c c e d d d"})
    result = agreement(units, "nominal")
    assert result.alpha == pytest.approx(155 / 224, abs=1e-12)
    assert round(result.alpha, 3) == 0.692
    assert result.percent_agreement == 0.75


@pytest.mark.parametrize(
    ("metric", "published"), [("nominal", 0.743), ("ordinal", 0.815), ("interval", 0.849)]
)
def test_four_observers_with_missing_data_example(metric: str, published: float) -> None:
    """Sections C and D: the same data give 0.743 nominal, 0.815 ordinal, 0.849 interval; unit 12
    has one value and is dropped, leaving 11 units and 40 values."""
    result = agreement(FOUR_CODERS, metric)  # type: ignore[arg-type]
    assert result.alpha is not None and round(result.alpha, 3) == published
    reference = krippendorff.alpha(
        reliability_data=matrix(FOUR_CODERS, ["A", "B", "C", "D"]), level_of_measurement=metric
    )
    assert result.alpha == pytest.approx(reference, abs=1e-9)
    assert (result.pairable_units, result.values) == (11, 40)


def random_matrix(seed: int) -> tuple[Units, list[str]]:
    """2-5 coders, 1-30 units, values from one of three domains, about a third missing."""
    rng = random.Random(seed)
    coders = [f"c{i}" for i in range(rng.randint(2, 5))]
    domain = rng.choice([[1, 2], [1, 2, 3, 4, 5, 6], [0, 3, 4, 10], [-2.5, 0.5, 7.25]])
    units: Units = {
        unit: {coder: rng.choice(domain) for coder in coders if rng.random() < 2 / 3}
        for unit in range(rng.randint(1, 30))
    }
    return units, coders


@pytest.mark.parametrize("metric", ["nominal", "ordinal", "interval"])
def test_alpha_matches_the_krippendorff_package(metric: str) -> None:
    """On 300 seeded random matrices with missing values, including ones where alpha is
    undefined."""
    undefined = 0
    for seed in range(300):
        units, coders = random_matrix(seed)
        ours = agreement(units, metric)  # type: ignore[arg-type]
        try:
            with np.errstate(all="ignore"):
                theirs = float(
                    krippendorff.alpha(
                        reliability_data=matrix(units, coders), level_of_measurement=metric
                    )
                )
        except ValueError:  # no unit with two values, or one value in the whole matrix
            assert ours.alpha is None, seed
            undefined += 1
            continue
        if math.isnan(theirs):  # one value among the pairable ones: 0 / 0
            assert ours.alpha is None and ours.reason is not None, seed
            assert ours.reason.startswith("only one value was coded"), seed
            undefined += 1
            continue
        assert ours.alpha == pytest.approx(theirs, abs=1e-9), seed
    assert 0 < undefined < 30


def random_sets(seed: int) -> Units:
    """1-25 units, each coded by two to four coders with sets of up to 4 of 6 elements (empty
    sets included)."""
    rng = random.Random(seed)
    return {
        unit: {
            coder: frozenset(rng.sample(range(6), rng.choice((0, 0, 1, 1, 2, 3, 4))))
            for coder in rng.sample(["ana", "ben", "cho", "dan"], rng.randint(2, 4))
        }
        for unit in range(rng.randint(1, 25))
    }


def test_masi_alpha_matches_nltk() -> None:
    """On 300 seeded random data sets. Every unit has two coders or more, so nltk's treatment of
    lone values cannot differ."""
    for seed in range(300):
        units = random_sets(seed)
        ours = agreement(units, "masi")
        if len({v for coded in units.values() for v in coded.values()}) == 1:
            assert ours.alpha is None  # nltk says 1.0 here; alpha is undefined
            continue
        assert ours.alpha == pytest.approx(nltk_alpha(units), abs=1e-9), seed


def test_masi_alpha_matches_nltk_on_large_sets() -> None:
    """Sets of 8-12 of 40 elements, where visiting pairs of sets beats enumerating subsets."""
    rng = random.Random(7)
    units: Units = {}
    for unit in range(60):
        base = set(rng.sample(range(40), rng.randint(8, 12)))
        units[unit] = {}
        for coder in rng.sample(["ana", "ben", "cho"], rng.choice((2, 3))):
            coded = set(base)
            if rng.random() < 0.5:
                coded.discard(rng.choice(sorted(coded)))
            if rng.random() < 0.3:
                coded.add(rng.randrange(40))
            units[unit][coder] = frozenset(coded)
    values = list(dict.fromkeys(v for coded in units.values() for v in coded.values()))
    assert module._Masi(values).method == "pairs"
    result = agreement(units, "masi")
    assert result.alpha == pytest.approx(nltk_alpha(units), abs=1e-9)


def test_units_with_one_value_are_dropped() -> None:
    """Adding units that only one coder decided changes nothing, and nltk agrees without them."""
    rng = random.Random(3)
    paired: Units = {
        unit: {c: frozenset(rng.sample(range(5), rng.randint(0, 2))) for c in ("a", "b", "c")}
        for unit in range(30)
    }
    lone: Units = {100 + unit: {"a": frozenset({unit % 5})} for unit in range(10)}
    with_lone = agreement({**paired, **lone}, "masi")
    assert with_lone == agreement(paired, "masi")
    assert (with_lone.pairable_units, with_lone.values) == (30, 90)
    assert with_lone.alpha == pytest.approx(nltk_alpha(paired), abs=1e-9)


def _brute_expected(n: list[int], delta: Callable[[int, int], float]) -> float:
    """The plain sum over pairs of distinct values (by index) of n_c * n_k * delta(c, k)."""
    return sum(n[c] * n[k] * delta(c, k) for c in range(len(n)) for k in range(c + 1, len(n)))


@pytest.mark.parametrize("method", ["subsets", "pairs"])
@SETTINGS
@given(
    sets=st.lists(
        st.frozensets(st.integers(0, 6), max_size=5), min_size=1, max_size=14, unique=True
    ),
    seed=st.integers(0, 1000),
)
def test_masi_expected_disagreement_equals_the_sum_over_pairs(
    method: str, sets: list[frozenset[int]], seed: int
) -> None:
    """Both ways of adding up MASI's expected disagreement are the plain sum over pairs of
    distinct values."""
    rng = random.Random(seed)
    n = [rng.randint(0, 6) for _ in sets]
    distance = module._Masi(sets, method)
    brute = _brute_expected(n, lambda c, k: masi_distance(sets[c], sets[k]))
    assert distance.expected(n) == pytest.approx(brute, rel=1e-12, abs=1e-9)


@SETTINGS
@given(
    numbers=st.lists(st.integers(-5, 30), min_size=1, max_size=10, unique=True),
    seed=st.integers(0, 1000),
)
def test_closed_forms_equal_the_sum_over_pairs(numbers: list[int], seed: int) -> None:
    """Nominal (from squared counts), interval (from the variance) and ordinal expected sums are
    the plain sums over pairs of distinct values."""
    rng = random.Random(seed)
    n = [rng.randint(0, 6) for _ in numbers]
    if sum(n) == 0:
        n[0] = 1
    values: list[Hashable] = list(numbers)
    ordered = sorted(range(len(numbers)), key=numbers.__getitem__)
    rank = {i: r for r, i in enumerate(ordered)}

    def ordinal(c: int, k: int) -> float:
        low, high = sorted((rank[c], rank[k]))
        between = sum(n[ordered[r]] for r in range(low, high + 1))
        return (between - (n[c] + n[k]) / 2) ** 2

    cases = [
        (module._Nominal(), lambda c, k: 1.0),
        (module._Interval(values), lambda c, k: (numbers[c] - numbers[k]) ** 2),
        (module._Ordinal(values), ordinal),
    ]
    for distance, delta in cases:
        brute = _brute_expected(n, delta)
        assert distance.expected(n) == pytest.approx(brute, rel=1e-12, abs=1e-9)


def test_masi_distance() -> None:
    """MASI as Passonneau defines it; nltk's agrees except on two empty sets, where it fails."""
    cases = [
        ({1, 2}, {1, 2}, 0.0),
        ({1, 2}, {1, 2, 3, 4}, 1 - 0.5 * 2 / 3),
        ({1, 2, 3}, {2, 3, 4}, 1 - 0.5 / 3),
        ({1}, {2}, 1.0),
        (set(), {1}, 1.0),
    ]
    for a, b, expected in cases:
        assert masi_distance(frozenset(a), frozenset(b)) == pytest.approx(expected)
        assert masi_distance(frozenset(a), frozenset(b)) == nltk_masi(set(a), set(b))
        assert masi_distance(frozenset(b), frozenset(a)) == masi_distance(
            frozenset(a), frozenset(b)
        )
    assert masi_distance(frozenset(), frozenset()) == 0.0
    with pytest.raises(ZeroDivisionError):
        nltk_masi(set(), set())


def test_empty_sets_agree_under_masi() -> None:
    """Two coders who both saw no actor agree: empty sets are one value, at distance 0."""
    units: Units = {
        0: {"a": frozenset(), "b": frozenset()},
        1: {"a": frozenset({1}), "b": frozenset({1})},
        2: {"a": frozenset(), "b": frozenset()},
    }
    result = agreement(units, "masi")
    assert (result.alpha, result.percent_agreement) == (1.0, 1.0)


def test_alpha_that_cannot_be_computed_says_why() -> None:
    assert agreement({}) == Agreement(None, 0, 0, None, NO_PAIRS)
    lone = agreement({1: {"a": "x"}, 2: {"b": "y"}, 3: {}})
    assert lone == Agreement(None, 0, 0, None, "fewer than two coders on every unit")
    same = agreement({1: {"a": "x", "b": "x"}, 2: {"a": "x", "c": "x"}, 3: {"a": "y"}})
    assert same.alpha is None
    assert same.reason == "only one value was coded, so no disagreement can be expected"
    assert (same.pairable_units, same.values, same.percent_agreement) == (2, 4, 1.0)


def test_percent_agreement_counts_pairs_within_units() -> None:
    """(a, a, b) has three pairs, one equal; (a, a) one, equal: 2 of 4 pairs agree."""
    units: Units = {1: {"x": "a", "y": "a", "z": "b"}, 2: {"x": "a", "y": "a"}}
    assert agreement(units).percent_agreement == 0.5


def test_values_a_metric_cannot_measure_are_refused() -> None:
    with pytest.raises(ValueError, match="interval values must be finite numbers"):
        agreement({1: {"a": "low", "b": "high"}}, "interval")
    with pytest.raises(ValueError, match="masi values must be sets"):
        agreement({1: {"a": 1, "b": 2}}, "masi")
    with pytest.raises(ValueError, match="ordinal values must be comparable"):
        agreement({1: {"a": 1, "b": "x"}}, "ordinal")
    with pytest.raises(ValueError, match="unknown metric"):
        agreement({1: {"a": 1, "b": 2}}, "ratio")  # type: ignore[arg-type]


def study(seed: int, units: int = 400, per_article: int = 20) -> tuple[Units, dict[int, int]]:
    """Three coders, each unit decided by two or three, agreeing with the truth 85 % of the time;
    units grouped in articles."""
    rng = random.Random(seed)
    data: Units = {}
    for unit in range(units):
        truth = rng.choice("abcd")
        coders = rng.sample(["ana", "ben", "cho"], rng.choice((2, 3)))
        data[unit] = {c: truth if rng.random() < 0.85 else rng.choice("abcd") for c in coders}
    return data, {unit: unit // per_article for unit in data}


def test_bootstrap_is_reproducible_and_brackets_the_estimate() -> None:
    units, clusters = study(1)
    point = agreement(units).alpha
    assert point is not None
    first = bootstrap(units, clusters=clusters, draws=1000, seed=5)
    assert first == bootstrap(units, clusters=clusters, draws=1000, seed=5)
    assert first != bootstrap(units, clusters=clusters, draws=1000, seed=6)
    assert first.low is not None and first.high is not None
    assert first.low < point < first.high
    assert first.p_below_0667 is not None and first.p_below_08 is not None
    assert 0 <= first.p_below_0667 <= first.p_below_08 <= 1
    assert (first.draws, first.undefined_draws) == (1000, 0)


@pytest.mark.parametrize("metric", ["nominal", "ordinal", "interval", "masi"])
def test_a_bootstrap_draw_is_the_alpha_of_the_resampled_units(metric: str) -> None:
    """One draw, summed from the clusters' tallies, equals alpha computed afresh on the units of
    the clusters drawn (a cluster drawn twice counted twice)."""
    rng = random.Random(11)
    units: Units = {}
    for unit in range(120):
        coders = rng.sample(["ana", "ben", "cho"], rng.choice((2, 3)))
        if metric == "masi":
            units[unit] = {c: frozenset(rng.sample(range(5), rng.randint(0, 2))) for c in coders}
        else:
            units[unit] = {c: rng.randint(1, 5) for c in coders}
    units[999] = {"ana": frozenset() if metric == "masi" else 1}  # not pairable
    clusters = {unit: unit // 10 for unit in units}
    seed = 4
    picks = random.Random(seed).choices(range(12), k=12)  # the clusters, in order of appearance
    resampled: Units = {}
    for draw, cluster in enumerate(picks):
        for unit in range(cluster * 10, cluster * 10 + 10):
            resampled[draw * 1000 + unit] = units[unit]
    expected = agreement(resampled, metric)  # type: ignore[arg-type]
    interval = bootstrap(units, metric, clusters=clusters, draws=1, seed=seed)  # type: ignore[arg-type]
    assert expected.alpha is not None
    assert interval.low == pytest.approx(expected.alpha, abs=1e-9)
    assert interval.high == interval.low


def test_perfect_agreement_gives_one_and_an_interval_of_one() -> None:
    units: Units = {u: {"a": u % 3, "b": u % 3, "c": u % 3} for u in range(60)}
    clusters = {u: u // 6 for u in units}
    assert agreement(units).alpha == 1.0
    interval = bootstrap(units, clusters=clusters, draws=1000, seed=1)
    assert (interval.low, interval.high, interval.p_below_0667, interval.p_below_08) == (1, 1, 0, 0)


def test_draws_without_an_alpha_are_counted_and_left_out() -> None:
    """Two articles, each coded with one value only: a draw of the same article twice has one
    value and no alpha."""
    units: Units = {u: {"a": "x", "b": "x"} for u in range(5)}
    units.update({u: {"a": "y", "b": "y"} for u in range(5, 10)})
    clusters = {u: u // 5 for u in units}
    interval = bootstrap(units, clusters=clusters, draws=400, seed=2)
    assert 100 < interval.undefined_draws < 300
    assert (interval.low, interval.high, interval.draws) == (1.0, 1.0, 400)
    single = bootstrap({1: {"a": "x", "b": "x"}}, draws=50)
    assert (single.low, single.high, single.p_below_08, single.undefined_draws) == (
        None,
        None,
        None,
        50,
    )
    assert bootstrap({}, draws=10).undefined_draws == 10


def test_bootstrap_refuses_bad_arguments() -> None:
    units: Units = {1: {"a": "x", "b": "y"}, 2: {"a": "x", "b": "x"}}
    with pytest.raises(ValueError, match="unit 2 has no cluster"):
        bootstrap(units, clusters={1: "article"})
    with pytest.raises(ValueError, match="draws must be at least 1"):
        bootstrap(units, draws=0)
    with pytest.raises(ValueError, match="level must be between 0 and 1"):
        bootstrap(units, level=1.0)


@pytest.mark.parametrize("metric", ["nominal", "ordinal", "interval", "masi"])
def test_agreements_of_several_datasets_equal_each_alone(metric: str) -> None:
    """``agreements`` shares the values of several datasets; each result is the dataset's own
    (empty datasets and datasets of one value included)."""
    rng = random.Random(21)
    datasets: list[Units] = []
    for size in (40, 25, 0, 3):
        units: Units = {}
        for unit in range(size):
            coders = rng.sample(["ana", "ben", "cho"], rng.choice((1, 2, 3)))
            if metric == "masi":
                units[unit] = {
                    c: frozenset(rng.sample(range(9), rng.randint(0, 3))) for c in coders
                }
            else:
                units[unit] = {c: rng.randint(1, 5) for c in coders}
        datasets.append(units)
    one_value: Hashable = frozenset({1}) if metric == "masi" else 3
    datasets.append({1: {"a": one_value, "b": one_value}})
    together = module.agreements(datasets, metric)  # type: ignore[arg-type]
    alone = [agreement(units, metric) for units in datasets]  # type: ignore[arg-type]
    for ours, reference in zip(together, alone, strict=True):
        assert ours.reason == reference.reason
        assert (ours.pairable_units, ours.values, ours.percent_agreement) == (
            reference.pairable_units,
            reference.values,
            reference.percent_agreement,
        )
        if reference.alpha is None:
            assert ours.alpha is None
        else:
            assert ours.alpha == pytest.approx(reference.alpha, abs=1e-12)


def spread_sets(seed: int, units: int = 240, per_article: int = 6) -> tuple[Units, dict[int, int]]:
    """Sets of up to four of 60 elements, so that many subsets are coded in one article only
    (summed per article in a draw) and others in several."""
    rng = random.Random(seed)
    data: Units = {}
    for unit in range(units):
        truth = frozenset(rng.sample(range(60), rng.choice((0, 1, 2, 3, 4))))
        data[unit] = {}
        for coder in rng.sample(["ana", "ben", "cho"], rng.choice((2, 3))):
            coded = set(truth)
            if coded and rng.random() < 0.2:
                coded.discard(rng.choice(sorted(coded)))
            if rng.random() < 0.2:
                coded.add(rng.randrange(60))
            data[unit][coder] = frozenset(coded)
    return data, {unit: unit // per_article for unit in data}


@pytest.mark.parametrize("metric", ["nominal", "ordinal", "masi"])
@pytest.mark.parametrize("batch_cells", [module.BATCH_CELLS, 120])
def test_every_draw_is_the_alpha_of_its_resampled_units(
    metric: str, batch_cells: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each of 25 draws, computed side by side in batches (three draws a batch with 40
    clusters and 120 cells), equals alpha computed afresh on the units of the clusters it
    drew, with the same random numbers."""
    monkeypatch.setattr(module, "BATCH_CELLS", batch_cells)
    sets, clusters = spread_sets(5)
    data: Units = (
        sets
        if metric == "masi"
        else {u: {c: sum(v) % 4 for c, v in coded.items()} for u, coded in sets.items()}  # type: ignore[call-overload]
    )
    by_cluster: dict[int, list[int]] = {}
    for unit, cluster in clusters.items():
        by_cluster.setdefault(cluster, []).append(unit)
    order = list(dict.fromkeys(clusters[u] for u in data))
    rng = random.Random(9)
    expected = []
    for _ in range(25):
        resampled: Units = {}
        for draw, k in enumerate(rng.choices(range(len(order)), k=len(order))):
            for unit in by_cluster[order[k]]:
                resampled[(draw, unit)] = data[unit]  # type: ignore[index]
        found = agreement(resampled, metric)  # type: ignore[arg-type]
        assert found.alpha is not None
        expected.append(found.alpha)
    index: dict[Hashable, int] = {}
    tallies: dict[Hashable, module._Tally] = {}
    for unit, coded in data.items():
        tallies.setdefault(clusters[unit], module._Tally()).add(coded.values(), index)
    distance = module._distance(metric, list(index))
    alphas, undefined = module._draw(distance, list(tallies.values()), len(index), 25, 9)
    assert undefined == 0
    assert alphas == pytest.approx(expected, abs=1e-9)
    if isinstance(distance, module._Masi):  # both kinds of subsets were met
        resampling = distance._resampling
        assert resampling is not None and resampling.local and resampling.holders


def test_bootstrap_figures_do_not_depend_on_the_batch_size(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    units, clusters = spread_sets(8)
    whole = bootstrap(units, "masi", clusters=clusters, draws=300, seed=3)
    monkeypatch.setattr(module, "BATCH_CELLS", 200)
    batched = bootstrap(units, "masi", clusters=clusters, draws=300, seed=3)
    assert whole.low == pytest.approx(batched.low, abs=1e-12)
    assert whole.high == pytest.approx(batched.high, abs=1e-12)
    assert (whole.p_below_0667, whole.p_below_08) == (batched.p_below_0667, batched.p_below_08)


@pytest.mark.parametrize("bound", [10, 2**40, 2**70])
def test_packed_fields_hold_every_number_up_to_their_bound(bound: int) -> None:
    """Numbers side by side in one integer come back as they went in, sums and multiples field
    by field, whatever width the bound asks for (beyond 64 bits, fields of whole bytes)."""
    fields = module._Fields(bound)
    rng = random.Random(bound)
    a = [rng.randrange(bound // 4) for _ in range(50)]
    b = [rng.randrange(bound // 4) for _ in range(50)]
    assert list(fields.unpack(fields.pack(a), 50)) == a
    packed = fields.pack(a) + 3 * fields.pack(b)
    assert list(fields.unpack(packed, 50)) == [x + 3 * y for x, y in zip(a, b, strict=True)]
