"""Reading published dates: every documented format, and nothing guessed from the rest."""

from __future__ import annotations

import datetime
import email.utils
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reader.text.dates import PublishedDate, parse_published

D = datetime.date

READ = [
    # ISO 8601, as feeds, APIs and scrapers write it
    ("2024-03-09", D(2024, 3, 9), None),
    ("2024-03-09T10:00:00Z", D(2024, 3, 9), "10:00+00:00"),
    ("2024-03-09T10:00Z", D(2024, 3, 9), "10:00+00:00"),
    ("2024-03-09T10:00:00", D(2024, 3, 9), "10:00"),
    ("2024-03-09T23:59:59.999999+01:00", D(2024, 3, 9), "23:59+01:00"),
    ("2024-03-09T10:00:00-0500", D(2024, 3, 9), "10:00-05:00"),
    ("2024-03-09T10:00:00+05:30", D(2024, 3, 9), "10:00+05:30"),
    ("2024-03-09 10:00:00", D(2024, 3, 9), "10:00"),
    ("2024-03-09 10:00 UTC", D(2024, 3, 9), "10:00+00:00"),
    ("2024/03/09", D(2024, 3, 9), None),
    ("  2024-03-09\n", D(2024, 3, 9), None),
    # numbers: month first unless configured
    ("07/03/2024", D(2024, 7, 3), None),
    ("7/3/2024", D(2024, 7, 3), None),
    ("12-25-2023", D(2023, 12, 25), None),
    ("07/03/24", D(2024, 7, 3), None),
    ("07/03/99", D(1999, 7, 3), None),
    ("09.03.2024", D(2024, 3, 9), None),
    ("9.3.2024", D(2024, 3, 9), None),
    # month names
    ("March 11, 2024", D(2024, 3, 11), None),
    ("March 11 2024", D(2024, 3, 11), None),
    ("march 11th, 2024", D(2024, 3, 11), None),
    ("11 March 2024", D(2024, 3, 11), None),
    ("11th March 2024", D(2024, 3, 11), None),
    ("Mar. 11, 2024", D(2024, 3, 11), None),
    ("Sept. 5, 2024", D(2024, 9, 5), None),
    ("Sep 5 2024", D(2024, 9, 5), None),
    ("5 Dec. 2019", D(2019, 12, 5), None),
    ("Monday, March 11, 2024", D(2024, 3, 11), None),
    ("Monday 11 March 2024", D(2024, 3, 11), None),
    ("Published March 11, 2024", D(2024, 3, 11), None),
    ("Updated: March 11, 2024 at 3:45 p.m. EDT", D(2024, 3, 11), "15:45-04:00"),
    ("MARCH 11, 2024", D(2024, 3, 11), None),
    ("2024 March 11", D(2024, 3, 11), None),
    # news database lines (LexisNexis, Factiva)
    ("July 1, 2019 Monday 9:20 AM GMT", D(2019, 7, 1), "09:20+00:00"),
    ("July 1, 2019 Monday", D(2019, 7, 1), None),
    ("December 31, 2018 Monday 11:59 PM EST", D(2018, 12, 31), "23:59-05:00"),
    ("January 5, 2017 Thursday 12:00 AM GMT", D(2017, 1, 5), "00:00+00:00"),
    ("January 5, 2017 Thursday 12:30 PM GMT+1", D(2017, 1, 5), "12:30+01:00"),
    ("5 January 2017 10:14 CST", D(2017, 1, 5), "10:14"),
    ("5 January 2017", D(2017, 1, 5), None),
    # RFC 2822 (RSS, e-mail)
    ("Sat, 09 Mar 2024 10:00:00 +0000", D(2024, 3, 9), "10:00+00:00"),
    ("Sat, 9 Mar 2024 10:00:00 GMT", D(2024, 3, 9), "10:00+00:00"),
    ("Tue, 10 Jun 2003 04:00:00 -0700", D(2003, 6, 10), "04:00-07:00"),
    ("Tue, 10 Jun 2003 04:00:00 -0000", D(2003, 6, 10), "04:00"),
    ("Wed, 02 Oct 2002 13:00:00 EST", D(2002, 10, 2), "13:00-05:00"),
    ("Wed, 02 Oct 2002 08:00:00 +0930", D(2002, 10, 2), "08:00+09:30"),
    # German and French
    ("11. März 2024", D(2024, 3, 11), None),
    ("11. Maerz 2024", D(2024, 3, 11), None),
    ("Montag, 11. März 2024, 14:30 Uhr", D(2024, 3, 11), "14:30"),
    ("am 3. Okt. 2023 um 09:15 Uhr", D(2023, 10, 3), "09:15"),
    ("15. Jänner 2024", D(2024, 1, 15), None),
    ("1 Dezember 2022", D(2022, 12, 1), None),
    ("1er mars 2024", D(2024, 3, 1), None),
    ("lundi 11 mars 2024 à 14:30", D(2024, 3, 11), "14:30"),
    ("le 5 févr. 2024", D(2024, 2, 5), None),
    ("25 décembre 2023", D(2023, 12, 25), None),
    ("14 juillet 2022", D(2022, 7, 14), None),
    ("3 août 2021 09:00 CEST", D(2021, 8, 3), "09:00+02:00"),
]


@pytest.mark.parametrize(("raw", "date", "time"), READ)
def test_documented_formats_are_read(raw: str, date: datetime.date, time: str | None) -> None:
    """Each documented way of writing a date gives the day and time the source meant."""
    assert parse_published(raw) == PublishedDate(date, time)


