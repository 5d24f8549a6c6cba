"""What each key sends to the terminal: only what changed, and never a stale character.

The app runs headless under a pilot; every frame it would write (``App._display``) is turned
into the bytes a real terminal gets and fed to a ``pyte`` terminal emulator. The counts are of
bytes and cells, not of time, so nothing here depends on the machine's speed: a key whose
answer repaints a widget that did not change, or the whole screen, writes more than the bounds
allow. After every key the emulator must show exactly what a fresh full frame of the app shows,
so repainting less never leaves an old character or colour behind.
"""

from __future__ import annotations

import asyncio
import io
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import pyte
import pytest
from rich.console import Console
from rich.control import Control
from textual import events
from textual.geometry import Region, Size

from reader.store import Store
from reader.tui.app import ReaderApp
from reader.tui.widgets import KeyBar, Notice
from tests.helpers import DB_LABEL, Session, run_app, run_reader


class RecordingScreen(pyte.Screen):  # type: ignore[misc]
    """A terminal screen that remembers every cell written to it since ``forget``."""

    def __init__(self, columns: int, lines: int) -> None:
        super().__init__(columns, lines)
        self.touched: set[tuple[int, int]] = set()

    def draw(self, data: str) -> None:
        for character in data:
            self.touched.add((self.cursor.y, self.cursor.x))
            super().draw(character)

    def forget(self) -> None:
        self.touched = set()


def cells(screen: pyte.Screen) -> list[list[tuple[str, str, str, bool]]]:
    """Each cell's character, colours and boldness: what a coder sees."""
    return [
        [
            (char.data, char.fg, char.bg, char.bold)
            for char in (screen.buffer[y][x] for x in range(screen.columns))
        ]
        for y in range(screen.lines)
    ]


@dataclass
class Wire:
    """The terminal on the other end of the app: the bytes written, replayed on a screen."""

    app: ReaderApp
    width: int
    height: int
    sent: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.screen = RecordingScreen(self.width, self.height)
        self.stream = pyte.Stream(self.screen)
        display = self.app._display

        def recording(screen: Any, renderable: Any) -> None:
            if hasattr(renderable, "render_segments"):
                data = renderable.render_segments(self.console)
                self.sent.append(data)
                self.stream.feed(data)
            display(screen, renderable)

        self.app._display = recording  # type: ignore[method-assign]

    console: Console = field(
        default_factory=lambda: Console(
            file=io.StringIO(), color_system="256", force_terminal=True, legacy_windows=False
        )
    )
    """Renders the frames as Textual does for a 256-colour terminal (the test mode's own
    console has 16 colours)."""

    def mark(self) -> int:
        self.screen.forget()
        return len(self.sent)

    def bytes_since(self, mark: int) -> int:
        return sum(len(data.encode()) for data in self.sent[mark:])

    def full_frame(self) -> str:
        """The whole screen as a fresh full frame of the app would write it now: each widget's
        cached lines are dropped first, so every line is drawn from what the widget holds."""
        for widget in self.app.screen.walk_children(with_self=True):
            widget._styles_cache.clear()  # type: ignore[attr-defined]
        strips = self.app.screen._compositor.render_strips()
        return "".join(
            Control.move_to(0, y).segment.text + strip.render(self.console)
            for y, strip in enumerate(strips)
        )

    def check_nothing_stale(self, what: str) -> None:
        """The emulator shows what a fresh full frame shows, cell by cell."""
        fresh = pyte.Screen(self.width, self.height)
        pyte.Stream(fresh).feed(self.full_frame())
        for y, (shown, wanted) in enumerate(zip(cells(self.screen), cells(fresh), strict=True)):
            assert shown == wanted, f"after {what}: line {y} differs from a full frame"


@asynccontextmanager
async def on_the_wire(
    store: Store, size: tuple[int, int]
) -> AsyncIterator[tuple[Session[ReaderApp], Wire]]:
    """The reader at ``size`` with its first frames written and replayed."""
    app = ReaderApp(store, db_label=DB_LABEL)
    wire = Wire(app, *size)
    async with run_app(app, size) as ui:
        await settle(ui)
        yield ui, wire


async def settle(ui: Session[ReaderApp]) -> None:
    """Let every frame that answers a key be written (a layout pass takes a second one)."""
    for _ in range(3):
        await ui.pilot.pause(0.02)


