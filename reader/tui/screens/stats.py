"""Who said what, at a glance: an actor × stance table and a stacked bar per actor.

The caller counts (in SQL) and sorts; this screen only draws, so the same numbers can come from
one article or the whole corpus.
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


def cell(text: str) -> str:
    """A name as the table shows it: on one line, visible, at most ``CELL_WIDTH`` cells."""
    return fit_cells(visible(text, one_line=True), CELL_WIDTH)


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
    """Counts of coded statements per actor and stance."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,s", "close", "Close", id="stats.close"),
    ]

    def __init__(
        self,
        stance_keys: Sequence[str],
        rows: Sequence[StatsRow],
        title: str = "Statistics",
    ) -> None:
        super().__init__()
        self._keys = list(stance_keys)
        self._rows = list(rows)
        self._title = title

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog stats"):
            yield Label(literal(self._title), classes="dialog-title")
            if not self._rows:
                yield Label(
                    "Nothing coded yet: code a few sentences, then come back here.",
                    classes="stats-empty",
                )
            else:
                yield DataTable(id="stats-table", cursor_type="row", zebra_stripes=True)
                with VerticalScroll(id="stats-chart"):
                    yield StanceBars(self._rows, id="stats-bars")
                yield Label(legend(self._keys), id="stats-legend")
            yield Label("esc, q or s close", classes="dialog-hint")

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
        table.focus()

    def action_close(self) -> None:
        self.dismiss(None)
