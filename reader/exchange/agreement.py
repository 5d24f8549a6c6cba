"""Inter-coder agreement out of a database: the coders checked, the figures computed and shaped
as a table, CSV or JSON (``nkreader agreement``; a screen can reuse every piece).

:func:`read_agreement` asks the Store for the decided sentences (:func:`gather_agreement`) and
hands them to ``reader.analysis.reliability`` (:func:`compute_agreement`); a screen does the
first on its own thread and the second on another, since the bootstrap takes seconds. The
``format_*`` functions only shape an :class:`~reader.analysis.reliability.AgreementReport`, so
each output says the same numbers.

With ``final``, the final layer (``export --final``'s codes: agreed or adjudicated) takes part
as one more coder named :data:`FINAL`, paired with each coder.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from reader.analysis.agreement import ACCEPTABLE, TENTATIVE
from reader.analysis.reliability import (
    DEFAULT_DRAWS,
    DEFAULT_SEED,
    AgreementReport,
    GroupAgreement,
    VariableAgreement,
    agreement_report,
    collector_paused,
)
from reader.exchange.exporting import escape_formula
from reader.exchange.reports import format_table
from reader.models import CoderDecision, DecidedSentence
from reader.store import Store
from reader.text.visible import fit_cells, visible

ALL = "all"
"""The ``coders`` cell of the CSV rows about every chosen coder together."""

FINAL = "final"
"""The final layer's name where it is compared with the coders as if it were one of them."""

CSV_COLUMNS = (
    "coders",
    "variable",
    "distance",
    "alpha",
    "alpha_given_claim",
    "ci95_low",
    "ci95_high",
    "p_below_0.667",
    "p_below_0.8",
    "pairable_units",
    "values",
    "percent_agreement",
    "reason",
)
"""The CSV header: one row per (coders, variable, distance)."""

THRESHOLDS = (
    f"alpha >= {ACCEPTABLE:.3f}: reliable; {TENTATIVE:.3f} <= alpha < {ACCEPTABLE:.3f}: tentative "
    f"conclusions only; alpha < {TENTATIVE:.3f}: not reliable (Krippendorff 2004)."
)
"""What the table's readers need to judge an alpha."""

LEGEND = (
    "given claim: alpha over the sentences where every coder found a claim. units: sentences\n"
    "(sentence-actor pairs for stance_by_actor) with two or more values; values: their values.\n"
    "P(<.667), P(<.80): the share of bootstrap draws with alpha below .667 and below .80."
)


class AgreementError(ValueError):
    """Coders or articles that cannot be compared; the message is one line saying why."""


def choose_coders(store: Store, coders: Sequence[str] | None, *, fewest: int = 2) -> list[str]:
    """The coders to compare: ``coders`` in the order given (repeats dropped), or every coder in
    the database. Refuses a coder the database does not know and fewer than ``fewest`` coders
    (two; one against the final layer)."""
    known = store.coders()
    if not coders:
        chosen = known
    else:
        chosen = list(dict.fromkeys(coders))
        unknown = [c for c in chosen if c not in known]
        if unknown:
            names = ", ".join(repr(c) for c in unknown)
            listed = ", ".join(known) if known else "none yet"
            raise AgreementError(f"unknown coder {names}: the database has {listed}")
    if len(chosen) < fewest:
        have = f"only {chosen[0]!r}" if chosen else "none"
        raise AgreementError(f"agreement needs at least two coders who coded; there is {have}")
    return chosen


def check_articles(store: Store, article_ids: Sequence[int]) -> None:
    """Refuse article ids the database does not hold."""
    missing = [i for i in dict.fromkeys(article_ids) if store.article_summary(i) is None]
    if missing:
        raise AgreementError(f"no article with id {', '.join(map(str, missing))}")


@dataclass(frozen=True, slots=True)
class AgreementData:
    """What a report is computed from, read out of the database: plain values, so that it can
    be computed on another thread than the one that read it."""

    sentences: list[DecidedSentence]
    coders: tuple[str, ...]
    """The coders compared; with the final layer, :data:`FINAL` last."""
    stance_scores: Mapping[int, float]
    pairs: tuple[tuple[str, str], ...] | None = None
    """The pairs reported; None: every pair of ``coders``."""
    waiting: int = 0
    """With the final layer: disagreements no adjudicator has decided yet (no final codes,
    so they are no units)."""

    @property
    def final(self) -> bool:
        """Whether the coders are compared with the final layer."""
        return self.pairs is not None


