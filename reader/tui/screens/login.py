"""The login screen of a served reader (``nkreader serve``): a name, then a password.

It is the whole screen, not a dialog over the reader: until a coder has logged in, nothing of
the database is drawn, and the keys that open anything else (help, the command palette) are off
(``ReaderApp.check_action``). ``tab`` or ``enter`` moves from the name to the password;
``enter`` on the password logs in. The screen only asks the Store (``Store.log_in``) and posts
the name of the coder who got in; the app then opens the reader as that coder.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual import events, on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Input, Label

from reader.store import Store
from reader.tui.widgets import literal


class LoginScreen(Screen[None]):
    """Name and password; a wrong one is refused in one line, the fields left to try again."""

    @dataclass
    class LoggedIn(Message):
        """A coder's name and password were right."""

        coder: str

    def __init__(self, store: Store) -> None:
        super().__init__()
        self.store = store

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog login"):
            yield Label("nkreader: log in", classes="dialog-title")
            yield Label("Name", classes="dialog-label")
            yield Input(placeholder="your coder name", id="name", select_on_focus=False)
            yield Label("Password", classes="dialog-label")
            yield Input(password=True, id="password", select_on_focus=False)
            yield Label("", id="error", classes="dialog-error")
            yield Label(
                "tab or enter next field · enter on the password logs in", classes="dialog-hint"
            )

    def on_mount(self) -> None:
        self.set_focus(self.query_one("#name", Input))

    def take_key(self, event: events.Key) -> bool:
        """Apply a key at once, on the app's task, and say whether it was taken.

        Keys typed ahead arrive together (a browser sends a pasted name and ``tab`` in one
        packet): a field's own handling of each would let the characters after ``tab`` reach the
        name field before the focus moved, and ``enter`` log in before the password's last
        characters were in. Taken here, each key acts in the order it was typed.
        """
        field = self.focused
        if field is None:  # a key before the first focus landed: it is for the name
            field = self.query_one("#name", Input)
            self.set_focus(field)
        if not isinstance(field, Input):
            return False
        if event.key in {"tab", "shift+tab"} or (event.key == "enter" and field.id == "name"):
            self._next_field(backwards=event.key == "shift+tab")
        elif event.key == "enter":
            self._log_in()
        elif event.key == "backspace":
            field.action_delete_left()
        elif event.character and event.character.isprintable() and event.is_printable:
            field.insert_text_at_cursor(event.character)
        else:
            return False
        return True

    def _next_field(self, backwards: bool = False) -> None:
        name, password = self.query_one("#name", Input), self.query_one("#password", Input)
        self.set_focus(name if backwards or self.focused is password else password)

    @on(Input.Submitted, "#name")
    def _name_given(self) -> None:
        self.set_focus(self.query_one("#password", Input))

    @on(Input.Submitted, "#password")
    def _log_in(self) -> None:
        name_field = self.query_one("#name", Input)
        password_field = self.query_one("#password", Input)
        name = name_field.value.strip()
        if not name:
            self.set_focus(name_field)
            self._error("Type your name first.")
            return
        result = self.store.log_in(name, password_field.value)
        password_field.value = ""
        if result.ok:
            self.post_message(self.LoggedIn(name))
            return
        self._error(result.message[:1].upper() + result.message[1:] + ".")
        self.set_focus(password_field)

    def _error(self, message: str) -> None:
        label = self.query_one("#error", Label)
        label.update(literal(message))
        label.set_class(bool(message), "-shown")
