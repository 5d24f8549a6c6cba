"""Every key, grouped as a coder thinks of them; the caller builds the groups from its bindings.

Taking the groups as data, rather than reading bindings here, lets the app show remapped keys and
keeps this screen ignorant of the other screens.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Label, Static

KeyGroup = tuple[str, Sequence[tuple[str, str]]]
"""A group title and its (keys, description) rows."""


def group_content(rows: Sequence[tuple[str, str]], width: int) -> Content:
    """The rows of one group as text: keys in a column ``width`` wide, descriptions after them."""
    lines = [
        Content.assemble((keys.ljust(width), "bold $accent"), "  ", description)
        for keys, description in rows
    ]
    return Content("\n").join(lines)


class HelpScreen(ModalScreen[None]):
    """The key reference; scrolls when it does not fit."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,question_mark", "close", "Close", id="help.close"),
    ]

    def __init__(self, groups: Sequence[KeyGroup]) -> None:
        super().__init__()
        self._groups = list(groups)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog help"):
            yield Label("Keys", classes="dialog-title")
            with VerticalScroll(id="help-body"):
                # One key column for all groups, so descriptions line up down the whole screen.
                width = max((len(keys) for _, rows in self._groups for keys, _ in rows), default=0)
                for title, rows in self._groups:
                    yield Label(title, classes="help-group", markup=False)
                    yield Static(group_content(rows, width), classes="help-keys")
            yield Label("↑↓ scroll · esc, q or ? close", classes="dialog-hint")

    def on_mount(self) -> None:
        self.query_one("#help-body", VerticalScroll).focus()

    def action_close(self) -> None:
        self.dismiss(None)