def inside(touched: set[tuple[int, int]], *regions: Region) -> set[tuple[int, int]]:
    """The cells of ``touched`` outside every region (x, y, width, height in cells)."""
    return {(y, x) for y, x in touched if not any(r.contains(x, y) for r in regions)}


async def test_each_key_repaints_only_what_changed(store: Store) -> None:
    """At 120x40: `j` writes under a fifth of a full frame and touches only the reader and the
    panel; opening the picker touches only its region and the key bar, each question only the
    picker; the whole annotation `a enter 1 enter` writes under two full frames."""
    async with on_the_wire(store, (120, 40)) as (ui, wire):
        full = len(wire.full_frame().encode())
        body = Region(0, 1, 120, 38)
        reader, panel = ui.app.screen.reader.region, ui.app.screen.panel.region
        key_bar = Region(0, 39, 120, 1)
        # The first article is longer than the window: its scrollbar is shown (layout passes
        # that leave the reader's size alone skip it, ``SentenceView._size_updated``).
        assert ui.app.screen.reader.show_vertical_scrollbar

        for key in ("j", "j", "k"):
            mark = wire.mark()
            await ui.press(key)
            await settle(ui)
            assert wire.bytes_since(mark) < full / 5, key
            assert not inside(wire.screen.touched, reader, panel), key
            assert len(wire.screen.touched) < 0.2 * 120 * 40, key
            wire.check_nothing_stale(key)

        annotation = wire.mark()
        for key, where in (
            ("a", (panel, key_bar)),
            ("enter", (panel,)),
            ("1", (panel,)),
            ("enter", (body, key_bar, Region(0, 0, 120, 1))),
        ):
            mark = wire.mark()
            await ui.press(key)
            await settle(ui)
            assert not inside(wire.screen.touched, *where), key
            assert wire.bytes_since(mark) < full, key
            wire.check_nothing_stale(key)
        assert len(store.annotations_for_article(ui.app.screen.current_article_id)) == 1
        assert wire.bytes_since(annotation) < 2 * full


async def test_nothing_stale_through_the_coding_loop_at_80x24(store: Store) -> None:
    """At 80x24 (the panel under the reader): moving, coding, "no claim", undo, the filter and
    the next article leave the terminal showing exactly what a full frame shows."""
    async with on_the_wire(store, (80, 24)) as (ui, wire):
        keys = ("j", "a", "enter", "1", "enter", "j", "full_stop", "space", "u", "u",
                "right_square_bracket", "n", "G", "k", "slash", "n", "u", "escape")  # fmt: skip
        for key in keys:
            await ui.press(key)
            await settle(ui)
            wire.check_nothing_stale(key)


CSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


