"""LexisNexis Academic and nexis.com downloads: text (.txt) and RTF (.rtf, or a .doc that is RTF).

The layout, article by article::

                               3 of 10 DOCUMENTS        also "Dokument 3 von 10", "Document 3 de 10"

                               The Sun (England)        the outlet
                            January 11, 2010 Monday     the date line
                                   Edition 1;           the edition, in the date's paragraph
                                    Scotland

    Lorem ipsum dolor sit amet                          the title (one or more lines)

    BYLINE: TREVOR Kavanagh                             header fields (German, French names too)
    SECTION: FEATURES; Pg. 6
    LENGTH: 677 words

    Body paragraphs, hard-wrapped at about 80 columns,
    a blank line between paragraphs.

    LOAD-DATE: January 11, 2010                         trailing fields end the body
    LANGUAGE: ENGLISH
                       Copyright 2010 NEWS GROUP NEWSPAPERS LTD

Whatever precedes the first article (the download's cover) is dropped. Wrapped lines are joined
back into their paragraph; RTF, whose paragraphs are not wrapped, keeps each line a paragraph.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from reader.exchange.formats import Problem, Record
from reader.exchange.news.common import NewsArticle, broken, to_record
from reader.text.dates import parse_published

__all__ = ["ARTICLE_START", "looks_like", "read"]

ARTICLE_START = re.compile(
    r"\s*(?:(\d+) of (\d+) DOCUMENTS?|Dokument (\d+) von (\d+)|Document (\d+) de (\d+))\s*"
)
"""The line that starts each article (matched whole), with the letter case the databases use."""

_FIELD = re.compile(r"^([A-ZÄÖÜÉÈ][A-ZÄÖÜÉÈ-]+(?: [A-ZÄÖÜÉÈ-]+)?):\s*(.*)$")

_HEAD = {
    "BYLINE": "byline", "AUTOR": "byline", "AUTEUR": "byline", "VON": "byline",
    "SECTION": "section", "RUBRIK": "section", "RUBRIQUE": "section",
    "LENGTH": "length", "LÄNGE": "length", "LONGUEUR": "length",
    "DATELINE": "dateline", "HIGHLIGHT": "highlight", "EDITION": "edition",
    "AUSGABE": "edition", "SOURCE": "source", "QUELLE": "source",
}  # fmt: skip
"""Fields between the title and the body, and the key each is kept under."""

_TAIL = {
    "LOAD-DATE": "load_date", "UPDATE": "load_date", "LANGUAGE": "language",
    "SPRACHE": "language", "LANGUE": "language", "PUBLICATION-TYPE": "publication_type",
    "PUBLIKATIONSTYP": "publication_type", "JOURNAL-CODE": "journal_code", "GRAPHIC": "graphic",
    "GRAFIK": "graphic", "CORRECTION-DATE": "correction_date", "NOTES": "notes",
    "URL": "url", "DOCUMENT-TYPE": "document_type", "DOKUMENTTYP": "document_type",
    "TYPE-DE-DOCUMENT": "document_type", "SUBJECT": "subject", "ORGANIZATION": "organization",
    "PERSON": "person", "GEOGRAPHIC": "geographic", "COUNTRY": "country", "CITY": "city",
    "STATE": "state", "INDUSTRY": "industry", "COMPANY": "company", "TICKER": "ticker",
    "DISTRIBUTION": "distribution", "ACC-NO": "accession", "PUB-TYPE": "publication_type",
}  # fmt: skip
"""Fields after the body: the first one ends it."""

_COPYRIGHT = re.compile(r"^\s*(?:copyright\b|©|\(c\)\s*\d{4})", re.IGNORECASE)
_WRAPPED = 100
"""A body with a line longer than this is not hard-wrapped: each line is a paragraph."""


_HINTS = ("DOCUMENT", "Dokument ", "Document ")
"""What every start line holds, found by a plain substring search before a line is matched:
matching the expression across a whole article costs a sixth of splitting it."""


def looks_like(text: str) -> bool:
    """Whether a text is a LexisNexis download: it has the line that starts an article."""
    for hint in _HINTS:
        at = text.find(hint)
        checked = 0
        while at != -1 and checked < 100:
            start = text.rfind("\n", 0, at) + 1
            end = text.find("\n", at)
            if ARTICLE_START.fullmatch(text, start, len(text) if end == -1 else end):
                return True
            at = text.find(hint, at + len(hint))
            checked += 1
    return False


def read(shown: str, text: str, first_line: int = 1) -> Iterator[Record | Problem]:
    """Each article of a download, or a problem naming one that breaks the layout (by the
    line it starts on: the text's first line is the file's ``first_line``)."""
    lines = text.split("\n")
    starts = [
        number
        for number, line in enumerate(lines)
        if len(line) < 200 and ARTICLE_START.fullmatch(line)
    ]
    for position, first in enumerate(starts, start=1):
        end = starts[position] if position < len(starts) else len(lines)
        article = NewsArticle("lexisnexis", position, first + first_line)
        problem = _fill(article, lines, first + 1, end)
        if problem is not None:
            yield broken(shown, article, problem)
        else:
            yield to_record(shown, article)


def _paragraphs(lines: list[str], start: int, end: int) -> list[tuple[int, list[str]]]:
    """Blank-line separated blocks of lines: (the first line's index, its lines unstripped)."""
    blocks: list[tuple[int, list[str]]] = []
    current: list[str] = []
    for index in range(start, end):
        line = lines[index]
        if line.strip():
            if not current:
                blocks.append((index, current))
            current.append(line)
        else:
            current = []
    return blocks


def _field(line: str, names: dict[str, str]) -> tuple[str, str] | None:
    found = _FIELD.match(line.strip())
    if found and found[1].upper() in names:
        return names[found[1].upper()], found[2]
    return None


def _fill(article: NewsArticle, lines: list[str], start: int, end: int) -> str | None:
    """Read one article's lines into ``article``; the broken rule's description, if any."""
    blocks = _paragraphs(lines, start, end)
    # the heading: the blocks before the first header field
    heading: list[tuple[int, list[str]]] = []
    rest = 0
    while rest < len(blocks) and _field(blocks[rest][1][0], _HEAD) is None:
        heading.append(blocks[rest])
        rest += 1
        if rest == len(blocks) or len(heading) > 12:
            return "no BYLINE, SECTION or LENGTH line after the heading"
    heading = [block for block in heading if not _COPYRIGHT.match(block[1][0])]
    dated = next(
        (
            (i, j)
            for i, (_, block) in enumerate(heading)
            for j, line in enumerate(block)
            if parse_published(line).date is not None
        ),
        None,
    )
    if dated is None:
        if len(heading) > 1:  # the outlet, then (probably) the title
            article.title = " ".join(line.strip() for line in heading[-1][1])
        return "no date line after the outlet"
    i, j = dated
    outlet = [line for _, block in heading[:i] for line in block] + heading[i][1][:j]
    article.outlet = " ".join(line.strip() for line in outlet) or None
    article.date_line = heading[i][1][j].strip()
    edition = " ".join(line.strip() for line in heading[i][1][j + 1 :])
    if edition:
        article.extra["edition"] = edition
    title = [line.strip() for _, block in heading[i + 1 :] for line in block]
    article.title = " ".join(title) or None
    # header fields, each a block of its own (a long byline may wrap onto a second line)
    while rest < len(blocks):
        found = _field(blocks[rest][1][0], _HEAD)
        if found is None:
            break
        key, value = found
        value = " ".join([value, *(line.strip() for line in blocks[rest][1][1:])])
        if key in ("byline", "section", "length"):
            setattr(article, key, value)
        else:
            article.extra[key] = value
        rest += 1
    body: list[list[str]] = []
    for _, block in blocks[rest:]:
        found = _field(block[0], _TAIL)
        if found is not None:
            break
        if _COPYRIGHT.match(block[0]) and block is blocks[-1][1]:
            article.extra["copyright"] = " ".join(line.strip() for line in block)
            break
        body.append(block)
    for _, block in blocks[rest + len(body) :]:
        found = _field(block[0], _TAIL)
        if found is not None and found[0] not in article.extra:
            article.extra[found[0]] = " ".join([found[1], *(x.strip() for x in block[1:])])
        elif _COPYRIGHT.match(block[0]):
            article.extra["copyright"] = " ".join(line.strip() for line in block)
    wrapped = all(len(line) <= _WRAPPED for block in body for line in block)
    if wrapped:
        article.paragraphs = [" ".join(line.strip() for line in block) for block in body]
    else:
        article.paragraphs = [line for block in body for line in block]
    return None