def gather_agreement(
    store: Store,
    coders: Sequence[str] | None = None,
    article_ids: Sequence[int] | None = None,
    *,
    final: bool = False,
) -> AgreementData:
    """The decided sentences of ``coders`` (default: every coder) in ``article_ids`` if given;
    raises :class:`AgreementError` for coders or articles that do not exist.

    ``final``: each coder against the final layer instead. Its codes join each sentence as those
    of one more coder, :data:`FINAL`, where the coders agreed or an adjudicator decided; the
    units are those sentences that a chosen coder decided. A sentence only one coder decided is
    left out (its final codes are that coder's by definition: it would count an agreement
    nothing tested), and so is a disagreement still waiting for an adjudicator.
    """
    chosen = choose_coders(store, coders, fewest=1 if final else 2)
    if article_ids:
        check_articles(store, article_ids)
    if final and FINAL in chosen:
        raise AgreementError(
            f"a coder is named {FINAL!r}, the name the final layer is compared under;"
            " choose the others with --coders"
        )
    scores = {stance.id: stance.score for stance in store.stances()}
    with collector_paused():
        if not final:
            sentences = store.decided_sentences(chosen, article_ids or None)
            return AgreementData(sentences, tuple(chosen), scores)
        layer, waiting = store.final_layer()
        finals = {e.sentence_id: e.statements for e in layer if e.final != "single"}
        with_final = []
        for sentence in store.decided_sentences(chosen, article_ids or None, min_coders=1):
            codes = finals.get(sentence.sentence_id)
            if codes is not None:
                decisions = {**sentence.decisions, FINAL: CoderDecision(codes, not codes)}
                with_final.append(
                    DecidedSentence(sentence.sentence_id, sentence.article_id, decisions)
                )
    wanted = set(article_ids or ())
    still = sum(1 for entry in waiting if not wanted or entry.article_id in wanted)
    pairs = tuple((coder, FINAL) for coder in chosen)
    return AgreementData(with_final, (*chosen, FINAL), scores, pairs, still)


def compute_agreement(
    data: AgreementData, *, draws: int = DEFAULT_DRAWS, seed: int = DEFAULT_SEED
) -> AgreementReport:
    """The figures of :func:`gather_agreement`'s data; touches no database."""
    return agreement_report(
        data.sentences, data.coders, data.stance_scores, draws=draws, seed=seed, pairs=data.pairs
    )


def read_agreement(
    store: Store,
    coders: Sequence[str] | None = None,
    article_ids: Sequence[int] | None = None,
    *,
    final: bool = False,
    draws: int = DEFAULT_DRAWS,
    seed: int = DEFAULT_SEED,
) -> AgreementReport:
    """Agreement among ``coders`` (default: every coder) on the sentences at least two of them
    decided, in ``article_ids`` if given (``final``: each against the final layer, see
    :func:`gather_agreement`); raises :class:`AgreementError` for coders or articles that do
    not exist."""
    return compute_agreement(
        gather_agreement(store, coders, article_ids, final=final), draws=draws, seed=seed
    )


# -- JSON -------------------------------------------------------------------------------------


def variable_json(entry: VariableAgreement) -> dict[str, Any]:
    """One variable's figures as the JSON output writes them (None is ``null``)."""
    interval = entry.interval
    ci95 = entry.ci95
    return {
        "variable": entry.variable,
        "distance": entry.distance,
        "alpha": entry.alpha,
        "alpha_given_claim": entry.alpha_given_claim,
        "ci95": list(ci95) if ci95 else None,
        "p_below": {
            "0.667": interval.p_below_0667 if interval else None,
            "0.8": interval.p_below_08 if interval else None,
        },
        "pairable_units": entry.pairable_units,
        "values": entry.values,
        "percent_agreement": entry.percent_agreement,
        "reason": entry.reason,
    }


def report_json(report: AgreementReport) -> dict[str, Any]:
    """The whole report as one JSON object: coders, units, variables, pairs."""
    return {
        "coders": list(report.coders),
        "units": report.units,
        "variables": [variable_json(v) for v in report.variables],
        "pairs": [
            {"coders": list(pair.coders), "variables": [variable_json(v) for v in pair.variables]}
            for pair in report.pairs
        ],
    }


def format_json(report: AgreementReport) -> str:
    return json.dumps(report_json(report), ensure_ascii=False, indent=2)


