"""The annotation panel: every annotation on the current sentence, the coder's own marked.

It changes on every move, so it is drawn like the reader (line API, lines cached until the next
change): swapping widgets in and out would re-lay out the whole screen on each key press.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar

from rich.style import Style
from rich.text import Text
from textual import events
from textual.geometry import Size
from textual.strip import Strip

from reader.text.visible import visible
from reader.tui.widgets.auto_colors import AutoColors
from reader.tui.widgets.repaint import compact, refresh_changed
from reader.tui.widgets.steady_scroll import SteadyScrollView


@dataclass(frozen=True, slots=True)
class PanelItem:
    """One annotation with its codebook names resolved, ready to show."""

    actor: str
    stance: str
    target: str | None
    note: str
    annotator: str
    mine: bool
    speaker: str | None = None
    """Who voiced the claim, if the code names a speaker."""


class AnnotationPanel(SteadyScrollView, can_focus=True, inherit_bindings=False):
    """Lists the current sentence's annotations; the screen calls ``show`` after every change."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "annotation-panel--heading",
        "annotation-panel--status",
        "annotation-panel--mine",
        "annotation-panel--other",
        "annotation-panel--note",
        "annotation-panel--meta",
        "annotation-panel--empty",
    }

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.heading = ""
        self.status = ""
        self.items: tuple[PanelItem, ...] = ()
        self._lines: list[Strip] = []
        self._width = 0
        self._stale = True
        """Styles may have changed since the lines were drawn: draw them again before showing."""
        self._colors = AutoColors(self)
        self._base = Style()
        """The widget's own style, read once per layout (``_layout``)."""

    def show(self, heading: str, status: str, items: Sequence[PanelItem]) -> None:
        """Replace the contents (``status``: e.g. "no claim", or empty) and repaint."""
        self.heading, self.status, self.items = heading, status, tuple(items)
        # Laid out now for the virtual size; a panel whose styles have been applied (drawn once,
        # not stale) keeps these lines, a stale one draws them again in ``render_line``.
        on_screen = None if self._stale or not self._width else self._lines
        scrolled = self.scroll_offset.y != 0
        width = self._width
        self._layout()
        self.scroll_to(y=0, animate=False, immediate=True)
        if on_screen is None or scrolled or width != self._width:
            self.refresh()
        else:
            # Moving to the next sentence changes the heading and perhaps the codes below it:
            # those lines are sent to the terminal, not the whole panel.
            refresh_changed(self, on_screen, self._lines)

    @property
    def text(self) -> str:
        """The panel as plain text (what a reader of the screen sees)."""
        return "\n".join(strip.text.rstrip() for strip in self._lines)

    def _style(self, name: str) -> Style:
        return self._colors.style(name, self._base)

    def _paragraphs(self) -> list[Text]:
        # Styles go on spans, not on the Text: rich's wrap drops the base style of a Text
        # that has no spans.
        heading = Text.assemble((self.heading, self._style("annotation-panel--heading")))
        if self.status:
            heading.append(f"  {self.status}", self._style("annotation-panel--status"))
        blocks = [heading]
        if not self.items:
            empty = "No annotations yet.\na annotate · space no claim"
            blocks.append(Text.assemble((empty, self._style("annotation-panel--empty"))))
        for number, item in enumerate(self.items, 1):
            mine = "annotation-panel--mine" if item.mine else "annotation-panel--other"
            style = self._style(mine)
            actor, stance = visible(item.actor, one_line=True), visible(item.stance, one_line=True)
            text = Text()
            text.append(f"{number}. {actor}", style + Style(bold=True))
            text.append(f" · {stance}", style)
            if item.target:
                text.append(f" → {visible(item.target, one_line=True)}", style)
            if item.speaker:
                text.append(f"\nsaid by {visible(item.speaker, one_line=True)}", style)
            if item.note:
                text.append(f"\n{visible(item.note)}", self._style("annotation-panel--note"))
            by = visible(item.annotator, one_line=True)
            text.append(f"\nby {by}", self._style("annotation-panel--meta"))
            blocks.append(text)
        return blocks

    def _layout(self) -> None:
        width = self.scrollable_content_region.width or self.size.width
        self._width = width
        if width <= 0:
            self._lines = []
            return
        # Read once per layout: the widget's style is worked out from its ancestors each time.
        base = self._base = self.base_style
        console = self.app.console
        lines: list[Strip] = []
        for index, paragraph in enumerate(self._paragraphs()):
            if index:
                lines.append(Strip.blank(width, base))
            for line in paragraph.wrap(console, width, overflow="fold"):
                strip = Strip(list(line.render(console))).apply_style(base)
                lines.append(compact(strip.adjust_cell_length(width, base)))
        self._lines = lines
        self.fit_virtual_size(Size(width, len(lines)))

    def fit_to_size(self) -> None:
        # Wrapped for the new width within the layout pass, whose frame draws it.
        self._layout()

    def on_resize(self, event: events.Resize) -> None:
        # Shown again after the coding picker (same size): the layout pass that showed it has
        # repainted it already, as it has a new width (``fit_to_size``).
        if self._width != (self.scrollable_content_region.width or self.size.width):
            self._layout()
            self.refresh()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._colors.clear()
        self._stale = True
        self.refresh()

    def render_line(self, y: int) -> Strip:
        line = y + int(self.scroll_offset.y)
        if self._stale or not self._width:
            # Drawn here, when the widget's styles are surely applied; the line count (and so
            # the virtual size) does not depend on them.
            self._layout()
            self._stale = False
        if 0 <= line < len(self._lines):
            return self._lines[line]
        return Strip.blank(self.size.width, self.base_style)
