"""Repainting only what changed: the lines of a line-API widget whose strips differ.

Textual sends every cell of a region it repaints to the terminal, changed or not. A widget that
calls ``refresh()`` after each key press costs its whole area in bytes (over SSH or a browser
session, that is what makes typing feel slow); one that compares its new lines with the ones on
screen and refreshes only those that differ costs the change.

Each segment of a line is sent as its style, its text and a reset, so a line in fewer segments
is also fewer bytes: ``compact`` merges the spaces that pad a line (or separate its parts) into
the text beside them when they look the same there.

Textual also refreshes widgets whole on its own (focus, blur, a restyle): ``RepaintsChangedLines``
turns such a refresh into a comparison of lines, and ``CompactLines`` compacts a widget's lines
as the terminal gets them, with Textual's padding and border.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, ClassVar, Self

from rich.segment import Segment
from rich.style import Style
from textual.geometry import Region
from textual.strip import Strip
from textual.widget import Widget


def changed_runs(
    before: Sequence[Strip | None], after: Sequence[Strip | None]
) -> Iterator[tuple[int, int]]:
    """``(first line, line count)`` of each run of lines that differ between ``before`` and
    ``after``; a line present in only one of them (or unknown: None) differs."""
    start: int | None = None
    for y in range(max(len(before), len(after))):
        same = (
            y < len(before) and y < len(after) and before[y] is not None and before[y] == after[y]
        )
        if not same and start is None:
            start = y
        elif same and start is not None:
            yield start, y - start
            start = None
    if start is not None:
        yield start, max(len(before), len(after)) - start


def refresh_changed(widget: Widget, before: Sequence[Strip], after: Sequence[Strip]) -> None:
    """Refresh the lines of ``widget`` (content lines, from its top) that changed."""
    width = widget.size.width
    for start, count in changed_runs(before, after):
        widget.refresh(Region(0, start, width, count))


def _blank_alike(one: Style, other: Style) -> bool:
    """Whether spaces look the same in either style: only the background (and what is drawn
    on a space: underline, strike, reverse, overline, a link) shows on a blank cell."""
    return (
        one.bgcolor == other.bgcolor
        and one.link == other.link
        and one._meta == other._meta
        and not any(
            style.underline or style.underline2 or style.strike or style.reverse or style.overline
            for style in (one, other)
        )
    )


def compact(strip: Strip) -> Strip:
    """The same cells in fewer segments: neighbours of one style joined, and runs of spaces
    joined to the text beside them where they look the same in its style."""
    segments: list[Segment] = []
    for segment in strip:
        text, style, control = segment
        if segments and style is not None and not control:
            before, before_style, before_control = segments[-1]
            if before_style is not None and not before_control:
                if before_style == style or (
                    not text.strip(" ") and _blank_alike(before_style, style)
                ):
                    segments[-1] = Segment(before + text, before_style)
                    continue
                if not before.strip(" ") and _blank_alike(before_style, style):
                    segments[-1] = Segment(before + text, style)
                    continue
        segments.append(segment)
    return Strip(segments, strip.cell_length)


if TYPE_CHECKING:
    _WidgetMixin = Widget
else:
    # Mixed in before the widget class: Textual takes a widget's CSS type names and default
    # styles from its first base that is a widget (a ``ScrollView``'s ``overflow: auto``).
    _WidgetMixin = object


class CompactLines(_WidgetMixin):
    """Mixed into a widget: its lines reach the terminal in fewer segments, border and
    padding included.

    Textual draws a widget's padding and border around its content as segments of their own,
    each sent with its style and a reset: a blank line of a padded panel with a border costs
    four of them. ``compact`` joins the spaces of the padding and of blank content to the
    segment beside them, so a blank line is sent as one.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._compacted: dict[int, tuple[Strip, Strip]] = {}
        """Each line as Textual's cache of rendered lines holds it, and compacted."""
        self._base_style: Style | None = None

    @property
    def base_style(self) -> Style:
        """The widget's ``rich_style``, worked out once until its styles change or it is
        repainted whole: Textual works it out from every ancestor's styles on each read, and a
        line widget reads it for each line it draws (a third of the panel's drawing time)."""
        if self._base_style is None:
            self._base_style = self.rich_style
        return self._base_style

    def notify_style_update(self) -> None:
        self._base_style = None
        super().notify_style_update()

    def refresh(
        self,
        *regions: Region,
        repaint: bool = True,
        layout: bool = False,
        recompose: bool = False,
    ) -> Self:
        """Refresh whole lines, padding and border included: joining padding to the content
        beside it gives the padding's cells that content's style (a colour no blank shows, but
        a terminal keeps), so a line is sent whole or not at all."""
        if regions:
            left = self.content_offset.x
            width = self.outer_size.width
            regions = tuple(Region(-left, region.y, width, region.height) for region in regions)
        elif repaint:
            self._base_style = None
        return super().refresh(*regions, repaint=repaint, layout=layout, recompose=recompose)

    def render_lines(self, crop: Region) -> list[Strip]:
        strips = super().render_lines(crop)
        if crop.x or crop.width != self.outer_size.width:
            return [compact(strip) for strip in strips]
        compacted = self._compacted
        lines = []
        for y, strip in zip(crop.line_range, strips, strict=False):
            known = compacted.get(y)
            if known is None or known[0] is not strip:
                known = compacted[y] = (strip, compact(strip))
            lines.append(known[1])
        return lines


