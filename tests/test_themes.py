"""Themes: every theme offered is readable on every screen, and the one a coder chooses is
remembered for that coder and shown from the first frame of the next start."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, replace
from pathlib import Path

import pytest
from rich.cells import cell_len
from textual.color import Color
from textual.errors import NoWidget
from textual.geometry import Region
from textual.screen import Screen
from textual.scrollbar import ScrollBar, ScrollBarCorner
from textual.widget import Widget
from textual.widgets import Checkbox, Input, OptionList, RadioButton

from reader.db import open_database
from reader.exchange.codebook_file import load_default_codebook
from reader.exchange.importing import import_paths
from reader.store import Store
from reader.tui.app import THEME_KEY, ReaderApp
from reader.tui.themes import THEMES
from tests.helpers import DB_LABEL, run_app, run_reader

DEFAULT = THEMES[0]


class ThemeSpy(ReaderApp):
    """The reader, keeping every change of theme it applies."""

    def __init__(self, store: Store) -> None:
        self.applied: list[str] = []
        super().__init__(store, db_label=DB_LABEL)

    def watch_theme(self, theme: str) -> None:
        self.applied.append(theme)
        super().watch_theme(theme)


async def test_a_theme_chosen_in_the_palette_is_there_at_the_next_start(
    store: Store, db_path: Path
) -> None:
    """ctrl+p, "theme", the theme's name: the next start shows it from the first frame on
    (no change of theme is applied: the stylesheet is built in it), for this coder only."""
    async with run_reader(store) as ui:
        assert ui.app.theme == DEFAULT
        await ui.press("ctrl+p", *"theme")
        await ui.pilot.pause(0.3)
        await ui.press("enter", *"textual-light")
        await ui.pilot.pause(0.3)
        await ui.press("enter")
        assert ui.app.theme == "textual-light"
    assert store.get_state(THEME_KEY) == "textual-light"

    async with run_app(ThemeSpy(store)) as ui:
        assert ui.app.theme == "textual-light"
        assert ui.app.applied == []  # no change of theme: the first frame was drawn in it
        assert ui.app.has_class("-light-mode") and not ui.app.has_class("-dark-mode")
        light = ui.app.get_theme("textual-light")
        assert light is not None and light.background is not None
        assert ui.app.screen.styles.background == Color.parse(light.background)

    other = Store(open_database(db_path), "another coder")
    try:
        async with run_reader(other) as ui:
            assert ui.app.theme == DEFAULT
    finally:
        other.close()


async def test_starting_and_moving_write_no_theme(store: Store) -> None:
    """Only a change of theme is written: a start on the default, or on the remembered theme,
    writes none (starting waits for no commit of it)."""
    async with run_reader(store) as ui:
        await ui.press("j")
    assert store.get_state(THEME_KEY) is None

    store.set_state(THEME_KEY, "gruvbox")
    async with run_reader(store) as ui:
        assert ui.app.theme == "gruvbox"
        ui.app.theme = "dracula"
        await ui.pilot.pause()
        assert store.get_state(THEME_KEY) == "dracula"
        ui.app.theme = "gruvbox"
        await ui.pilot.pause()
    assert store.get_state(THEME_KEY) == "gruvbox"


async def test_a_theme_not_offered_starts_the_default(store: Store) -> None:
    """A stored name that is not (or no longer) offered is ignored, and kept until a choice;
    Textual's themes that are not readable in the reader are not offered."""
    for name in ("no-such-theme", "nord"):
        store.set_state(THEME_KEY, name)
        async with run_reader(store) as ui:
            assert ui.app.theme == DEFAULT
            assert sorted(ui.app.available_themes) == sorted(THEMES)
        assert store.get_state(THEME_KEY) == name


# --- contrast -------------------------------------------------------------------------------------
#
# Every theme the reader offers is rendered with every screen a coder meets, reached with keys, and
# each character on screen is checked against WCAG AA: 4.5:1 for body text, 3:1 for secondary
# text (muted, disabled, dimmed) and for the graphics that carry meaning (progress bars, the
# stance chart, the highlight bar, a toggle that is on). Which characters are secondary is read
# from a probe render, in which the theme's muted and disabled colours are replaced by markers:
# what is drawn in a marker colour there is drawn in a muted colour in every theme; and what the
# widgets draw with the dim attribute.
#
# Only decoration is left out: borders, scrollbars, the dimmed screen under a dialog, the divider
# lines of a list and the frame of a toggle (and its mark while it is off, which shows the state
# by being faint).

CONTRAST_SIZE = (80, 24)
"""The smallest terminal the reader supports: every screen fits, and each render is cheap."""

BODY, SECONDARY = 4.5, 3.0

MARKERS = {
    "text-muted": "#fe01fd",
    "text-disabled": "#fd02fc",
    "foreground-muted": "#fc03fb",
    "foreground-disabled": "#fb04fa",
}
"""Probe colours for the theme variables that mean "secondary"; no theme uses them."""

GRAPHICS = frozenset("━█▌▐▀▄▔▁●")
"""Characters that draw rather than write: held to the 3:1 of graphics that carry meaning."""

