"""Discourse networks from coded statements, as Discourse Network Analyzer (DNA) computes them.

A statement is DNA's: an actor (DNA's organization) takes a stance (its agreement qualifier) on a
target (its concept). Every definition here follows DNA's ``Exporter`` (``filterStatements``,
``createArray``, ``computeTwoModeMatrix``, ``computeOneModeMatrix``, ``computeTimeWindowMatrices``)
with rDNA's ``dna_network`` defaults, so a DNA user gets the numbers DNA gives:

- The qualifier is the stance's score, treated as DNA treats an integer qualifier: its levels
  are the distinct scores of all loaded statements (before any filter), in ascending order, and
  their range ``r = max - min`` is fixed for every network of a time series. With support = 1
  and oppose = -1 this gives exactly DNA's numbers for a boolean agreement (1 / 0). Where every
  loaded statement has the same score (``r = 0``, which DNA divides by), two statements on a
  target always agree.
- A statement without a target is left out (DNA drops statements with an empty variable).
- **Duplicates** (``include``, ``document``, ``week``, ``month``, ``year``, ``acrossrange``): a
  statement identical to one kept before it (same actor, target and, unless the aggregation is
  ``ignore``, the same score) in the same document, calendar week (Monday to Sunday, ISO
  numbering), calendar month, calendar year or anywhere is dropped; statements are taken in
  DNA's order (date, document, position). DNA's own code compares only the month number and
  the week number, so March 2020 and March 2021 count as one month there; here they are two.
- **Two-mode** actor x target: ``ignore`` counts statements; ``subtract`` sums their scores
  (support - oppose); ``combine`` codes which levels occur as one integer, DNA's lexical rank
  (levels in ascending order, the highest level worth 1, the next 2, then 4, ...: with oppose
  and support only, 1 = support, 2 = oppose, 3 = both). Normalisation ``activity`` divides each
  row, ``prominence`` each column, by its statements (``ignore``: the row's or column's sum).
- **One-mode** actor x actor through shared targets (or target x target through shared actors):
  for two actors and each target, over every pair of their statements' levels ``q``, ``q'``:
  ``ignore`` adds ``n n'``; ``congruence`` adds ``n n' (1 - |q - q'| / r)``; ``conflict`` adds
  ``n n' |q - q'| / r``; ``subtract`` adds congruence and takes conflict off. Normalisation
  divides each cell by ``average`` ``(a_i + a_j) / 2``, ``jaccard`` ``m10 + m01 + m11`` (counts
  per target and level) or ``cosine`` ``a_i a_j``, where ``a`` is an actor's number of
  statements; a zero denominator gives 0. The diagonal is 0.
- **Time windows**: from the first to the last date, every ``step``, a network of the
  statements dated within ``round((w - 1) / 2)`` units either side (so ``30d`` spans 31 days and
  ``7d`` 7 days, as in DNA); only windows that fit wholly in the period are kept.

Nothing here touches a database, a file or the screen: the Store gathers the statements,
``reader.exchange.network_files`` writes the matrices.
"""

from __future__ import annotations

import bisect
import math
import re
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from operator import mul
from typing import NamedTuple

__all__ = [
    "AGGREGATIONS",
    "DUPLICATES",
    "NORMALIZATIONS",
    "Kept",
    "Matrix",
    "NetworkError",
    "NetworkOptions",
    "Span",
    "Statement",
    "StatementRow",
    "Window",
    "combine_codes",
    "compute",
    "compute_series",
    "filter_duplicates",
    "frequencies",
    "label_order",
    "parse_span",
    "qualifier_levels",
    "windows",
]

TYPES = ("twomode", "onemode")
AGGREGATIONS: dict[str, tuple[str, ...]] = {
    "twomode": ("ignore", "subtract", "combine"),
    "onemode": ("ignore", "congruence", "conflict", "subtract"),
}
"""The qualifier aggregations each network type knows, DNA's default first."""

