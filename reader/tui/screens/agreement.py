"""Agreement: how far the coders agree on each variable, and the way into where they differ.

The figures of ``nkreader agreement`` (every coder together, then each pair; ``f``: each coder
against the final layer) as a table, one row per group of coders, variable and distance, with
the highlighted row spelled out under it. ``enter`` opens the review on the sentences where the
row's coders differ on its variable, ``R`` where they differ on any.

The figures are computed on a thread of their own: on 10,000 sentences reading the codes and
the alphas take about a second, the bootstrap's 1,000 draws several more. The alphas are shown
as soon as they are known and the intervals when the bootstrap ends; the keys work all along.
The thread is a daemon, not a Textual worker: a bootstrap cannot be stopped half-way, and
Textual runs thread workers in asyncio's default executor, which Python waits for at exit, so
closing the reader would wait for figures nobody will see.

Blind coding hides the other coders' codes and progress from each coder's reader; this screen,
like the review it opens, is where the team's work is compared, and is open in blind mode too.
Its figures show no code, but they tell how many sentences the others decided and, over a few
sentences, how they coded them; a line says so when the project codes blind.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Sequence
from contextlib import suppress
from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Static

from reader.analysis.agreement import ACCEPTABLE, TENTATIVE
from reader.analysis.disagreement import VARIABLES, Variable
from reader.analysis.reliability import (
    DEFAULT_DRAWS,
    DEFAULT_SEED,
    AgreementReport,
    VariableAgreement,
)
from reader.db import is_damage
from reader.exchange.agreement import (
    FINAL,
    AgreementData,
    AgreementError,
    compute_agreement,
    gather_agreement,
    report_groups,
    units_line,
    waiting_line,
)
from reader.store import Store
from reader.text.visible import fit_cells, visible
from reader.tui.widgets import KeyBar, literal_text

COLUMNS = (
    "coders",
    "variable",
    "distance",
    "alpha",
    "given claim",
    "95% interval",
    "units",
    "agreement",
    "reason",
)
"""The table's columns: the figures a reader looks for first come first, so that at 80 columns
alpha and its interval are on screen; the rest scroll, and the line under the table has all."""

MOVES = frozenset(
    ("cursor_down", "cursor_up", "page_down", "page_up", "scroll_top", "scroll_bottom")
)
"""The table's actions the screen's keys move the highlight with."""

CODERS_WIDTH = 24
"""Widest group of coders shown in the table; the line under it has room for more."""

NAMES_WIDTH = 60
"""Widest list of coders above and under the table: long names are cut, not wrapped over the
table's rows."""

THRESHOLDS = (
    f"Krippendorff (2004): alpha ≥ {ACCEPTABLE:.3f} reliable, ≥ {TENTATIVE:.3f} tentative "
    "conclusions only"
).replace(" 0.", " .")
"""What an alpha means, in one line of 80 columns."""

BLIND = (
    "Blind coding is on: these figures count every coder's work (over a few sentences they tell "
    "how the others coded), and enter shows everyone's codes: for comparing and adjudicating."
)


@dataclass(frozen=True, slots=True)
class Row:
    """One line of the table: a group of coders' figures for one variable."""

    name: str
    """The group as the command names it: ``all``, or ``alice,bob``."""
    coders: tuple[str, ...]
    figures: VariableAgreement


@dataclass
class Figures(Message):
    """The computing thread's answer for run ``run``: the alphas (``done`` False: the bootstrap
    is still running), then the whole report."""

    run: int
    data: AgreementData
    report: AgreementReport
    done: bool


@dataclass
class Failed(Message):
    """Run ``run`` could not compute a report: why, in one line (or the error met)."""

    run: int
    message: str
    error: sqlite3.DatabaseError | None = None