ARTICLE = """Japan presses China on North Korea

Japan pressed China on Sunday to take a tough stance on North Korea, an official said.

China supported a "moderate" resolution.

The talks ended late.
"""

STATES: list[tuple[str, str, tuple[str, ...], tuple[str, ...]]] = [
    # what, the screen it shows, the keys that reach it from where the state before left off
    # (the first from the coding screen with the reader focused), the keys that leave it
    ("reader focused", "MainScreen", ("g", "j"), ()),
    ("annotation panel focused", "MainScreen", ("tab",), ("shift+tab",)),
    ("article list focused, a notification", "MainScreen", ("shift+tab", "r"), ("tab",)),
    ("filter matching nothing", "MainScreen", ("slash", "z"), ("escape",)),
    ("actor picker (in the panel's place)", "MainScreen", ("a",), ()),
    ("stance picker", "MainScreen", ("enter",), ("escape", "escape")),
    ("help", "HelpScreen", ("question_mark",), ("escape",)),
    ("statistics", "StatsScreen", ("s",), ()),
    ("actor × target matrix", "StatsScreen", ("m",), ("escape",)),
    ("export", "ExportDialog", ("x",), ("escape",)),
    ("codebook", "CodebookScreen", ("c",), ()),
    ("confirmation", "ConfirmDialog", ("d",), ("escape", "escape")),
    ("agreement", "AgreementScreen", ("A",), ("escape",)),
    ("what undo undid", "MainScreen", ("u",), ()),
]
"""Every screen and dialog a coder meets, with the widget states that change colours."""


@dataclass(frozen=True)
class Cell:
    """One character on screen and the colours it is drawn in (``#rrggbb``)."""

    x: int
    y: int
    char: str
    fg: str
    bg: str


SVG_STYLE = re.compile(r"\.[\w-]+-r(\d+) \{ fill: (#[0-9a-f]{6})")
SVG_LINE = re.compile(r'-line-(\d+)">\s*<rect x="0" y="([\d.]+)" width="([\d.]+)"')
SVG_TERMINAL = re.compile(r'<rect fill="(#[0-9a-f]{6})" stroke=')
SVG_BACKGROUND = re.compile(
    r'<rect fill="(#[0-9a-f]{6})" x="([\d.]+)" y="([\d.]+)" width="([\d.]+)"'
)
SVG_TEXT = re.compile(
    r'<text class="[\w-]+-r(\d+)" x="([\d.]+)" y="[\d.]+" textLength="[\d.]+"'
    r' clip-path="url\(#[\w-]+-line-(\d+)\)">(.*?)</text>'
)


def screen_cells(app: ReaderApp) -> list[Cell]:
    """Every character on screen that is not blank, with its colours, as the app's own SVG
    screenshot (``App.export_screenshot``) draws it."""
    svg = app.export_screenshot()
    width, height = app.size
    lines = {int(n): (float(y), float(w)) for n, y, w in SVG_LINE.findall(svg)}
    top, line_width = lines[0]
    cell_width, line_height = line_width / width, lines[1][0] - top
    terminal = SVG_TERMINAL.findall(svg)[0]
    backgrounds = [[terminal] * width for _ in range(height)]
    for fill, x, y, length in SVG_BACKGROUND.findall(svg):
        row = round((float(y) - top) / line_height)
        first = round(float(x) / cell_width)
        for column in range(first, min(width, first + round(float(length) / cell_width))):
            backgrounds[row][column] = fill
    fills = dict(SVG_STYLE.findall(svg))
    cells = []
    for style, x, row_text, text in SVG_TEXT.findall(svg):
        row, column = int(row_text), round(float(x) / cell_width)
        for char in html.unescape(text):
            if not char.isspace():
                cells.append(Cell(column, row, char, fills[style], backgrounds[row][column]))
            column += cell_len(char)
    return cells


