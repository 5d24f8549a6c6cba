"""Inter-coder agreement: Krippendorff's alpha from a coincidence matrix, and a cluster bootstrap.

Reliability data are units (sentences, say), each with the value that every coder who decided it
gave: ``{unit: {coder: value}}``. A coder who did not decide a unit is simply absent from it.
Values are hashable: strings, numbers, tuples, frozensets. A unit with fewer than two values has no
pair to compare and is dropped; the others are *pairable*, and so are their values.

Alpha is ``1 - D_o / D_e`` (Krippendorff 2011, "Computing Krippendorff's Alpha-Reliability"):

* the coincidence matrix ``o`` counts pairs of values within units: a unit with ``m_u`` values
  adds each of its ``m_u (m_u - 1)`` ordered pairs ``(c, k)`` with weight ``1 / (m_u - 1)``; its
  marginal totals ``n_c`` count the pairable values ``c``, ``n`` of them in all;
* ``D_o = sum over c, k of o_ck * delta(c, k) / n`` is the disagreement observed;
* ``D_e = sum over c, k of n_c * n_k * delta(c, k) / (n (n - 1))`` is the disagreement expected
  by chance.

``D_e`` is summed over pairs of *distinct values* weighted by their counts, never over pairs of
individual values, and each metric adds it up in the cheapest exact way: ``nominal`` from the sum
of squared counts, ``interval`` from the weighted variance, ``ordinal`` over the pairs of distinct
ranks, ``masi`` by the sizes of sets and of their intersections (see :class:`_Masi`). The metrics
(``delta`` is Krippendorff's squared difference function):

* ``nominal``: 0 for equal values, 1 otherwise;
* ``ordinal``: ``(sum of n_g for g from c to k - (n_c + n_k) / 2) ** 2``, the ranks from ``c``
  to ``k`` weighted by how often they were coded; values must be comparable (``sorted`` ranks them);
* ``interval``: ``(c - k) ** 2`` for real numbers;
* ``masi``: the MASI distance of two sets (Passonneau 2006, :func:`masi_distance`), used as it is
  (not squared), as nltk's ``AnnotationTask(distance=masi_distance).alpha()`` does.

:func:`bootstrap` resamples clusters of units (the articles the sentences come from) with
replacement. Each cluster's share of the coincidence matrix is tallied once, so a draw is a sum of
those shares, not a new pass over the units.

Speed (``bench/bench_agreement.py``, a busy 2-core machine): for 10,000 sentences decided by two
or three of three coders, :func:`agreement` takes 30-80 ms for a nominal, ordinal or interval
variable and 80-150 ms for sets of actors (MASI, 2,358 distinct sets); a 1,000-draw
:func:`bootstrap` over 500 articles takes 0.6-1.9 s, and 7 s for those sets, whose cost grows
with the number and size of the distinct sets.
"""

from __future__ import annotations

import math
import random
from collections import Counter
from collections.abc import Collection, Hashable, Iterator, Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from itertools import accumulate, combinations
from numbers import Real
from operator import mul, sub
from typing import Any, Literal, Protocol, TypeVar, cast

U = TypeVar("U", bound=Hashable)
"""A unit: what coders decide on (a sentence id)."""
C = TypeVar("C", bound=Hashable)
"""A coder."""

Metric = Literal["nominal", "ordinal", "interval", "masi"]
METRICS: tuple[Metric, ...] = ("nominal", "ordinal", "interval", "masi")

TENTATIVE = 0.667
"""Krippendorff's lowest alpha from which tentative conclusions may be drawn."""
ACCEPTABLE = 0.80
"""Krippendorff's customary threshold of reliable data."""

NO_PAIRS = "fewer than two coders on every unit"