NORMALIZATIONS: dict[str, tuple[str, ...]] = {
    "twomode": ("no", "activity", "prominence"),
    "onemode": ("no", "average", "jaccard", "cosine"),
}
"""The normalisations each network type knows, DNA's default first."""

DUPLICATES = ("include", "document", "week", "month", "year", "acrossrange")
MODES = ("actors", "targets")
"""One-mode networks of actors (through shared targets) or of targets (through shared actors)."""


class NetworkError(ValueError):
    """Options that do not make a network; the message is one line naming the value."""


class Statement(NamedTuple):
    """One coded statement as a network reads it."""

    actor: str
    target: str | None
    """None: the statement has no target (it is left out of every network)."""
    score: float
    """The stance's score: DNA's qualifier."""
    day: date | None
    """The article's date; None when it has none (such statements are in no time window)."""
    document: int
    """The article it was coded in."""
    coder: str
    """Who coded it; a network never pools coders."""
    times: int = 1
    """How many identical statements this stands for, all in the same document."""


StatementRow = tuple[str, str | None, float, date | None, int, str, int]
"""A ``Statement`` as a plain tuple, as fast paths build them."""


class Kept(NamedTuple):
    """Statements that passed the duplicates filter, counted by actor, target, score and
    date."""

    actor: str
    target: str
    score: float
    day: date | None
    times: int


@dataclass(frozen=True, slots=True)
class NetworkOptions:
    """What DNA's ``dna_network`` calls networkType, qualifierAggregation, normalization and
    duplicates, with rDNA's defaults, and which nodes a one-mode network has."""

    type: str = "twomode"
    aggregation: str = "ignore"
    normalization: str = "no"
    duplicates: str = "include"
    mode: str = "actors"
    """One-mode only: ``actors`` (through shared targets) or ``targets`` (through shared
    actors)."""

    def check(self) -> None:
        """Raise ``NetworkError`` naming the first value that makes no network."""
        if self.type not in TYPES:
            raise NetworkError(f"unknown network type {self.type!r}: use twomode or onemode")
        aggregations, normalizations = AGGREGATIONS[self.type], NORMALIZATIONS[self.type]
        if self.aggregation not in aggregations:
            raise NetworkError(
                f"--aggregation {self.aggregation} does not apply to a {self.type} network:"
                f" use one of {', '.join(aggregations)}"
            )
        if self.normalization not in normalizations:
            raise NetworkError(
                f"--normalization {self.normalization} does not apply to a {self.type} network:"
                f" use one of {', '.join(normalizations)}"
            )
        if self.aggregation == "combine" and self.normalization != "no":
            raise NetworkError(
                f"--normalization {self.normalization} cannot be used with --aggregation"
                " combine: combine codes which stances occur, which cannot be divided"
            )
        if self.duplicates not in DUPLICATES:
            raise NetworkError(
                f"unknown --duplicates {self.duplicates!r}: use one of {', '.join(DUPLICATES)}"
            )
        if self.mode not in MODES:
            raise NetworkError(f"unknown --mode {self.mode!r}: use actors or targets")
        if self.mode != "actors" and self.type != "onemode":
            raise NetworkError(
                f"--mode {self.mode} applies to one-mode networks: add --type onemode"
            )

    @property
    def needs_dates(self) -> bool:
        """Whether the duplicates filter reads statements' dates."""
        return self.duplicates in ("week", "month", "year")


@dataclass(slots=True)
class Matrix:
    """A network as DNA's ``Matrix``: row and column labels (sorted as DNA sorts them) and the
    weights, row by row. One-mode matrices are square with the same labels both ways."""

    rows: tuple[str, ...]
    columns: tuple[str, ...]
    values: list[list[float]]
    statements: int = 0
    """Statements (after the duplicates filter) the network was made of."""
    time: date | None = None
    """A time window's middle (DNA's ``dateTime``); None for a whole-period network."""
    start: date | None = None
    stop: date | None = None
    one_mode: bool = False
    combinations: dict[int, tuple[float, ...]] = field(default_factory=dict)
    """``combine`` only: each code that occurs and the levels (scores) it stands for."""

    def edges(self) -> Iterable[tuple[str, str, float]]:
        """Every non-zero cell as (row, column, weight); for one-mode networks each pair once
        (row before column in label order), as DNA writes edges."""
        for i, row in enumerate(self.rows):
            values = self.values[i]
            start = i + 1 if self.one_mode else 0
            for j in range(start, len(self.columns)):
                if values[j] != 0:
                    yield row, self.columns[j], values[j]


