"""Data shown as text, never as commands to the terminal: control characters made visible.

Titles, sentences, names, notes and file paths come from files nkreader did not write. A
terminal obeys the escape sequences such text may hold (``ESC ] 0 ;`` sets the window title,
``ESC [ 2 J`` blanks the screen, OSC 52 writes the clipboard) and bidi overrides reorder what
follows them, so the screen would no longer show the data as it is. Every place that shows data,
the reader and the commands alike, passes it through ``visible`` first. Only what is shown
changes: the stored text stays as it was imported.

The placeholders, one for each control character:

- C0 controls (U+0000-U+001F) but tab and newline: the Unicode control picture of the code,
  U+2400 + code (``␀``, ``␇`` for BEL, ``␛`` for ESC, ``␟``); DEL (U+007F): ``␡``.
- Tab and newline in places that show one line (a list row, a name, a table cell): ``␉``, ``␊``.
  Where text wraps they stay what they are.
- C1 controls (U+0080-U+009F) and the bidi embeddings, overrides and isolates (U+202A-U+202E,
  U+2066-U+2069), which have no picture: their code point, ``⟨U+202E⟩``.

A C0 or DEL placeholder is one character of one cell, so text keeps its length and offsets into
it still hold. The code point form is longer: ``shown_offsets`` maps offsets into the stored text
(a sentence's actor mentions) to the shown one, and ``same_length`` keeps the length where the
caller needs it (an edit field, whose cursor counts characters), showing ``�`` instead.
"""

from __future__ import annotations

import re
from unicodedata import category, east_asian_width

C0_PICTURES = 0x2400
"""U+2400 SYMBOL FOR NULL: the control picture of C0 code ``n`` is ``chr(C0_PICTURES + n)``."""

DEL_PICTURE = "\u2421"
"""␡ SYMBOL FOR DELETE."""

SAME_LENGTH_MARK = "\ufffd"
"""� in place of a C1 or bidi control where the text must keep its length."""

BIDI_CONTROLS = (*range(0x202A, 0x202F), *range(0x2066, 0x206A))
"""Embeddings and overrides (LRE RLE PDF LRO RLO), isolates (LRI RLI FSI PDI)."""

C1_CONTROLS = range(0x80, 0xA0)

_PICTURED: dict[int, str] = {code: chr(C0_PICTURES + code) for code in range(0x20)}
_PICTURED[0x7F] = DEL_PICTURE
_NAMED: dict[int, str] = {code: f"⟨U+{code:04X}⟩" for code in (*C1_CONTROLS, *BIDI_CONTROLS)}

_KEEP_LINES = {ord("\t"): None, ord("\n"): None}
_ONE_LINE: dict[int, str] = {**_PICTURED, **_NAMED}
_MULTI_LINE: dict[int, str] = {k: v for k, v in _ONE_LINE.items() if k not in _KEEP_LINES}
_ONE_LINE_SAME = {**_PICTURED, **dict.fromkeys(_NAMED, SAME_LENGTH_MARK)}
_MULTI_LINE_SAME = {k: v for k, v in _ONE_LINE_SAME.items() if k not in _KEEP_LINES}

_HAS_NAMED = re.compile("[" + "".join(map(chr, _NAMED)) + "]")

CONTROLS = frozenset(chr(code) for code in _ONE_LINE)
"""Every character ``visible`` replaces (with ``one_line``), for tests and checks."""


def visible(text: str, *, one_line: bool = False) -> str:
    """``text`` with every control character replaced by its placeholder (see the module).

    ``one_line``: tab and newline are replaced too, for places that show a single line.
    """
    return text.translate(_ONE_LINE if one_line else _MULTI_LINE)


def same_length(text: str, *, one_line: bool = False) -> str:
    """As ``visible``, but C1 and bidi controls become one ``�`` each: as long as ``text``."""
    return text.translate(_ONE_LINE_SAME if one_line else _MULTI_LINE_SAME)


def shown_offsets(text: str) -> list[int] | None:
    """Where each offset of ``text`` (0 to ``len(text)``) lands in ``visible(text)``, or None
    when the two have the same length and every offset stays where it was."""
    if not _HAS_NAMED.search(text):
        return None
    offsets: list[int] = []
    position = 0
    for char in text:
        offsets.append(position)
        position += len(_NAMED.get(ord(char), char))
    offsets.append(position)
    return offsets


def cell_width(text: str) -> int:
    """Terminal cells ``text`` takes: two for wide East Asian characters, none for combining
    marks and zero-width formatting, one for the rest (enough to line up a table's columns)."""
    if text.isascii():
        return len(text)
    width = 0
    for char in text:
        if char.isascii():
            width += 1
        elif category(char) in ("Mn", "Me", "Cf"):
            continue
        else:
            width += 2 if east_asian_width(char) in ("W", "F") else 1
    return width


def fit_cells(text: str, width: int) -> str:
    """``text`` cut to at most ``width`` cells, ending in ``…`` when something was cut."""
    if width <= 0:
        return ""
    if cell_width(text) <= width:
        return text
    out: list[str] = []
    used = 0
    for char in text:
        size = cell_width(char)
        if used + size > width - 1:
            break
        out.append(char)
        used += size
    return "".join(out) + "…"
