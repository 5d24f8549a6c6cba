"""The reader: an article as a column of sentences, one of them highlighted.

A line-API widget. Each sentence is a *block* of lines (its wrapped text, then its badges); the
wrapped lines are computed once per width and the rendered strips are cached per block and
highlight state, so moving the highlight redraws only the two blocks whose state changed.

Only a *window* of the article is laid out: the sentences around the highlight and the lines on
screen, a few hundred at most, read from the sequence the screen hands over (which fetches
them from the database by position). An article of up to ``WHOLE`` sentences is one window, laid
out exactly. In a longer one, the lines before and after the window are estimated from the
average height of the blocks laid out so far, and the window grows block by block as the
highlight or the scroll reaches its edge (the estimate above it shifts so that nothing on screen
moves) or is laid out afresh around a far jump (``G``, a search hit, a resize). The scrollbar is
then approximate; the highlighted sentence's place never is. A million sentences cost what a
hundred do.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from math import ceil
from typing import ClassVar

from rich.cells import cell_len
from rich.console import Console
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Region, Size, Spacing
from textual.message import Message
from textual.reactive import reactive
from textual.strip import Strip

from reader.models import Article, Sentence
from reader.text.mentions import Mention
from reader.text.visible import shown_offsets, visible
from reader.tui.widgets.auto_colors import AutoColors
from reader.tui.widgets.literal import fit
from reader.tui.widgets.repaint import compact
from reader.tui.widgets.steady_scroll import SteadyScrollView

GUTTER = 2
"""Cells left of the text: the highlight bar and a space."""

MARGIN = 1
"""Cells kept free right of the text, so wrapped lines do not touch the scrollbar."""

WHOLE = 1_000
"""Articles of up to this many sentences are laid out whole (exactly)."""

BEFORE, AFTER = 60, 120
"""Sentences laid out before and after the highlight when a window is laid out afresh."""

GROW = 60
"""Sentences added at a time when the highlight or the scroll reaches the window's edge."""

MOST = 1_500
"""The most sentences kept laid out; the far end of a longer window is forgotten."""


@dataclass(frozen=True, slots=True)
class Badge:
    """One annotation as shown under its sentence: ``actor · stance · target``."""

    text: str
    mine: bool = True


def _no_mentions(sentence: Sentence) -> Sequence[Mention]:
    return ()