@dataclass(frozen=True, slots=True)
class Agreement:
    """Agreement on one variable."""

    alpha: float | None
    """Krippendorff's alpha, or None when it cannot be computed (``reason`` says why)."""
    pairable_units: int
    """Units with at least two values."""
    values: int
    """Values in pairable units (Krippendorff's ``n``)."""
    percent_agreement: float | None
    """The share of pairable value pairs within units that are equal: every unordered pair of
    values given to the same unit counts once (a unit with three values has three pairs), pooled
    over all units. None when no unit is pairable."""
    reason: str | None = None
    """Why ``alpha`` is None; None when it is not."""


@dataclass(frozen=True, slots=True)
class Interval:
    """A cluster-bootstrap percentile interval of alpha."""

    low: float | None
    """Lower end of the interval; None when no draw had an alpha."""
    high: float | None
    p_below_0667: float | None
    """Share of the draws with an alpha whose alpha is below 0.667 (:data:`TENTATIVE`)."""
    p_below_08: float | None
    """Share of the draws with an alpha whose alpha is below 0.80 (:data:`ACCEPTABLE`)."""
    draws: int
    """Draws made, with or without an alpha."""
    undefined_draws: int
    """Draws in which alpha could not be computed (a single value was drawn); left out of the
    figures above."""


def masi_distance(a: AbstractSet[Hashable], b: AbstractSet[Hashable]) -> float:
    """MASI distance of two sets (Passonneau 2006): ``1 - J * M``.

    ``J`` is Jaccard's ``|a & b| / |a | b|``; ``M`` is 1 when the sets are equal, 2/3 when one
    holds the other, 1/3 when they overlap otherwise and 0 when they are disjoint. Two empty sets
    are equal, at distance 0 (nltk's ``masi_distance`` divides by zero there).
    """
    if a == b:
        return 0.0
    common = len(a & b)
    if common == 0:
        return 1.0
    m = 2 / 3 if common == min(len(a), len(b)) else 1 / 3
    return 1 - common / (len(a) + len(b) - common) * m


@dataclass(slots=True)
class _Tally:
    """One share of a coincidence matrix, over value indexes: the whole data's or a cluster's."""

    counts: dict[int, int] = field(default_factory=dict)
    """``n_c``: pairable values by value index."""
    off: dict[tuple[int, int], float] = field(default_factory=dict)
    """``o_ck`` for value indexes ``c < k`` (the matrix is symmetric; its diagonal is not kept)."""
    units: int = 0
    pairs: int = 0
    """Unordered pairs of values within units."""
    agreeing: int = 0
    """Those of ``pairs`` whose two values are equal."""

    def add(self, values: Collection[Hashable], index: dict[Hashable, int]) -> None:
        """Add one unit's values, numbering values not seen before in ``index``."""
        m = len(values)
        if m < 2:
            return
        self.units += 1
        self.pairs += m * (m - 1) // 2
        counts, off = self.counts, self.off
        if m == 2:  # the common case, without a Counter
            a, b = values
            i = index.setdefault(a, len(index))
            j = index.setdefault(b, len(index))
            counts[i] = counts.get(i, 0) + 1
            counts[j] = counts.get(j, 0) + 1
            if i == j:
                self.agreeing += 1
            else:
                key = (i, j) if i < j else (j, i)
                off[key] = off.get(key, 0.0) + 1.0
            return
        per_value = sorted(Counter(index.setdefault(v, len(index)) for v in values).items())
        for place, (i, n_i) in enumerate(per_value):
            counts[i] = counts.get(i, 0) + n_i
            self.agreeing += n_i * (n_i - 1) // 2
            for j, n_j in per_value[place + 1 :]:
                off[(i, j)] = off.get((i, j), 0.0) + n_i * n_j / (m - 1)


