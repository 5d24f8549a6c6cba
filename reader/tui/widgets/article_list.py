"""The article list: one line-API widget that asks its source for the rows it shows.

A corpus may hold 100,000 articles. One widget per row (``ListView``) or one option per row
(``OptionList``) takes seconds to minutes to build at that size, so this widget draws lines on
demand (``render_line``) and fetches only the windows of rows that are on screen, caching them by
page. Each article takes two lines: its title, then its coding progress as a bar, followed by
"copy of #id" for an article imported as a near-copy of another (``]`` passes over copies).
"""

from __future__ import annotations

from typing import ClassVar, Protocol

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding, BindingType
from textual.cache import LRUCache
from textual.geometry import Region, Size, Spacing
from textual.message import Message
from textual.reactive import reactive
from textual.strip import Strip

from reader.models import ArticleSummary
from reader.text.visible import visible
from reader.tui.widgets.auto_colors import AutoColors
from reader.tui.widgets.literal import fit
from reader.tui.widgets.steady_scroll import SteadyScrollView

ROW_HEIGHT = 2
"""Lines per article: the title, then the progress line."""

PAGE_SIZE = 64
"""Articles fetched per query; a screen shows at most a few dozen."""

BAR_WIDTH = 10
"""Cells of the progress bar."""


class ArticleSource(Protocol):
    """Where the rows come from (the Store satisfies it); the widget never sees a database."""

    def article_count(self, query: str = "") -> int: ...

    def article_summaries(
        self, offset: int, limit: int, query: str = ""
    ) -> list[ArticleSummary]: ...


