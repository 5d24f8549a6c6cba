"""Nexis Uni downloads (.docx), read with python-docx.

A download starts with a cover page (``Date and Time:``, ``Job Number:``, ``Documents (N)``, a
numbered list of the titles, ``Client/Matter:``, ``Search Terms:``, ``Search Type:``,
``Narrowed by:``), which is dropped. Then each article, one Word paragraph per line::

    Lorem ipsum dolor sit amet                    the title
    The Guardian(London)                          the outlet
    July 1, 2019 Monday 9:20 AM GMT               the date line
    Copyright 2019 The Guardian ...               optional
    Section: POLITICS; Version:28                 fields: a no-break space after the colon
    Length: 355 words
    Byline: Mattha Busby (or Author:)
    Body
    the paragraphs ...
    Classification                                optional, dropped with what follows
    Language: ENGLISH ... Load-Date: July 4, 2019
    End of Document                               after a line break inside the paragraph

Word files that are not Nexis Uni downloads are read as one article, a paragraph per line.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator

from reader.exchange.formats import Problem, Record
from reader.exchange.news.common import NewsArticle, broken, clean, paragraphs_text, to_record
from reader.text.dates import parse_published

__all__ = ["BadDocx", "lines", "looks_like", "read"]

_END = "End of Document"
_FIELD = re.compile(r"^([A-Za-zÄÖÜäöüéè][\w/ -]{1,30}?):[\s\u00a0]*(.*)$", re.DOTALL)
_HEAD = {
    "section": "section", "length": "length", "byline": "byline", "author": "byline",
    "dateline": "dateline", "highlight": "highlight", "edition": "edition", "rubrik": "section",
    "länge": "length", "autor": "byline", "rubrique": "section", "longueur": "length",
    "auteur": "byline",
}  # fmt: skip
_TAIL = {
    "load-date": "load_date", "language": "language", "publication-type": "publication_type",
    "journal code": "journal_code", "graphic": "graphic", "notes": "notes",
    "subject": "subject", "organization": "organization", "person": "person",
    "geographic": "geographic", "industry": "industry", "company": "company",
    "ticker": "ticker", "document-type": "document_type",
}  # fmt: skip
_COPYRIGHT = re.compile(r"^(?:copyright\b|©)", re.IGNORECASE)
_MAX_UNPACKED = 20
"""A .docx may unpack to at most this many times the import's size limit (a zip bomb)."""


class BadDocx(Exception):
    """A .docx that cannot be opened; the message says why in one line."""


def lines(data: bytes, max_size: int) -> tuple[list[str], list[int]]:
    """The document's paragraphs in order (tables left out), each line break a new line, and
    for each line the number of its paragraph (from 1)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
            if unpacked > max_size * _MAX_UNPACKED:
                raise BadDocx("unpacks to far more than its size (a zip bomb?); not read")
            if "word/document.xml" not in archive.namelist():
                raise BadDocx("a zip archive but not a Word document (no word/document.xml)")
    except zipfile.BadZipFile as error:
        raise BadDocx(f"not a readable Word document ({error})") from None
    import docx  # python-docx: lxml and its parts, loaded only for a .docx

    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as error:  # python-docx raises many kinds on a damaged package
        raise BadDocx(f"not a readable Word document ({type(error).__name__}: {error})") from None
    out: list[str] = []
    numbers: list[int] = []
    for number, paragraph in enumerate(document.paragraphs, start=1):
        parts = paragraph.text.split("\n")
        out.extend(parts)
        numbers.extend([number] * len(parts))
    return out, numbers


def looks_like(paragraphs: list[str]) -> bool:
    """Whether the paragraphs are a Nexis Uni download: articles ending ``End of Document``
    with a ``Body`` line."""
    return any(line.strip() == _END for line in paragraphs) and any(
        line.strip() == "Body" for line in paragraphs
    )


def read(shown: str, paragraphs: list[str], numbers: list[int]) -> Iterator[Record | Problem]:
    """Each article of a Nexis Uni download, or a problem naming one that breaks the layout
    (by its paragraph number, from ``numbers``)."""
    start = 0
    position = 0
    for index, line in enumerate(paragraphs):
        if line.strip() != _END:
            continue
        position += 1
        yield _article(shown, paragraphs, numbers, start, index, position)
        start = index + 1


def read_plain(shown: str, paragraphs: list[str]) -> Record | Problem:
    """A Word document that is not a download: one article, a paragraph per line."""
    text = paragraphs_text(paragraphs)
    if not text:
        return Problem(shown, f"{shown}: the document has no text, nothing to import")
    return Record(source=shown, text=text)


def _article(
    shown: str, paragraphs: list[str], numbers: list[int], start: int, end: int, position: int
) -> Record | Problem:
    body_at = next((i for i in range(start, end) if paragraphs[i].strip() == "Body"), None)
    article = NewsArticle("nexis-uni", position, numbers[start])
    if body_at is None:
        first = next((i for i in range(start, end) if paragraphs[i].strip()), start)
        article.line = numbers[first]
        if position > 1:  # (the first article's first line is the cover page's)
            article.title = paragraphs[first]
        return broken(shown, article, "no 'Body' line before 'End of Document'")
    # walking back from Body: fields, copyright, then the date line, the outlet, the title
    heading = [i for i in range(start, body_at) if paragraphs[i].strip()]
    fields: list[int] = []
    while heading and (
        _field(paragraphs[heading[-1]], _HEAD) is not None
        or _COPYRIGHT.match(paragraphs[heading[-1]].strip())
    ):
        fields.insert(0, heading.pop())
    for i in fields:
        line = paragraphs[i].strip()
        found = _field(line, _HEAD)
        if found is None:
            article.extra["copyright"] = line
        elif found[0] in ("byline", "section", "length"):
            setattr(article, found[0], found[1])
        else:
            article.extra[found[0]] = found[1]
    dated = next(
        (k for k in range(len(heading) - 1, -1, -1) if _is_date(paragraphs[heading[k]])), None
    )
    if dated is None or dated < 2:
        article.line = numbers[heading[0] if heading else body_at]
        what = "no date line" if dated is None else "no title and outlet before the date line"
        return broken(shown, article, f"{what} before 'Body'")
    article.line = numbers[heading[dated - 2]]
    article.title = paragraphs[heading[dated - 2]]
    article.outlet = paragraphs[heading[dated - 1]]
    article.date_line = paragraphs[heading[dated]]
    for i in heading[dated + 1 :]:  # anything between the date and the fields
        article.extra.setdefault("edition", clean(paragraphs[i]))
    body: list[str] = []
    classified = False
    for i in range(body_at + 1, end):
        line = paragraphs[i].strip()
        if line == "Classification":
            classified = True  # indexing terms follow: kept as fields, never as text
            continue
        found = _field(paragraphs[i], _TAIL, marked=True)
        if found is not None:
            article.extra.setdefault(found[0], found[1])
        elif not classified:
            body.append(line)
    article.paragraphs = body
    return to_record(shown, article)


def _field(line: str, names: dict[str, str], *, marked: bool = False) -> tuple[str, str] | None:
    """``(key, value)`` of a ``Name: value`` line whose name is one of ``names``; with
    ``marked``, only when a no-break space follows the colon, as Nexis Uni writes its fields
    (a body paragraph may well start "Language: ...")."""
    found = _FIELD.match(line.strip())
    if found is None or (marked and ":\u00a0" not in line):
        return None
    key = found[1].strip().lower()
    return (names[key], found[2].strip()) if key in names else None


def _is_date(line: str) -> bool:
    line = line.strip()
    return len(line) < 80 and parse_published(line).date is not None
