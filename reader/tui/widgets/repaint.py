"""Repainting only what changed: the lines of a line-API widget whose strips differ.

Textual sends every cell of a region it repaints to the terminal, changed or not. A widget that
calls ``refresh()`` after each key press costs its whole area in bytes (over SSH or a browser
session, that is what makes typing feel slow); one that compares its new lines with the ones on
screen and refreshes only those that differ costs the change.

Each segment of a line is sent as its style, its text and a reset, so a line in fewer segments
is also fewer bytes: ``compact`` merges the spaces that pad a line (or separate its parts) into
the text beside them when they look the same there.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from rich.segment import Segment
from rich.style import Style
from textual.geometry import Region, Size
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.widget import Widget


def changed_runs(before: Sequence[Strip], after: Sequence[Strip]) -> Iterator[tuple[int, int]]:
    """``(first line, line count)`` of each run of lines that differ between ``before`` and
    ``after``; a line present in only one of them differs (it becomes blank, or is drawn)."""
    start: int | None = None
    for y in range(max(len(before), len(after))):
        same = y < len(before) and y < len(after) and before[y] == after[y]
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


class SteadyScrollView(ScrollView):
    """A ``ScrollView`` whose scrollbar is left alone by a layout pass that changed nothing of it.

    Textual's layout pass hands a ``ScrollView`` its window as the virtual size, which never
    equals the height of a text longer than the window, so every pass of the screen (the coding
    picker shown or hidden) updated and repainted the scrollbar, in a frame of its own. A pass
    that finds the view's size, window and height as the last one did now skips that.
    """

    _laid_out: tuple[Size, Size, Size] | None = None
    """Size, window and virtual size at the last layout pass."""

    def _size_updated(
        self, size: Size, virtual_size: Size, container_size: Size, layout: bool = True
    ) -> bool:
        seen = (size, container_size, self.virtual_size)
        if seen == self._laid_out:
            return False
        self._laid_out = seen
        resized = super()._size_updated(size, virtual_size, container_size, layout)
        if resized and self.is_mounted:
            self.fit_to_size()
        return resized

    def fit_to_size(self) -> None:
        """Lay the contents out for the view's new size, within the layout pass that gave it.

        The frame that pass draws then shows them at the new width. Left to the ``Resize``
        event that follows, the pass drew the old lines cut or padded to the new width, and the
        new height set then asked for another pass and another frame. A view that lays out its
        contents overrides this, taking its new height through ``fit_virtual_size``.
        """

    def fit_virtual_size(self, size: Size) -> None:
        """Take a new height of the contents and update the scrollbar in the same frame.

        Assigning ``virtual_size`` asks for a layout pass of the whole screen, which redraws the
        scrollbar's thumb a frame after the new lines. When the scrollbar stays as it is (shown,
        because the contents still overflow the window, or hidden, because they still fit), the
        size is set without that pass and the thumb redrawn at once, as Textual's own
        ``ScrollView`` does when it scrolls. A scrollbar that appears or goes away changes the
        width the contents wrap to, which needs the layout pass.
        """
        if size == self.virtual_size:
            return
        window = self.scrollable_content_region.height
        overflows = size.height > window
        unchanged = self.show_vertical_scrollbar == overflows == (self.virtual_size.height > window)
        if not (self.is_mounted and window and unchanged):
            self.virtual_size = size
            return
        self.set_reactive(Widget.virtual_size, size)
        self._scroll_update(size)
        if self._laid_out is not None:
            # Done here for the next layout pass too (the picker closing starts one).
            self._laid_out = (*self._laid_out[:2], size)
