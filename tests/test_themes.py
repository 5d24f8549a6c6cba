"""Themes: the one a coder chooses is remembered for that coder, and shown from the first frame."""

from __future__ import annotations

from pathlib import Path

from reader.db import open_database
from reader.store import Store
from reader.tui.app import THEME_KEY, ReaderApp
from tests.helpers import DB_LABEL, run_app, run_reader

DEFAULT = "textual-dark"


class ThemeSpy(ReaderApp):
    """The reader, keeping every theme it applies, from the first (set before any frame)."""

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
    (the default theme is never applied), for this coder only."""
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
        assert ui.app.applied == ["textual-light"]
        assert ui.app.has_class("-light-mode")

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

    store.set_state(THEME_KEY, "nord")
    async with run_reader(store) as ui:
        assert ui.app.theme == "nord"
        ui.app.theme = "gruvbox"
        await ui.pilot.pause()
        assert store.get_state(THEME_KEY) == "gruvbox"
        ui.app.theme = "nord"
        await ui.pilot.pause()
    assert store.get_state(THEME_KEY) == "nord"


async def test_a_theme_no_longer_offered_starts_the_default(store: Store) -> None:
    """A stored name that is not (or no longer) offered is ignored, and kept until a choice."""
    store.set_state(THEME_KEY, "no-such-theme")
    async with run_reader(store) as ui:
        assert ui.app.theme == DEFAULT
    assert store.get_state(THEME_KEY) == "no-such-theme"