# -- loading ------------------------------------------------------------------------------------


def qualifier_levels(scores: Iterable[float]) -> tuple[float, ...]:
    """The qualifier's levels: the distinct scores of the loaded statements, ascending.

    DNA reads them from all loaded statements (its ``originalStatements``: those of the period,
    before value filters and the duplicates filter), so the range stays the same across time
    windows and filters.
    """
    return tuple(sorted(set(scores)))


def label_order(label: str) -> bytes:
    """Sort key for labels as DNA (Java's ``String.compareTo``) sorts them: UTF-16 code units."""
    return label.encode("utf-16-be")


def _iso_week(day: date) -> tuple[int, int]:
    year, week, _ = day.isocalendar()
    return year, week


_PERIODS = {
    "week": _iso_week,
    "month": lambda day: (day.year, day.month),
    "year": lambda day: day.year,
}


def filter_duplicates(
    statements: Iterable[StatementRow], duplicates: str = "include", aggregation: str = "ignore"
) -> list[Kept]:
    """The statements a network is made of: those with a target, less duplicates.

    ``statements`` come in reading order, each document's together (by document, then position
    in it), as the Store gives them; DNA's order puts dates first, so of identical statements
    the one kept is the earliest by date, then document, then position. Under ``ignore`` the
    score is not compared (a support and an oppose of the same target are duplicates: only the
    first counts), as in DNA. Statements without a date are dropped by ``week``, ``month`` and
    ``year`` (the caller says how many). Kept statements come back counted by actor, target,
    score and date.
    """
    if duplicates not in DUPLICATES:
        raise NetworkError(
            f"unknown --duplicates {duplicates!r}: use one of {', '.join(DUPLICATES)}"
        )
    compare_score = aggregation != "ignore"
    counts: dict[tuple[str, str, float, date | None], int] = {}
    if duplicates == "include":
        for actor, target, score, day, _document, _coder, count in statements:
            if target is not None:
                key = (actor, target, score, day)
                counts[key] = counts.get(key, 0) + count
    elif duplicates == "document":
        # a document's statements come together: what was seen is forgotten at the next one
        done: set[int] = set()
        current: int | None = None
        seen: set[tuple[str, str, float | None]] = set()
        for actor, target, score, day, document, _coder, _count in statements:
            if target is None:
                continue
            if document != current:
                if document in done:
                    raise ValueError(f"statements of document {document} are not together")
                if current is not None:
                    done.add(current)
                current, seen = document, set()
            here = (actor, target, score if compare_score else None)
            if here not in seen:
                seen.add(here)
                key = (actor, target, score, day)
                counts[key] = counts.get(key, 0) + 1
    else:
        period = _PERIODS.get(duplicates)
        first: dict[Hashable, tuple[int, int, str, str, float, date | None]] = {}
        for actor, target, score, day, document, _coder, _count in statements:
            if target is None:
                continue
            if period is not None:
                if day is None:
                    continue
                where: Hashable = period(day)
            else:  # acrossrange
                where = None
            same = (where, actor, target, score if compare_score else None)
            ordinal = day.toordinal() if day is not None else 0
            found = first.get(same)
            if found is None or (ordinal, document) < found[:2]:
                first[same] = (ordinal, document, actor, target, score, day)
        for _, _, actor, target, score, day in first.values():
            key = (actor, target, score, day)
            counts[key] = counts.get(key, 0) + 1
    return [Kept(a, t, s, d, n) for (a, t, s, d), n in counts.items()]


