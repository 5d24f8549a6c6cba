"""Scroll views whose scrollbars repaint only what changed, and which take a new height or
width within the frame that shows it.

Textual's ``ScrollView`` and ``ScrollBar`` repaint the whole scrollbar column on every restyle
and every layout pass of the screen, and a view that re-wraps its contents after a resize asks
for another pass and another frame. ``SteadyScrollView`` (the reader, the article list, the
annotation panel) and its ``SteadyScrollBar`` skip the passes that change nothing of them and
compare the scrollbar's cells like any ``RepaintsChangedLines`` widget.
"""

from __future__ import annotations

from typing import Self

from textual.geometry import Region, Size
from textual.scroll_view import ScrollView
from textual.scrollbar import ScrollBar
from textual.widget import Widget

from reader.tui.widgets.repaint import RepaintsChangedLines


class SteadyScrollBar(RepaintsChangedLines, ScrollBar):
    """A scrollbar that repaints only the cells that changed: every restyle of its widget (the
    reader losing the focus to the filter) sets its colours again, to the same values, and
    Textual's scrollbar then repaints its whole column."""

    _moved = False
    """The thumb's place or size changed (``watch_position`` and the like): compare at once."""

    def watch_position(self) -> None:
        self._moved = True

    def watch_window_size(self) -> None:
        self._moved = True

    def watch_window_virtual_size(self) -> None:
        self._moved = True

    def refresh(
        self,
        *regions: Region,
        repaint: bool = True,
        layout: bool = False,
        recompose: bool = False,
    ) -> Self:
        super().refresh(*regions, repaint=repaint, layout=layout, recompose=recompose)
        if self._moved and self._comparing:
            # A moved thumb is compared at once: it moves in the frame of the scroll or of the
            # new article, not in one after it. (A restyle's colours wait for the message.)
            self._moved = False
            self._repaint_changed()
        return self

    def _repaint_changed(self) -> None:
        if self._overtaken:
            super()._repaint_changed()
            return
        if self._can_compare():
            # Textual renders ``render()`` again only for a refresh that marked lines dirty.
            self._render_content()
        super()._repaint_changed()


class SteadyScrollView(RepaintsChangedLines, ScrollView):
    """A ``ScrollView`` whose scrollbar is left alone by a layout pass that changed nothing of it.

    Textual's layout pass hands a ``ScrollView`` its window as the virtual size, which never
    equals the height of a text longer than the window, so every pass of the screen (the coding
    picker shown or hidden) updated and repainted the scrollbar, in a frame of its own. A pass
    that finds the view's size, window and height as the last one did now skips that.
    """

    _laid_out: tuple[Size, Size, Size] | None = None
    """Size, window and virtual size at the last layout pass."""

    @property
    def vertical_scrollbar(self) -> ScrollBar:
        """The vertical scrollbar, a ``SteadyScrollBar``, made as Textual makes its own."""
        if self._vertical_scrollbar is None:
            bar = self._vertical_scrollbar = SteadyScrollBar(
                vertical=True, name="vertical", thickness=self.scrollbar_size_vertical
            )
            bar.display = False
            self.app._start_widget(self, bar)
        return self._vertical_scrollbar

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
