"""Bytes of an imported file to text, or a reason why they are not text.

News archives arrive from many tools: UTF-8 with or without a byte-order mark, UTF-16 exported
from Word or Excel, Windows-1252 from older newsroom systems, EUC-KR, Shift-JIS or GB18030 from
Asian wire services, Windows-1251 from Russian ones. Sentences are stored as character offsets
into the article text, so the text must be decoded once, correctly, and never changed
afterwards; a file that is not text at all, or whose encoding cannot be told, is refused instead
of filling the database with noise.

The order: a byte-order mark; strict UTF-8; UTF-8 with a few bad bytes (replaced and reported,
never a reason to read the whole file another way); then charset-normalizer's detection, with
Windows-1252 preferred when it reads the bytes about as well as the detector's pick, because
detectors are weak on short Western text ("naïve" comes back as cp1250's "naďve").
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from charset_normalizer.models import CharsetMatch

__all__ = ["BINARY", "Decoded", "NotText", "check_encoding", "decode", "normalise"]

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
"""Byte-order marks, longest first: the UTF-32 LE mark begins with the UTF-16 LE one."""

_NAMES = {
    "utf_8": "UTF-8",
    "utf_16_le": "UTF-16LE",
    "utf_16_be": "UTF-16BE",
    "utf_32_le": "UTF-32LE",
    "utf_32_be": "UTF-32BE",
    "cp1252": "Windows-1252 (cp1252)",
    "latin_1": "Latin-1 (ISO-8859-1)",
    "iso8859_1": "Latin-1 (ISO-8859-1)",
    "cp1250": "Windows-1250 (cp1250)",
    "cp1251": "Windows-1251 (cp1251)",
    "cp1253": "Windows-1253 (cp1253)",
    "cp949": "Korean EUC-KR (cp949)",
    "euc_kr": "Korean EUC-KR",
    "cp932": "Japanese Shift-JIS (cp932)",
    "shift_jis": "Japanese Shift-JIS",
    "euc_jp": "Japanese EUC-JP",
    "gb18030": "Chinese GB18030",
    "big5": "Chinese Big5",
    "koi8_r": "KOI8-R",
}
"""Readable names of the encodings users meet most; any other is shown by its codec name."""

_LIKELY = frozenset(
    {
        *("utf_16_le", "utf_16_be", "utf_32_le", "utf_32_be", "cp1252", "latin_1", "cp1250"),
        *("cp1251", "cp1253", "cp1254", "cp1255", "cp1256", "cp1257", "cp1258", "koi8_r"),
        *("koi8_u", "iso8859_2", "iso8859_5", "iso8859_7", "iso8859_9", "iso8859_15"),
        *("mac_roman", "cp949", "euc_kr", "cp932", "shift_jis", "euc_jp", "iso2022_jp"),
        *("gb18030", "gbk", "gb2312", "big5", "big5hkscs", "cp874", "tis_620"),
    }
)
"""Encodings news archives come in: Windows code pages and their ISO counterparts, the Asian
multi-byte encodings, UTF-16 and UTF-32. The detector also tries EBCDIC, DOS and rare ISO
pages, which give the same text for many files and are almost never what a file is in."""
_WESTERN_MARGIN = 0.1
"""How much more "chaos" (charset-normalizer's measure of implausible text, 0 to 1) the
Windows-1252 reading may have than the detector's pick and still be preferred: its mess
detector counts guillemets in French text (« très déçu ») as about 0.05."""
_DETECT_SAMPLE = 65_536
"""Characters of a decoding measured when it is compared with the detector's pick."""

_CONTROLS = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")
"""Control characters that do not occur in text (tab, line and page breaks are allowed)."""
_TEXT_BYTES = bytes(b for b in range(256) if not _CONTROLS.match(chr(b)))
"""Every byte but those controls: deleting them from a sample leaves the controls to count."""
_C1 = re.compile(r"[\x80-\x9f]")
"""C1 control characters: what Latin-1 makes of the five bytes Windows-1252 leaves undefined."""
_ESCAPED = re.compile(r"[\udc80-\udcff]")
"""A byte that is not UTF-8, as the ``surrogateescape`` error handler keeps it."""
_SAMPLE = 8192
_MAX_CONTROL_SHARE = 0.05
"""A text where more than this share of the first characters are control characters is binary."""
_LINES_SHOWN = 5

BINARY = "binary file, not text; skip it or convert it to UTF-8 text"
UNKNOWN = (
    "cannot tell which encoding this text is in; convert it to UTF-8 "
    "or name the encoding with --encoding (e.g. --encoding cp1252)"
)


class NotText(Exception):
    """The bytes are not text; the message says what to do and is completed with the path."""


@dataclass(frozen=True, slots=True)
class Decoded:
    text: str
    encoding: str
    """A readable name of the encoding used."""
    guessed: bool
    """True when nothing in the file declared the encoding, so the user should check the result."""
    replaced: int = 0
    """How many bytes could not be decoded and were replaced with U+FFFD."""
    lines: tuple[int, ...] = ()
    """The lines (from 1) holding those bytes."""

    def problem(self) -> str | None:
        """One line about the replaced bytes, to follow the file's name; None when there were
        none."""
        if not self.replaced:
            return None
        shown = ", ".join(str(n) for n in self.lines[:_LINES_SHOWN])
        if len(self.lines) > _LINES_SHOWN:
            shown += f" and {len(self.lines) - _LINES_SHOWN} more"
        what = "1 byte" if self.replaced == 1 else f"{self.replaced:,} bytes"
        where = f"line{'s' if len(self.lines) > 1 else ''} {shown}"
        return (
            f"{what} not valid {self.encoding} on {where}, replaced with \ufffd; "
            "fix the file and import it again to keep those characters"
        )


def check_encoding(name: str) -> str:
    """The codec name for ``name`` ("latin1" -> "latin-1"); ``LookupError`` with one line
    naming it when Python has no text encoding of that name (such as "rot13" or a typo)."""
    try:
        info = codecs.lookup(name)
    except LookupError:
        info = None
    # Python marks codecs such as rot13 or base64 as not text encodings; bytes.decode refuses them.
    if info is None or not getattr(info, "_is_text_encoding", True):
        raise LookupError(
            f"unknown encoding {name!r}; use a name such as utf-8, cp1252, latin-1, "
            "shift_jis, euc-kr, gb18030, cp1251 or utf-16"
        )
    return info.name


def decode(data: bytes, encoding: str | None = None) -> Decoded:
    """Decode ``data``, in ``encoding`` when given (checked with ``check_encoding``), else by
    the order in the module's description.

    Raises ``NotText`` for binary data (NUL bytes outside UTF-16/32, or mostly control
    characters) and for bytes whose encoding cannot be told.
    """
    if encoding is not None:
        return _checked(_replacing(data, encoding, guessed=False))
    for bom, codec in _BOMS:
        if data.startswith(bom):
            try:
                return _checked(Decoded(data[len(bom) :].decode(codec), codec.upper(), False))
            except UnicodeDecodeError:
                break
    sample = data[:_SAMPLE]
    if b"\x00" in data or _mostly_controls(len(sample.translate(None, _TEXT_BYTES)), len(sample)):
        # UTF-16 or UTF-32 without a mark (NULs around ASCII, control bytes inside Asian
        # characters), or binary.
        return _checked(_detected(data, wide_only=True))
    try:
        return Decoded(data.decode("utf-8"), "UTF-8", False)
    except UnicodeDecodeError:
        pass
    mostly = _mostly_utf8(data)
    if mostly is not None:
        return mostly
    return _checked(_detected(data, wide_only=False))


def _mostly_utf8(data: bytes) -> Decoded | None:
    """UTF-8 with its bad bytes replaced, when its valid multi-byte sequences are at least as
    many as the bad bytes; else None.

    A legacy 8-bit or Asian text almost never holds a valid multi-byte UTF-8 sequence by chance,
    while a UTF-8 file with a stray byte (a record pasted from elsewhere, a cut download) holds
    many: reading such a file as cp1252 would garble every other line to save one.
    """
    text = data.decode("utf-8", "surrogateescape")
    bad = len(_ESCAPED.findall(text))
    valid = len(text) - len(text.encode("ascii", "ignore")) - bad
    if valid < max(bad, 1):
        return None
    return _replaced(text, _ESCAPED, "UTF-8", guessed=False)


def _replacing(data: bytes, codec: str, *, guessed: bool) -> Decoded:
    """``data`` in ``codec``, each byte it cannot decode replaced with U+FFFD and counted."""
    decoder = codecs.lookup(codec).decode
    view = memoryview(data)
    parts: list[str] = []
    start = 0
    while True:
        try:
            parts.append(decoder(view[start:], "strict")[0])
            break
        except UnicodeDecodeError as error:
            parts.append(decoder(view[start : start + error.start], "strict")[0])
            end = max(error.end, error.start + 1)
            parts.append("\udcff" * (end - error.start))  # marked, then counted below
            start += end
    return _replaced("".join(parts), _ESCAPED, _name(codec), guessed=guessed)


def _replaced(text: str, marks: re.Pattern[str], name: str, *, guessed: bool) -> Decoded:
    """``text`` with each marked byte replaced with U+FFFD, and the lines that held one."""
    lines: list[int] = []
    line, seen = 1, 0
    count = 0
    for found in marks.finditer(text):
        line += text.count("\n", seen, found.start())
        seen = found.start()
        count += 1
        if not lines or lines[-1] != line:
            lines.append(line)
    if not count:
        return Decoded(text, name, guessed)
    return Decoded(marks.sub("\ufffd", text), name, guessed, count, tuple(lines))


def _detected(data: bytes, *, wide_only: bool) -> Decoded:
    """``data`` in the encoding charset-normalizer finds likeliest, Windows-1252 or Latin-1 when
    they read it about as well; only UTF-16 or UTF-32 when ``wide_only`` (the bytes hold NULs).

    Raises ``NotText`` when there is no candidate below charset-normalizer's chaos threshold.
    """
    from charset_normalizer import from_bytes

    matches = [
        match
        for match in from_bytes(data)
        if not wide_only or match.encoding.startswith(("utf_16", "utf_32"))
    ]
    if not matches:
        raise NotText(BINARY if wide_only else UNKNOWN)
    best, codec = _likeliest(matches)
    if not wide_only and codec != "utf_8" and _western_is_as_good(data, best):
        codec = "cp1252" if _decodes(data, "cp1252") else "latin_1"
    return _replacing(data, codec, guessed=True)


def _likeliest(matches: list[CharsetMatch]) -> tuple[CharsetMatch, str]:
    """The first candidate, in the detector's order, that reads the bytes as an encoding news
    archives come in (``_LIKELY``), and that encoding; else the detector's first.

    Each candidate stands for all encodings that give the same text, named first by one the
    detector happened to try first, often a rare one (ISO-8859-10 for French, cp1006 for
    "naïve"); among equals, the common one is the better name and the better guess.
    """
    for match in matches:
        names = [match.encoding, *match.could_be_from_charset]
        likely = [name for name in names if name in _LIKELY]
        if likely:
            return match, likely[0]
    return matches[0], matches[0].encoding


def _western_is_as_good(data: bytes, best: CharsetMatch) -> bool:
    """Whether Windows-1252 (or Latin-1, for the five bytes cp1252 leaves undefined) reads
    ``data`` about as plausibly as the detector's pick, and fits a language at least as well.

    Short Western text is where detectors fail most (the difference between cp1252 and cp1250
    is a few letters), and cp1252 is what most 8-bit news text is in. The cost: a cp1250 text
    with few Czech or Polish letters may be read as cp1252; the warning says which was used.
    """
    if "cp1252" in best.could_be_from_charset:  # the same text either way
        return True
    from charset_normalizer.cd import coherence_ratio
    from charset_normalizer.md import mess_ratio

    codec = "cp1252" if _decodes(data, "cp1252") else "latin_1"
    # Latin-1 reads those five bytes as C1 controls, which the mess detector counts as chaos;
    # a Western file with one of them is still a Western file.
    text = _C1.sub("", data[:_DETECT_SAMPLE].decode(codec, "ignore"))
    if mess_ratio(text, maximum_threshold=1.0) > best.chaos + _WESTERN_MARGIN:
        return False
    languages = coherence_ratio(text)
    return (languages[0][1] if languages else 0.0) >= best.coherence


def _decodes(data: bytes, codec: str) -> bool:
    try:
        data.decode(codec)
    except UnicodeDecodeError:
        return False
    return True


def _name(codec: str) -> str:
    name = codecs.lookup(codec).name.replace("-", "_")
    return _NAMES.get(name, name)


def _checked(decoded: Decoded) -> Decoded:
    """Refuse text that holds NULs or is mostly control characters."""
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
