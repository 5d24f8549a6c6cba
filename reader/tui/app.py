"""The nkreader application: one stylesheet, the global keys, help and the command palette.

The app is handed a ready ``Store`` (the command line opens the database and knows its path); it
never opens a file itself, so tests and benchmarks run it on any database they build.
"""

from __future__ import annotations

import gc
from collections.abc import Iterable, Sequence
from contextlib import suppress
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType, Keymap
from textual.content import Content
from textual.notifications import SeverityLevel
from textual.screen import Screen

from reader.store import Store, StoreError
from reader.text.visible import visible
from reader.tui.screens.main import MainScreen
from reader.tui.themes import THEMES, readable
from reader.tui.widgets import ArticleList

if TYPE_CHECKING:
    from textual.command import Provider

    from reader.models import Sentence

HERE = Path(__file__).parent

THEME_KEY = "theme"
"""The coder's chosen theme, kept in the Store's per-coder UI state (like the reading place)."""

HELP_GROUPS: dict[str, str] = {
    "nav": "Move",
    "list": "Article list (when it has focus)",
    "code": "Code",
    "view": "Views",
    "app": "App",
}
"""Help screen sections, keyed by the first part of a binding id."""


def article_jump_provider() -> type[Provider]:
    """The "Jump to article…" palette source, built on first use.

    ``textual.command`` costs about 20 ms to import; the palette is rarely the first thing a
    coder opens, so that cost stays off the way to the first frame.
    """
    from textual.command import DiscoveryHit, Hit, Hits
    from textual.command import Provider as Base

    class ArticleJumpProvider(Base):
        """Palette search over titles and texts, through the Store."""

        @property
        def _app(self) -> ReaderApp:
            app = self.app
            assert isinstance(app, ReaderApp)
            return app

        async def discover(self) -> Hits:
            yield DiscoveryHit(
                "Jump to article…",
                self._app.main.action_filter,
                help="Type words from a title to find an article",
            )

        async def search(self, query: str) -> Hits:
            app = self._app
            matcher = self.matcher(query)
            prompt = "Jump to article…"
            if score := matcher.match(prompt):
                yield Hit(score, matcher.highlight(prompt), app.main.action_filter, help="Filter")
            if not query.strip():
                return
            for summary in app.store.article_summaries(0, 20, query):
                # Content, not a str: the palette reads a str prompt as markup.
                text = f"Jump to article: {visible(summary.title, one_line=True)}"
                yield Hit(
                    max(matcher.match(text), 0.5),
                    Content(text),
                    partial(app.main.jump_to_article, summary.id),
                    text=text,
                    help=f"{summary.coded_count}/{summary.sentence_count} sentences coded",
                )

    return ArticleJumpProvider