class _GroupSums:
    """``[sum(x[i] * w for i, w in group) for group in groups]`` for fixed groups of integers.

    A draw of the bootstrap computes thousands of these short sums; done as one pass of ``map``
    and ``accumulate`` over all terms, then differences of the running total at the groups' ends,
    they cost a few C-level passes instead of a Python call per group. Integers keep it exact.
    """

    def __init__(self, groups: Sequence[Sequence[tuple[int, int]]]) -> None:
        self.positions = [i for group in groups for i, _ in group]
        self.weights = [w for group in groups for _, w in group]
        self.weighted = any(w != 1 for w in self.weights)
        self.ends = list(accumulate(len(group) for group in groups))
        self.starts = [0, *self.ends[:-1]]

    def __call__(self, x: Sequence[int]) -> list[int]:
        terms = map(x.__getitem__, self.positions)
        if self.weighted:
            terms = map(mul, terms, self.weights)
        running = list(accumulate(terms, initial=0))
        return list(
            map(sub, map(running.__getitem__, self.ends), map(running.__getitem__, self.starts))
        )


class _Distance(Protocol):
    """A metric over the distinct values, addressed by index."""

    fixed: bool
    """Whether ``delta`` is the same whatever the marginal totals (all but ordinal)."""

    def observed(self, off: Mapping[tuple[int, int], float], n: Sequence[int]) -> float:
        """``sum over c < k of o_ck * delta(c, k)``; ``n`` is only read when not ``fixed``."""
        ...

    def expected(self, n: Sequence[int]) -> float:
        """``sum over c < k of n_c * n_k * delta(c, k)``."""
        ...


class _Nominal:
    fixed = True

    def observed(self, off: Mapping[tuple[int, int], float], n: Sequence[int]) -> float:
        return math.fsum(off.values())

    def expected(self, n: Sequence[int]) -> float:
        total = sum(n)
        return (total * total - sum(c * c for c in n)) / 2


class _Interval:
    fixed = True

    def __init__(self, values: Sequence[Hashable]) -> None:
        self.x = [_number(v) for v in values]

    def observed(self, off: Mapping[tuple[int, int], float], n: Sequence[int]) -> float:
        x = self.x
        return math.fsum(o * (x[i] - x[j]) ** 2 for (i, j), o in off.items())

    def expected(self, n: Sequence[int]) -> float:
        # sum over c < k of n_c n_k (x_c - x_k)^2 = n * sum of n_c (x_c - mean)^2
        total = sum(n)
        mean = math.fsum(c * x for c, x in zip(n, self.x, strict=True)) / total
        return total * math.fsum(c * (x - mean) ** 2 for c, x in zip(n, self.x, strict=True))


class _Ordinal:
    fixed = False

    def __init__(self, values: Sequence[Hashable]) -> None:
        try:
            self.order = sorted(range(len(values)), key=lambda i: cast(Any, values[i]))
        except TypeError as error:
            raise ValueError(f"ordinal values must be comparable to be ranked: {error}") from None
        self.rank = [0] * len(values)
        for rank, i in enumerate(self.order):
            self.rank[i] = rank

    def observed(self, off: Mapping[tuple[int, int], float], n: Sequence[int]) -> float:
        below = [0]  # below[r]: values coded with a rank under r
        for i in self.order:
            below.append(below[-1] + n[i])
        total = 0.0
        for (i, j), o in off.items():
            low, high = sorted((self.rank[i], self.rank[j]))
            d = below[high + 1] - below[low] - (n[i] + n[j]) / 2
            total += o * d * d
        return total

    def expected(self, n: Sequence[int]) -> float:
        coded = [n[i] for i in self.order if n[i]]
        total = 0.0
        for place, n_c in enumerate(coded):
            between = n_c
            for n_k in coded[place + 1 :]:
                between += n_k
                d = between - (n_c + n_k) / 2
                total += n_c * n_k * d * d
        return total