class AgreementScreen(Screen[None]):
    """Every group's agreement per variable; the key into the review of their disagreements."""

    BINDINGS: ClassVar[list[BindingType]] = [
        # The keys that move the highlight are the screen's own priority bindings, as enter is:
        # each is handled as it arrives, so a key typed right after them acts on the row they
        # reached (the table's own bindings would move it later, after enter had run).
        Binding("down,j", "move('cursor_down')", "Next row", show=False, priority=True,
                id="agreement.down"),
        Binding("up,k", "move('cursor_up')", "Previous row", show=False, priority=True,
                id="agreement.up"),
        Binding("pagedown", "move('page_down')", "Page down", show=False, priority=True,
                id="agreement.page-down"),
        Binding("pageup", "move('page_up')", "Page up", show=False, priority=True,
                id="agreement.page-up"),
        Binding("home,g", "move('scroll_top')", "First row", show=False, priority=True,
                id="agreement.first"),
        Binding("end,G", "move('scroll_bottom')", "Last row", show=False, priority=True,
                id="agreement.last"),
        Binding("enter", "review", "Disagreements", priority=True, id="agreement.review"),
        Binding("R", "review(True)", "On any variable", priority=True,
                id="agreement.review-all"),
        Binding("f", "final", "Final layer / coders", priority=True, id="agreement.final"),
        Binding("escape,q", "close", "Back", priority=True, id="agreement.close"),
    ]  # fmt: skip

    def __init__(self, store: Store, *, final: bool = False) -> None:
        super().__init__()
        self.store = store
        self.final = final
        """Whether each coder is compared with the final layer rather than with the others."""
        self.data: AgreementData | None = None
        self.report: AgreementReport | None = None
        self.rows: list[Row] = []
        self.computing = False
        """Whether figures are still to come (the alphas, or the intervals)."""
        self.problem: str | None = None
        """Why there is no report (fewer than two coders, say)."""
        self._run = 0
        """The computation whose answers are shown; older threads' answers are dropped."""

    def compose(self) -> ComposeResult:
        yield Static(id="agreement-title")
        yield Static(id="agreement-status")
        yield DataTable(id="agreement-table", cursor_type="row", zebra_stripes=True)
        yield Static(id="agreement-detail")
        yield KeyBar(id="keys")

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        for column in COLUMNS:
            table.add_column(column, key=column)
        table.focus()
        self.compute()

    # -- computing ----------------------------------------------------------------------------

    def compute(self) -> None:
        """Compute the figures again on a thread (the final layer may have changed)."""
        self._run += 1
        run, final = self._run, self.final
        self.computing, self.problem, self.report, self.rows = True, None, None, []
        opener = self.store.reading_copy()
        data = None
        if opener is None:  # an in-memory database: only this connection sees it
            try:
                data = gather_agreement(self.store, final=final)
            except AgreementError as error:
                self._show_problem(str(error))
                return
        self._show()
        thread = threading.Thread(
            target=self._compute, args=(run, final, opener, data), name="agreement", daemon=True
        )
        thread.start()

    def _compute(
        self,
        run: int,
        final: bool,
        opener: Callable[[], Store] | None,
        data: AgreementData | None,
    ) -> None:
        """On the thread: read the codes (on a connection of its own), the alphas, then the
        bootstrap; each answer posted to the screen, which drops those of an older run."""
        try:
            if data is None:
                assert opener is not None
                copy = opener()
                try:
                    data = gather_agreement(copy, final=final)
                finally:
                    copy.close()
            self._post(Figures(run, data, compute_agreement(data, draws=0), done=False))
            if run != self._run:
                return  # asked for other figures meanwhile
            report = compute_agreement(data, draws=DEFAULT_DRAWS, seed=DEFAULT_SEED)
            self._post(Figures(run, data, report, done=True))
        except AgreementError as error:
            self._post(Failed(run, str(error)))
        except sqlite3.DatabaseError as error:
            self._post(Failed(run, f"cannot read the codes: {error}", error))

    def _post(self, message: Message) -> None:
        with suppress(RuntimeError):  # the reader has closed: nobody waits for the figures
            self.post_message(message)

    @on(Figures)
    def _figures(self, message: Figures) -> None:
        if message.run != self._run:
            return
        self.data, self.report = message.data, message.report
        self.computing = not message.done
        groups = report_groups(message.report)
        if len(groups) == 2 and groups[1][1].coders == message.report.coders:
            groups = groups[1:]  # two coders: their pair is the whole group, listed once
        self.rows = [
            Row(name, group.coders, figures)
            for name, group in groups
            for figures in group.variables
        ]
        self._show()

    @on(Failed)
    def _failed(self, message: Failed) -> None:
        if message.run != self._run:
            return
        report_damage = getattr(self.app, "report_damage", None)
        if message.error is not None and is_damage(message.error) and report_damage:
            report_damage(message.error)  # the reader stops saving, and says why
        self._show_problem(message.message)

    def _show_problem(self, problem: str) -> None:
        self.computing, self.problem, self.report, self.rows = False, problem, None, []
        self._show()

    # -- what is shown ------------------------------------------------------------------------

    def _show(self) -> None:
        what = "with the final layer" if self.final else "between coders"
        self.query_one("#agreement-title", Static).update(
            Text(f"Agreement {what}  ·  Krippendorff's alpha", style="bold")
        )
        self.query_one("#agreement-status", Static).update(self._status())
        table = self.query_one(DataTable)
        row = table.cursor_row
        table.clear()
        for entry in self.rows:
            table.add_row(*self._cells(entry))
        if self.rows:
            table.move_cursor(row=min(max(row, 0), len(self.rows) - 1), animate=False)
        self._show_detail()
        self.refresh_bindings()

    def _status(self) -> Text:
        text = Text()
        if self.problem is not None:
            problem = fit_cells(visible(self.problem, one_line=True), 3 * NAMES_WIDTH)
            text.append(problem, style="bold")
        elif self.report is None:
            text.append("Reading the codes and computing alpha…")
        else:
            text.append(units_line(self.report, final=self.final, width=NAMES_WIDTH))
            if self.computing:
                text.append(f"; computing the 95% intervals ({DEFAULT_DRAWS:,} draws)…")
        if self.final and self.data is not None and self.data.waiting:
            text.append("\n" + waiting_line(self.data.waiting))
        if self.store.blind:
            text.append("\n" + BLIND, style="italic")
        return text

    def _cells(self, entry: Row) -> list[Text | str]:
        v = entry.figures
        if v.ci95 is not None:
            interval = f"[{v.ci95[0]:.3f}, {v.ci95[1]:.3f}]"
        else:
            interval = "…" if self.computing and v.alpha is not None else "-"
        given = _fixed(v.alpha_given_claim) if v.distance == "masi" else ""
        return [
            literal_text(fit_cells(visible(entry.name, one_line=True), CODERS_WIDTH)),
            v.variable,
            v.distance,
            _number(_fixed(v.alpha)),
            _number(given),
            interval,
            _number(str(v.pairable_units)),
            _number(_fixed(v.percent_agreement)),
            v.reason or "",
        ]

    @on(DataTable.RowHighlighted)
    def _highlighted(self) -> None:
        self._show_detail()

    @property
    def current(self) -> Row | None:
        """The highlighted row."""
        table = self.query_one(DataTable)
        if not self.rows or not 0 <= table.cursor_row < len(self.rows):
            return None
        return self.rows[table.cursor_row]

    def _show_detail(self) -> None:
        """The highlighted row in words, every figure of it, and what alpha's thresholds are."""
        detail = self.query_one("#agreement-detail", Static)
        entry = self.current
        if entry is None:
            detail.update(Text(THRESHOLDS, style="dim"))
            return
        v = entry.figures
        coders = fit_cells(visible(", ".join(entry.coders), one_line=True), NAMES_WIDTH)
        text = Text()
        text.append(f"{coders}  ·  {v.variable} ({v.distance})\n", style="bold")
        text.append(f"alpha {_fixed(v.alpha)}")
        if v.distance == "masi":
            text.append(f", given a claim {_fixed(v.alpha_given_claim)}")
        text.append(
            f"; {v.pairable_units} units, {v.values} values; "
            f"{_share(v.percent_agreement, 1)} agreement"
        )
        interval = v.interval
        if v.ci95 is not None and interval is not None:
            text.append(
                f"\n95% interval [{v.ci95[0]:.3f}, {v.ci95[1]:.3f}] · of {interval.draws:,} "
                f"draws, {_share(interval.p_below_0667)} below .667, "
                f"{_share(interval.p_below_08)} below .80"
            )
        elif self.computing and v.alpha is not None:
            text.append("\n95% interval: being computed")
        if v.reason:
            text.append(f"\nnot computed: {v.reason}", style="italic")
        text.append("\n" + THRESHOLDS, style="dim")
        detail.update(text)

    # -- keys ---------------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "review":
            return self.current is not None
        return True

    def action_move(self, where: str) -> None:
        """Move the highlight with the table's own action of that name (``cursor_down``,
        ``page_up``, ``scroll_top``...), at once."""
        if where in MOVES:
            getattr(self.query_one(DataTable), f"action_{where}")()

    def action_review(self, any_variable: bool = False) -> None:
        """The review of the highlighted row's coders, on its variable (or on any)."""
        from reader.tui.screens.review import ReviewScreen

        entry = self.current
        if entry is None:
            return
        variable = None if any_variable else _review_variable(entry.figures.variable)
        self.app.push_screen(
            ReviewScreen(self.store, variable, self._review_coders(entry.coders)),
            self._back_from_review,
        )

    def _review_coders(self, coders: Sequence[str]) -> list[str] | None:
        """The coders whose disagreements the review lists: the row's, or every coder when
        the row is every coder, or one of them against the final layer (the review compares
        coders, not the final layer)."""
        everyone = self.report.coders if self.report else ()
        if self.final:
            coders = [c for c in coders if c != FINAL]
            everyone = tuple(c for c in everyone if c != FINAL)
        if len(coders) < 2 or tuple(coders) == everyone:
            return None
        return list(coders)

    def _back_from_review(self, _: object = None) -> None:
        if self.final:  # decisions made there are the final layer's codes
            self.compute()

    def action_final(self) -> None:
        """Compare the coders with each other, or each with the final layer."""
        self.final = not self.final
        self.query_one(DataTable).move_cursor(row=0, animate=False)
        self.compute()

    def action_close(self) -> None:
        """Back to the screen below, which is told (``pop_screen`` would not call the
        callback it pushed this screen with)."""
        self.dismiss(None)


def _fixed(value: float | None, places: int = 3) -> str:
    return "-" if value is None else f"{value:.{places}f}"


def _share(value: float | None, places: int = 0) -> str:
    return "-" if value is None else f"{value:.{places}%}"


def _number(shown: str) -> Text:
    """A figure, aligned on the right of its column as figures are."""
    return Text(shown, justify="right", end="")


def _review_variable(name: str) -> Variable | None:
    """The review's name for a report's variable (every variable has one)."""
    return next((v for v in VARIABLES if v == name), None)
