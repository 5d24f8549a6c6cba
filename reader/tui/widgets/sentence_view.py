"""The reader: an article as a column of sentences, one of them highlighted.

A line-API widget. Each sentence is a *block* of lines (its wrapped text, then its badges); the
wrapped lines are computed once per width and the rendered strips are cached per block and
highlight state, so moving the highlight redraws only the two blocks whose state changed. Long
articles (hundreds of sentences) cost the same per key press as short ones.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
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
from textual.widget import Widget

from reader.models import Article, Sentence
from reader.text.mentions import Mention
from reader.text.visible import shown_offsets, visible
from reader.tui.widgets.article_list import fit
from reader.tui.widgets.auto_colors import AutoColors
from reader.tui.widgets.repaint import SteadyScrollView, compact

GUTTER = 2
"""Cells left of the text: the highlight bar and a space."""

MARGIN = 1
"""Cells kept free right of the text, so wrapped lines do not touch the scrollbar."""


@dataclass(frozen=True, slots=True)
class Badge:
    """One annotation as shown under its sentence: ``actor · stance · target``."""

    text: str
    mine: bool = True


@dataclass(slots=True)
class _Block:
    """What the view knows about one sentence."""

    sentence: Sentence
    badges: tuple[Badge, ...] = ()
    no_claim: bool = False
    paragraph_end: bool = False
    """A blank line follows: the next sentence starts a new paragraph."""


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
        self.mentions: Mapping[int, Sequence[Mention]] = {}
        """Actor mentions per sentence id, found once per article by the screen."""
        self._blocks: list[_Block] = []
        self._index_of: dict[int, int] = {}
        self._width = 0
        self._header: list[Strip] = []
        self._wrapped: dict[int, list[Text]] = {}
        self._heights: list[int] = []
        self._offsets: list[int] = []
        """First virtual line of each block; block -1 (the header) starts at 0."""
        self._strips: dict[tuple[int, bool], list[Strip]] = {}
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
        """Show a new article with the highlight on sentence ``cursor``."""
        self.article = article
        self._blocks = [
            _Block(
                sentence,
                tuple(badges.get(sentence.id, ())),
                sentence.id in no_claim,
                index + 1 < len(sentences) and sentences[index + 1].paragraph != sentence.paragraph,
            )
            for index, sentence in enumerate(sentences)
        ]
        self._index_of = {block.sentence.id: i for i, block in enumerate(self._blocks)}
        self._wrapped.clear()
        self._layout(force=True)
        self.set_reactive(SentenceView.cursor, max(0, min(cursor, len(self._blocks) - 1)))
        self.scroll_to(y=0, animate=False, immediate=True)
        self.refresh()
        self._scroll_cursor_into_view()

    def update_sentence(self, sentence_id: int, badges: Sequence[Badge], no_claim: bool) -> None:
        """New badges or status for one sentence: redraw it, and re-lay out only if it grew."""
        index = self._index_of.get(sentence_id)
        if index is None:
            return
        block = self._blocks[index]
        block.badges = tuple(badges)
        block.no_claim = no_claim
        self._strips.pop((index, True), None)
        self._strips.pop((index, False), None)
        height = self._block_height(index)
        if height != self._heights[index]:
            self._heights[index] = height
            self._recount_offsets(same_width=True)
            # The lines above the sentence stay where they are: repaint from it down.
            self.refresh_lines(self._offsets[index], self.virtual_size.height + self.size.height)
        else:
            self.refresh_lines(self._offsets[index], height)

    @property
    def sentence_count(self) -> int:
        return len(self._blocks)

    def index_of(self, sentence_id: int) -> int | None:
        return self._index_of.get(sentence_id)

    # -- layout -------------------------------------------------------------------------------

    @property
    def _console(self) -> Console:
        return self.app.console

    def _text_width(self) -> int:
        return max(8, self._width - GUTTER - MARGIN)

    def _layout(self, force: bool = False) -> None:
        """Wrap for the current width: heights and offsets of every block."""
        width = self.scrollable_content_region.width or self.size.width
        if width == self._width and not force:
            return
        if width <= 0:
            self._width = 0
            return
        self._wrapped.clear()
        self._width = width
        self._strips.clear()
        self._header = self._render_header()
        self._header_stale = True
        self._heights = [self._block_height(i) for i in range(len(self._blocks))]
        self._recount_offsets()

    def _recount_offsets(self, same_width: bool = False) -> None:
        offsets, line = [], len(self._header)
        for height in self._heights:
            offsets.append(line)
            line += height
        self._offsets = offsets
        size = Size(self._width, line)
        if same_width:
            self._grow_or_shrink(size)
        else:
            self.virtual_size = size

    def _grow_or_shrink(self, size: Size) -> None:
        """Take the new height of the text (one sentence's badges changed) and update the
        scrollbar in the same frame.

        Assigning ``virtual_size`` asks for a layout pass of the whole screen, which redraws the
        scrollbar's thumb one frame after the new lines (some 30 ms later, after every key that
        adds a badge). When the scrollbar stays as it is (shown, because the text still overflows
        the window, or hidden, because it still fits), the size is set without that pass and the
        thumb is redrawn at once, as Textual's own ``ScrollView`` does when it scrolls. A
        scrollbar that appears or goes away changes the width the text wraps to, which needs
        the layout pass.
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

    def _wrap(self, index: int) -> list[Text]:
        lines = self._wrapped.get(index)
        if lines is None:
            sentence = self._blocks[index].sentence
            # Tabs and newlines as spaces, control characters as placeholders; mention offsets
            # are into the stored sentence, so they move with any placeholder longer than one.
            shown = visible(sentence.text.replace("\t", " ").replace("\n", " "))
            offsets = shown_offsets(sentence.text)
            text = Text(shown)
            mention = self._style("sentence-view--mention")
            for found in self.mentions.get(sentence.id, ()):
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

    def _block_height(self, index: int) -> int:
        block = self._blocks[index]
        return (
            len(self._wrap(index))
            + len(self._badge_lines(block.badges))
            + (1 if block.paragraph_end else 0)
        )

    def on_resize(self, event: events.Resize) -> None:
        self._layout()
        self._scroll_cursor_into_view()

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
        return max(0, min(value, len(self._blocks) - 1)) if self._blocks else 0

    def watch_cursor(self, old: int, new: int) -> None:
        for index in (old, new):
            if 0 <= index < len(self._offsets):
                self.refresh_lines(self._offsets[index], self._heights[index])
        self._scroll_cursor_into_view()

    def _scroll_cursor_into_view(self) -> None:
        if not self._blocks or not self._width:
            return
        index = self.cursor
        top = self._offsets[index] if index else 0
        height = self._offsets[index] + self._heights[index] - top
        self.scroll_to_region(
            Region(0, top, self._width, height),
            spacing=Spacing(1, 0, 2, 0),
            animate=False,
            immediate=True,
            top=height > self.scrollable_content_region.height,
        )

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None or not self._blocks:
            return
        line = offset.y + int(self.scroll_offset.y)
        index = bisect_right(self._offsets, line) - 1
        if index >= 0:
            self.post_message(self.Clicked(index))

    # -- drawing ------------------------------------------------------------------------------

    def _style(self, name: str, partial: bool = True) -> Style:
        return self.get_component_rich_style(name, partial=partial)

    def _text_style(self, name: str, under: Style) -> Style:
        """A component's style for text drawn over ``under`` (``auto`` colours resolved)."""
        return self._colors.style(name, under)

    def _render_header(self) -> list[Strip]:
        base = self.rich_style
        if self.article is None:
            empty = self._text_style("sentence-view--empty", base)
            text = Text(" No article open", style=base + empty)
            return [Strip(list(text.render(self._console)))]
        width = self._text_width()
        strips: list[Strip] = []
        title = " ".join(visible(self.article.title or "").split())
        first = " ".join(visible(self._blocks[0].sentence.text).split()) if self._blocks else ""
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
        facts.append(f"{len(self._blocks)} sentences")
        meta = Text.assemble((" · ".join(facts), self._text_style("sentence-view--meta", base)))
        strips.extend(self._indent(line, base) for line in meta.wrap(self._console, width))
        strips.append(Strip.blank(self._width, base))
        return strips

    def _indent(self, line: Text, base: Style, gutter: Segment | None = None) -> Strip:
        segments = [gutter or Segment(" " * GUTTER, base)]
        segments.extend(line.render(self._console))
        return compact(Strip(segments).apply_style(base).adjust_cell_length(self._width, base))

    def _render_block(self, index: int, current: bool) -> list[Strip]:
        block = self._blocks[index]
        base = self.rich_style
        if current:
            base = base + self._style("sentence-view--cursor", partial=False)
        no_claim = self._text_style("sentence-view--no-claim", base)
        text_style = no_claim if block.no_claim else Style()
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
        for badges in self._badge_lines(block.badges):
            line = Text()
            for badge in badges:
                shown = self._badge_text(badge)
                line.append(f" {shown} ", badge_style if badge.mine else other_style)
                line.append("  ")
            strips.append(self._indent(line, base, gutter))
        if block.paragraph_end:
            strips.append(Strip.blank(self._width, self.rich_style))
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
                return Strip.blank(self.size.width, self.rich_style)
        if line < len(self._header):
            if self._header_stale:
                self._header = self._render_header()
                self._header_stale = False
            return self._header[line]
        index = bisect_right(self._offsets, line) - 1
        if index < 0 or index >= len(self._blocks):
            return Strip.blank(self._width, self.rich_style)
        current = index == self.cursor
        key = (index, current)
        strips = self._strips.get(key)
        if strips is None:
            strips = self._render_block(index, current)
            self._strips[key] = strips
        part = line - self._offsets[index]
        if part >= len(strips):
            return Strip.blank(self._width, self.rich_style)
        return strips[part]
