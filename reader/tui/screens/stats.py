"""Who said what, at a glance: an actor × stance table and a stacked bar per actor, and (``m``)
the actor × target matrix: which stance each actor takes on each target.

The caller counts (in SQL) and sorts, and computes the matrix (``reader.exchange.networks``); this
screen only draws, so the same numbers can come from one article or the whole corpus.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.geometry import Size
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import DataTable, Label

from reader.analysis.network import Matrix
from reader.text.visible import fit_cells, visible
from reader.tui.widgets import literal, literal_text

StatsRow = tuple[str, Sequence[int], int]
"""An actor, its counts per stance (in stance order) and its total."""

STANCE_COLOURS: tuple[str, ...] = (
    "$success",
    "$error",
    "$warning",
    "$primary",
    "$accent",
    "$secondary",
    "$success-lighten-2",
    "$error-lighten-2",
    "$primary-lighten-2",
)
"""One theme colour per stance, in codebook order (a codebook holds at most nine stances)."""

BLOCK = "█"
NAME_WIDTH = 24
"""Widest actor name shown before a bar; longer names are cut with an ellipsis."""

CELL_WIDTH = 40
"""Widest name or stance key in the table; longer ones are cut with an ellipsis."""

MATRIX_ROW_WIDTH = 20
"""Widest actor name in the matrix, which stays in place as the targets scroll by."""

MATRIX_COLUMN_WIDTH = 14
"""Widest target name heading a matrix column: four or five fit beside the actors at 80
columns."""

NO_STATEMENT = "·"
"""A matrix cell where the actor said nothing on the target."""


def cell(text: str) -> str:
    """A name as the table shows it: on one line, visible, at most ``CELL_WIDTH`` cells."""
    return fit_cells(visible(text, one_line=True), CELL_WIDTH)


def signed_cell(total: float, count: float) -> str:
    """A matrix cell: the sum of the stance scores, signed, and how many statements made it
    (``+2 (3)``); ``·`` without any."""
    if not count:
        return NO_STATEMENT
    shown = "0" if total == 0 else f"{total:+.3g}"
    return f"{shown} ({count:g})"


def colour(index: int) -> str:
    return STANCE_COLOURS[index % len(STANCE_COLOURS)]


def segment_widths(counts: Sequence[int], width: int) -> list[int]:
    """Cell widths of a stacked bar of ``width`` cells for the counts, by cumulative rounding.

    Rounding the running total (not each count) keeps the bar exactly ``width`` long, so bars of
    different actors stay comparable.
    """
    total = sum(counts)
    if total <= 0 or width <= 0:
        return [0 for _ in counts]
    widths: list[int] = []
    running = 0
    drawn = 0
    for count in counts:
        running += count
        end = round(running * width / total)
        widths.append(end - drawn)
        drawn = end
    return widths


class StanceBars(Widget):
    """One stacked horizontal bar per actor, scaled so the largest total fills the width."""

    def __init__(self, rows: Sequence[StatsRow], *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._rows = list(rows)

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return len(self._rows)

    def render(self) -> Content:
        shown = [visible(name, one_line=True) for name, _, _ in self._rows]
        names = min(NAME_WIDTH, max((len(name) for name in shown), default=0))
        totals = max((len(str(total)) for _, _, total in self._rows), default=1)
        room = max(1, self.size.width - names - totals - 3)
        top = max((total for _, _, total in self._rows), default=0) or 1
        lines: list[Content] = []
        for name, (_, counts, total) in zip(shown, self._rows, strict=True):
            label = Content(name).truncate(names, ellipsis=True, pad=True)
            bar_width = round(total * room / top)
            parts: list[Content | tuple[str, str] | str] = [label, " "]
            for i, cells in enumerate(segment_widths(counts, bar_width)):
                if cells:
                    parts.append((BLOCK * cells, colour(i)))
            parts.append((f" {total}", "$foreground-muted"))
            lines.append(Content.assemble(*parts))
        return Content("\n").join(lines)


def legend(stance_keys: Sequence[str]) -> Content:
    """Which colour is which stance."""
    parts: list[tuple[str, str] | str] = []
    for i, key in enumerate(stance_keys):
        parts.extend([(BLOCK, colour(i)), f" {cell(key)}   "])
    return Content.assemble(*parts)


class StatsScreen(ModalScreen[None]):
    """Counts of coded statements per actor and stance; ``m`` shows the actor × target matrix."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,s", "close", "Close", id="stats.close"),
        Binding("m", "matrix", "Actor × target", id="stats.matrix"),
    ]

    def __init__(
        self,
        stance_keys: Sequence[str],
        rows: Sequence[StatsRow],
        title: str = "Statistics",
        *,
        matrix: tuple[Matrix, Matrix] | None = None,
        scores: str = "",
        matrix_title: str = "Actor × target",
    ) -> None:
        """``matrix``: the actor × target sums of stance scores and counts of statements (two
        matrices with the same labels); ``scores`` says what the scores are, for its legend."""
        super().__init__()
        self._keys = list(stance_keys)
        self._rows = list(rows)
        self._title = title
        self._matrix = matrix
        self._scores = scores
        self._matrix_title = matrix_title

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog stats"):
            yield Label(literal(self._title), classes="dialog-title", id="stats-title")
            if not self._rows:
                yield Label(
                    "Nothing coded yet: code a few sentences, then come back here.",
                    classes="stats-empty",
                )
            else:
                with Vertical(id="stats-stances"):
                    yield DataTable(id="stats-table", cursor_type="row", zebra_stripes=True)
                    with VerticalScroll(id="stats-chart"):
                        yield StanceBars(self._rows, id="stats-bars")
                    yield Label(legend(self._keys), id="stats-legend")
                with Vertical(id="stats-targets"):
                    yield DataTable(id="stats-matrix", cursor_type="cell", zebra_stripes=True)
                    yield Label(self._matrix_legend(), id="stats-matrix-legend")
            hint = "m: actor × target · esc, q or s close" if self._rows else "esc, q or s close"
            yield Label(hint, classes="dialog-hint", id="stats-hint")

    def on_mount(self) -> None:
        if not self._rows:
            return
        table = self.query_one("#stats-table", DataTable)
        table.add_column("actor", key="actor")
        for i, key in enumerate(self._keys):
            table.add_column(literal_text(cell(key)), key=f"stance-{i}")
        table.add_column("total", key="total")
        for name, counts, total in self._rows:
            table.add_row(literal_text(cell(name)), *counts, total)
        self._fill_matrix()
        self.query_one("#stats-targets").display = False
        table.focus()

    def _matrix_legend(self) -> str:
        if self._matrix is None or not self._matrix[0].rows:
            return "No statement has a target yet."
        return (
            f"Each cell: the sum of the stance scores ({self._scores}) and, in brackets,"
            f" the statements; {NO_STATEMENT} none. Arrow keys scroll."
        )

    def _fill_matrix(self) -> None:
        table = self.query_one("#stats-matrix", DataTable)
        table.fixed_columns = 1
        if self._matrix is None:
            return
        sums, counts = self._matrix
        table.add_column("actor", key="actor")
        for j, target in enumerate(sums.columns):
            heading = fit_cells(visible(target, one_line=True), MATRIX_COLUMN_WIDTH)
            table.add_column(literal_text(heading), key=f"target-{j}")
        for i, actor in enumerate(sums.rows):
            name = fit_cells(visible(actor, one_line=True), MATRIX_ROW_WIDTH)
            cells = [
                signed_cell(total, count)
                for total, count in zip(sums.values[i], counts.values[i], strict=True)
            ]
            table.add_row(literal_text(name), *cells)

    def action_matrix(self) -> None:
        """Switch between the stance counts and the actor × target matrix."""
        if not self._rows:
            return
        stances, targets = self.query_one("#stats-stances"), self.query_one("#stats-targets")
        showing = not targets.display
        targets.display, stances.display = showing, not showing
        title = self._matrix_title if showing else self._title
        self.query_one("#stats-title", Label).update(literal(title))
        self.query_one("#stats-hint", Label).update(
            "m: stances by actor · esc, q or s close"
            if showing
            else "m: actor × target · esc, q or s close"
        )
        self.query_one("#stats-matrix" if showing else "#stats-table", DataTable).focus()

    def action_close(self) -> None:
        self.dismiss(None)