class SentenceView(SteadyScrollView, can_focus=True, inherit_bindings=False):
    """Shows one article; the screen moves ``cursor`` and the view keeps it in sight."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("pageup", "scroll_page_up", "Page up", show=False, id="reader.page-up"),
        Binding("pagedown", "scroll_page_down", "Page down", show=False, id="reader.page-down"),
    ]

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "sentence-view--title",
        "sentence-view--meta",
        "sentence-view--cursor",
        "sentence-view--gutter",
        "sentence-view--no-claim",
        "sentence-view--mention",
        "sentence-view--badge",
        "sentence-view--badge-other",
        "sentence-view--empty",
    }

    cursor: reactive[int] = reactive(0, init=False, repaint=False)
    """Index of the highlighted sentence. Setting it repaints only the two sentences whose
    highlight changed (``watch_cursor``), not the whole view."""

    class Clicked(Message):
        """A sentence was clicked; the screen decides whether to select it."""

        def __init__(self, index: int) -> None:
            super().__init__()
            self.index = index

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.article: Article | None = None
        self.mentions: Callable[[Sentence], Sequence[Mention]] = _no_mentions
        """Actor mentions of a sentence, found by the screen (in its article's context)."""
        self._sentences: Sequence[Sentence] = ()
        self._badges: dict[int, tuple[Badge, ...]] = {}
        self._no_claim: set[int] = set()
        self._width = 0
        self._header: list[Strip] = []
        self._first = 0
        """Index of the window's first sentence."""
        self._heights: list[int] = []
        """Lines of each sentence of the window."""
        self._offsets: list[int] = []
        """Virtual line where each sentence of the window starts (the header starts at 0)."""
        self._wrapped: dict[int, list[Text]] = {}
        self._strips: dict[tuple[int, bool], list[Strip]] = {}
        self._laid = (0, 0)
        """Lines and sentences laid out at this width so far: the estimate's average."""
        self._covering = False
        self._header_stale = True
        self._colors = AutoColors(self)

    # -- data ---------------------------------------------------------------------------------

    def load(
        self,
        article: Article | None,
        sentences: Sequence[Sentence],
        badges: Mapping[int, Sequence[Badge]],
        no_claim: set[int],
        cursor: int = 0,
    ) -> None:
        """Show a new article with the highlight on sentence ``cursor``.

        ``sentences`` is read by index (and slice) only where the view needs them: a sequence
        that fetches them on demand keeps a long article cheap.
        """
        self.article = article
        self._sentences = sentences
        self._badges = {sid: tuple(found) for sid, found in badges.items()}
        self._no_claim = set(no_claim)
        cursor = max(0, min(cursor, len(sentences) - 1))
        self.set_reactive(SentenceView.cursor, cursor)
        self._width = 0
        self._heights, self._offsets, self._first = [], [], 0
        self._layout(force=True)
        self.scroll_to(y=0, animate=False, immediate=True)
        self.refresh_all()
        self._scroll_cursor_into_view()

    def update_sentence(self, sentence_id: int, badges: Sequence[Badge], no_claim: bool) -> None:
        """New badges or status for one sentence: redraw it, and re-lay out only if it grew."""
        self._badges[sentence_id] = tuple(badges)
        if no_claim:
            self._no_claim.add(sentence_id)
        else:
            self._no_claim.discard(sentence_id)
        index = self.index_of(sentence_id)
        if index is None:
            return
        self._strips.pop((index, True), None)
        self._strips.pop((index, False), None)
        slot = index - self._first
        if not 0 <= slot < len(self._heights):
            return
        height = self._block_height(index)
        if height != self._heights[slot]:
            self._heights[slot] = height
            self._recount_offsets(steady=True)
            # The lines above the sentence stay where they are: repaint from it down to the
            # bottom of the screen (not of the article: a million lines marked to repaint
            # took 100 ms in a long one, and those below are drawn when scrolled to).
            top = self._offsets[slot]
            bottom = int(self.scroll_offset.y) + self.size.height
            self.refresh_lines(top, max(height, bottom - top))
        else:
            self.refresh_lines(self._offsets[slot], height)

    @property
    def sentence_count(self) -> int:
        return len(self._sentences)

    def index_of(self, sentence_id: int) -> int | None:
        """The index of a sentence of the open article, or None."""
        for slot in range(len(self._heights)):
            if self._sentences[self._first + slot].id == sentence_id:
                return self._first + slot
        find = getattr(self._sentences, "index_of", None)
        if find is not None:
            found: int | None = find(sentence_id)
            return found
        return next((i for i, s in enumerate(self._sentences) if s.id == sentence_id), None)

    # -- layout -------------------------------------------------------------------------------

    @property
    def _console(self) -> Console:
        return self.app.console

    def _text_width(self) -> int:
        return max(8, self._width - GUTTER - MARGIN)

    @property
    def _last(self) -> int:
        """Index after the window's last sentence."""
        return self._first + len(self._heights)

    def _average(self) -> float:
        lines, blocks = self._laid
        return lines / blocks if blocks else 2.0

    def _layout(self, force: bool = False) -> None:
        """Wrap for the current width: a window around the highlight, laid out afresh.

        A new width (``force`` not given) takes its height through ``fit_virtual_size``: the
        layout pass that brought the width is not followed by another; a new article sets it.
        """
        width = self.scrollable_content_region.width or self.size.width
        if width == self._width and not force:
            return
        if width <= 0:
            self._width = 0
            return
        self._wrapped.clear()
        self._width = width
        self._strips.clear()
        self._laid = (0, 0)
        self._header = self._render_header()
        self._header_stale = True
        self._lay_out_around(self.cursor, steady=not force)

    def _lay_out_around(self, index: int, top: int | None = None, steady: bool = True) -> None:
        """Forget the window and lay out one around sentence ``index``: sentences before and
        after it until each side fills a screen (at most ``BEFORE`` and ``AFTER``); the lines
        before it estimated (or, with ``top``, the sentence placed at that virtual line)."""
        count = len(self._sentences)
        self._forget_wrapped()
        if count <= WHOLE:
            self._first = 0
            self._heights = [self._block_height(i) for i in range(count)]
        else:
            screen = max(8, self.scrollable_content_region.height or self.size.height)
            before: list[int] = []
            first, above = index, 0
            while first > 0 and above < screen and len(before) < BEFORE:
                first -= 1
                before.append(self._block_height(first))
                above += before[-1]
            after: list[int] = []
            last, below = index, 0
            while last < count and below < screen and len(after) < AFTER:
                after.append(self._block_height(last))
                below += after[-1]
                last += 1
            self._first = first
            self._heights = before[::-1] + after
        first = self._first
        self._count_laid(self._heights)
        start = len(self._header) + round(first * self._average())
        if top is not None:
            start = top - sum(self._heights[: index - first])
        self._place(start if first else len(self._header), steady)

    def _forget_wrapped(self) -> None:
        """Keep the wrapped lines of sentences laid out before (a jump back finds them), but
        not without bound."""
        if len(self._wrapped) > 4 * MOST:
            self._wrapped.clear()
            self._strips.clear()

    def _count_laid(self, heights: Sequence[int]) -> None:
        lines, blocks = self._laid
        self._laid = (lines + sum(heights), blocks + len(heights))

    def _place(self, start: int, steady: bool = False) -> None:
        """Offsets of the window from ``start``, its first line, and the virtual size (taken
        through ``fit_virtual_size`` when ``steady``, without a layout pass)."""
        floor = len(self._header) + self._first  # one line at least per sentence before it
        if self._first == 0:
            start = len(self._header)
        start = max(start, floor)
        offsets, line = [], start
        for height in self._heights:
            offsets.append(line)
            line += height
        self._offsets = offsets
        tail = len(self._sentences) - self._last
        size = Size(self._width, line + (ceil(tail * self._average()) if tail else 0))
        covering, self._covering = self._covering, True  # a scroll clamped here is ours
        try:
            if steady:
                self.fit_virtual_size(size)
            else:
                self.virtual_size = size
        finally:
            self._covering = covering

    def _recount_offsets(self, steady: bool = False) -> None:
        start = self._offsets[0] if self._offsets else len(self._header)
        self._place(start, steady)

    def _forget(self, first: int, last: int) -> None:
        """Drop the wrapped lines and strips of sentences no longer laid out."""
        if last - first > len(self._wrapped):
            self._wrapped.clear()
            self._strips.clear()
            return
        for index in range(first, last):
            self._wrapped.pop(index, None)
            self._strips.pop((index, True), None)
            self._strips.pop((index, False), None)

    def _extend(self, low: int, high: int) -> bool:
        """Make the window cover sentences ``low`` to ``high`` (inclusive), growing it when
        they are near it and laying out afresh when they are far; True if lines moved."""
        count = len(self._sentences)
        if not count or not self._width:
            return False
        low, high = max(0, low), min(count - 1, high)
        if self._first <= low and high < self._last:
            return False
        if high < self._first - GROW or low >= self._last + GROW or not self._heights:
            self._lay_out_around(low if low < self._first else high)
            return True
        before = self._offsets[0] if self._offsets else len(self._header)
        if low < self._first:
            new_first = max(0, min(low, self._first - GROW // 2))
            added = [self._block_height(i) for i in range(new_first, self._first)]
            self._count_laid(added)
            self._heights[:0] = added
            self._first = new_first
            before -= sum(added)
        if high >= self._last:
            new_last = min(count, max(high + 1, self._last + GROW // 2))
            added = [self._block_height(i) for i in range(self._last, new_last)]
            self._count_laid(added)
            self._heights.extend(added)
        if len(self._heights) > MOST:
            keep_first = low < self._first + GROW
            drop = len(self._heights) - MOST
            if keep_first:
                self._forget(self._last - drop, self._last)
                del self._heights[-drop:]
            else:
                self._forget(self._first, self._first + drop)
                before += sum(self._heights[:drop])
                del self._heights[:drop]
                self._first += drop
        wanted = before
        self._place(before, steady=True)
        shift = self._offsets[0] - wanted if self._offsets else 0
        if shift:
            # The estimate above the window was too small (or the window reached the top):
            # everything moved down by ``shift`` lines; scroll with it so nothing on screen moves.
            self._scroll_y_quietly(self.scroll_y + shift)
        return True

    def _scroll_y_quietly(self, y: float) -> None:
        self._covering = True
        try:
            self.scroll_to(y=y, animate=False, immediate=True)
        finally:
            self._covering = False

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        """Scrolled (page keys, the wheel, the scrollbar): lay out what comes into view."""
        if not self._covering and self._width and self._sentences:
            self._cover_lines(int(new_value))
        super().watch_scroll_y(old_value, new_value)

    def _cover_lines(self, top: int) -> None:
        """Make the window cover the screen's lines from virtual line ``top``."""
        if not self._offsets:
            return
        height = max(1, self.scrollable_content_region.height)
        bottom = top + height
        start, end = self._offsets[0], self._offsets[-1] + self._heights[-1]
        if start <= top and (bottom <= end or self._last == len(self._sentences)):
            return
        average = max(1.0, self._average())
        if top < start:
            low = self._first - ceil((start - top) / average)
        elif top >= end:
            low = self._last + int((top - end) / average)
        else:
            low = bisect_right(self._offsets, top) - 1 + self._first
        if bottom > end:
            high = self._last + ceil((bottom - end) / average)
        elif bottom < start:
            high = self._first - int((start - bottom) / average)
        else:
            high = bisect_right(self._offsets, bottom) - 1 + self._first
        if high < self._first - GROW or low >= self._last + GROW:
            # Far from the window: lay out afresh at the sentence the estimate puts there (as
            # ``_lay_out_around`` places windows), that sentence at the top of the screen.
            header, count = len(self._header), len(self._sentences)
            if top >= self.max_scroll_y:  # the very end: its last sentences, exactly
                self._lay_out_around(count - 1)
                self._scroll_y_quietly(self.max_scroll_y)
            else:
                index = min(int(max(0, top - header) / average), count - 1)
                self._lay_out_around(index, top=max(top, header))
        else:
            self._extend(low, high)
        self.refresh()

    def _wrap(self, index: int) -> list[Text]:
        lines = self._wrapped.get(index)
        if lines is None:
            sentence = self._sentences[index]
            # Tabs and newlines as spaces, control characters as placeholders; mention offsets
            # are into the stored sentence, so they move with any placeholder longer than one.
            shown = visible(sentence.text.replace("\t", " ").replace("\n", " "))
            offsets = shown_offsets(sentence.text)
            text = Text(shown)
            mention = self._style("sentence-view--mention")
            for found in self.mentions(sentence):
                start, end = found.start, found.end
                if offsets is not None:
                    start, end = offsets[start], offsets[end]
                text.stylize(mention, start, end)
            lines = list(text.wrap(self._console, self._text_width(), overflow="fold"))
            self._wrapped[index] = lines
        return lines

    def _badge_text(self, badge: Badge) -> str:
        """A badge as shown: on one line, control characters visible, and cut with an ellipsis
        when even a line of its own is too narrow for it (very long names)."""
        return fit(visible(badge.text, one_line=True), self._text_width() - 2)

    def _badge_lines(self, badges: Sequence[Badge]) -> list[list[Badge]]:
        """Badges packed into lines of the text width, in order."""
        lines: list[list[Badge]] = []
        room = self._text_width()
        used = room
        for badge in badges:
            size = cell_len(self._badge_text(badge)) + 4
            if used + size > room and (not lines or lines[-1]):
                lines.append([])
                used = 0
            lines[-1].append(badge)
            used += size
        return lines

    def _paragraph_end(self, index: int) -> bool:
        """A blank line follows: the next sentence starts a new paragraph."""
        if index + 1 >= len(self._sentences):
            return False
        return self._sentences[index + 1].paragraph != self._sentences[index].paragraph

    def _block_height(self, index: int) -> int:
        sentence = self._sentences[index]
        return (
            len(self._wrap(index))
            + len(self._badge_lines(self._badges.get(sentence.id, ())))
            + (1 if self._paragraph_end(index) else 0)
        )

    def fit_to_size(self) -> None:
        """Re-wrapped within the layout pass that changed the width, the highlight kept in
        view: the pass's frame shows the new lines, and no second pass follows."""
        self._layout()
        if self.show_vertical_scrollbar != (
            self.virtual_size.height > self.scrollable_content_region.height
        ):
            # The new height brings the scrollbar (or takes it away), and with it a column of
            # the text: shown now, not by the next pass, and wrapped again for what is left.
            self._refresh_scrollbars()
            self._layout()
        self._scroll_cursor_into_view()

    def on_resize(self, event: events.Resize) -> None:
        self.fit_to_size()

    def notify_style_update(self) -> None:
        """New colours (a theme, a class change): redraw, but keep the wrapping and heights."""
        super().notify_style_update()
        self._wrapped.clear()
        self._strips.clear()
        self._colors.clear()
        self._header_stale = True
        self.refresh()

    # -- cursor -------------------------------------------------------------------------------

    def validate_cursor(self, value: int) -> int:
        count = len(self._sentences)
        return max(0, min(value, count - 1)) if count else 0

    def watch_cursor(self, old: int, new: int) -> None:
        for index in (old, new):
            slot = index - self._first
            if 0 <= slot < len(self._offsets):
                self.refresh_lines(self._offsets[slot], self._heights[slot])
        self._scroll_cursor_into_view()

    def _scroll_cursor_into_view(self) -> None:
        if not self._sentences or not self._width:
            return
        index = self.cursor
        # The highlight and a screen's worth of sentences either side, so that the scroll
        # below lands on lines that are laid out.
        if self._extend(index - 2, index + 2):
            self.refresh()
        slot = index - self._first
        top = self._offsets[slot] if index else 0
        height = self._offsets[slot] + self._heights[slot] - top
        covering, self._covering = self._covering, True  # it lands on laid-out lines
        try:
            self.scroll_to_region(
                Region(0, top, self._width, height),
                spacing=Spacing(1, 0, 2, 0),
                animate=False,
                immediate=True,
                top=height > self.scrollable_content_region.height,
            )
        finally:
            self._covering = covering

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None or not self._heights:
            return
        line = offset.y + int(self.scroll_offset.y)
        slot = bisect_right(self._offsets, line) - 1
        if 0 <= slot < len(self._heights):
            self.post_message(self.Clicked(self._first + slot))

    # -- drawing ------------------------------------------------------------------------------

    def _style(self, name: str, partial: bool = True) -> Style:
        return self.get_component_rich_style(name, partial=partial)

    def _text_style(self, name: str, under: Style) -> Style:
        """A component's style for text drawn over ``under`` (``auto`` colours resolved)."""
        return self._colors.style(name, under)

    def _render_header(self) -> list[Strip]:
        base = self.base_style
        if self.article is None:
            empty = self._text_style("sentence-view--empty", base)
            text = Text(" No article open", style=base + empty)
            return [Strip(list(text.render(self._console)))]
        width = self._text_width()
        strips: list[Strip] = []
        title = " ".join(visible(self.article.title or "").split())
        first = " ".join(visible(self._sentences[0].text).split()) if self._sentences else ""
        if title != first:
            # Imported text often opens with its title: showing it twice is noise.
            # Styles on spans: rich's wrap drops the base style of a Text without spans.
            style = self._text_style("sentence-view--title", base)
            text = Text.assemble((title or "(untitled)", style))
            strips.extend(self._indent(line, base) for line in text.wrap(self._console, width))
        facts = [
            visible(fact, one_line=True)
            for fact in (self.article.published, self.article.outlet)
            if fact and fact.strip()
        ]
        facts.append(f"{len(self._sentences)} sentences")
        meta = Text.assemble((" · ".join(facts), self._text_style("sentence-view--meta", base)))
        strips.extend(self._indent(line, base) for line in meta.wrap(self._console, width))
        strips.append(Strip.blank(self._width, base))
        return strips

    def _indent(self, line: Text, base: Style, gutter: Segment | None = None) -> Strip:
        segments = [gutter or Segment(" " * GUTTER, base)]
        segments.extend(line.render(self._console))
        return compact(Strip(segments).apply_style(base).adjust_cell_length(self._width, base))

    def _render_block(self, index: int, current: bool) -> list[Strip]:
        sentence = self._sentences[index]
        base = self.base_style
        if current:
            base = base + self._style("sentence-view--cursor", partial=False)
        no_claim = self._text_style("sentence-view--no-claim", base)
        text_style = no_claim if sentence.id in self._no_claim else Style()
        gutter = (
            Segment("▌ ", base + self._text_style("sentence-view--gutter", base))
            if current
            else Segment("  ", base)
        )
        strips: list[Strip] = []
        for line in self._wrap(index):
            line = line.copy()
            line.stylize_before(text_style)
            strips.append(self._indent(line, base, gutter))
        badge_style = self._text_style("sentence-view--badge", base)
        other_style = self._text_style("sentence-view--badge-other", base)
        for badges in self._badge_lines(self._badges.get(sentence.id, ())):
            line = Text()
            for badge in badges:
                shown = self._badge_text(badge)
                line.append(f" {shown} ", badge_style if badge.mine else other_style)
                line.append("  ")
            strips.append(self._indent(line, base, gutter))
        if self._paragraph_end(index):
            strips.append(Strip.blank(self._width, self.base_style))
        return strips

    def visible_text(self) -> str:
        """The lines the reader shows now, as plain text: what a coder can read without
        scrolling (the coding picker must never hide the current sentence)."""
        height = self.scrollable_content_region.height
        return "\n".join(self.render_line(y).text for y in range(height))

    def render_line(self, y: int) -> Strip:
        line = y + int(self.scroll_offset.y)
        if not self._width:
            self._layout()
            if not self._width:
                return Strip.blank(self.size.width, self.base_style)
        if line < len(self._header):
            if self._header_stale:
                self._header = self._render_header()
                self._header_stale = False
            return self._header[line]
        slot = bisect_right(self._offsets, line) - 1
        if slot < 0 or slot >= len(self._heights):
            return Strip.blank(self._width, self.base_style)
        index = self._first + slot
        current = index == self.cursor
        key = (index, current)
        strips = self._strips.get(key)
        if strips is None:
            strips = self._render_block(index, current)
            self._strips[key] = strips
        part = line - self._offsets[slot]
        if part >= len(strips):
            return Strip.blank(self._width, self.base_style)
        return strips[part]