class ReaderApp(App[None]):
    """Read articles sentence by sentence and code who takes which stance."""

    TITLE = "nkreader"
    CSS_PATH = HERE / "reader.tcss"
    """Absolute, so that subclasses defined elsewhere (tests, benchmarks) find the styles."""
    COMMANDS: ClassVar = App.COMMANDS | {article_jump_provider}

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("question_mark", "help", "Help", id="app.help"),
        Binding("q", "quit", "Quit", show=False, id="app.quit"),
        Binding("ctrl+c", "quit", "Quit", show=False, priority=True, id="app.interrupt"),
    ]

    def __init__(self, store: Store, db_label: str = "") -> None:
        super().__init__()
        for name in set(self.available_themes) - set(THEMES):
            self.unregister_theme(name)  # offered: only the themes every screen reads well in
        self.store = store
        self.db_label = db_label
        self.main = MainScreen(store, db_label)
        self.remapped: dict[str, str] = {}
        """The keys a keymap gave each binding id, as set through ``set_keymap`` and
        ``update_keymap``, so that help shows the keys that work now."""
        self._saved_theme = self.theme if self.theme in self.available_themes else THEMES[0]
        """The theme as stored (or the default, which needs no write)."""
        saved = store.get_state(THEME_KEY)
        if saved is not None and saved in self.available_themes:
            self._saved_theme = saved
        if self.theme != self._saved_theme:
            # Set quietly, before the stylesheet is first parsed: the first frame is drawn in it
            # and start-up costs no second styling pass (which setting ``theme`` would queue).
            self.set_reactive(App.theme, self._saved_theme)
            self.stylesheet.set_variables(self.get_css_variables())
            dark = self.current_theme.dark
            self.set_class(dark, "-dark-mode", update=False)
            self.set_class(not dark, "-light-mode", update=False)

    def get_css_variables(self) -> dict[str, str]:
        """The theme's colours, with those the reader draws text in made readable on it."""
        variables = readable(super().get_css_variables())
        self.theme_variables = variables
        return variables

    def watch_theme(self, theme: str) -> None:
        """Remember the coder's choice (the command palette's "Change theme") for next time."""
        if theme != self._saved_theme:
            # Best effort, as for the reading place: a read-only database keeps the old choice.
            with suppress(StoreError):
                self.store.set_state(THEME_KEY, theme)
            self._saved_theme = theme

    def set_keymap(self, keymap: Keymap) -> None:
        super().set_keymap(keymap)
        self.remapped = dict(keymap)

    def update_keymap(self, keymap: Keymap) -> None:
        super().update_keymap(keymap)
        self.remapped.update(keymap)

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = True,
    ) -> None:
        """Every notification with its control characters made visible: messages name files,
        actors and articles. Those that hold data are also sent with ``markup=False``, so that
        their brackets are text."""
        super().notify(
            visible(message),
            title=visible(title, one_line=True),
            severity=severity,
            timeout=timeout,
            markup=markup,
        )

    def get_default_screen(self) -> Screen[None]:
        return self.main

    def on_ready(self) -> None:
        """The first frame is on screen: collect cycles again (``reader.cli.run_reader`` pauses
        the collector while the reader starts, and says why)."""
        gc.enable()

    @property
    def current_article_id(self) -> int | None:
        """The article open in the reader."""
        return self.main.current_article_id

    @property
    def current_sentence_id(self) -> int | None:
        """The highlighted sentence."""
        return self.main.current_sentence_id

    @property
    def current_sentence(self) -> Sentence | None:
        return self.main.current_sentence

    # -- help ---------------------------------------------------------------------------------

    def key_groups(self) -> list[tuple[str, list[tuple[str, str]]]]:
        """Every key with its description, grouped for the help screen (remaps included)."""
        sources: Sequence[BindingType] = [
            *self.main.BINDINGS,
            *ArticleList.BINDINGS,
            Binding("tab,shift+tab", "", "Focus the list, the reader or the panel", id="app.focus"),
            Binding("ctrl+p", "", "Command palette", id="app.palette"),
            *self.BINDINGS,
        ]
        groups: dict[str, list[tuple[str, str]]] = {title: [] for title in HELP_GROUPS.values()}
        for binding in sources:
            if not isinstance(binding, Binding) or not binding.id:
                continue
            title = HELP_GROUPS.get(binding.id.split(".")[0], "App")
            keys = " ".join(
                self.get_key_display(Binding(key.strip(), binding.action))
                for key in self._keys_for(binding)
            )
            groups[title].append((keys, binding.description))
        return [(title, rows) for title, rows in groups.items() if rows]

    def _keys_for(self, binding: Binding) -> list[str]:
        """The keys bound now to this binding's id (a keymap may have changed them)."""
        remapped = self.remapped.get(binding.id or "")
        return (remapped or binding.key).split(",")

    def action_help(self) -> None:
        from reader.tui.screens.help import HelpScreen

        self.push_screen(HelpScreen(self.key_groups()))

    # -- command palette ----------------------------------------------------------------------

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        """The coding screen's actions (those that apply now), then Textual's own."""
        if screen is self.main:
            for binding in self.main.BINDINGS:
                if not isinstance(binding, Binding):
                    continue
                name, _, args = binding.action.partition("(")
                parameters = tuple(
                    int(part) for part in args.rstrip(")").split(",") if part.strip()
                )
                if self.main.check_action(name, parameters) is not True:
                    continue
                yield SystemCommand(
                    binding.description,
                    f"Key: {binding.key.split(',')[0]}",
                    partial(self.main.run_action, binding.action),
                )
            yield SystemCommand("Help", "Show every key", self.action_help)
        yield from super().get_system_commands(screen)
