"""Data on screen exactly as it is: never read as markup, control characters made visible.

Textual reads a plain ``str`` given to a ``Label``, an ``Option``, a command palette hit, a
``DataTable`` cell or a notification as content markup, so a target named ``[/b] target`` raises
a ``MarkupError`` and a title holding ``[link=file:///…]`` becomes a live link; and it passes
escape sequences through to the terminal. Every string that comes from the data (articles, the
codebook, coders' names, notes, file paths) is shown through these helpers, which build the
Content or rich Text themselves from ``reader.text.visible``; ``fit`` cuts such a string to the
cells a line has.
"""

from __future__ import annotations

from typing import Any

from rich.cells import cell_len, set_cell_size
from rich.text import Text
from textual.content import Content
from textual.widgets import Input

from reader.text.visible import same_length, visible


def literal(text: str, *, one_line: bool = True) -> Content:
    """``text`` as Content shown character for character, control characters as placeholders.

    ``one_line`` (the default, as most places show one line): tabs and newlines too.
    """
    return Content(visible(text, one_line=one_line))


def literal_text(text: str, *, one_line: bool = True) -> Text:
    """As ``literal``, as rich Text, for the widgets that take rich renderables (``DataTable``)."""
    return Text(visible(text, one_line=one_line), end="")


def fit(text: str, width: int) -> str:
    """``text`` cut to ``width`` cells with an ellipsis when it does not fit.

    Only its start is measured (a character takes at least one cell but for the rare combining
    mark), so a title of 10,000 letters without a space costs no more than a short one.
    """
    if width <= 0:
        return ""
    head = text[: 4 * width + 4]
    if head == text and cell_len(text) <= width:
        return text
    return set_cell_size(head, width - 1).rstrip() + "…"


class LiteralInput(Input):
    """An Input whose value may come from the data (a name, a path to edit).

    It holds the value with each control character replaced by a one-character placeholder
    (``same_length``, through the reactive's validator), so nothing raw is ever drawn and the
    cursor stands where the character is; text typed, pasted or set is held the same way.
    ``stored`` gives back the value it was given while the field still shows it unchanged, so
    saving an untouched field writes the data back byte for byte.
    """

    def __init__(self, value: str = "", **options: Any) -> None:
        self.original = value
        """The value as given (from the data), control characters and all."""
        super().__init__(same_length(value, one_line=True), **options)

    @property
    def stored(self) -> str:
        """What to save: the original value if the field shows it unchanged, else the value."""
        if self.value == same_length(self.original, one_line=True):
            return self.original
        return self.value

    def validate_value(self, value: str) -> str:
        """Whatever sets the value (typing, a paste, the program) holds placeholders."""
        return same_length(value, one_line=True)
