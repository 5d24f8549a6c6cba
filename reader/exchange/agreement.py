"""Inter-coder agreement out of a database: the coders checked, the figures computed and shaped
as a table, CSV or JSON (``nkreader agreement``; a screen can reuse every piece).

:func:`read_agreement` asks the Store for the decided sentences and hands them to
``reader.analysis.reliability``; the ``format_*`` functions only shape an
:class:`~reader.analysis.reliability.AgreementReport`, so each output says the same numbers.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
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
from reader.store import Store
from reader.text.visible import visible

ALL = "all"
"""The ``coders`` cell of the CSV rows about every chosen coder together."""

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


def choose_coders(store: Store, coders: Sequence[str] | None) -> list[str]:
    """The coders to compare: ``coders`` in the order given (repeats dropped), or every coder in
    the database. Refuses a coder the database does not know and fewer than two coders."""
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
    if len(chosen) < 2:
        have = f"only {chosen[0]!r}" if chosen else "none"
        raise AgreementError(f"agreement needs at least two coders who coded; there is {have}")
    return chosen


def check_articles(store: Store, article_ids: Sequence[int]) -> None:
    """Refuse article ids the database does not hold."""
    missing = [i for i in dict.fromkeys(article_ids) if store.article_summary(i) is None]
    if missing:
        raise AgreementError(f"no article with id {', '.join(map(str, missing))}")


def read_agreement(
    store: Store,
    coders: Sequence[str] | None = None,
    article_ids: Sequence[int] | None = None,
    *,
    draws: int = DEFAULT_DRAWS,
    seed: int = DEFAULT_SEED,
) -> AgreementReport:
    """Agreement among ``coders`` (default: every coder) on the sentences at least two of them
    decided, in ``article_ids`` if given; raises :class:`AgreementError` for coders or articles
    that do not exist."""
    chosen = choose_coders(store, coders)
    if article_ids:
        check_articles(store, article_ids)
    scores = {stance.id: stance.score for stance in store.stances()}
    with collector_paused():
        sentences = store.decided_sentences(chosen, article_ids or None)
        return agreement_report(sentences, chosen, scores, draws=draws, seed=seed)


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


def _groups(report: AgreementReport) -> list[tuple[str, GroupAgreement]]:
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
    for name, group in _groups(report):
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


def format_agreement_table(report: AgreementReport) -> str:
    """A plain aligned table for a terminal: alpha to 3 decimals, a line on what the
    thresholds mean, and one on what the units and the interval are."""
    rows = [_row(name, v) for name, group in _groups(report) for v in group.variables]
    if report.draws:
        interval = (
            f"95% intervals and P(alpha below): {report.draws} bootstrap draws of articles "
            f"(seed {report.seed})"
        )
    else:
        interval = "no bootstrap (--draws 0)"
    lines = [
        f"coders: {visible(', '.join(report.coders), one_line=True)}; units: {report.units} "
        f"sentences decided by at least two of them; {interval}",
        "",
        format_table(TABLE_HEADERS, rows),
        "",
        THRESHOLDS,
        LEGEND,
    ]
    return "\n".join(lines)
