"""The nkreader application: one stylesheet, the global keys, help and the command palette.

The app is handed a ready ``Store`` (the command line opens the database and knows its path); it
never opens a file itself, so tests and benchmarks run it on any database they build.
"""

from __future__ import annotations

import gc
import sqlite3
import time
from collections.abc import Iterable, Mapping, Sequence
from contextlib import suppress
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from textual import events
from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType, Keymap
from textual.notifications import SeverityLevel
from textual.screen import Screen

from reader.db import damage_message, is_damage
from reader.store import Store, StoreError
from reader.text.visible import visible
from reader.tui.article_jump import article_jump_provider
from reader.tui.screens.flow_host import FlowHost
from reader.tui.screens.main import MainScreen
from reader.tui.themes import THEMES, readable
from reader.tui.widgets import ArticleList

if TYPE_CHECKING:
    from textual.actions import ActionParseResult
    from textual.dom import DOMNode

    from reader.models import Sentence
    from reader.store.health import DamageCheck
    from reader.tui.screens.login import LoginScreen

HERE = Path(__file__).parent

DAMAGE_CHECK_DELAY = 1.0
"""Seconds after the first frame before the file is checked for damage on a thread: the first
frame and the first keys go first (on a large file the check keeps a core busy for seconds)."""

THEME_KEY = "theme"
"""The coder's chosen theme, kept in the Store's per-coder UI state (like the reading place)."""

LOGIN_ACTIONS = frozenset({"quit", "focus_next", "focus_previous", "help_quit", "bell"})
"""The app's own actions a served reader's login screen allows: moving between its fields and
leaving."""

HELP_GROUPS: dict[str, str] = {
    "nav": "Move",
    "list": "Article list (when it has focus)",
    "code": "Code",
    "pick": "Answering a question (actor, stance, target, …)",
    "view": "Views",
    "app": "App",
}
"""Help screen sections, keyed by the first part of a binding id."""


RESIZE_BURST = 1 / 30
"""Seconds: a terminal resize that comes this long after the last is laid out at once
(``ReaderApp.on_resize``); closer together, resizes are a window being dragged."""