def frequencies(kept: Iterable[Kept]) -> tuple[dict[str, int], dict[str, int]]:
    """How many kept statements each actor and each target is in (DNA's node frequency)."""
    actors: dict[str, int] = {}
    targets: dict[str, int] = {}
    for actor, target, _score, _day, count in kept:
        actors[actor] = actors.get(actor, 0) + count
        targets[target] = targets.get(target, 0) + count
    return actors, targets


# -- one network ----------------------------------------------------------------------------


def _cells(
    kept: Iterable[Kept], levels: Sequence[float], swap: bool
) -> dict[str, dict[str, list[float]]]:
    """DNA's three-dimensional array, sparse: row label -> column label -> count per level."""
    index = {level: i for i, level in enumerate(levels)}
    size = len(levels)
    cells: dict[str, dict[str, list[float]]] = {}
    for actor, target, score, _day, count in kept:
        row, column = (target, actor) if swap else (actor, target)
        vector = cells.setdefault(row, {}).get(column)
        if vector is None:
            vector = cells[row][column] = [0.0] * size
        vector[index[score]] += count
    return cells


def _labels(found: Iterable[str], extra: Iterable[str]) -> tuple[str, ...]:
    return tuple(sorted({*found, *extra}, key=label_order))


def combine_codes(levels: Sequence[float]) -> dict[int, tuple[float, ...]]:
    """Every ``combine`` code and the levels it stands for (DNA's lexical rank)."""
    size = len(levels)
    codes: dict[int, tuple[float, ...]] = {}
    for code in range(1, 2**size):
        codes[code] = tuple(level for k, level in enumerate(levels) if code & (1 << (size - k - 1)))
    return codes


def _two_mode(
    kept: Sequence[Kept],
    levels: Sequence[float],
    options: NetworkOptions,
    rows_extra: Iterable[str],
    columns_extra: Iterable[str],
) -> Matrix:
    cells = _cells(kept, levels, swap=False)
    rows = _labels(cells, rows_extra)
    columns = _labels((c for row in cells.values() for c in row), columns_extra)
    column_index = {label: j for j, label in enumerate(columns)}
    size = len(levels)
    aggregation = options.aggregation
    values = [[0.0] * len(columns) for _ in rows]
    counts = [[0.0] * len(columns) for _ in rows]  # statements per cell, for the normalisations
    used: set[int] = set()
    for i, row in enumerate(rows):
        for column, vector in cells.get(row, {}).items():
            j = column_index[column]
            counts[i][j] = sum(vector)
            if aggregation == "ignore":
                value = 0.0
                for k in range(size):
                    value += vector[k]
            elif aggregation == "subtract":
                value = 0.0
                for k in range(size):
                    if levels[k] < 0:
                        value -= abs(levels[k]) * vector[k]
                    else:
                        value += abs(levels[k]) * vector[k]
            else:  # combine: the lexical rank of the levels that occur
                code = 0
                for k in range(size):
                    if vector[k] > 0:
                        code += 2 ** (size - k - 1)
                used.add(code)
                value = float(code)
            values[i][j] = value
    if options.normalization == "activity":
        for i in range(len(rows)):
            source = values[i] if aggregation == "ignore" else counts[i]
            denominator = 0.0
            for value in source:
                denominator += value
            values[i] = [0.0 if denominator == 0 else v / denominator for v in values[i]]
    elif options.normalization == "prominence":
        for j in range(len(columns)):
            table = values if aggregation == "ignore" else counts
            denominator = 0.0
            for i in range(len(rows)):
                denominator += table[i][j]
            for i in range(len(rows)):
                values[i][j] = 0.0 if denominator == 0 else values[i][j] / denominator
    codes = combine_codes(levels) if aggregation == "combine" else {}
    return Matrix(rows, columns, values, combinations={code: codes[code] for code in sorted(used)})