class ArticleList(SteadyScrollView, can_focus=True, inherit_bindings=False):
    """Titles with per-coder progress; ``enter`` opens the highlighted article."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j,down", "cursor(1)", "Next article", id="list.next"),
        Binding("k,up", "cursor(-1)", "Previous article", id="list.previous"),
        Binding("enter", "open", "Open", id="list.open"),
        Binding("home", "cursor_to(0)", "First article", show=False, id="list.first"),
        Binding("end", "cursor_to(-1)", "Last article", show=False, id="list.last"),
        Binding("pageup", "page(-1)", "Page up", show=False, id="list.page-up"),
        Binding("pagedown", "page(1)", "Page down", show=False, id="list.page-down"),
    ]

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "article-list--title",
        "article-list--cursor",
        "article-list--open",
        "article-list--meta",
        "article-list--bar-done",
        "article-list--bar-todo",
        "article-list--empty",
    }

    cursor: reactive[int] = reactive(0, always_update=True, init=False, repaint=False)
    """Index of the highlighted row in the (filtered) list (``watch_cursor`` repaints its rows)."""

    class Opened(Message):
        """The user chose an article (enter or a click)."""

        def __init__(self, article_id: int) -> None:
            super().__init__()
            self.article_id = article_id

    def __init__(
        self, source: ArticleSource, *, id: str | None = None, classes: str | None = None
    ) -> None:
        super().__init__(id=id, classes=classes)
        self.source = source
        self.query_text = ""
        self.count = 0
        self.open_id: int | None = None
        """The article shown in the reader, marked in the list."""
        self._pages: LRUCache[int, list[ArticleSummary]] = LRUCache(32)
        self._row_of_id: dict[int, int] = {}
        self._colors = AutoColors(self)
        self.gap = 0
        """Lines at the top left blank, under the filter box drawn over them (``leave_gap``)."""

    # -- data ---------------------------------------------------------------------------------

    def reload(self, query: str | None = None, gap: int | None = None) -> None:
        """Count the rows again (for a new filter) and drop every cached window; with ``gap``,
        leave that many lines blank at the top from now on (``leave_gap``), in the same
        repaint."""
        if query is not None:
            self.query_text = query
        self.count = self.source.article_count(self.query_text)
        self._pages.clear()
        self._row_of_id.clear()
        moved = gap is not None and gap != self.gap
        if gap is not None:
            self.gap = gap
        # Without a layout pass when the scrollbar stays as it is: the lines that changed are
        # repainted (``refresh``), not the whole list.
        self.fit_to_size()
        self.cursor = min(self.cursor, max(0, self.count - 1))
        if moved:
            self.refresh_all()
        else:
            self.refresh()

    def leave_gap(self, lines: int) -> None:
        """Draw the rows ``lines`` lower, leaving the top clear for the filter box over it.

        Done inside the list rather than with a margin: a margin moves the widget, a layout pass
        of the whole screen drawn a frame after the list's new rows; this repaints the list
        alone, in the frame of the filter that needs the room.
        """
        if lines == self.gap:
            return
        self.gap = lines
        self.fit_to_size()
        self._scroll_to_cursor()
        self.refresh_all()

    def summary_at(self, index: int) -> ArticleSummary | None:
        """The row at ``index``, fetching (and caching) its page if needed."""
        if not 0 <= index < self.count:
            return None
        page = index // PAGE_SIZE
        rows = self._pages.get(page)
        if rows is None:
            rows = self.source.article_summaries(page * PAGE_SIZE, PAGE_SIZE, self.query_text)
            self._pages[page] = rows
            for offset, row in enumerate(rows):
                self._row_of_id[row.id] = page * PAGE_SIZE + offset
        offset = index - page * PAGE_SIZE
        return rows[offset] if offset < len(rows) else None

    def row_of(self, article_id: int) -> int | None:
        """The row of ``article_id`` if it is in the first window or in the highlighted row's;
        None if in neither (it may still be listed further on: only the source can tell)."""
        for index in (0, self.cursor):
            self.summary_at(index)
        return self._row_of_id.get(article_id)

    @property
    def highlighted(self) -> ArticleSummary | None:
        return self.summary_at(self.cursor)

    def update_summary(self, summary: ArticleSummary) -> None:
        """Replace one cached row (after a change of progress) and redraw just its lines."""
        index = self._row_of_id.get(summary.id)
        if index is None:
            return
        rows = self._pages.get(index // PAGE_SIZE)
        if rows is not None:
            offset = index - (index // PAGE_SIZE) * PAGE_SIZE
            if offset < len(rows) and rows[offset].id == summary.id:
                rows[offset] = summary
        self._refresh_row(index)

    def show_open(self, article_id: int | None, index: int | None) -> None:
        """Mark the article open in the reader and move the highlight to it (if listed)."""
        previous = self._row_of_id.get(self.open_id) if self.open_id is not None else None
        self.open_id = article_id
        if previous is not None:
            self._refresh_row(previous)
        if index is not None:
            self.cursor = index

    # -- cursor -------------------------------------------------------------------------------

    def validate_cursor(self, value: int) -> int:
        return max(0, min(value, self.count - 1)) if self.count else 0

    def watch_cursor(self, old: int, new: int) -> None:
        self._refresh_row(old)
        self._refresh_row(new)
        self._scroll_to_cursor()

    def _scroll_to_cursor(self) -> None:
        """Scroll the highlighted row into the window below the gap."""
        self.scroll_to_region(
            Region(0, self.cursor * ROW_HEIGHT + self.gap, max(1, self.size.width), ROW_HEIGHT),
            spacing=Spacing(self.gap, 0, 0, 0),
            animate=False,
            immediate=True,
        )

    def _refresh_row(self, index: int) -> None:
        self.refresh_lines(index * ROW_HEIGHT + self.gap, ROW_HEIGHT)

    def action_cursor(self, step: int) -> None:
        self.cursor += step

    def action_cursor_to(self, index: int) -> None:
        self.cursor = index if index >= 0 else self.count - 1

    def action_page(self, step: int) -> None:
        self.cursor += step * max(1, (self.size.height - self.gap) // ROW_HEIGHT - 1)

    def action_open(self) -> None:
        summary = self.highlighted
        if summary is not None:
            self.post_message(self.Opened(summary.id))

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None or offset.y < self.gap:
            return
        index = (offset.y - self.gap + int(self.scroll_offset.y)) // ROW_HEIGHT
        if 0 <= index < self.count:
            self.cursor = index
            self.action_open()

    def fit_to_size(self) -> None:
        # Within the layout pass: the rows are drawn at whatever width, only the height counts.
        self.fit_virtual_size(Size(self.size.width, self.count * ROW_HEIGHT + self.gap))

    # -- drawing ------------------------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        base = self.base_style
        if y < self.gap:
            return Strip.blank(width, base)
        y -= self.gap
        line = y + int(self.scroll_offset.y)
        if self.count == 0:
            if y == 0:
                style = base + self.get_component_rich_style("article-list--empty")
                text = " No articles match" if self.query_text else " No articles"
                return Strip([Segment(fit(text, width), style)]).adjust_cell_length(width, base)
            return Strip.blank(width, base)
        index, part = divmod(line, ROW_HEIGHT)
        summary = self.summary_at(index)
        if summary is None:
            return Strip.blank(width, base)
        row_style = base
        if index == self.cursor:
            row_style = base + self.get_component_rich_style("article-list--cursor")
        if part == 0:
            return self._title_line(summary, width, row_style)
        return self._progress_line(summary, width, row_style)

    def _title_line(self, summary: ArticleSummary, width: int, row_style: Style) -> Strip:
        is_open = summary.id == self.open_id
        marker = "▶ " if is_open else "  "
        component = "article-list--open" if is_open else "article-list--title"
        style = row_style + self._colors.style(component, row_style)
        title = fit(visible(summary.title, one_line=True) or "(untitled)", width - 3)
        return Strip([Segment(marker, style), Segment(title, style)]).adjust_cell_length(
            width, row_style
        )

    def _progress_line(self, summary: ArticleSummary, width: int, row_style: Style) -> Strip:
        total = summary.sentence_count
        done = summary.coded_count
        label = f" {done}/{total}"
        if summary.copy_of is not None:
            # The last column may be the scrollbar's: the label must never lose a digit there.
            long = f"{label}  copy of #{summary.copy_of}"
            label = long if len(long) <= width - 6 else f"{label} copy #{summary.copy_of}"
            bar_width = max(0, min(BAR_WIDTH, width - 3 - len(label)))
        else:
            bar_width = max(0, min(BAR_WIDTH, width - 2 - len(label)))
        filled = round(bar_width * done / total) if total else 0
        meta = row_style + self._colors.style("article-list--meta", row_style)
        done_style = row_style + self._colors.style("article-list--bar-done", row_style)
        todo_style = row_style + self._colors.style("article-list--bar-todo", row_style)
        segments = [
            Segment("  ", row_style),
            Segment("━" * filled, done_style),
            Segment("━" * (bar_width - filled), todo_style),
            Segment(label, meta),
        ]
        return Strip(segments).adjust_cell_length(width, row_style)

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._colors.clear()
        self.refresh()
