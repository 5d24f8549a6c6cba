"""Offsets counted in UTF-16 code units, as Java (and so DNA) counts them, and back.

Python counts a string's code points; Java counts UTF-16 code units, in which a character
outside the Basic Multilingual Plane (an emoji, a rare CJK ideograph) takes two. Offsets into a
text agree up to the first such character and drift apart by one after each.
"""

from __future__ import annotations

from bisect import bisect_left

__all__ = ["Utf16Offsets"]


class Utf16Offsets:
    """Converts offsets into one text between code points and UTF-16 code units."""

    def __init__(self, text: str) -> None:
        astral = [i for i, ch in enumerate(text) if ord(ch) > 0xFFFF] if not text.isascii() else []
        self.length = len(text)
        self.units = self.length + len(astral)
        """The text's length in UTF-16 code units."""
        self._points = astral
        """Where each character outside the BMP is, in code points."""
        self._starts = [point + n for n, point in enumerate(astral)]
        """Where each of them starts, in code units."""

    def to_units(self, index: int) -> int:
        """The code-unit offset of the code-point offset ``index``."""
        return index + bisect_left(self._points, index) if self._points else index

    def to_index(self, unit: int) -> int:
        """The code-point offset of the code-unit offset ``unit``; an offset between the two
        halves of a surrogate pair means the character they make."""
        return unit - bisect_left(self._starts, unit) if self._starts else unit
