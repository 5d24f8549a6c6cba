"""Discourse networks out of the database: which statements, then DNA's matrices.

``nkreader network`` and the statistics screen ask for a network with a ``NetworkRequest``: whose
codes (one coder's, or the final layer's: never several coders pooled, which would count a
double-coded sentence twice), which actors (rolled up their parent chain, of some kinds only),
which dates, and DNA's options. The Store gathers the statements, ``reader.analysis.network``
computes the matrices, ``reader.exchange.network_files`` writes them.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date

from reader.analysis.network import (
    Kept,
    Matrix,
    NetworkError,
    NetworkOptions,
    Span,
    StatementRow,
    compute,
    compute_series,
    filter_duplicates,
    frequencies,
    qualifier_levels,
    windows,
)
from reader.models import NetworkNode
from reader.store import Store
from reader.store.networks import NODE_COLUMNS, NetworkRow

__all__ = [
    "FINAL_CODER",
    "NetworkError",
    "NetworkRequest",
    "NetworkResult",
    "build_networks",
    "stance_matrix",
]

FINAL_CODER = "final"
"""The coder a network of the final layer is said to be made by."""


@dataclass(frozen=True, slots=True)
class NetworkRequest:
    """Which network to make, of which statements."""

    options: NetworkOptions = field(default_factory=NetworkOptions)
    annotator: str | None = None
    """This coder's statements; with neither this nor ``final``, the only coder's."""
    final: bool = False
    """The final layer: codes the coders agreed on, and adjudicated ones."""
    level: int = 0
    """Roll actors up this many steps of their parent chain (``reader.store.networks.TOP``:
    to the top)."""
    kinds: tuple[str, ...] = ()
    """Only statements whose actor (after rolling up) is of these kinds; all when empty."""
    start: date | None = None
    stop: date | None = None
    """Only statements in articles dated from ``start`` to ``stop`` (both included)."""
    window: Span | None = None
    step: Span | None = None
    """A network for each time window of this size, every ``step`` (default: one unit)."""
    isolates: bool = False
    """Every actor (of ``kinds``) and target of the codebook is a node, statements or not."""
    actor: str = "actor"
    """Whose node a statement is: the ``actor`` holding the stance, or the ``speaker`` who
    voiced it (DNA's person; a code without a speaker is then in no network)."""
    day_first: bool = False
    """Read numeric dates such as 07/03/2024 day first (7 March)."""


@dataclass(slots=True)
class NetworkResult:
    """The matrices (one, or one per time window) and what the files say about their nodes."""

    request: NetworkRequest
    matrices: list[Matrix]
    coder: str
    actors: dict[str, NetworkNode]
    """Every actor node by name: its kind and parent."""
    actor_frequency: dict[str, int]
    target_frequency: dict[str, int]
    """Statements (after the duplicates filter, over the whole period) each node is in."""
    levels: tuple[float, ...]
    stance_names: dict[float, list[str]]
    """The stance keys with each score, to name the levels (``combine`` codes)."""
    notes: list[str] = field(default_factory=list)
    """Warnings for the user: statements left out for lack of a date, disagreements waiting."""
    kept: list[Kept] = field(default_factory=list)
    """The statements the networks were made of (after the duplicates filter)."""

    def combine_legend(self) -> str:
        """What each ``combine`` code of the matrices means, on one line."""
        codes: dict[int, tuple[float, ...]] = {}
        for matrix in self.matrices:
            codes.update(matrix.combinations)
        parts = []
        for code in sorted(codes):
            names = [
                " or ".join(self.stance_names.get(level, [str(level)])) for level in codes[code]
            ]
            parts.append(f"{code} = {' and '.join(names)}")
        return "; ".join(parts)


def _choose_coder(
    store: Store, request: NetworkRequest, by_article: bool
) -> tuple[str, Iterable[NetworkRow], list[str]]:
    """Whose statements: the coder's name, the rows, and any notes."""
    if request.final and request.annotator is not None:
        raise NetworkError("--final and --annotator exclude each other: give one of them")
    if request.actor not in NODE_COLUMNS:
        raise NetworkError(f"unknown --actor {request.actor!r}: use actor or speaker")
    if request.final and request.actor == "speaker":
        raise NetworkError(
            "--actor speaker needs one coder's codes (--annotator): a final code the coders"
            " agreed on may name several speakers"
        )
    node = request.actor
    if request.final:
        final, waiting = store.final_layer()
        rows = store.final_network_rows((f.sentence_id, f.statements) for f in final)
        notes = []
        if waiting:
            notes.append(
                f"{len(waiting)} sentence{'s' * (len(waiting) != 1)} where coders disagree"
                " have no final codes yet and are left out: nkreader review"
            )
        return FINAL_CODER, rows, notes
    coders = store.statement_coders()
    if request.annotator is not None:
        if request.annotator not in coders:
            known = ", ".join(coders) if coders else "nobody has coded yet"
            raise NetworkError(f"{request.annotator} has no codes here (coders: {known})")
        coded = store.network_rows(request.annotator, by_article=by_article, node=node)
        return request.annotator, coded, []
    if len(coders) > 1:
        raise NetworkError(
            f"{len(coders)} coders have codes here ({', '.join(coders)}): choose one with"
            " --annotator NAME, or use the final codes with --final; a network never pools"
            " coders"
        )
    if not coders:
        return "", [], []
    return coders[0], store.network_rows(coders[0], by_article=by_article, node=node), []


def build_networks(store: Store, request: NetworkRequest) -> NetworkResult:
    """The network(s) the request asks for; ``NetworkError`` (one line) when it makes none."""
    options = request.options
    options.check()
    if request.step is not None and request.window is None:
        raise NetworkError("--step moves a time window: give --window too")
    if request.start and request.stop and request.start > request.stop:
        raise NetworkError(f"--from {request.start} is after --to {request.stop}")
    if request.level < 0 and request.level != -1:
        raise NetworkError(f"--level {request.level}: give 0 or more steps, or top")
    ranged = request.start is not None or request.stop is not None
    # dates decide which statements count (and which of identical ones is kept first)
    dated = ranged or request.window is not None or options.needs_dates
    by_article = dated or options.duplicates != "include"
    coder, rows, notes = _choose_coder(store, request, by_article)
    ordered = options.duplicates == "acrossrange"  # the earliest is kept: dates order them
    days = store.article_days(request.day_first) if dated or ordered else {}
    nodes = store.network_actors(request.level)
    kinds = frozenset(request.kinds)
    names: dict[int | None, str] = {
        i: node.name for i, node in nodes.items() if not kinds or node.kind in kinds
    }
    target_names: dict[int | None, str | None] = {None: None}
    for target_id, target_name in store.network_targets().items():
        target_names[target_id] = target_name
    scores: set[float] = set()
    dateless = 0
    low = request.start or date.min
    high = request.stop or date.max

    def statements() -> Iterator[StatementRow]:
        nonlocal dateless
        day = None
        for article, actor_id, target_id, score, count in rows:
            if dated:
                day = days.get(article)
                if day is None:
                    dateless += count
                    continue
                if not low <= day <= high:
                    continue
            elif ordered:
                day = days.get(article)
            scores.add(score)
            name = names.get(actor_id)
            if name is not None:
                yield (name, target_names[target_id], score, day, article, coder, count)

    kept = filter_duplicates(statements(), options.duplicates, options.aggregation)
    levels = qualifier_levels(scores)
    if dateless:
        notes.append(
            f"{dateless} statement{'s' * (dateless != 1)} in articles without a readable"
            " published date left out (dates are needed for " + _why_dates(request) + ")"
        )
    actor_nodes = {node.name: node for node in nodes.values()}
    if request.isolates:
        extra_actors = [n.name for n in actor_nodes.values() if not kinds or n.kind in kinds]
        extra_targets = [name for name in target_names.values() if name is not None]
    else:
        extra_actors, extra_targets = [], []
    if options.type == "onemode":
        rows_extra = extra_targets if options.mode == "targets" else extra_actors
        columns_extra: list[str] = []
    else:
        rows_extra, columns_extra = extra_actors, extra_targets
    if request.window is not None:
        every = [day for day in days.values() if day is not None]
        first = request.start or (min(every) if every else None)
        last = request.stop or (max(every) if every else None)
        if first is None or last is None:
            raise NetworkError(
                "no article has a published date nkreader can read, so there is no period to"
                " cut into windows"
            )
        series = windows(first, last, request.window, request.step)
        if not series:
            raise NetworkError(
                f"the period {first} to {last} is shorter than one --window {request.window}:"
                " choose a smaller window"
            )
        matrices = compute_series(
            kept, levels, options, series, rows_extra=rows_extra, columns_extra=columns_extra
        )
    else:
        matrices = [
            compute(kept, levels, options, rows_extra=rows_extra, columns_extra=columns_extra)
        ]
        if ranged:
            matrices[0].start, matrices[0].stop = request.start, request.stop
    if not kept:
        whose = "the final codes" if request.final else (coder or "anyone")
        notes.append(f"no statement of {whose} with a target is selected: the network has no ties")
    actor_frequency, target_frequency = frequencies(kept)
    stance_names: dict[float, list[str]] = {}
    for stance in store.stances():
        stance_names.setdefault(float(stance.score), []).append(stance.key)
    return NetworkResult(
        request, matrices, coder, actor_nodes, actor_frequency, target_frequency, levels,
        stance_names, notes, kept,
    )  # fmt: skip


def _why_dates(request: NetworkRequest) -> str:
    reasons = []
    if request.start is not None or request.stop is not None:
        reasons.append("--from/--to")
    if request.window is not None:
        reasons.append("--window")
    if request.options.needs_dates:
        reasons.append(f"--duplicates {request.options.duplicates}")
    return ", ".join(reasons)


def stance_matrix(store: Store, annotator: str) -> tuple[tuple[Matrix, Matrix] | None, str]:
    """The coder's actor x target matrix for the statistics screen: DNA's two-mode network
    with ``subtract`` (the sum of the stance scores: who takes which side on what) and with
    ``ignore`` (how many statements), on the same labels; and the stances' scores in words
    (``support +1, oppose -1``). None when the coder has no statement with a target."""
    scores = ", ".join(
        f"{s.key} {s.score:+g}" if s.score else f"{s.key} 0" for s in store.stances()
    )
    if annotator not in store.statement_coders():
        return None, scores
    request = NetworkRequest(NetworkOptions(aggregation="subtract"), annotator=annotator)
    result = build_networks(store, request)
    sums = result.matrices[0]
    if not sums.rows:
        return None, scores
    counts = compute(result.kept, result.levels, NetworkOptions())
    return (sums, counts), scores
