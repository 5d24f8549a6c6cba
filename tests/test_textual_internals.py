"""The parts of Textual (and Rich) that are not their public API and that the reader relies on.

Repainting only what changed and laying a resize out once (``reader/tui/widgets/repaint.py``,
``steady_scroll.py``, ``MainScreen._on_resize``) hook into Textual's refresh and layout
machinery, and ``ReaderApp._handle_exception`` into its error handling: no public API offers
those. Textual is pinned (``pyproject.toml``), and every such name is listed here and checked
against the installed version, so an upgrade that renames or removes one fails this test by name
instead of leaving stale characters on screen. ARCHITECTURE.md says where these hooks live.
"""

from __future__ import annotations

import inspect
import re

import textual
from rich.segment import Segment
from rich.style import Style
from textual.app import App
from textual.screen import Screen
from textual.scroll_view import ScrollView
from textual.widget import Widget

from reader.store import Store
from reader.tui.screens.main import MainScreen
from tests.conftest import REPO
from tests.helpers import run_reader

METHODS: dict[type, tuple[str, ...]] = {
    Widget: ("_size_updated", "_render_content"),
    ScrollView: ("_scroll_update", "_size_updated"),
    Screen: ("_on_resize",),
    App: ("_start_widget", "_handle_exception"),
}
"""Private methods the reader overrides or calls, by the class that defines them."""

ATTRIBUTES: dict[str, tuple[str, ...]] = {
    "widget": (
        "_styles_cache", "_rich_style_cache", "_vertical_scrollbar", "_repaint_required",
        "_layout_required",
    ),
    "screen": ("_compositor", "_repaint_required", "_layout_required"),
    "app": ("_batch_count",),
}  # fmt: skip
"""Private attributes the reader reads or sets, on a widget, the coding screen and the app."""


def test_textual_is_the_version_pyproject_pins() -> None:
    pinned = re.search(r'"textual==([^"]+)"', (REPO / "pyproject.toml").read_text())
    assert pinned is not None
    assert textual.__version__ == pinned.group(1)


def test_the_private_methods_the_reader_uses_are_there() -> None:
    for owner, names in METHODS.items():
        for name in names:
            assert callable(getattr(owner, name, None)), f"{owner.__name__}.{name}"
    size_updated = inspect.signature(Widget._size_updated)
    assert list(size_updated.parameters) == [
        "self", "size", "virtual_size", "container_size", "layout",
    ]  # fmt: skip
    assert inspect.iscoroutinefunction(Screen._on_resize)


async def test_the_private_attributes_the_reader_uses_are_there(store: Store) -> None:
    async with run_reader(store) as ui:
        screen = ui.app.screen
        assert isinstance(screen, MainScreen)
        owners = {"widget": screen.reader, "screen": screen, "app": ui.app}
        for kind, names in ATTRIBUTES.items():
            for name in names:
                assert hasattr(owners[kind], name), f"{kind}.{name}"
        assert isinstance(ui.app._batch_count, int)
        placed = [widget for widget, _ in screen._compositor.layers]
        assert screen.reader in placed and screen.reader.vertical_scrollbar in placed


def test_rich_segments_keep_their_meta_where_repaint_compares_styles() -> None:
    style = Style(meta={"offset": (1, 2)})
    assert Segment("x", style).style is not None
    assert style._meta is not None


def test_the_hooks_are_only_where_architecture_md_says() -> None:
    """Private names of Textual appear in these modules and nowhere else in the package."""
    allowed = {
        "reader/tui/widgets/repaint.py",
        "reader/tui/widgets/steady_scroll.py",
        "reader/tui/screens/main.py",
        "reader/tui/app.py",
    }
    names = {name for group in METHODS.values() for name in group}
    names |= {name for group in ATTRIBUTES.values() for name in group}
    pattern = re.compile(r"\.(" + "|".join(sorted(names)) + r")\b")
    found = {
        str(path.relative_to(REPO))
        for path in (REPO / "reader").rglob("*.py")
        if pattern.search(path.read_text(encoding="utf-8"))
    }
    assert found <= allowed, found - allowed
    architecture = (REPO / "ARCHITECTURE.md").read_text(encoding="utf-8")
    for module in allowed:
        assert module in architecture, module
