"""How far coders agree on each variable of the coding study: the figures a report shows.

For a group of coders (all of those chosen, then every pair of them), each variable of
:mod:`reader.analysis.variables` gets Krippendorff's alpha with its pairable units, values and
percent agreement, alpha over the sentences where every coder found a claim (the set variables),
and a 95 % percentile interval from a bootstrap that resamples articles with replacement, with the
share of draws below .667 and .80. Every figure that cannot be computed is None, and ``reason``
says why, so a report never shows a number that is not one.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import combinations

from reader.analysis.agreement import (
    Agreement,
    Interval,
    Metric,
    agreement,
    agreements,
    bootstrap,
)
from reader.analysis.variables import (
    Units,
    Variable,
    build_variables,
    restrict,
    restrict_variables,
)
from reader.models import DecidedSentence

DEFAULT_DRAWS = 1000
"""Bootstrap draws unless told otherwise: enough for stable 2.5 % and 97.5 % quantiles."""
DEFAULT_SEED = 1
"""The bootstrap's seed unless told otherwise, fixed so that a report can be reproduced."""


@dataclass(frozen=True, slots=True)
class VariableAgreement:
    """Agreement on one variable under one distance."""

    variable: str
    distance: Metric
    alpha: float | None
    alpha_given_claim: float | None
    """For the set variables: alpha over the sentences where every coder found a claim. None
    for ``claim`` and ``stance_by_actor``, whose units need no such condition."""
    interval: Interval | None
    """The bootstrap of ``alpha``; None when no draws were asked for."""
    pairable_units: int
    values: int
    percent_agreement: float | None
    reason: str | None
    """Why a figure is None (``alpha``, ``alpha_given_claim``, the interval), in one line; None
    when every figure that applies was computed."""

    @property
    def ci95(self) -> tuple[float, float] | None:
        """The 95 % interval, or None when there is none."""
        interval = self.interval
        if interval is None or interval.low is None or interval.high is None:
            return None
        return interval.low, interval.high


@dataclass(frozen=True, slots=True)
class GroupAgreement:
    """Every variable's agreement among one group of coders (all those chosen, or a pair)."""

    coders: tuple[str, ...]
    units: int
    """Sentences at least two of ``coders`` decided."""
    variables: tuple[VariableAgreement, ...]


@dataclass(frozen=True, slots=True)
class AgreementReport:
    """Agreement among all the chosen coders, and within each pair of them."""

    coders: tuple[str, ...]
    units: int
    """Sentences at least two of ``coders`` decided."""
    variables: tuple[VariableAgreement, ...]
    pairs: tuple[GroupAgreement, ...]
    draws: int
    seed: int


def agreement_report(
    sentences: Sequence[DecidedSentence],
    coders: Sequence[str],
    stance_scores: Mapping[int, float],
    *,
    draws: int = DEFAULT_DRAWS,
    seed: int = DEFAULT_SEED,
    pairs: Sequence[tuple[str, str]] | None = None,
) -> AgreementReport:
    """Agreement among ``coders`` and within each pair of them, in the order given.

    ``sentences`` are the decided sentences (``Store.decided_sentences``); decisions of other
    coders are ignored. ``pairs``, when given, are the pairs reported instead of every pair (the
    final layer against each coder, say, and not the coders against each other). ``draws`` of
    0 skips the bootstrap. The same arguments give the same report: each bootstrap is seeded
    with ``seed``.
    """
    coders = list(dict.fromkeys(coders))
    chosen = list(combinations(coders, 2)) if pairs is None else [(a, b) for a, b in pairs]
    # A pair that is the whole group has its figures: they are not computed twice.
    alone = len(coders) == 2 and chosen == [tuple(coders)]
    computed = [] if alone else chosen
    with collector_paused():
        variables = build_variables(restrict(sentences, set(coders)), stance_scores)
        groups = [variables, *(restrict_variables(variables, pair) for pair in computed)]
        figures = compare_groups(groups, draws=draws, seed=seed)
    whole, *by_pair = (
        GroupAgreement(tuple(names), _units(group), found)
        for names, group, found in zip([coders, *computed], groups, figures, strict=True)
    )
    if alone:
        by_pair = [whole]
    return AgreementReport(whole.coders, whole.units, whole.variables, tuple(by_pair), draws, seed)


