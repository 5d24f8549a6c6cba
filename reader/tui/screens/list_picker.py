"""A list of choices under an optional filter, as every picker shows it.

Keeps the focus in the filter input so a coder can type at once, while the arrow keys move the
highlight in the list below; digits take a numbered row while the filter is empty, and are plain
text once something has been typed.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar, Protocol, TypeVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList
from textual.widgets.option_list import Option

from reader.tui.widgets import LiteralInput

T = TypeVar("T")

MAX_NUMBERED = 9
"""Rows reachable with a single digit key."""

NAME_COLUMN = 32
"""Names are padded to a common column up to this width so kinds line up; longer ones push on."""


def _digit_bindings(prefix: str) -> list[BindingType]:
    """One priority binding per digit, so a digit picks a row before an input can take it as text.

    Priority matters because a focused Input inserts printable keys before ordinary bindings run;
    ``FilterInput`` and ``check_action`` give the key back to the input whenever picking by number
    does not apply.
    """
    return [
        Binding(str(n), f"pick({n})", f"Pick {n}", show=False, priority=True, id=f"{prefix}.{n}")
        for n in range(0, MAX_NUMBERED + 1)
    ]


def number_gutter(n: int | None) -> Content:
    """The row number gutter: the digit that picks the row, or blank space to keep names aligned."""
    if n is None:
        return Content("  ")
    return Content.styled(f"{n} ", "bold $accent")


class FilterInput(LiteralInput):
    """The filter of a picker: lets digits through to the picker's bindings while it is empty.

    An Input claims every printable key, which hides the screen's digit bindings; giving up digits
    only while nothing is typed keeps "1-9 pick" and "digits are text once you type" both true.
    """

    def check_consume_key(self, key: str, character: str | None) -> bool:
        if character is not None and character.isdigit() and not self.value:
            return False
        return super().check_consume_key(key, character)


class _Record(Protocol):
    @property
    def id(self) -> int: ...


def index_of(rows: Sequence[_Record | None], wanted: _Record | None) -> int:
    """The row holding ``wanted`` (matched by id), so a picker opens with it highlighted; else 0."""
    if wanted is None:
        return 0
    return next((i for i, row in enumerate(rows) if row is not None and row.id == wanted.id), 0)


class ListPicker(ModalScreen[T | None]):
    """A titled list, optionally with a filter input above it; subclasses supply rows and results.

    Keeping the list logic here means every picker answers the same keys the same way.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="picker.cancel"),
        Binding("enter", "accept", "Choose", priority=True, id="picker.accept"),
        Binding("down", "move('cursor_down')", "Down", show=False, id="picker.down"),
        Binding("up", "move('cursor_up')", "Up", show=False, id="picker.up"),
        Binding("pagedown", "move('page_down')", "Page down", show=False, id="picker.page-down"),
        Binding("pageup", "move('page_up')", "Page up", show=False, id="picker.page-up"),
        *_digit_bindings("picker.pick"),
    ]

    HAS_FILTER: ClassVar[bool] = True
    """Whether the picker shows a filter input above the list."""

    def __init__(self, title: str, hint: str, placeholder: str = "Type to filter") -> None:
        super().__init__()
        self._title = title
        self._hint = hint
        self._placeholder = placeholder
        self._digits: dict[int, int] = {}
        """Digit key -> option index of the row it picks, for the current list."""

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog picker"):
            yield Label(self._title, classes="dialog-title")
            if self.HAS_FILTER:
                yield FilterInput(placeholder=self._placeholder, id="filter", select_on_focus=False)
            yield OptionList(id="choices")
            yield Label(self._hint, classes="dialog-hint")

    def on_mount(self) -> None:
        choices = self.query_one("#choices", OptionList)
        self.refill("")
        if self.HAS_FILTER:
            choices.can_focus = False
            self.query_one("#filter", Input).focus()
        else:
            choices.focus()

    @property
    def filter_text(self) -> str:
        """What the coder has typed into the filter ("" without a filter)."""
        if not self.HAS_FILTER:
            return ""
        return self.query_one("#filter", Input).value

    def refill(self, query: str) -> None:
        """Rebuild the list for a filter text and highlight the row the coder most likely wants."""
        options, highlight, digits = self.build(query)
        choices = self.query_one("#choices", OptionList)
        choices.set_options(options)
        self._digits = digits
        if choices.option_count:
            choices.highlighted = highlight

    def build(self, query: str) -> tuple[list[Option | None], int, dict[int, int]]:
        """The rows (``None`` = a divider), the index to highlight and the digit map for a query."""
        raise NotImplementedError

    def result_for(self, index: int) -> T | None:
        """The value to dismiss with for an option index; ``None`` keeps the dialog open."""
        raise NotImplementedError

    @on(Input.Changed, "#filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        self.refill(event.value)

    @on(OptionList.OptionSelected, "#choices")
    def _clicked(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.choose(event.option_index)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Digits pick only while the filter is empty and the digit numbers a row.

        Returning False lets the key through to the filter input as ordinary text.
        """
        if action == "pick":
            if self.filter_text:
                return False
            return bool(parameters) and parameters[0] in self._digits
        return True

    def action_move(self, how: str) -> None:
        """Move the list highlight while the focus stays in the filter."""
        getattr(self.query_one("#choices", OptionList), f"action_{how}")()

    def action_pick(self, number: int) -> None:
        self.choose(self._digits[number])

    def action_accept(self) -> None:
        highlighted = self.query_one("#choices", OptionList).highlighted
        if highlighted is not None:
            self.choose(highlighted)

    def action_cancel(self) -> None:
        self.dismiss(None)

    def choose(self, index: int) -> None:
        """Dismiss with the value of a row, unless that row opens something else first."""
        result = self.result_for(index)
        if result is not None:
            self.dismiss(result)
