"""The coding picker: the current question of the coding loop, drawn where the panel was.

It is always mounted and shown in place of the annotation panel while a flow runs, so opening,
answering and closing it repaints only its own region (pushing a screen would repaint the whole
terminal) and never covers the sentence being coded. It only draws a ``View`` of
``reader.tui.coding_flow``; the screen owns the flow and routes the keys.
"""

from __future__ import annotations

from typing import ClassVar

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.geometry import Size
from textual.strip import Strip
from textual.widget import Widget

from reader.text.visible import visible
from reader.tui.coding_flow import Row, View
from reader.tui.widgets.auto_colors import AutoColors
from reader.tui.widgets.repaint import CompactLines, compact, refresh_changed


class CodingPicker(CompactLines, Widget):
    """Title (with what is chosen so far), the typed filter, the rows, and the keys."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "coding-picker--title",
        "coding-picker--chosen",
        "coding-picker--filter",
        "coding-picker--placeholder",
        "coding-picker--number",
        "coding-picker--label",
        "coding-picker--detail",
        "coding-picker--create",
        "coding-picker--heading",
        "coding-picker--highlight",
        "coding-picker--hint",
    }

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.view: View | None = None
        self._top = 0
        """The first row shown: the window follows the highlight through a long list."""
        self._lines: list[Strip] = []
        self._stale = True
        self._drawn = Size(0, 0)
        """The size the lines were drawn for."""
        self._colors = AutoColors(self)

    def show(self, view: View | None) -> None:
        """Draw this view (None: nothing; the screen hides the picker then).

        Once drawn at its size, the picker compares the new lines with those on screen and
        repaints only the lines that changed (a typed letter, the highlight moving), not its
        whole region.
        """
        self.view = view
        if self._stale or not self._lines or self._drawn != self.size:
            self._stale = True
            self.refresh()
            return
        on_screen = self._lines
        self._draw()
        if self.display:
            refresh_changed(self, on_screen, self._lines)

    @property
    def text(self) -> str:
        """The picker as plain text (what a reader of the screen sees)."""
        self._draw()
        return "\n".join(strip.text.rstrip() for strip in self._lines)

    def _style(self, name: str, under: Style | None = None) -> Style:
        """A component's style as drawn over ``under`` (the row's), readable on any theme."""
        return self._colors.style(name, under if under is not None else self.base_style)

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._colors.clear()
        self._stale = True
        self.refresh()

    def on_resize(self) -> None:
        # Shown again at the size it was drawn for: the layout pass that showed it has
        # repainted it already.
        if self.size != self._drawn:
            self._stale = True
            self.refresh()

    def _row_text(self, row: Row, name_width: int, under: Style) -> Text:
        """One row, its parts styled for the row's background ``under`` (the highlight's on
        the highlighted row)."""
        text = Text(no_wrap=True, overflow="ellipsis", end="")
        if row.kind == "heading":
            heading = visible(row.label, one_line=True)
            text.append(f"  {heading}", self._style("coding-picker--heading", under))
            return text
        number = f"{row.number} " if row.number is not None else "  "
        text.append(number, self._style("coding-picker--number", under))
        label = visible(row.label, one_line=True)
        if row.kind in ("create", "none"):
            text.append(label, self._style("coding-picker--create", under))
        else:
            text.append(label.ljust(name_width), self._style("coding-picker--label", under))
        if row.detail:
            detail = visible(row.detail, one_line=True)
            text.append(f"  {detail}", self._style("coding-picker--detail", under))
        return text

    def _draw(self) -> None:
        width, height = self.size.width, self.size.height
        base = self.base_style
        view = self.view
        lines: list[Text] = []
        if view is not None and width > 0:
            title = Text(no_wrap=True, overflow="ellipsis", end="")
            title.append(view.title, self._style("coding-picker--title"))
            if view.chosen:
                chosen = " · ".join(visible(part, one_line=True) for part in view.chosen)
                title.append(f"   {chosen}", self._style("coding-picker--chosen"))
            lines.append(title)
            if view.filter is not None:
                typed = Text(no_wrap=True, overflow="ellipsis", end="")
                typed.append("› ", self._style("coding-picker--filter"))
                if view.filter:
                    typed.append(visible(view.filter, one_line=True))
                    typed.append("▏", self._style("coding-picker--filter"))
                else:
                    typed.append("type to filter", self._style("coding-picker--placeholder"))
                lines.append(typed)
            room = max(1, height - len(lines) - 1)
            rows = view.rows
            if view.highlight is not None:
                if view.highlight < self._top:
                    self._top = view.highlight
                elif view.highlight >= self._top + room:
                    self._top = view.highlight - room + 1
            self._top = max(0, min(self._top, max(0, len(rows) - room)))
            shown = range(self._top, min(len(rows), self._top + room))
            longest = max((len(visible(rows[i].label, one_line=True)) for i in shown), default=0)
            name_width = max(0, min(longest, width - 14))
            highlight = self._style("coding-picker--highlight")
            for index in shown:
                on_highlight = index == view.highlight
                under = base + highlight if on_highlight else base
                text = self._row_text(rows[index], name_width, under)
                if on_highlight:
                    text.truncate(width, overflow="ellipsis", pad=True)
                    text.stylize(Style(bgcolor=under.bgcolor), 0)
                lines.append(text)
            while len(lines) < height - 1:
                lines.append(Text(""))
            lines.append(Text(view.hint, self._style("coding-picker--hint"), no_wrap=True))
        console = self.app.console
        strips: list[Strip] = []
        for text in lines[: max(height, 0)]:
            text.truncate(width, overflow="ellipsis")
            segments = list(text.render(console))
            strip = Strip([s for s in segments if s.text != "\n"] or [Segment("")])
            strips.append(compact(strip.apply_style(base).adjust_cell_length(width, base)))
        self._lines = strips
        self._drawn = Size(width, height)
        self._stale = False

    def render_line(self, y: int) -> Strip:
        if self._stale:
            self._draw()
        if 0 <= y < len(self._lines):
            return self._lines[y]
        return Strip.blank(self.size.width, self.base_style)