def _one_mode(
    kept: Sequence[Kept],
    levels: Sequence[float],
    options: NetworkOptions,
    nodes_extra: Iterable[str],
) -> Matrix:
    swap = options.mode == "targets"
    cells = _cells(kept, levels, swap=swap)
    nodes = _labels(cells, nodes_extra)
    position = {label: i for i, label in enumerate(nodes)}
    size = len(levels)
    span = abs(levels[-1] - levels[0]) if levels else 0.0
    aggregation = options.aggregation
    normalization = options.normalization
    # the weight of a pair of levels: proximity (congruence) and distance (conflict)
    distance = [
        [(abs(a - b) / span if span else 0.0) for b in levels] for a in levels
    ]  # fmt: skip
    # by the second variable: which nodes use it, at which levels
    by_column: dict[str, list[tuple[int, list[float]]]] = {}
    for node, row in cells.items():
        for column, vector in row.items():
            by_column.setdefault(column, []).append((position[node], vector))
    totals = [0.0] * len(nodes)
    for node, row in cells.items():
        total = 0.0
        for vector in row.values():
            for count in vector:
                total += count
        totals[position[node]] = total
    n = len(nodes)
    values = [[0.0] * n for _ in range(n)]
    # Each node's statements on a column, weighted once per level by every level it may meet
    # (proximity 1 - d for congruence, distance d for conflict, 1 for ignore), so that a pair
    # of nodes is one product sum: sum over k1, k2 of v1[k1] v2[k2] w(k1, k2) = v1 . (W v2).
    weights = {
        "ignore": [[1.0] * size for _ in range(size)],
        "congruence": [[1.0 - d for d in row] for row in distance],
        "conflict": distance,
    }
    # per pair: the raw weight, and for jaccard the overlap sums (DNA's m11 and what it
    # leaves of each node's statements)
    raw: dict[tuple[int, int], list[float]] = {}
    jaccard = normalization == "jaccard"
    for column in sorted(by_column, key=label_order):
        users = sorted(by_column[column])
        if aggregation == "subtract":
            near = [_weighted(v, weights["congruence"]) for _, v in users]
            far = [_weighted(v, weights["conflict"]) for _, v in users]
        else:
            near = [_weighted(v, weights[aggregation]) for _, v in users]
        for x in range(len(users)):
            i1, v1 = users[x]
            for y in range(x + 1, len(users)):
                i2, v2 = users[y]
                pair = raw.get((i1, i2))
                if pair is None:
                    pair = raw[(i1, i2)] = [0.0, 0.0, 0.0, 0.0]
                pair[0] += sum(map(mul, v1, near[y]))
                if aggregation == "subtract":
                    pair[0] -= sum(map(mul, v1, far[y]))
                if jaccard:
                    for k in range(size):
                        if v1[k] > 0 and v2[k] > 0:
                            pair[1] += v1[k] * v2[k]  # m11
                            pair[2] += v1[k]  # what m10 does not count
                            pair[3] += v2[k]  # what m01 does not count
    for (i1, i2), (weight, m11, shared1, shared2) in raw.items():
        if normalization == "average":
            norm = (totals[i1] + totals[i2]) / 2
        elif normalization == "jaccard":
            norm = (totals[i2] - shared2) + (totals[i1] - shared1) + m11
        elif normalization == "cosine":
            norm = math.sqrt(totals[i1] * totals[i1]) * math.sqrt(totals[i2] * totals[i2])
        else:
            norm = 1.0
        value = 0.0 if norm == 0 else weight / norm
        values[i1][i2] = value
        values[i2][i1] = value
    return Matrix(nodes, nodes, values, one_mode=True)


def _weighted(vector: Sequence[float], weights: Sequence[Sequence[float]]) -> list[float]:
    """``W v``: for each level k1, the sum over k2 of ``weights[k1][k2] * vector[k2]``."""
    return [sum(map(mul, row, vector)) for row in weights]