class _Masi:
    """MASI distances; the expected sum by whichever of two exact ways costs less on the data.

    MASI depends only on the sizes of two sets and of their intersection, so ``"subsets"`` counts
    pairs of values by those three numbers: for every subset ``S`` of a coded set and every set
    size, it adds up how often sets of that size holding ``S`` were coded; pairs of sizes ``a, b``
    then share ``C(t, r)`` subsets of size ``r`` when they share ``t`` elements, and inverting
    those binomial sums gives the weight of each ``(a, b, t)`` exactly, in integers. That costs
    about ``2 ** |set|`` per distinct set. ``"pairs"`` visits each pair of distinct sets sharing an
    element (every other pair is disjoint, at distance 1): better for large sets that rarely meet.
    """

    fixed = True

    def __init__(self, values: Sequence[Hashable], method: str | None = None) -> None:
        self.sets = [_set(v) for v in values]
        self.distances: dict[tuple[int, int], float] = {}
        holders = Counter(element for s in self.sets for element in s)
        pair_cost = sum(h * (h - 1) // 2 for h in holders.values())
        subset_cost = sum(2 ** len(s) for s in self.sets)
        self.method = method or ("subsets" if subset_cost <= pair_cost else "pairs")
        if self.method == "subsets":
            self._index_subsets()
        else:
            self._index_pairs()

    def _index_subsets(self) -> None:
        keys: dict[tuple[frozenset[Hashable], int], int] = {}
        """``(S, a)``: a subset and the size of a coded set holding it, numbered."""
        holders: list[list[tuple[int, int]]] = []
        """For each key ``(S, a)``: the values (sets of size ``a`` holding ``S``)."""
        for i, s in enumerate(self.sets):
            for subset in _subsets(s):
                key = keys.setdefault((subset, len(s)), len(keys))
                if key == len(holders):
                    holders.append([])
                holders[key].append((i, 1))
        self.coded_by_key = _GroupSums(holders)
        """From the counts of values, ``g``: for each key ``(S, a)``, the values coded in sets of
        size ``a`` holding ``S``."""
        by_subset: dict[frozenset[Hashable], list[tuple[int, int]]] = {}
        for (subset, size), key in keys.items():
            by_subset.setdefault(subset, []).append((size, key))
        self.squares: dict[tuple[int, int], list[int]] = {}
        """``(r, a)``: the keys of subsets of ``r`` elements in sets of size ``a``."""
        self.crosses: dict[tuple[int, int, int], tuple[list[int], list[int]]] = {}
        """``(r, a, b)``, ``a < b``: keys of one subset in sets of sizes ``a`` and ``b``."""
        for subset, sizes in by_subset.items():
            r = len(subset)
            for place, (a, key) in enumerate(sizes):
                self.squares.setdefault((r, a), []).append(key)
                for b, other in sizes[place + 1 :]:
                    low, high = ((a, key), (b, other)) if a < b else ((b, other), (a, key))
                    firsts, seconds = self.crosses.setdefault((r, low[0], high[0]), ([], []))
                    firsts.append(low[1])
                    seconds.append(high[1])

    def _index_pairs(self) -> None:
        holding: dict[Hashable, list[int]] = {}
        for i, s in enumerate(self.sets):
            for element in s:
                holding.setdefault(element, []).append(i)
        for i, s in enumerate(self.sets):
            for j in sorted({j for element in s for j in holding[element] if j > i}):
                self.delta(i, j)

    def delta(self, i: int, j: int) -> float:
        key = (i, j) if i < j else (j, i)
        distance = self.distances.get(key)
        if distance is None:
            distance = self.distances[key] = masi_distance(self.sets[i], self.sets[j])
        return distance

    def observed(self, off: Mapping[tuple[int, int], float], n: Sequence[int]) -> float:
        return math.fsum(o * self.delta(i, j) for (i, j), o in off.items())

    def expected(self, n: Sequence[int]) -> float:
        if self.method == "subsets":
            return self._expected_by_sizes(n)
        total = sum(n)
        unlike = (total * total - sum(c * c for c in n)) / 2
        return unlike - math.fsum(n[i] * n[j] * (1 - d) for (i, j), d in self.distances.items())

    def _expected_by_sizes(self, n: Sequence[int]) -> float:
        g = self.coded_by_key(n)
        # shared[r, a, b]: ordered pairs of coded values, sizes a and b (a <= b), each counted
        # once per subset of r elements the two share: the sum over t of C(t, r) * (the pairs
        # sharing t elements)
        shared = {
            (r, a, a): sum(map(mul, values, values))
            for (r, a), keys in self.squares.items()
            for values in [list(map(g.__getitem__, keys))]
        }
        for (r, a, b), (firsts, seconds) in self.crosses.items():
            shared[r, a, b] = sum(map(mul, map(g.__getitem__, firsts), map(g.__getitem__, seconds)))
        total = 0.0
        for t, a, b in shared:
            pairs = sum(
                (-1) ** (r - t) * math.comb(r, t) * shared.get((r, a, b), 0)
                for r in range(t, min(a, b) + 1)
            )
            total += pairs * _masi_by_sizes(a, b, t) * (1 if a == b else 2)
        return total / 2


def _subsets(s: AbstractSet[Hashable]) -> Iterator[frozenset[Hashable]]:
    """Every subset of ``s``, the empty one and ``s`` itself included."""
    elements = list(s)
    for r in range(len(elements) + 1):
        for chosen in combinations(elements, r):
            yield frozenset(chosen)


def _masi_by_sizes(a: int, b: int, t: int) -> float:
    """:func:`masi_distance` of a set of ``a`` and one of ``b`` elements sharing ``t``."""
    if a == b == t:
        return 0.0
    if t == 0:
        return 1.0
    m = 2 / 3 if t == min(a, b) else 1 / 3
    return 1 - t / (a + b - t) * m


def _number(value: Hashable) -> float:
    if not isinstance(value, Real) or not math.isfinite(value):
        raise ValueError(f"interval values must be finite numbers, not {value!r}")
    return float(value)


def _set(value: Hashable) -> AbstractSet[Hashable]:
    if not isinstance(value, AbstractSet):
        raise ValueError(f"masi values must be sets (frozenset), not {value!r}")
    return value


def _distance(metric: str, values: Sequence[Hashable]) -> _Distance:
    """The metric ``metric`` over ``values`` (by index), checking they suit it."""
    if metric == "nominal":
        return _Nominal()
    if metric == "ordinal":
        return _Ordinal(values)
    if metric == "interval":
        return _Interval(values)
    if metric == "masi":
        return _Masi(values)
    raise ValueError(f"unknown metric {metric!r}: use one of {', '.join(METRICS)}")


def _alpha(values: int, observed: float, expected: float) -> float | None:
    """``1 - D_o / D_e`` from ``n`` and the half sums of :class:`_Distance`; None when the
    expected disagreement is 0."""
    if expected <= 0:
        return None
    return 1 - (values - 1) * observed / expected


def agreement(units: Mapping[U, Mapping[C, Hashable]], metric: Metric = "nominal") -> Agreement:
    """Krippendorff's alpha of ``units`` (``{unit: {coder: value}}``) under ``metric``.

    Alpha is None, with a reason, when it cannot be computed: no unit has two values, or every
    pairable value is the same. Raises ValueError for an unknown metric or for values it cannot
    measure (non-numbers for ``interval``, non-sets for ``masi``, incomparable ``ordinal`` values).
    """
    index: dict[Hashable, int] = {}
    tally = _Tally()
    for coded in units.values():
        tally.add(coded.values(), index)
    if not tally.units:
        return Agreement(None, 0, 0, None, NO_PAIRS)
    values = list(index)
    distance = _distance(metric, values)
    n = [tally.counts[i] for i in range(len(values))]
    percent = tally.agreeing / tally.pairs
    figures = (tally.units, sum(n), percent)
    if len(values) == 1:
        return Agreement(None, *figures, f"only one value was coded: {values[0]!r}")
    alpha = _alpha(sum(n), distance.observed(tally.off, n), distance.expected(n))
    if alpha is None:
        return Agreement(None, *figures, f"the values coded do not differ as {metric} values")
    return Agreement(alpha, *figures)


def bootstrap(
    units: Mapping[U, Mapping[C, Hashable]],
    metric: Metric = "nominal",
    *,
    clusters: Mapping[U, Hashable] | None = None,
    draws: int = 1000,
    seed: int = 0,
    level: float = 0.95,
) -> Interval:
    """A percentile interval of alpha from resampling clusters of units with replacement.

    ``clusters`` gives each pairable unit's cluster (the article of a sentence); without it, each
    unit is its own cluster. Clusters without a pairable unit are left out. A draw picks as many
    clusters as there are, at random with replacement (``random.Random(seed)``, so the same
    arguments give the same interval), and computes alpha from the sum of their coincidences. The
    interval runs between the ``(1 - level) / 2`` and ``(1 + level) / 2`` quantiles of the draws'
    alphas (interpolating linearly between order statistics). Draws in which alpha is undefined
    are counted in ``undefined_draws`` and left out of every figure.
    """
    if draws < 1:
        raise ValueError(f"draws must be at least 1, not {draws}")
    if not 0 < level < 1:
        raise ValueError(f"level must be between 0 and 1, not {level}")
    index: dict[Hashable, int] = {}
    tallies: dict[Hashable, _Tally] = {}
    for unit, coded in units.items():
        if len(coded) >= 2:
            key = unit if clusters is None else _cluster(clusters, unit)
            tallies.setdefault(key, _Tally()).add(coded.values(), index)
    distance = _distance(metric, list(index))
    alphas, undefined = _draw(distance, list(tallies.values()), len(index), draws, seed)
    if not alphas:
        return Interval(None, None, None, None, draws, undefined)
    alphas.sort()
    return Interval(
        low=_quantile(alphas, (1 - level) / 2),
        high=_quantile(alphas, (1 + level) / 2),
        p_below_0667=sum(a < TENTATIVE for a in alphas) / len(alphas),
        p_below_08=sum(a < ACCEPTABLE for a in alphas) / len(alphas),
        draws=draws,
        undefined_draws=undefined,
    )


def _cluster(clusters: Mapping[U, Hashable], unit: U) -> Hashable:
    try:
        return clusters[unit]
    except KeyError:
        raise ValueError(f"unit {unit!r} has no cluster") from None


def _draw(
    distance: _Distance, tallies: Sequence[_Tally], size: int, draws: int, seed: int
) -> tuple[list[float], int]:
    """Alpha of each of ``draws`` resamplings of ``tallies``, and how many draws had none."""
    if not tallies:
        return [], draws
    # Each cluster's share is tallied once. For each value: the clusters that coded it and how
    # often, so that a draw's marginal totals are sums of products; for a metric whose delta is
    # fixed, each cluster's observed disagreement, so that the draw's is one more such sum.
    columns: list[list[tuple[int, int]]] = [[] for _ in range(size)]
    for j, tally in enumerate(tallies):
        for i, count in tally.counts.items():
            columns[i].append((j, count))
    coded = _GroupSums(columns)
    observed_by_cluster = [distance.observed(t.off, ()) if distance.fixed else 0.0 for t in tallies]
    rng = random.Random(seed)
    clusters = range(len(tallies))
    alphas: list[float] = []
    for _ in range(draws):
        times = [0] * len(tallies)
        for j in rng.choices(clusters, k=len(tallies)):
            times[j] += 1
        n = coded(times)
        expected = distance.expected(n)
        if expected <= 0:  # the draw holds a single value
            continue
        if distance.fixed:
            observed = math.fsum(map(mul, times, observed_by_cluster))
        else:
            off: dict[tuple[int, int], float] = {}
            for j, tally in enumerate(tallies):
                if times[j]:
                    for key, o in tally.off.items():
                        off[key] = off.get(key, 0.0) + times[j] * o
            observed = distance.observed(off, n)
        alphas.append(1 - (sum(n) - 1) * observed / expected)
    return alphas, draws - len(alphas)


def _quantile(ordered: Sequence[float], q: float) -> float:
    """The ``q`` quantile of sorted values, interpolating linearly (numpy's default)."""
    place = q * (len(ordered) - 1)
    low = math.floor(place)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (place - low)