class RepaintsChangedLines(CompactLines):
    """Mixed into a widget: its whole-widget refreshes repaint only the lines that differ.

    Textual refreshes a widget whole whenever its styles may have changed: on focus and blur,
    on a restyle (a pseudo-class such as ``:focus`` changing on it or above it), and when a
    component class's style changes. For a widget filling most of the screen, that is most of a
    screen of bytes for a change of one highlight. Here such a refresh waits until the styles
    have settled (the next message), renders the lines afresh and repaints only those that
    differ from the lines last rendered for the terminal; a layout pass asked for with it still
    runs. A refresh of regions or a recompose is Textual's own, as is any refresh before the
    widget has been drawn.
    """

    _drawing_whole: ClassVar[int] = 0
    """How many passes that draw the whole screen are under way (``drawing_whole``)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._painted: dict[int, Strip] = {}
        """Each line of the widget (border and padding included) as last rendered."""
        self._comparing = False
        self._overtaken = 0
        """Comparisons asked for before the widget was last drawn whole (``drawn_whole``)."""
        self._whole_due = False
        """Every line is to be repainted in the next frame (``refresh_all``)."""

    def render_lines(self, crop: Region) -> list[Strip]:
        strips = super().render_lines(crop)
        painted = self._painted
        if crop.x == 0 and crop.width == self.outer_size.width:
            painted.update(zip(crop.line_range, strips, strict=False))
            if crop.y == 0 and crop.height >= self.outer_size.height:
                self._whole_due = False
        else:
            for y in crop.line_range:
                painted.pop(y, None)
        return strips

    def refresh(
        self,
        *regions: Region,
        repaint: bool = True,
        layout: bool = False,
        recompose: bool = False,
    ) -> Self:
        if regions or recompose or not repaint or self._whole_due or not self._can_compare():
            return super().refresh(*regions, repaint=repaint, layout=layout, recompose=recompose)
        # What a repaint clears at once (cached dimensions and styles), without marking lines;
        # a layout pass that changes the widget's size repaints it whole.
        super().refresh(repaint=False, layout=layout)
        self.clear_cached_dimensions()
        self._rich_style_cache.clear()
        self._base_style = None
        if not self._comparing:
            self._comparing = True
            self.call_next(self._repaint_changed)
        return self

    def refresh_all(self) -> None:
        """Repaint every line in the next frame, without comparing: for new contents (another
        article), where every line differs anyway and a comparison would only come a frame
        later. Until that frame, a refresh of the whole widget compares nothing either: it
        would only render every line once more, to mark what is marked already."""
        super().refresh()
        if self._can_compare():
            self._whole_due = True
            self.drawn_whole()

    def drawn_whole(self) -> None:
        """The widget has just been drawn whole (a resize's layout pass): a comparison asked
        for before that has nothing left to find, and is dropped rather than render every line
        again (some 8 ms of a resize, before the frame that follows it)."""
        if self._comparing:
            self._comparing = False
            self._overtaken += 1

    def _overtaken_comparison(self) -> bool:
        """Whether the comparison now due is one that ``drawn_whole`` dropped."""
        if not self._overtaken:
            return False
        self._overtaken -= 1
        return True

    def _can_compare(self) -> bool:
        """Whether the lines on screen are known (the widget is shown and has been drawn) and
        worth comparing (the screen is not being drawn whole)."""
        return (
            not RepaintsChangedLines._drawing_whole
            and bool(self._painted)
            and self.is_mounted
            and self.display
            and self.screen.is_current
        )

    @staticmethod
    @contextmanager
    def drawing_whole() -> Iterator[None]:
        """While the screen is laid out and drawn whole (a resize), no widget compares lines:
        each is drawn anyway, and a comparison would only render it once more first."""
        RepaintsChangedLines._drawing_whole += 1
        try:
            yield
        finally:
            RepaintsChangedLines._drawing_whole -= 1

    def _repaint_changed(self) -> None:
        """Render every line afresh and repaint the runs of lines that differ from before."""
        if self._overtaken_comparison():
            return
        self._comparing = False
        if not self._can_compare():
            super().refresh()
            return
        width, height = self.outer_size
        before = [self._painted.get(y) for y in range(height)]
        self._styles_cache.clear()
        after = self.render_lines(Region(0, 0, width, height))
        # ``refresh`` takes regions of the content, inside the padding and border.
        left, top = self.content_offset
        for start, count in changed_runs(before, after):
            super().refresh(Region(-left, start - top, width, count))