UNREADABLE = [
    "",
    "   ",
    "garbage",
    "unknown",
    "n/a",
    "March 2024",  # no day
    "2024",
    "13/13/2024",
    "02/30/2024",
    "2023-02-29",
    "March 32, 2024",
    "March 11",  # no year
    "11:00",  # a time alone
    "2024-03-09T25:00:00Z",
    "March 11, 2024 13:00 PM",  # 13 PM is no time
    "March 11, 2024 10:61",
    "11/03",
    "March 11, 2024 and more text",
    "Smarch 11, 2024",
    "1710000000",  # an epoch timestamp is not a documented format
    "07/03/2024/2025",
]


@pytest.mark.parametrize("raw", UNREADABLE)
def test_anything_else_is_unread(raw: str) -> None:
    """A string no documented format fits gives neither a date nor a time."""
    assert parse_published(raw) == PublishedDate(None, None)
    assert parse_published(raw, day_first=True) == PublishedDate(None, None)


def test_day_first_changes_only_numbers_with_slashes_or_dashes() -> None:
    """day_first reads 07/03/2024 as 7 March; dotted numbers and named months stay as they are."""
    assert parse_published("07/03/2024", day_first=True).date == D(2024, 3, 7)
    assert parse_published("07-03-2024", day_first=True).date == D(2024, 3, 7)
    assert parse_published("25/12/2023", day_first=True).date == D(2023, 12, 25)
    assert parse_published("09.03.2024", day_first=True).date == D(2024, 3, 9)
    assert parse_published("March 11, 2024", day_first=True).date == D(2024, 3, 11)
    assert parse_published("2024-03-09", day_first=True).date == D(2024, 3, 9)


def test_a_day_out_of_range_in_the_configured_order_is_never_swapped() -> None:
    """25/12/2023 read month first is no date: the wrong order shows up as a count, not a guess."""
    assert parse_published("25/12/2023").date is None
    assert parse_published("12/25/2023", day_first=True).date is None


DATES = st.dates(min_value=D(1900, 1, 1), max_value=D(2099, 12, 31))
TIMES = st.times()
OFFSETS = st.integers(min_value=-14 * 60, max_value=14 * 60)


def _offset(minutes: int) -> str:
    sign = "-" if minutes < 0 else "+"
    return f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


RENDERINGS = [
    lambda d: d.isoformat(),
    lambda d: f"{d.month:02d}/{d.day:02d}/{d.year}",
    lambda d: f"{d.month}/{d.day}/{d.year}",
    lambda d: f"{d.day:02d}.{d.month:02d}.{d.year}",
    lambda d: d.strftime("%B %d, %Y"),
    lambda d: d.strftime("%b. %d, %Y"),
    lambda d: d.strftime("%d %B %Y"),
    lambda d: d.strftime("%A, %B %d, %Y"),
    lambda d: f"{d.strftime('%B')} {d.day}, {d.year} {d.strftime('%A')}",
]


@settings(max_examples=200, deadline=None)
@given(DATES, st.sampled_from(RENDERINGS))
def test_any_date_written_any_documented_way_reads_back(date: datetime.date, render) -> None:  # type: ignore[no-untyped-def]
    """Every day of two centuries, in each rendering, reads back as itself (C locale names)."""
    assert parse_published(render(date)) == PublishedDate(date, None)


@settings(max_examples=200, deadline=None)
@given(DATES, TIMES, OFFSETS)
def test_iso_and_rfc2822_datetimes_keep_their_clock_and_offset(
    date: datetime.date, time: datetime.time, offset: int
) -> None:
    """ISO and RFC 2822 datetimes read back as the same day, HH:MM and UTC offset."""
    zone = datetime.timezone(datetime.timedelta(minutes=offset))
    moment = datetime.datetime.combine(date, time, tzinfo=zone)
    expected = PublishedDate(date, f"{time.hour:02d}:{time.minute:02d}{_offset(offset)}")
    assert parse_published(moment.isoformat()) == expected
    assert parse_published(email.utils.format_datetime(moment)) == expected


@settings(max_examples=200, deadline=None)
@given(DATES, st.integers(0, 23), st.integers(0, 59))
def test_twelve_hour_clocks_read_as_twenty_four(
    date: datetime.date, hour: int, minute: int
) -> None:
    """9:20 PM is 21:20 and 12:05 AM is 00:05, before or after the date."""
    twelve = f"{(hour % 12) or 12}:{minute:02d} {'PM' if hour >= 12 else 'AM'}"
    expected = PublishedDate(date, f"{hour:02d}:{minute:02d}")
    assert parse_published(f"{date.strftime('%B %d, %Y')} {twelve}") == expected
    assert parse_published(f"{twelve} {date.strftime('%d %b %Y')}") == expected


CLOCK = re.compile(r"\d\d:\d\d([+-]\d\d:\d\d)?")


@settings(max_examples=500, deadline=None)
@given(st.text(max_size=60), st.booleans())
def test_any_string_gives_a_date_or_nothing_and_never_raises(raw: str, day_first: bool) -> None:
    """Arbitrary text never raises; a time comes only with a date, always in the documented form."""
    result = parse_published(raw, day_first=day_first)
    if result.date is None:
        assert result.time is None
    if result.time is not None:
        assert CLOCK.fullmatch(result.time)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="0123456789/-.:, TZ+amp", max_size=30), st.booleans())
def test_digit_soup_never_raises(raw: str, day_first: bool) -> None:
    """Strings made of the characters dates are written with never raise and obey the same form."""
    result = parse_published(raw, day_first=day_first)
    assert result.time is None or CLOCK.fullmatch(result.time)