def compute(
    kept: Sequence[Kept],
    levels: Sequence[float],
    options: NetworkOptions,
    *,
    rows_extra: Iterable[str] = (),
    columns_extra: Iterable[str] = (),
) -> Matrix:
    """One network of the kept statements (see ``filter_duplicates``).

    ``levels`` are the qualifier's levels (``qualifier_levels`` of every loaded statement's
    score); every kept score must be one of them. ``rows_extra`` and ``columns_extra`` are
    labels that are nodes even without statements (``--isolates``): for a one-mode network,
    ``rows_extra`` holds the extra nodes.
    """
    options.check()
    if options.type == "twomode":
        matrix = _two_mode(kept, levels, options, rows_extra, columns_extra)
    else:
        matrix = _one_mode(kept, levels, options, rows_extra)
    matrix.statements = sum(k.times for k in kept)
    return matrix


# -- time windows ---------------------------------------------------------------------------


class Span(NamedTuple):
    """A length of time: a number of days, weeks, months or years."""

    amount: int
    unit: str
    """``d``, ``w``, ``m`` or ``y``."""

    def __str__(self) -> str:
        return f"{self.amount}{self.unit}"


_SPAN = re.compile(r"\s*(\d+)\s*(d|days?|w|weeks?|m|months?|y|years?)\s*", re.IGNORECASE)


def parse_span(text: str, what: str = "--window") -> Span:
    """``30d``, ``2w``, ``6m``, ``1y`` (or ``30 days``...) as a ``Span``."""
    found = _SPAN.fullmatch(text)
    if found is None or int(found.group(1)) < 1:
        raise NetworkError(
            f"{what} {text!r} is not a length of time: give a number and a unit,"
            " d (days), w (weeks), m (months) or y (years), like 30d"
        )
    return Span(int(found.group(1)), found.group(2)[0].lower())


def _add_months(day: date, months: int) -> date:
    """``day`` moved by whole months, the day clamped to the month's last (Java's plusMonths)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    last = (date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1)).day
    return date(year, month, min(day.day, last))


def _shift(day: date, amount: int, unit: str) -> date:
    if unit == "d":
        return day + timedelta(days=amount)
    if unit == "w":
        return day + timedelta(weeks=amount)
    if unit == "m":
        return _add_months(day, amount)
    return _add_months(day, 12 * amount)


class Window(NamedTuple):
    """One network of a time series: its middle, first and last day (both included)."""

    time: date
    start: date
    stop: date


def windows(first: date, last: date, size: Span, step: Span | None = None) -> list[Window]:
    """DNA's moving windows from ``first`` to ``last``: a window every ``step`` (default one
    unit of ``size``), each reaching ``round((size - 1) / 2)`` units either side of its middle
    (Java's rounding: halves up), kept only if it lies wholly within the period."""
    step = step or Span(1, size.unit)
    reach = math.floor((size.amount - 1) / 2 + 0.5)
    found: list[Window] = []
    current = first
    while current <= last:
        start = _shift(current, -reach, size.unit)
        stop = _shift(current, reach, size.unit)
        if start >= first and stop <= last:
            found.append(Window(current, start, stop))
        current = _shift(current, step.amount, step.unit)
    return found


def compute_series(
    kept: Sequence[Kept],
    levels: Sequence[float],
    options: NetworkOptions,
    series: Sequence[Window],
    *,
    rows_extra: Iterable[str] = (),
    columns_extra: Iterable[str] = (),
) -> list[Matrix]:
    """A network for each window, of the kept statements dated within it. The levels, and so
    the score range, are those of the whole period (DNA does not recompute them per window)."""
    rows_extra, columns_extra = tuple(rows_extra), tuple(columns_extra)
    by_day = sorted(((k.day, k) for k in kept if k.day is not None), key=lambda pair: pair[0])
    days = [day for day, _ in by_day]
    dated = [k for _, k in by_day]
    matrices: list[Matrix] = []
    for window in series:
        low = bisect.bisect_left(days, window.start)
        high = bisect.bisect_right(days, window.stop)
        matrix = compute(
            dated[low:high], levels, options, rows_extra=rows_extra, columns_extra=columns_extra
        )
        matrix.time, matrix.start, matrix.stop = window
        matrices.append(matrix)
    return matrices