def luminance(colour: str) -> float:
    """WCAG 2 relative luminance of ``#rrggbb``."""
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    r, g, b = (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    """WCAG 2 contrast ratio, from 1 (none) to 21 (black on white)."""
    light, dark = sorted((luminance(a), luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def described(widget: Widget) -> str:
    return type(widget).__name__ + (f"#{widget.id}" if widget.id else "")


def dimmed(app: ReaderApp) -> set[tuple[int, int]]:
    """The cells styled ``dim``: secondary text.

    The screenshot has dim already blended into the colour, so the widgets' own lines
    (``Widget.render_lines``) say which cells carry it: as the attribute, or (where Textual has
    blended it into the colour itself, as for a ``Content`` span styled "dim") as the attribute
    set to False."""
    cells: set[tuple[int, int]] = set()
    for widget in app.screen.query("*"):
        region = widget.region
        if not widget.display or not region:
            continue
        lines = widget.render_lines(Region(0, 0, region.width, region.height))
        for y, strip in enumerate(lines, start=region.y):
            x = region.x
            for segment in strip:
                if segment.style is not None and segment.style.dim is not None:
                    cells.update((column, y) for column in range(x, x + segment.cell_length))
                x += segment.cell_length
    return cells


def requirements(app: ReaderApp, cells: list[Cell]) -> dict[tuple[int, int], tuple[float, str]]:
    """For each character of a probe render: the contrast it needs and the widget drawing it;
    decoration is left out."""
    needs: dict[tuple[int, int], tuple[float, str]] = {}
    dim = dimmed(app)
    for cell in cells:
        try:
            widget, region = app.screen.get_widget_at(cell.x, cell.y)
        except NoWidget:
            continue
        if isinstance(widget, Screen | ScrollBar | ScrollBarCorner):
            continue  # the dimmed screen under a dialog, scrollbars
        inner = region.shrink(widget.styles.border.spacing)
        if not inner.contains(cell.x, cell.y):
            continue  # a border
        if isinstance(widget, OptionList) and cell.char == "─":
            continue  # a divider between groups of options
        secondary = cell.fg in MARKERS.values() or (cell.x, cell.y) in dim
        need = SECONDARY if secondary or cell.char in GRAPHICS else BODY
        button = widget.content_region.x
        if isinstance(widget, Checkbox | RadioButton) and cell.x < button + 3:
            if cell.x != button + 1 or not widget.value:
                continue  # the frame of the toggle, or its mark while it is off
            need = SECONDARY
        needs[cell.x, cell.y] = (need, described(widget))
    return needs


class ContrastWalk(ReaderApp):
    """The reader as the walk drives it: theme changes are not saved (they are the walk's, not a
    coder's choice) and notifications stay until every theme has been seen."""

    NOTIFICATION_TIMEOUT = 3600

    def watch_theme(self, theme: str) -> None:
        pass


@pytest.fixture
def small_store(empty_store: Store, db_path: Path, tmp_path: Path) -> Store:
    """One short article, coded: this coder's annotation (with a target and a note) and another
    coder's on the second sentence, the first marked "no claim"."""
    store = empty_store
    load_default_codebook(store)
    (tmp_path / "article.txt").write_text(ARTICLE, encoding="utf-8")
    import_paths(store, [tmp_path / "article.txt"])
    first, second, *_ = store.sentences(store.first_article_id() or 0)
    actors, stances = store.actors(), store.stances()
    other = Store(open_database(db_path), "another coder")
    try:
        other.add_annotation(second.id, actors[0].id, stances[1].id, note="their note")
    finally:
        other.close()
    target = store.targets()[0].id
    store.add_annotation(second.id, actors[1].id, stances[0].id, target, note="my note")
    store.set_no_claim(first.id, True)
    return store


async def test_every_theme_offered_is_readable(small_store: Store) -> None:
    """Every character of every screen, in every theme offered, reaches WCAG AA contrast."""
    app = ContrastWalk(small_store, db_label=DB_LABEL)
    offered = sorted(app.available_themes)
    assert offered == sorted(THEMES)
    base = app.get_theme(DEFAULT)
    assert base is not None
    app.register_theme(replace(base, name="probe", variables={**base.variables, **MARKERS}))
    probed: dict[str, tuple[list[Cell], dict[tuple[int, int], tuple[float, str]]]] = {}
    failures: dict[tuple[str, str, str, str, str], list[str]] = {}
    async with run_app(app, CONTRAST_SIZE, toasts=True) as ui:
        ui.app.main.notice.TIMEOUT = 3600  # what undo undid stays too
        # each state is reached once and every theme shown there in turn: a theme change
        # repaints the same widgets, so walking the keys again per theme would test nothing more
        for state, screen, enter, leave in STATES:
            await ui.press(*enter)
            for theme in ["probe", *offered]:
                ui.app.theme = theme
                for _ in range(500):  # figures computed on a thread (the agreement screen)
                    if not getattr(ui.app.screen, "computing", False):
                        break
                    await ui.pilot.pause(0.02)
                await ui.pilot.pause()
                for field in ui.app.screen.query(Input):
                    field.cursor_blink = False
                assert type(ui.app.screen).__name__ == screen, state
                cells = screen_cells(ui.app)
                if theme == "probe":
                    probed[state] = (cells, requirements(ui.app, cells))
                same_text = [(c.x, c.y, c.char) for c in probed[state][0]]
                shown = [(c.x, c.y, c.char) for c in cells]
                assert shown == same_text, (theme, state, set(shown) ^ set(same_text))
                for cell in cells:
                    need, where = probed[state][1].get((cell.x, cell.y), (0.0, ""))
                    if contrast(cell.fg, cell.bg) < need:
                        key = (theme, state, where, cell.fg, cell.bg)
                        failures.setdefault(key, []).append(cell.char)
            ui.app.theme = "probe"
            await ui.press(*leave)
            ui.app.clear_notifications()
            if ui.app.screen is ui.app.main:
                assert ui.app.focused is ui.app.main.reader, f"back from {state}"
    failures = {key: chars for key, chars in failures.items() if key[0] != "probe"}
    report = [
        f"{theme}, {state}, {where}: {fg} on {bg} = {contrast(fg, bg):.2f} {''.join(chars)!r}"
        for (theme, state, where, fg, bg), chars in sorted(failures.items())
    ]
    assert not report, "\n".join(report)
