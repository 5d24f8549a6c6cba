"""Bytes of an imported file to text, or a reason why they are not text.

News archives arrive from many tools: UTF-8 with or without a byte-order mark, UTF-16 exported
from Word or Excel, Windows-1252 from older newsroom systems. Sentences are stored as character
offsets into the article text, so the text must be decoded once, correctly, and never changed
afterwards; a file that is not text at all is refused instead of filling the database with noise.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

__all__ = ["Decoded", "NotText", "decode", "normalise"]

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
"""Byte-order marks, longest first: the UTF-32 LE mark begins with the UTF-16 LE one."""

_GUESSES: tuple[tuple[str, str], ...] = (
    ("cp1252", "Windows-1252 (cp1252)"),
    ("latin-1", "Latin-1 (ISO-8859-1)"),
)
"""Encodings tried, in order, for a file that is neither marked nor valid UTF-8.

cp1252 is what Windows newsroom tools wrote for decades (curly quotes and dashes in 0x80-0x9F);
latin-1 decodes any byte, so it is the last resort for the five bytes cp1252 leaves undefined.
"""

_CONTROLS = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")
"""Control characters that do not occur in text (tab, line and page breaks are allowed)."""
_TEXT_BYTES = bytes(b for b in range(256) if not _CONTROLS.match(chr(b)))
"""Every byte but those controls: deleting them from a sample leaves the controls to count."""
_SAMPLE = 8192
_MAX_CONTROL_SHARE = 0.05
"""A text where more than this share of the first characters are control characters is binary."""


BINARY = "binary file, not text; skip it or convert it to UTF-8 text"


class NotText(Exception):
    """The bytes are not text; the message says what to do and is completed with the path."""


@dataclass(frozen=True, slots=True)
class Decoded:
    text: str
    encoding: str
    """A readable name of the encoding used."""
    guessed: bool
    """True when nothing in the file declared the encoding, so the user should check the result."""


def decode(data: bytes) -> Decoded:
    """Decode ``data``: a byte-order mark first, then UTF-8, then cp1252, then latin-1.

    Raises ``NotText`` for binary data: NUL bytes outside UTF-16/32, or mostly control characters
    (counted on the bytes, which is ten times faster than on the text, for every unmarked file).
    """
    for bom, codec in _BOMS:
        if data.startswith(bom):
            try:
                return _checked(Decoded(data[len(bom) :].decode(codec), codec.upper(), False))
            except UnicodeDecodeError:
                break
    sample = data[:_SAMPLE]
    if b"\x00" in data or _mostly_controls(len(sample.translate(None, _TEXT_BYTES)), len(sample)):
        raise NotText(BINARY)
    try:
        return Decoded(data.decode("utf-8"), "UTF-8", False)
    except UnicodeDecodeError:
        pass
    for codec, name in _GUESSES:
        try:
            return Decoded(data.decode(codec), name, True)
        except UnicodeDecodeError:
            continue
    raise AssertionError("latin-1 decodes every byte")  # pragma: no cover


def _checked(decoded: Decoded) -> Decoded:
    """Refuse UTF-16/32 text that holds NULs or is mostly control characters."""
    sample = decoded.text[:_SAMPLE]
    if "\x00" in sample or _mostly_controls(len(_CONTROLS.findall(sample)), len(sample)):
        raise NotText(BINARY)
    return decoded


def _mostly_controls(controls: int, total: int) -> bool:
    return controls > _MAX_CONTROL_SHARE * total


def normalise(text: str) -> str:
    """The text as stored: ``\\n`` line breaks, no byte-order mark, no blank edges.

    Everything else (inner spacing, indentation, typographic quotes) is kept exactly, because
    sentence offsets point into this string and coders expect to see the article as published.
    Only blank lines before the first line and whitespace after the last character are dropped.
    """
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if "\x00" in text:  # a NUL ends a string inside SQLite's text functions: never store one
        text = text.replace("\x00", "")
    text = text.removeprefix("\ufeff").rstrip()
    if text[:1].isspace():
        first = 0
        for index, ch in enumerate(text):
            if ch == "\n":
                first = index + 1
            elif not ch.isspace():
                break
        text = text[first:]
    return text
