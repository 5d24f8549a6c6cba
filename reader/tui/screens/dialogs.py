"""Small questions the coding screen asks: a note, which annotation, yes or no.

They only answer; the caller decides what the answer changes in the Store.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label
from textual.widgets.option_list import Option

from reader.tui.screens.list_picker import MAX_NUMBERED, ListPicker, number_gutter
from reader.tui.widgets import LiteralInput, literal


class NoteDialog(ModalScreen[str | None]):
    """Edit the free-text note of an annotation on one line; enter keeps it, escape drops it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="note.cancel"),
        Binding("enter", "save", "Save", priority=True, id="note.save"),
    ]

    def __init__(self, note: str = "", title: str = "Note") -> None:
        super().__init__()
        self._note = note
        self._title = title

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog note"):
            yield Label(self._title, classes="dialog-title")
            yield LiteralInput(
                self._note,
                placeholder="A note for this annotation",
                id="note",
                select_on_focus=False,
            )
            yield Label("enter save · esc cancel", classes="dialog-hint")

    def on_mount(self) -> None:
        self.query_one("#note", Input).focus()

    def action_save(self) -> None:
        self.dismiss(self.query_one("#note", Input).value.strip())

    def action_cancel(self) -> None:
        self.dismiss(None)


class ChooseAnnotation(ListPicker[int]):
    """ "Which annotation?" when a sentence holds several: dismisses with the annotation id."""

    HAS_FILTER = False

    def __init__(self, items: Sequence[tuple[int, str]], title: str) -> None:
        super().__init__(title, "1-9 or ↑↓ enter choose · esc cancel")
        self._items = list(items)

    def build(self, query: str) -> tuple[list[Option | None], int, dict[int, int]]:
        options: list[Option | None] = []
        digits: dict[int, int] = {}
        for i, (_, label) in enumerate(self._items):
            number = i + 1 if i < MAX_NUMBERED else None
            if number is not None:
                digits[number] = i
            options.append(Option(Content.assemble(number_gutter(number), literal(label))))
        return options, 0, digits

    def result_for(self, index: int) -> int:
        return self._items[index][0]


class ConfirmDialog(ModalScreen[bool]):
    """A yes/no question; anything but a yes is a no."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "answer(True)", "Yes", id="confirm.yes"),
        Binding("enter", "answer(True)", "Yes", priority=True, id="confirm.enter"),
        Binding("n", "answer(False)", "No", id="confirm.no"),
        Binding("escape", "answer(False)", "No", id="confirm.cancel"),
    ]

    def __init__(self, question: str) -> None:
        super().__init__()
        self._question = question

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog confirm"):
            yield Label(literal(self._question, one_line=False), classes="dialog-question")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Yes (y)", id="yes", variant="primary")
                yield Button("No (n)", id="no")

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.action_answer(event.button.id == "yes")

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)
