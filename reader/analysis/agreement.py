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

:func:`agreements` computes alpha for several data sets at once (one variable for several
groups of coders), measuring each distinct value they share once.

:func:`bootstrap` resamples clusters of units (the articles the sentences come from) with
replacement. Each cluster's share of the coincidence matrix is tallied once, so a draw is a sum of
those shares, not a new pass over the units. Draws are computed a batch at a time, side by side in
the fields of big integers (:class:`_Fields`): each value's count in every draw of the batch is
one sum of a few big-integer products, not one sum per draw; for MASI, the subsets of sets coded
in a single article are summed per article once.

Speed (``bench/bench_agreement.py``, a busy 2-core machine, load 2.3): for 10,000 sentences
decided by two or three of three coders, :func:`agreement` takes 5-12 ms for a nominal, ordinal
or interval variable and 62 ms for sets of actors (MASI, 2,358 distinct sets); a 1,000-draw
:func:`bootstrap` over 500 articles takes 0.2-0.5 s, and 1.0 s for those sets.
"""

from __future__ import annotations

import functools
import math
import random
import sys
from array import array
from collections import Counter
from collections.abc import Collection, Hashable, Iterable, Iterator, Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from itertools import combinations, repeat
from numbers import Real
from operator import add, methodcaller, mul
from typing import Any, Literal, Protocol, TypeVar, cast

from reader.analysis.columns import Columns

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
"""Why alpha is undefined when no unit has two values."""
ONE_VALUE = "only one value was coded, so no disagreement can be expected"
"""Why alpha is undefined when every coder gave every unit the same value."""


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

    def add(self, values: Collection[Hashable], index: dict[Hashable, int], times: int = 1) -> None:
        """Add one unit's values (or ``times`` units with these values), numbering values not
        seen before in ``index``."""
        self.add_all([(values, times)], index)

    def add_all(
        self, kinds: Iterable[tuple[Collection[Hashable], int]], index: dict[Hashable, int]
    ) -> None:
        """Add units by kind: ``(values, how many units have them)``. A variable over ten
        thousand sentences goes through this loop once per kind of unit, for every group of
        coders, so the common case of two values is written out inline."""
        counts, off, setdefault = self.counts, self.off, index.setdefault
        units = agreeing = 0
        for values, times in kinds:
            if len(values) != 2:
                self._add_many(values, index, times)
                continue
            a, b = values
            i = setdefault(a, len(index))
            j = setdefault(b, len(index))
            units += times
            counts[i] = counts.get(i, 0) + times
            counts[j] = counts.get(j, 0) + times
            if i == j:
                agreeing += times
            else:
                key = (i, j) if i < j else (j, i)
                off[key] = off.get(key, 0.0) + times
        self.units += units
        self.pairs += units
        self.agreeing += agreeing

    def _add_many(
        self, values: Collection[Hashable], index: dict[Hashable, int], times: int
    ) -> None:
        """``times`` units of one kind with ``m != 2`` values (units of one value add nothing)."""
        m = len(values)
        if m < 2:
            return
        self.units += times
        self.pairs += times * (m * (m - 1) // 2)
        counts, off = self.counts, self.off
        coded: dict[int, int] = {}
        for value in values:
            i = index.setdefault(value, len(index))
            coded[i] = coded.get(i, 0) + 1
        per_value = sorted(coded.items())
        for place, (i, n_i) in enumerate(per_value):
            counts[i] = counts.get(i, 0) + times * n_i
            self.agreeing += times * (n_i * (n_i - 1) // 2)
            for j, n_j in per_value[place + 1 :]:
                off[(i, j)] = off.get((i, j), 0.0) + times * (n_i * n_j / (m - 1))


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
    size, it adds up how often sets of that size holding ``S`` were coded (``g``); pairs of sizes
    ``a, b`` then share ``C(t, r)`` subsets of size ``r`` when they share ``t`` elements, and
    inverting those binomial sums gives the number of pairs of each ``(a, b, t)`` exactly, in
    integers. That costs about ``2 ** |set|`` per distinct set. ``"pairs"`` visits each pair of
    distinct sets sharing an element (every other pair is disjoint, at distance 1): better for
    large sets that rarely meet. Elements are numbered and each set kept as the sorted tuple of
    its numbers, so its subsets are tuples, cheaper to make and to hash than frozensets.
    """

    fixed = True

    def __init__(self, values: Sequence[Hashable], method: str | None = None) -> None:
        self.sets = [_set(v) for v in values]
        numbers: dict[Hashable, int] = {}
        self.tuples = [
            tuple(sorted(numbers.setdefault(element, len(numbers)) for element in s))
            for s in self.sets
        ]
        self.distances: dict[tuple[int, int], float] = {}
        holders = Counter(element for s in self.tuples for element in s)
        pair_cost = sum(h * (h - 1) // 2 for h in holders.values())
        subset_cost = sum(2 ** len(s) for s in self.tuples)
        self.method = method or ("subsets" if subset_cost <= pair_cost else "pairs")
        if self.method == "pairs":
            self._index_pairs()
        self._resampling: _MasiResampling | None = None

    def _index_pairs(self) -> None:
        holding: dict[int, list[int]] = {}
        for i, s in enumerate(self.tuples):
            for element in s:
                holding.setdefault(element, []).append(i)
        for i, s in enumerate(self.tuples):
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
            return _total_by_sizes(self._shared(n))
        total = sum(n)
        unlike = (total * total - sum(c * c for c in n)) / 2
        return unlike - math.fsum(n[i] * n[j] * (1 - d) for (i, j), d in self.distances.items())

    def _shared(self, n: Sequence[int]) -> dict[tuple[int, int, int], int]:
        """``shared[r, a, b]`` (``a <= b``): over every subset ``S`` of ``r`` elements, the
        values coded in sets of size ``a`` holding ``S`` times those in sets of size ``b``."""
        g: dict[tuple[tuple[int, ...], int], int] = {}
        for s, count in zip(self.tuples, n, strict=True):
            if count:
                a = len(s)
                for subset in _subsets(s):
                    key = (subset, a)
                    g[key] = g.get(key, 0) + count
        by_subset: dict[tuple[int, ...], list[tuple[int, int]]] = {}
        for (subset, a), coded in g.items():
            by_subset.setdefault(subset, []).append((a, coded))
        shared: dict[tuple[int, int, int], int] = {}
        for subset, sizes in by_subset.items():
            _add_products(shared, len(subset), sizes)
        return shared

    def expected_many(self, ns: Sequence[Sequence[int]]) -> list[float]:
        """:meth:`expected` of each of ``ns``, listing each set's subsets once for them all:
        each count vector is a cluster drawn once (see :class:`_MasiResampling`)."""
        if self.method != "subsets" or len(ns) < 2:
            return [self.expected(n) for n in ns]
        shares = _Shares([{i: c for i, c in enumerate(n) if c} for n in ns], len(self.tuples))
        once = [[1 if k == d else 0 for k in range(len(ns))] for d in range(len(ns))]
        return _MasiResampling(self, shares, local_sums=False).expected(once)

    def expected_draws(self, shares: _Shares, times: Sequence[Sequence[int]]) -> list[float]:
        """The expected disagreement of each draw of a batch (``times``: how often each
        cluster was drawn), computed for all of them at once (see :class:`_MasiResampling`)."""
        if self._resampling is None or self._resampling.shares is not shares:
            self._resampling = _MasiResampling(self, shares)
        return self._resampling.expected(times)


def _add_products(
    shared: dict[tuple[int, int, int], int], r: int, sizes: Sequence[tuple[int, int]]
) -> None:
    """Add one subset's products to ``shared``: ``sizes`` lists ``(a, g)``, the values coded
    in sets of size ``a`` holding the subset, one entry per size."""
    for place, (a, g_a) in enumerate(sizes):
        key = (r, a, a)
        shared[key] = shared.get(key, 0) + g_a * g_a
        for b, g_b in sizes[place + 1 :]:
            key = (r, a, b) if a < b else (r, b, a)
            shared[key] = shared.get(key, 0) + g_a * g_b


def _total_by_sizes(shared: Mapping[tuple[int, int, int], int]) -> float:
    """``sum over c < k of n_c * n_k * delta(c, k)`` from ``shared`` (:meth:`_Masi._shared`).

    The ordered pairs of values of sizes ``a, b`` sharing exactly ``t`` elements are
    ``sum over r >= t of (-1) ** (r - t) * C(r, t) * shared[r, a, b]``, in integers; only then
    is each count weighed by its MASI distance, so a draw of one value gives exactly 0.
    """
    total = 0.0
    for t, a, b in shared:
        pairs = sum(
            (-1) ** (r - t) * math.comb(r, t) * shared.get((r, a, b), 0)
            for r in range(t, min(a, b) + 1)
        )
        if pairs:
            total += pairs * _masi_by_sizes(a, b, t) * (1 if a == b else 2)
    return total / 2


class _MasiResampling:
    """MASI's expected disagreement for a batch of bootstrap draws, computed together.

    A subset whose every holder was coded in one cluster only (most pairs of statements, say)
    adds ``t_j ** 2`` times a fixed count to a draw that took that cluster ``t_j`` times, so
    those are summed per cluster once. Every other subset's counts are sums over clusters,
    computed for the whole batch at once in packed integers (:class:`_Shares`), then multiplied
    draw by draw.
    """

    def __init__(self, masi: _Masi, shares: _Shares, *, local_sums: bool = True) -> None:
        """``local_sums``: whether to look for subsets held in one cluster only (worth it when
        the clusters are many, as articles are)."""
        self.shares = shares
        keyed: dict[tuple[tuple[int, ...], int], list[int]] = {}
        """``(S, a)``: the values of size ``a`` holding the subset ``S``."""
        for i, s in enumerate(masi.tuples):
            if shares.clusters_of[i]:
                a = len(s)
                for subset in _subsets(s):
                    found = keyed.get((subset, a))
                    if found is None:
                        keyed[subset, a] = [i]
                    else:
                        found.append(i)
        by_subset: dict[tuple[int, ...], list[tuple[int, list[int]]]] = {}
        for (subset, a), values in keyed.items():
            by_subset.setdefault(subset, []).append((a, values))
        local: dict[tuple[int, int, int], dict[int, int]] = {}
        """``(r, a, b)``: per cluster, the products of subsets held in that cluster only."""
        self.holders: list[list[int]] = []
        """For each other (subset, size): the values holding it."""
        self.squares: dict[tuple[int, int], list[int]] = {}
        """``(r, a)``: the (subset, size) entries whose squares add up to ``shared[r, a, a]``."""
        self.crosses: dict[tuple[int, int, int], tuple[list[int], list[int]]] = {}
        """``(r, a, b)``, ``a < b``: the pairs of entries of one subset in sets of both sizes."""
        for subset, sizes in by_subset.items():
            r = len(subset)
            cluster = _home(sizes, shares.clusters_of) if local_sums else None
            if cluster is not None:
                counts = [
                    (a, sum(shares.clusters_of[i][0][1] for i in values)) for a, values in sizes
                ]
                products: dict[tuple[int, int, int], int] = {}
                _add_products(products, r, counts)
                for key, product in products.items():
                    per_cluster = local.setdefault(key, {})
                    per_cluster[cluster] = per_cluster.get(cluster, 0) + product
                continue
            numbered: list[tuple[int, int]] = []
            for a, values in sizes:
                entry = len(self.holders)
                self.holders.append(values)
                self.squares.setdefault((r, a), []).append(entry)
                for b, other in numbered:
                    low, high = ((a, entry), (b, other)) if a < b else ((b, other), (a, entry))
                    firsts, seconds = self.crosses.setdefault((r, low[0], high[0]), ([], []))
                    firsts.append(low[1])
                    seconds.append(high[1])
                numbered.append((a, entry))
        self.local = {key: sorted(per.items()) for key, per in local.items()}
        self.involved = sorted({i for values in self.holders for i in values})

    def expected(self, times: Sequence[Sequence[int]]) -> list[float]:
        shares, count = self.shares, len(times)
        packed = shares.pack_times(times)
        n = dict(zip(self.involved, shares.value_counts(packed, self.involved), strict=True))
        g = [shares.unpack(sum(map(n.__getitem__, values)), count) for values in self.holders]
        shared: dict[tuple[int, int, int], Sequence[int]] = {}
        for (r, a), entries in self.squares.items():
            columns = zip(*map(g.__getitem__, entries), strict=True)
            shared[r, a, a] = [sum(map(mul, column, column)) for column in columns]
        for key, (firsts, seconds) in self.crosses.items():
            columns = zip(*map(g.__getitem__, firsts), strict=True)
            others = zip(*map(g.__getitem__, seconds), strict=True)
            shared[key] = [
                sum(map(mul, column, other)) for column, other in zip(columns, others, strict=True)
            ]
        if self.local:
            squares = shares.pack_squares(times)
            for key, per_cluster in self.local.items():
                local = sum(squares[j] * c for j, c in per_cluster)
                added = shares.unpack(local, count, wide=True)
                before = shared.get(key)
                shared[key] = added if before is None else list(map(add, before, added))
        if not shared:
            return [0.0] * count
        keys = list(shared)
        return [
            _total_by_sizes(dict(zip(keys, draw, strict=True)))
            for draw in zip(*shared.values(), strict=True)
        ]


def _home(
    sizes: Iterable[tuple[int, Sequence[int]]], clusters_of: Sequence[Sequence[tuple[int, int]]]
) -> int | None:
    """The one cluster every value holding a subset (``sizes``: ``(a, values)``) was coded
    in, or None when there is none."""
    home = None
    for _, values in sizes:
        for i in values:
            where = clusters_of[i]
            if len(where) != 1 or (home is not None and where[0][0] != home):
                return None
            home = where[0][0]
    return home


def _subsets(s: tuple[int, ...]) -> Iterator[tuple[int, ...]]:
    """Every subset of the sorted tuple ``s``, as sorted tuples, the empty one and ``s`` too."""
    for r in range(len(s) + 1):
        yield from combinations(s, r)


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
    return agreements([units], metric)[0]


_VALUES = methodcaller("values")
"""A unit's values, in its coders' order."""


def agreements(
    datasets: Sequence[Mapping[U, Mapping[C, Hashable]]], metric: Metric = "nominal"
) -> list[Agreement]:
    """:func:`agreement` of each of ``datasets`` under one ``metric``, with the work they share
    done once: one variable for several groups of coders, or over all units and a part of them,
    codes the same values again and again, and each distinct value is measured once (for sets:
    its subsets are listed once) however many datasets hold it."""
    index: dict[Hashable, int] = {}
    tallies = []
    for units in datasets:
        tally = _Tally()
        # Units with the same values in the same order are tallied once, times their number: a
        # variable with few values (claim or no claim) has a handful of kinds of units.
        if isinstance(units, Columns):  # counted by column, in C
            kinds = units.kinds()
        else:
            kinds = Counter(map(tuple, map(_VALUES, units.values())))
        tally.add_all(kinds.items(), index)
        tallies.append(tally)
    values = list(index)
    distance = _distance(metric, values)
    computable = [t for t in tallies if len(t.counts) > 1]
    ns = [[t.counts.get(i, 0) for i in range(len(values))] for t in computable]
    if isinstance(distance, _Masi):
        expected = distance.expected_many(ns)
    else:
        expected = [distance.expected(n) for n in ns]
    by_tally = {id(t): (n, e) for t, n, e in zip(computable, ns, expected, strict=True)}
    results = []
    for tally in tallies:
        if not tally.units:
            results.append(Agreement(None, 0, 0, None, NO_PAIRS))
            continue
        figures = (tally.units, sum(tally.counts.values()), tally.agreeing / tally.pairs)
        if id(tally) not in by_tally:
            # The value itself is an id or a set of ids here: naming it is the report's business.
            results.append(Agreement(None, *figures, ONE_VALUE))
            continue
        n, e = by_tally[id(tally)]
        alpha = _alpha(figures[1], distance.observed(tally.off, n), e)
        if alpha is None:
            reason = f"the values coded do not differ as {metric} values"
            results.append(Agreement(None, *figures, reason))
        else:
            results.append(Agreement(alpha, *figures))
    return results


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


class _Fields:
    """Numbers side by side in one integer, one fixed-width field each: adding two such
    integers, or multiplying one by a count, adds or multiplies every field at once, at the cost
    of a single big-integer operation. Fields never carry into each other as long as no result
    exceeds ``bound``, which sets their width."""

    def __init__(self, bound: int) -> None:
        self.code: str | None = None
        for code in ("I", "L", "Q"):
            if bound < 2 ** (8 * array(code).itemsize):
                self.code = code
                break
        self.size = array(self.code).itemsize if self.code else (bound.bit_length() + 7) // 8

    def pack(self, column: Sequence[int]) -> int:
        if self.code:
            return int.from_bytes(array(self.code, column).tobytes(), sys.byteorder)
        return int.from_bytes(b"".join(v.to_bytes(self.size, "little") for v in column), "little")

    def unpack(self, packed: int, count: int) -> Sequence[int]:
        if self.code:
            return array(self.code, packed.to_bytes(count * self.size, sys.byteorder))
        data = packed.to_bytes(count * self.size, "little")
        size = self.size
        return [int.from_bytes(data[k * size : (k + 1) * size], "little") for k in range(count)]


class _Shares:
    """The clusters' shares of the pairable values, and the sums a batch of draws needs.

    A batch of bootstrap draws is computed side by side (:class:`_Fields`): how often each
    cluster was drawn, one field per draw, makes each value's count in every draw one sum of
    a few products, instead of one such sum per draw.
    """

    def __init__(self, counts: Sequence[Mapping[int, int]], size: int) -> None:
        """``counts``: each cluster's pairable values by value index (``_Tally.counts``)."""
        self.clusters_of: list[list[tuple[int, int]]] = [[] for _ in range(size)]
        """For each value: the clusters that coded it, and how often."""
        for j, coded in enumerate(counts):
            for i, count in coded.items():
                self.clusters_of[i].append((j, count))
        self.values_by_cluster = [sum(coded.values()) for coded in counts]
        bound = len(counts) * max(self.values_by_cluster, default=0)
        """No count in a draw exceeds the values of the largest cluster drawn every time."""
        self.narrow = _Fields(bound)
        self.wide = _Fields(bound * bound)
        """For products of two counts."""

    def pack_times(self, times: Sequence[Sequence[int]]) -> list[int]:
        """For each cluster, how often each draw of the batch took it, packed."""
        return [self.narrow.pack(column) for column in zip(*times, strict=True)]

    def pack_squares(self, times: Sequence[Sequence[int]]) -> list[int]:
        """For each cluster, the square of how often each draw took it, packed wide."""
        return [self.wide.pack([t * t for t in column]) for column in zip(*times, strict=True)]

    def value_counts(self, packed: Sequence[int], values: Iterable[int]) -> list[int]:
        """For each of ``values``: its count in each draw, packed."""
        return [sum(packed[j] * c for j, c in self.clusters_of[i]) for i in values]

    def counts(self, times: Sequence[Sequence[int]]) -> list[Sequence[int]]:
        """Each draw's marginal totals ``n`` (by value index)."""
        packed = self.value_counts(self.pack_times(times), range(len(self.clusters_of)))
        return list(zip(*(self.narrow.unpack(p, len(times)) for p in packed), strict=True))

    def unpack(self, packed: int, count: int, *, wide: bool = False) -> Sequence[int]:
        return (self.wide if wide else self.narrow).unpack(packed, count)


BATCH_CELLS = 1_000_000
"""Bootstrap draws are computed in batches of at most this many (draw, cluster) counts, which
bounds the memory a bootstrap over many thousand articles takes."""


def _draw(
    distance: _Distance, tallies: Sequence[_Tally], size: int, draws: int, seed: int
) -> tuple[list[float], int]:
    """Alpha of each of ``draws`` resamplings of ``tallies``, and how many draws had none."""
    if not tallies:
        return [], draws
    # Each cluster's share is tallied once: a draw's marginal totals are sums of the clusters'
    # counts (computed for a batch of draws at once, see _Shares); for a metric whose delta is
    # fixed, each cluster's observed disagreement, so that the draw's is one more such sum.
    shares = _Shares([tally.counts for tally in tallies], size)
    observed_by_cluster = [distance.observed(t.off, ()) if distance.fixed else 0.0 for t in tallies]
    off_columns = {} if distance.fixed else _off_columns(tallies)
    batch = max(1, min(draws, BATCH_CELLS // len(tallies)))
    alphas: list[float] = []
    for times in _batches(seed, len(tallies), draws, batch):
        counts: list[Sequence[int]] = []
        if isinstance(distance, _Masi) and distance.method == "subsets":
            expected = distance.expected_draws(shares, times)
        else:
            counts = shares.counts(times)
            expected = [distance.expected(n) for n in counts]
        for d, drawn in enumerate(times):
            if expected[d] <= 0:  # the draw holds a single value
                continue
            total = sum(map(mul, drawn, shares.values_by_cluster))
            if distance.fixed:
                observed = math.fsum(map(mul, drawn, observed_by_cluster))
            else:
                off = {
                    key: math.fsum(map(mul, map(drawn.__getitem__, where), weights))
                    for key, (where, weights) in off_columns.items()
                }
                observed = distance.observed(off, counts[d])
            alphas.append(1 - (total - 1) * observed / expected[d])
    return alphas, draws - len(alphas)


def _batches(seed: int, clusters: int, draws: int, batch: int) -> Iterator[list[list[int]]]:
    """The draws, ``batch`` at a time: how often each of ``clusters`` clusters was drawn.

    Every variable of a report with as many clusters draws the same articles with the same
    seed, so the draws are made once (:func:`_drawn`) when they are few enough to keep."""
    if draws * clusters <= BATCH_CELLS:
        every = _drawn(seed, clusters, draws)
        for first in range(0, draws, batch):
            yield every[first : first + batch]
        return
    rng = random.Random(seed)
    for first in range(0, draws, batch):
        yield [_draw_once(rng, clusters) for _ in range(min(batch, draws - first))]


@functools.lru_cache(maxsize=2)
def _drawn(seed: int, clusters: int, draws: int) -> list[list[int]]:
    """Every draw of a bootstrap (read only: it is shared)."""
    rng = random.Random(seed)
    return [_draw_once(rng, clusters) for _ in range(draws)]


def _draw_once(rng: random.Random, clusters: int) -> list[int]:
    """How often each cluster was drawn in one draw of ``clusters`` clusters with replacement
    (``rng.choices``, so that a draw can be replayed from the seed)."""
    drawn = Counter(rng.choices(range(clusters), k=clusters))
    return list(map(drawn.get, range(clusters), repeat(0)))


def _off_columns(
    tallies: Sequence[_Tally],
) -> dict[tuple[int, int], tuple[list[int], list[float]]]:
    """For each pair of values: the clusters whose units paired them, and their ``o_ck``."""
    columns: dict[tuple[int, int], tuple[list[int], list[float]]] = {}
    for j, tally in enumerate(tallies):
        for key, o in tally.off.items():
            where, weights = columns.setdefault(key, ([], []))
            where.append(j)
            weights.append(o)
    return columns


def _quantile(ordered: Sequence[float], q: float) -> float:
    """The ``q`` quantile of sorted values, interpolating linearly (numpy's default)."""
    place = q * (len(ordered) - 1)
    low = math.floor(place)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (place - low)