class ReaderApp(App[None]):
    """Read articles sentence by sentence and code who takes which stance."""

    TITLE = "nkreader"
    CSS_PATH = HERE / "reader.tcss"
    """Absolute, so that subclasses defined elsewhere (tests, benchmarks) find the styles."""
    COMMANDS: ClassVar = App.COMMANDS | {article_jump_provider}

    _last_resize = float("-inf")
    """When the last terminal resize came (``time.monotonic``)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("question_mark", "help", "Help", id="app.help"),
        Binding("q", "quit", "Quit", show=False, id="app.quit"),
        Binding("ctrl+c", "quit", "Quit", show=False, priority=True, id="app.interrupt"),
    ]

    def __init__(
        self, store: Store, db_label: str = "", *, review: bool = False, login: bool = False
    ) -> None:
        """``review``: open on the review of the coders' disagreements (``nkreader review``).
        ``login``: a served reader (``nkreader serve``): it shows only the login screen until a
        coder logs in, and codes as that coder (the Store's ``annotator`` until then is none)."""
        super().__init__()
        for name in set(self.available_themes) - set(THEMES):
            self.unregister_theme(name)  # offered: only the themes every screen reads well in
        self.store = store
        self.db_label = db_label
        self.login = login
        self.logged_in = not login
        """Whether a coder is known: at once in a terminal, after the login screen when served."""
        self._main: MainScreen | None = None if login else MainScreen(store, db_label)
        self.review = review
        self._held: list[events.Key] = []
        """Keys typed while a screen was being put together, replayed once it is ready."""
        self._replaying: set[int] = set()
        """Ids of the replayed keys, which pass without being held again."""
        self.remapped: dict[str, str] = {}
        """The keys a keymap gave each binding id, as set through ``set_keymap`` and
        ``update_keymap``, so that help shows the keys that work now."""
        self.damage: str | None = None
        """Why the reader had to close: damage met where it could not just say so and go on
        (``reader.cli.launch.run_reader`` prints it once the terminal is back)."""
        self._damage_check: DamageCheck | None = None
        self._saved_theme = self.theme if self.theme in self.available_themes else THEMES[0]
        """The theme as stored (or the default, which needs no write)."""
        if login:
            return  # the coder's theme is read once they have logged in
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

    @property
    def main(self) -> MainScreen:
        """The coding screen (made when a served reader's coder logs in)."""
        if self._main is None:
            raise RuntimeError("no coder has logged in yet")
        return self._main

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

    async def on_event(self, event: events.Event) -> None:
        """Keys in the order they were typed, each acting on what is on screen by then.

        Two things Textual does not do by itself. A key that arrives while a screen is still
        being put together (the help, the codebook, a dialog) is held and replayed once the
        screen is ready, instead of reaching a screen with no widgets yet. And while the coding
        screen asks a question (``MainScreen.flow``), printable keys are typed into the question's
        filter here, on the app's own task, in the same order as the keys its bindings handle.
        """
        if isinstance(event, events.Key):
            if id(event) in self._replaying:
                self._replaying.discard(id(event))
            elif self._held or not self._ready_for_keys():
                self._hold(event)
                return
            elif isinstance(self.screen, FlowHost) and self._typed_into_question(event):
                return
            if not self.logged_in and self._typed_into_login(event):
                return
        await super().on_event(event)

    def _ready_for_keys(self) -> bool:
        """Whether the screen on top can take keys: mounted, and, in a served reader before
        its login, the login screen itself (not the blank screen under it, which would drop
        a name typed as the page opens)."""
        if not self.screen.is_mounted:
            return False
        if self.logged_in:
            return True
        from reader.tui.screens.login import LoginScreen

        return isinstance(self.screen, LoginScreen)

    def _typed_into_login(self, event: events.Key) -> bool:
        from reader.tui.screens.login import LoginScreen

        screen = self.screen
        return isinstance(screen, LoginScreen) and screen.take_key(event)

    def _typed_into_question(self, event: events.Key) -> bool:
        screen = self.screen
        assert isinstance(screen, FlowHost)
        flow = screen.flow
        character = event.character
        if flow is None or not character or not character.isprintable():
            return False
        if character.isdigit() and flow.takes_digit(int(character)):
            return False  # a digit that picks a row: the pick binding takes it
        screen.type_into_flow(character)
        return True

    def _hold(self, event: events.Key) -> None:
        if not self._held:
            self.call_after_refresh(self._release)
        self._held.append(event)

    def _release(self) -> None:
        """Replay the held keys, in order, once the screen they were typed at is ready."""
        if not self._ready_for_keys():
            self.call_after_refresh(self._release)
            return
        held, self._held = self._held, []
        for old in held:
            key = events.Key(old.key, old.character)
            self._replaying.add(id(key))
            self.post_message(key)

    def get_default_screen(self) -> Screen[None]:
        if self._main is None:
            return Screen(id="before-login")  # blank, under the login screen (``on_mount``)
        return self.main

    def on_resize(self, event: events.Resize) -> None:
        """Hand a new terminal size that comes alone to the screen at once.

        Textual holds each resize for 1/120 s, in case more follow (a window being dragged
        sends many), then hands the last one on: 8 ms of every resize before anything is laid
        out. A resize after ``RESIZE_BURST`` of quiet goes to the coding screen now; Textual's
        own hand-on then finds the screen at that size already (``MainScreen._on_resize``
        leaves it out). Resizes closer together than that (a drag), and those for a screen
        shown over it (which would lay itself out twice), wait for Textual's, as before.
        """
        now = time.monotonic()
        alone = now - self._last_resize > RESIZE_BURST
        self._last_resize = now
        if alone and self.is_running and isinstance(self.screen, MainScreen):
            self.screen.post_message(
                events.Resize(event.size, event.virtual_size, event.container_size)
            )

    def on_mount(self) -> None:
        """A served reader opens at the login screen, pushed over a blank screen so that the
        reader can take its place (``switch_screen``) once a coder has logged in."""
        if self._main is None:
            from reader.tui.screens.login import LoginScreen

            self.push_screen(LoginScreen(self.store))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Before a served reader's coder has logged in, nothing but the login screen: no help,
        no command palette (whose commands and article search read the database)."""
        if not self.logged_in and action not in LOGIN_ACTIONS:
            return False
        return super().check_action(action, parameters)

    def action_command_palette(self) -> None:
        if self.logged_in:
            super().action_command_palette()

    def on_login_screen_logged_in(self, message: LoginScreen.LoggedIn) -> None:
        """The coder is known: from now on the Store writes, logs, hides (blind coding) and
        assigns as them; their theme and reading place are theirs; the reader replaces the
        login screen."""
        if self.logged_in:
            return
        self.store.annotator = message.coder
        self.logged_in = True
        saved = self.store.get_state(THEME_KEY)
        if saved is not None and saved in self.available_themes:
            self._saved_theme = saved
            self.theme = saved
        self._main = MainScreen(self.store, self.db_label)
        self.switch_screen(self._main)
        self._started()

    def on_ready(self) -> None:
        """The first frame is on screen: collect cycles again (``reader.cli.run_reader`` pauses
        the collector while the reader starts, and says why), and, once a coder is known, what
        follows (``_started``).

        What the launcher made before the app ran is out of the collector's reach already
        (``gc.freeze``); what the first frame made (the screens, their styles and caches) lives
        as long as the reader too, and is put there with it. Each full collection then looks
        only at what coding made since: 10-12 ms in the middle of a key or a resize at 25,000
        objects, once every few keys (Textual's rendering leaves cycles behind by the
        thousand).
        """
        if not gc.isenabled():
            gc.freeze()
        gc.enable()
        if self.logged_in:
            self._started()

    def _started(self) -> None:
        """Say what cannot be done with this file (a read-only one), and start checking it for
        damage."""
        if self.store.notice:
            self.notify(self.store.notice, severity="warning", timeout=10, markup=False)
        self.set_timer(DAMAGE_CHECK_DELAY, self._check_for_damage)
        if self.review:
            self.main.action_review()

    # -- a damaged file -----------------------------------------------------------------------

    def _check_for_damage(self) -> None:
        """Walk the whole file (``PRAGMA quick_check``) on a thread, a moment after the first
        frame so that starting never waits for it; damage found stops saving (``found_damage``).
        Closing the reader stops the check (``on_unmount``) rather than wait for it."""
        check = self._damage_check = self.store.damage_check()
        if check is None:
            return

        def run() -> None:
            message = check.run()
            if message is not None:
                self.call_from_thread(self.found_damage, message)

        self.run_worker(run, thread=True, group="damage-check", exit_on_error=False)

    def on_unmount(self) -> None:
        if self._damage_check is not None:
            self._damage_check.cancel()

    def found_damage(self, message: str) -> None:
        """The file is damaged: refuse every change from now on, stop indexing for search, and
        say so; reading goes on."""
        self.store.stop_saving(message)
        self.workers.cancel_group(self.main, "search-index")
        self.notify(message, title="Damaged database", severity="error", timeout=30, markup=False)

    def report_damage(self, error: sqlite3.DatabaseError) -> None:
        """A read (or a change) met a damaged page: a notification, not a crash."""
        if isinstance(error, StoreError):
            self.found_damage(str(error))
        else:
            self.found_damage(self.store.damaged(error))

    async def run_action(
        self,
        action: str | ActionParseResult,
        default_namespace: DOMNode | None = None,
        namespaces: Mapping[str, DOMNode] | None = None,
    ) -> bool:
        """Every key and palette command runs through here: one that meets a damaged page
        reports it (``report_damage``) and the reader goes on."""
        try:
            return await super().run_action(action, default_namespace, namespaces)
        except sqlite3.DatabaseError as error:
            if not is_damage(error):
                raise
            self.report_damage(error)
            return True

    def _handle_exception(self, error: Exception) -> None:
        """Damage met outside a key's action (while the list draws its rows, say) cannot be
        survived there: Textual stops the failing widget. Close the reader without a traceback
        and leave the one line for ``run_reader`` to print; anything else as Textual does."""
        if not is_damage(error):
            super()._handle_exception(error)
            return
        if self.damage is None:
            where = self.db_label or self.store.path or "the database"
            explained = isinstance(error, StoreError)
            self.damage = str(error) if explained else damage_message(where, error)
        self.exit(return_code=1)

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
            Binding("s", "", "At the stance: who voiced it (speaker)", id="pick.speaker"),
            *self.BINDINGS,
        ]
        groups: dict[str, list[tuple[str, str]]] = {title: [] for title in HELP_GROUPS.values()}
        picks = [b for b in sources if isinstance(b, Binding) and (b.id or "")[:5] == "pick."]
        digits = [b for b in picks if b.action.startswith("flow_pick(")]
        for binding in sources:
            if not isinstance(binding, Binding) or not binding.id:
                continue
            if binding in digits:
                if binding is digits[0]:  # one row for the ten digit keys
                    keys = " ".join(key for b in digits for key in self._keys_for(b))
                    groups[HELP_GROUPS["pick"]].append((keys, "Pick that numbered row"))
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
        if screen is self._main:
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