# -- CSV --------------------------------------------------------------------------------------


def report_groups(report: AgreementReport) -> list[tuple[str, GroupAgreement]]:
    """Every group of coders with its name in the outputs: ``all``, then ``alice,bob``..."""
    whole = GroupAgreement(report.coders, report.units, report.variables)
    return [(ALL, whole), *((",".join(pair.coders), pair) for pair in report.pairs)]


def _number(value: float | None) -> str:
    return "" if value is None else repr(value)


def format_csv(report: AgreementReport, *, formula_escape: bool = True) -> str:
    """One row per (coders, variable, distance), the figures flat, empty where none; coder
    names and reasons escaped against spreadsheet formulas as the export escapes them."""

    def text(value: str) -> str:
        return escape_formula(value) if formula_escape else value

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for name, group in report_groups(report):
        for v in group.variables:
            interval, ci95 = v.interval, v.ci95
            writer.writerow(
                [
                    text(name), v.variable, v.distance, _number(v.alpha),
                    _number(v.alpha_given_claim),
                    _number(ci95[0] if ci95 else None), _number(ci95[1] if ci95 else None),
                    _number(interval.p_below_0667 if interval else None),
                    _number(interval.p_below_08 if interval else None),
                    v.pairable_units, v.values, _number(v.percent_agreement),
                    text(v.reason or ""),
                ]
            )  # fmt: skip
    return out.getvalue()


# -- the table --------------------------------------------------------------------------------

TABLE_HEADERS = [
    "coders",
    "variable",
    "distance",
    "alpha",
    "given claim",
    "95% interval",
    "P(<.667)",
    "P(<.80)",
    "units",
    "values",
    "agreement",
    "reason",
]


def waiting_line(waiting: int) -> str:
    """What the comparison with the final layer leaves out for now."""
    if waiting == 1:
        return "1 disagreement has no final codes yet and is left out (nkreader review decides it)"
    return (
        f"{waiting} disagreements have no final codes yet and are left out "
        "(nkreader review decides them)"
    )


def _fixed(value: float | None, places: int = 3) -> str:
    return "-" if value is None else f"{value:.{places}f}"


def _row(name: str, v: VariableAgreement) -> list[str]:
    interval, ci95 = v.interval, v.ci95
    return [
        name,
        v.variable,
        v.distance,
        _fixed(v.alpha),
        _fixed(v.alpha_given_claim) if v.alpha_given_claim is not None else "",
        f"[{ci95[0]:.3f}, {ci95[1]:.3f}]" if ci95 else "-",
        _fixed(interval.p_below_0667 if interval else None, 2),
        _fixed(interval.p_below_08 if interval else None, 2),
        str(v.pairable_units),
        str(v.values),
        _fixed(v.percent_agreement),
        v.reason or "",
    ]


def units_line(report: AgreementReport, *, final: bool = False, width: int | None = None) -> str:
    """Who is compared and on which sentences, in one line; the coders' names cut to ``width``
    cells if given (a screen has no room for a name of a thousand letters)."""
    coders = visible(", ".join(report.coders), one_line=True)
    if width is not None:
        coders = fit_cells(coders, width)
    if final:
        return (
            f"coders: {coders}; units: {report.units} sentences with final codes (agreed or "
            "adjudicated) that a coder decided"
        )
    return f"coders: {coders}; units: {report.units} sentences decided by at least two of them"


def format_agreement_table(
    report: AgreementReport, *, final: bool = False, waiting: int = 0
) -> str:
    """A plain aligned table for a terminal: alpha to 3 decimals, a line on what the
    thresholds mean, and one on what the units and the interval are. ``final``: the report
    compares each coder with the final layer, and ``waiting`` disagreements have no final
    codes yet."""
    rows = [_row(name, v) for name, group in report_groups(report) for v in group.variables]
    if report.draws:
        interval = (
            f"95% intervals and P(alpha below): {report.draws} bootstrap draws of articles "
            f"(seed {report.seed})"
        )
    else:
        interval = "no bootstrap (--draws 0)"
    lines = [f"{units_line(report, final=final)}; {interval}"]
    if final and waiting:
        lines.append(waiting_line(waiting))
    lines += [
        "",
        format_table(TABLE_HEADERS, rows),
        "",
        THRESHOLDS,
        LEGEND,
    ]
    return "\n".join(lines)
