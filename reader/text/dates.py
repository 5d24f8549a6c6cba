"""Reading an article's raw ``published`` string as a calendar date and a time of day.

Articles arrive with dates written every way news sources write them ("07/03/2024",
"March 11, 2024", "2024-03-09T10:00:00Z", a news database's "July 1, 2019 Monday 9:20 AM GMT").
The database keeps the string exactly as imported; the export adds the date as ``YYYY-MM-DD``
and the time as ``HH:MM`` so a study can sort, filter and bin by them. A string this module
cannot read with certainty gives no date at all: a blank cell, counted in a warning, is better
than a wrong day.

Formats read (case, accents and extra spaces do not matter; a weekday, and the words
"published", "updated", "on", "at", "le", "am", "den", "um", "uhr", "à" around the date are
skipped; commas are ignored):

- ISO 8601: ``2024-03-09``, ``2024-03-09T10:00``, ``2024-03-09T10:00:00Z``,
  ``2024-03-09 10:00:00.123+01:00``, ``2024-03-09T10:00:00+0100``; also ``2024/03/09``.
- Numbers with ``/`` or ``-``: ``07/03/2024``, ``7-3-2024``, read month first (US order) unless
  ``day_first`` is set; a day or month out of range in that order is unreadable, never swapped.
  Numbers with dots are always day first, as in German and French: ``09.03.2024``.
  A two-digit year is read as C's ``strptime`` reads ``%y``: 69-99 are 1969-1999, 00-68 are
  2000-2068.
- Month names, in English, German or French, in full or abbreviated, with or without a dot:
  ``March 11, 2024``, ``Mar. 11, 2024``, ``11 March 2024``, ``11th March 2024``,
  ``11. März 2024``, ``1er mars 2024``, ``Sept. 5 2024``.
- RFC 2822 (e-mail and RSS): ``Sat, 09 Mar 2024 10:00:00 +0000``.
- A time before or after the date: ``10:00``, ``10:00:00``, ``9:20 AM``, ``9:20 p.m.``, followed by
  an offset (``+0100``, ``+01:00``, ``-05``), ``Z``, ``UTC``/``GMT``/``UT`` (optionally with an
  offset: ``GMT+1``, ``UTC-05:30``) or a zone name that means one offset worldwide: ``EST``,
  ``EDT``, ``PST``, ``PDT``, ``MST``, ``MDT``, ``CET``, ``CEST``, ``MEZ``, ``MESZ``, ``EET``,
  ``EEST``, ``JST``, ``KST``. Other zone names (``CST`` is China's or US Central's, ``IST`` India's
  or Ireland's) keep the time without an offset.

The time is written ``HH:MM`` (seconds dropped), followed by its UTC offset as ``+HH:MM`` or
``-HH:MM`` only when the source gives one (``Z``, ``UTC`` and ``GMT`` are ``+00:00``; RFC 2822's
``-0000``, "no zone known", gives none): ``10:00+00:00``, ``09:20-05:00``, ``14:30``. Date and
time are as the source wrote them, never converted to another zone. Without a readable date the
time is dropped too.
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from dataclasses import dataclass

__all__ = ["PublishedDate", "parse_published"]


@dataclass(frozen=True)
class PublishedDate:
    """A published date read from its raw string; both ``None`` when it could not be read."""

    date: datetime.date | None
    """The calendar day as written, or ``None``."""
    time: str | None
    """``HH:MM``, then ``+HH:MM`` or ``-HH:MM`` when the source gives its offset; or ``None``."""


UNREAD = PublishedDate(None, None)

_MONTHS: dict[str, int] = {}
for _number, _names in enumerate(
    (
        "january jan janvier janv januar jänner jaenner",
        "february feb février fevrier févr fevr février februar",
        "march mar mars märz maerz marz mrz mär",
        "april apr avril avr",
        "may mai",
        "june jun juin juni",
        "july jul juillet juil juli",
        "august aug août aout",
        "september sep sept septembre",
        "october oct octobre oktober okt",
        "november nov novembre",
        "december dec décembre decembre dezember dez déc",
    ),
    start=1,
):
    for _name in _names.split():
        _MONTHS[_name] = _number

_SKIPPED = frozenset(
    word
    for words in (
        "monday tuesday wednesday thursday friday saturday sunday",
        "mon tue tues wed thu thur thurs fri sat sun",
        "montag dienstag mittwoch donnerstag freitag samstag sonnabend sonntag",
        "mo di mi do fr sa so",
        "lundi mardi mercredi jeudi vendredi samedi dimanche",
        "lun mer jeu ven sam dim",
        "published updated on at le am den um uhr à the of",
    )
    for word in words.split()
)
"""Words a date may be written with that say nothing about which day it is."""

_ZONES = {
    "z": 0, "ut": 0, "utc": 0, "gmt": 0,
    "est": -300, "edt": -240, "mst": -420, "mdt": -360, "pst": -480, "pdt": -420,
    "cet": 60, "cest": 120, "mez": 60, "mesz": 120, "eet": 120, "eest": 180,
    "jst": 540, "kst": 540,
}  # fmt: skip
"""Zone names with one meaning worldwide, as minutes east of UTC (CST, IST and BST have several)."""

_ISO = re.compile(
    r"(\d{4})[-/](\d{1,2})[-/](\d{1,2})"
    r"(?:[t ](\d{2}):(\d{2})(?::(\d{2})(?:[.,]\d+)?)?\s*(z|[+-]\d{2}(?::?\d{2})?)?)?"
)
_NUMERIC = re.compile(r"(\d{1,2})([/.-])(\d{1,2})\2(\d{4}|\d{2})")
_ISO_DAY = re.compile(r"(\d{4})([/.-])(\d{1,2})\2(\d{1,2})")
_TIME = re.compile(
    r"(?<![\d:.])(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,]\d+)?)?"
    r"(?:\s*([ap])\.?\s?m\b\.?)?"
    r"(?:\s*(?:"
    r"\(?(z|ut|utc|gmt)\)?(?:\s*([+-])(\d{1,2})(?::?(\d{2}))?)?"
    r"|([+-])(\d{2}):?(\d{2})"
    r"|\(?([a-z]{2,4}t)\)?"
    r"))?"
    r"(?![\w:])"
)
_DAY = re.compile(r"(\d{1,2})(?:st|nd|rd|th|er|\.)?")
_SEPARATOR = re.compile(r"[\s,;]+")


def parse_published(raw: str, *, day_first: bool = False) -> PublishedDate:
    """Read ``raw`` by the formats in this module's docstring; ``UNREAD`` when none fits.

    ``day_first`` decides how ``07/03/2024`` is read (7 March rather than July 3); dotted
    numbers are always day first and every other format says which number is which.
    """
    text = " ".join(unicodedata.normalize("NFKC", raw).casefold().split())
    if not text:
        return UNREAD
    iso = _ISO.fullmatch(text)
    if iso:
        return _from_iso(iso)
    time: str | None = None
    found = _TIME.search(text)
    if found:
        time = _time(found)
        if time is None:
            return UNREAD
        text = text[: found.start()] + " " + text[found.end() :]
    date = _numeric_date(text, day_first) or _named_date(text)
    if date is None:
        return UNREAD
    return PublishedDate(date, time)


def _from_iso(match: re.Match[str]) -> PublishedDate:
    year, month, day, hour, minute, second, zone = match.groups()
    date = _date(int(year), int(month), int(day))
    if date is None:
        return UNREAD
    if hour is None:
        return PublishedDate(date, None)
    offset: int | None = None
    if zone == "z":
        offset = 0
    elif zone:
        digits = zone[1:].replace(":", "")
        offset = _offset(zone[0], digits[:2], digits[2:] or "0")
    clock = _clock(int(hour), int(minute), int(second or 0), offset)
    return PublishedDate(date, clock) if clock else UNREAD


def _time(match: re.Match[str]) -> str | None:
    """The ``HH:MM[±HH:MM]`` a time match gives, or ``None`` if it is no real time."""
    hour, minute, second = int(match[1]), int(match[2]), int(match[3] or 0)
    meridiem = match[4]
    if meridiem:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if meridiem == "p" else 0)
    offset: int | None = None
    if match[5]:
        offset = 0
        if match[6]:
            offset = _offset(match[6], match[7], match[8] or "0")
    elif match[9]:
        offset = _offset(match[9], match[10], match[11])
        if match[9] == "-" and offset == 0:
            offset = None  # RFC 2822's -0000: the zone is not known
    elif match[12]:
        offset = _ZONES.get(match[12])
    return _clock(hour, minute, second, offset)


def _offset(sign: str, hours: str, minutes: str) -> int:
    total = int(hours) * 60 + int(minutes)
    return -total if sign == "-" else total


def _clock(hour: int, minute: int, second: int, offset: int | None) -> str | None:
    if hour > 23 or minute > 59 or second > 60:
        return None
    clock = f"{hour:02d}:{minute:02d}"
    if offset is None:
        return clock
    if abs(offset) >= 24 * 60:
        return None
    sign = "-" if offset < 0 else "+"
    return f"{clock}{sign}{abs(offset) // 60:02d}:{abs(offset) % 60:02d}"


def _numeric_date(text: str, day_first: bool) -> datetime.date | None:
    words = _words(text)
    if len(words) != 1:
        return None
    iso = _ISO_DAY.fullmatch(words[0])
    if iso:
        return _date(int(iso[1]), int(iso[3]), int(iso[4]))
    match = _NUMERIC.fullmatch(words[0])
    if not match:
        return None
    first, separator, second, year = match.groups()
    if day_first or separator == ".":
        day, month = int(first), int(second)
    else:
        month, day = int(first), int(second)
    return _date(_year(year), month, day)


def _named_date(text: str) -> datetime.date | None:
    """A date with the month's name: day, month and year in one of the orders news uses."""
    words = _words(text)
    kinds: list[tuple[str, int]] = []
    for word in words:
        bare = word.rstrip(".")
        day = _DAY.fullmatch(word)
        if bare in _MONTHS:
            kinds.append(("month", _MONTHS[bare]))
        elif re.fullmatch(r"\d{4}", bare):
            kinds.append(("year", int(bare)))
        elif day:
            kinds.append(("day", int(day[1])))
        else:
            return None
    order = tuple(kind for kind, _ in kinds)
    if order not in {
        ("month", "day", "year"),
        ("day", "month", "year"),
        ("year", "month", "day"),
    }:
        return None
    values = {kind: value for kind, value in kinds}
    return _date(values["year"], values["month"], values["day"])


def _words(text: str) -> list[str]:
    return [word for word in _SEPARATOR.split(text) if word and word.rstrip(".:") not in _SKIPPED]


def _year(digits: str) -> int:
    year = int(digits)
    if len(digits) == 2:
        year += 1900 if year >= 69 else 2000
    return year


def _date(year: int, month: int, day: int) -> datetime.date | None:
    try:
        return datetime.date(year, month, day)
    except ValueError:
        return None
