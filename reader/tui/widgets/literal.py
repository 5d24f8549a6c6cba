"""Data on screen exactly as it is: never read as markup, control characters made visible.

Textual reads a plain ``str`` given to a ``Label``, an ``Option``, a command palette hit, a
``DataTable`` cell or a notification as content markup, so a target named ``[/b] target`` raises
a ``MarkupError`` and a title holding ``[link=file:///…]`` becomes a live link; and it passes
escape sequences through to the terminal. Every string that comes from the data (articles, the
codebook, coders' names, notes, file paths) is shown through these helpers, which build the
Content or rich Text themselves from ``reader.text.visible``.
"""

from __future__ import annotations

from rich.cells import cell_len
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


class LiteralInput(Input):
    """An Input whose value may come from the data (a name, a note, a path to edit).

    Its value stays exactly what it holds, so saving an unchanged field changes nothing; only
    what is drawn differs: control characters as one placeholder character each, so the cursor
    and the selection (counted in characters of the value) still line up with what is shown.
    Textual draws an Input's value in ``_value`` and places its cursor by ``_position_to_cell``;
    both are overridden here (Textual is pinned, and tests/test_visible.py checks both).
    """

    @property
    def _value(self) -> Text:
        if self.password:
            return super()._value
        text = Text(same_length(self.value, one_line=True), no_wrap=True, overflow="ignore", end="")
        if self.highlighter is not None:
            text = self.highlighter(text)
        return text

    def _position_to_cell(self, position: int) -> int:
        return cell_len(same_length(self.value[:position], one_line=True))