def _units(variables: Sequence[Variable]) -> int:
    """The sentences of a group: the units of ``claim`` (which every decision codes) with two
    values or more."""
    return variables[0].units.pairable() if variables else 0


@contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector paused while the figures are computed (and the codes
    read, see ``reader.exchange.agreement``).

    Building reliability data makes hundreds of thousands of small dicts, tuples and sets, none
    of them in a cycle; each few hundred new objects the collector walks all of them again, which
    made a report two to three times slower. Reference counting frees them all the same. Nested
    pauses leave the collector as the outermost found it.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def group_agreement(
    variables: Sequence[Variable],
    coders: Sequence[str],
    *,
    draws: int = DEFAULT_DRAWS,
    seed: int = DEFAULT_SEED,
) -> GroupAgreement:
    """Every variable's agreement among ``coders``, from their variables (built from the
    sentences they decided, :func:`reader.analysis.variables.build_variables`, or restricted to
    them, :func:`reader.analysis.variables.restrict_variable`)."""
    with collector_paused():
        (figures,) = compare_groups([variables], draws=draws, seed=seed)
    return GroupAgreement(tuple(coders), _units(variables), figures)


def compare_groups(
    groups: Sequence[Sequence[Variable]], *, draws: int = DEFAULT_DRAWS, seed: int = DEFAULT_SEED
) -> list[tuple[VariableAgreement, ...]]:
    """Each group's figures for each of its variables; every group lists the same variables in
    the same order (as ``build_variables`` and ``restrict_variable`` give them).

    The alphas of one variable in every group, and given a claim, are computed in one call of
    :func:`reader.analysis.agreement.agreements`: the groups code mostly the same values, and
    each is measured once (for the sets of statements that is most of the work).
    """
    found: list[list[VariableAgreement]] = [[] for _ in groups]
    for column in zip(*groups, strict=True):
        datasets: list[Units] = []
        for variable in column:
            datasets.append(variable.units)
            if variable.given_claim is not None:
                datasets.append(variable.given_claim)
        results = iter(agreements(datasets, column[0].metric))
        for place, variable in enumerate(column):
            overall = next(results)
            given = next(results) if variable.given_claim is not None else None
            found[place].append(_figures(variable, overall, given, draws=draws, seed=seed))
    return [tuple(figures) for figures in found]


def variable_agreement(
    variable: Variable, *, draws: int = DEFAULT_DRAWS, seed: int = DEFAULT_SEED
) -> VariableAgreement:
    """Alpha, its bootstrap and (for a set variable) alpha given a claim, for one variable."""
    overall = agreement(variable.units, variable.metric)
    given = None
    if variable.given_claim is not None:
        given = agreement(variable.given_claim, variable.metric)
    return _figures(variable, overall, given, draws=draws, seed=seed)


def _articles(variable: Variable) -> int:
    """How many articles the variable's pairable units come from: the bootstrap's clusters."""
    clusters = variable.clusters
    return len(
        {clusters.get(unit, unit) for unit, coded in variable.units.items() if len(coded) > 1}
    )


def _figures(
    variable: Variable, overall: Agreement, given: Agreement | None, *, draws: int, seed: int
) -> VariableAgreement:
    """One variable's figures from its alphas, adding the bootstrap of the overall one."""
    reasons = [overall.reason] if overall.reason else []
    if given is not None and given.reason:
        reasons.append(f"alpha_given_claim: {given.reason}")
    interval = None
    if draws and overall.alpha is not None and _articles(variable) < 2:
        # Resampling the one article gives the same alpha each time: no interval at all.
        reasons.append("ci95: every unit comes from one article; resampling needs two or more")
    elif draws and overall.alpha is not None:
        interval = bootstrap(
            variable.units, variable.metric, clusters=variable.clusters, draws=draws, seed=seed
        )
        if interval.low is None:
            reasons.append("ci95: no bootstrap draw had an alpha")
    return VariableAgreement(
        variable=variable.name,
        distance=variable.metric,
        alpha=overall.alpha,
        alpha_given_claim=None if given is None else given.alpha,
        interval=interval,
        pairable_units=overall.pairable_units,
        values=overall.values,
        percent_agreement=overall.percent_agreement,
        reason="; ".join(reasons) or None,
    )