async def test_undo_says_what_it_undid_in_the_frame_of_the_change(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`u` draws "Undone: …" in the same frame as the undone change (a toast would come two
    frames later), and the message going repaints only the lines it covered."""
    monkeypatch.setattr(Notice, "TIMEOUT", 1.5)  # long enough to look at it on a busy machine
    async with on_the_wire(store, (120, 40)) as (ui, wire):
        full = len(wire.full_frame().encode())
        await ui.press("a", "enter", "1", "enter")
        await settle(ui)
        mark = wire.mark()
        await ui.press("u")
        first_frame = CSI.sub("", wire.sent[mark])
        assert "Undone: add annotation" in first_frame
        assert not store.annotations_for_article(ui.app.screen.current_article_id)
        notice = ui.app.screen.notice.region
        await settle(ui)
        assert notice.right == 120 and notice.bottom == 39  # over the reader, above the keys
        body, status, key_bar = Region(0, 1, 120, 38), Region(0, 0, 120, 1), Region(0, 39, 120, 1)
        assert not inside(wire.screen.touched, body, status, key_bar)
        wire.check_nothing_stale("u")

        mark = wire.mark()
        for _ in range(200):
            if not ui.app.screen.notice.display:
                break
            await ui.pilot.pause(0.05)
        await settle(ui)
        assert ui.app.screen.notice.text == ""
        assert not inside(wire.screen.touched, Region(0, notice.y, 120, notice.height))
        assert wire.bytes_since(mark) < full / 5
        wire.check_nothing_stale("the notice going")


async def test_the_filter_box_repaints_only_its_rows(store: Store) -> None:
    """At 120x40: / opens the filter box over the top of the list and escape closes it, each
    touching only the box's three rows, the key bar and the highlighted sentence (its colour
    follows the focus), under a fifth of a full frame; the list's rows move down under the box
    only once a filter is typed (repainting the list alone, in the letter's own frame), and back
    up when escape clears it."""
    async with on_the_wire(store, (120, 40)) as (ui, wire):
        main = ui.app.screen
        full = len(wire.full_frame().encode())
        listing, reader = main.article_list.region, main.reader.region
        box = Region(listing.x, listing.y, listing.width, 3)
        key_bar = Region(0, 39, 120, 1)
        marked = [y for y, line in enumerate(wire.screen.display) if "▌" in line[reader.x :]]
        highlight = Region(reader.x, min(marked), reader.width, max(marked) - min(marked) + 1)

        for key in ("slash", "escape", "slash", "escape"):
            mark = wire.mark()
            await ui.press(key)
            await settle(ui)
            shown = "\n".join(wire.screen.display[box.y : box.bottom])
            assert ("Filter: words in title" in shown) == (key == "slash"), key
            assert not inside(wire.screen.touched, box, key_bar, highlight), key
            assert wire.bytes_since(mark) < full / 5, key
            assert main.article_list.region == listing, key
            wire.check_nothing_stale(key)

        def title_row(title: str) -> int:
            rows = wire.screen.display[listing.y : listing.bottom]
            column = slice(listing.x, listing.right)
            return next(y for y, line in enumerate(rows) if title[:20] in line[column])

        await ui.press("slash")
        await settle(ui)
        mark = wire.mark()
        await ui.press("n")
        await settle(ui)
        assert main.filter_box.value == "n"
        first = main.article_list.summary_at(0)
        assert first is not None and title_row(first.title) == 3
        # The letter and the list it filters are drawn in one frame, the first after the key.
        replay = pyte.Screen(wire.width, wire.height)
        pyte.Stream(replay).feed("".join(wire.sent[: mark + 1]))
        assert replay.display[listing.y + 1][listing.x : listing.right].split() == ["▊", "n", "▎"]
        assert replay.display == wire.screen.display
        # The list's rows move down within it: no layout pass, nothing drawn outside the pane
        # but the key bar.
        assert main.article_list.region == listing
        assert not inside(wire.screen.touched, Region(0, 0, listing.right, 39), key_bar)
        wire.check_nothing_stale("n")
        await ui.press("escape")
        await settle(ui)
        assert main.article_list.region == listing and not main.filter_box.display
        assert title_row(first.title) == 0
        wire.check_nothing_stale("escape")


async def test_a_resize_is_drawn_in_one_frame(store: Store) -> None:
    """Across the narrow edge and back (the panel moving under the reader and back beside it),
    each resize is laid out and drawn once: one frame, no second pass for a scrollbar or for the
    hidden picker restyled for the width, and nothing stale."""
    async with on_the_wire(store, (120, 40)) as (ui, wire):
        await ui.press("j", "j", "G")
        await settle(ui)
        for width, height in ((100, 40), (120, 40), (80, 24), (120, 40)):
            wire.screen.resize(height, width)
            wire.width, wire.height = width, height
            mark = wire.mark()
            await ui.pilot.resize_terminal(width, height)
            await settle(ui)
            frames = [data for data in wire.sent[mark:] if data]
            assert len(frames) == 1, (width, height)
            wire.check_nothing_stale(f"a resize to {width}x{height}")


async def test_a_resize_that_comes_alone_is_laid_out_at_once(store: Store) -> None:
    """A terminal's new size goes to the screen with the app's handling of the event, not after
    Textual's wait for more resizes (1/120 s): a callback queued on the screen right after the
    app has handled the resize finds the screen laid out at the new size."""
    async with run_reader(store) as ui:
        app = ui.app

        async def key_bar_after_resize(width: int) -> Size:
            seen: list[Size] = []
            looked = asyncio.Event()

            def look() -> None:
                seen.append(app.main.query_one(KeyBar).size)
                looked.set()

            app.post_message(events.Resize(Size(width, 40), Size(width, 40)))
            app.call_later(app.screen.call_later, look)
            await looked.wait()
            return seen[0]

        for width in (100, 120, 80):
            await settle(ui)
            await ui.pilot.pause(0.1)
            assert await key_bar_after_resize(width) == Size(width, 1)
