"""Factiva exports: the HTML page of "Full Article/Report plus Indexing", and the XML export.

In the HTML export each article is a table of field codes, one row each: ``HD`` headline, ``BY``
byline, ``WC`` word count, ``PD`` publication date (``ET`` its time), ``SN`` source name (the
outlet), ``SE`` section, ``LP`` lead paragraphs and ``TD`` the rest of the text (a ``<p>`` per
paragraph), ``CY`` copyright, ``LA`` language, ``AN`` accession number, and indexing codes,
which are kept in the metadata too.

In the XML export each article is an element with ``headline``, ``byline``, ``sourceName``,
``publicationDate`` (and ``publicationTime``), ``sectionName``, ``wordCount``, ``leadParagraph``
and ``tailParagraphs`` (``paragraph`` elements), ``copyright`` and ``accessionNo`` children;
names are matched without their namespace and letter case.

Both are parsed with lxml without fetching anything (no DTD, no external entities).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from reader.exchange.formats import Problem, Record
from reader.exchange.news.common import NewsArticle, broken, clean, to_record

__all__ = ["BadMarkup", "looks_like_html", "looks_like_xml", "read_html", "read_xml"]

_HTML_CODE = re.compile(r"<td[^>]*>\s*(?:<b>\s*)?HD\s*(?:</b>)?(?:\s|&nbsp;|\u00a0)*</td>", re.I)
_XML_ARTICLE = re.compile(r"<(?:\w+:)?headline\b", re.I)
_XML_BODY = re.compile(r"<(?:\w+:)?(?:leadParagraph|tailParagraphs)\b", re.I)
_CODE = re.compile(r"^[A-Z]{2,3}$")
_HTML_FIELDS = {"BY": "byline", "SE": "section", "WC": "length", "SN": "outlet"}
_HTML_EXTRA = {
    "CY": "copyright", "LA": "language", "AN": "accession", "SC": "source_code",
    "ED": "edition", "PG": "page", "CR": "credit", "RF": "reference", "CO": "companies",
    "IN": "industries", "NS": "subjects", "RE": "regions", "IPD": "descriptors",
    "PUB": "publisher", "CT": "contact", "ART": "art", "CLM": "column",
}  # fmt: skip


class BadMarkup(Exception):
    """A file that cannot be parsed as HTML or XML; the message is one line."""


def looks_like_html(text: str) -> bool:
    """Whether an HTML text is a Factiva export: a table cell holding the code ``HD``."""
    return _HTML_CODE.search(text) is not None


def looks_like_xml(text: str) -> bool:
    """Whether an XML text is a Factiva export: headlines and lead or tail paragraphs."""
    return _XML_ARTICLE.search(text) is not None and _XML_BODY.search(text) is not None


def read_html(shown: str, text: str, first_line: int = 1) -> Iterator[Record | Problem]:
    """Each article (table of field codes) of a Factiva HTML export."""
    import lxml.html

    try:
        parser = lxml.html.HTMLParser(no_network=True, remove_comments=True)
        root = lxml.html.document_fromstring(text.encode("utf-8"), parser=parser)
    except Exception as error:  # lxml raises ParserError, ValueError and others
        raise BadMarkup(f"not readable as HTML ({error})") from None
    position = 0
    for table in root.iter("table"):
        rows = []
        for row in table.findall("tr") + table.findall("tbody/tr"):
            cells = row.findall("td")
            if len(cells) >= 2:
                code = clean(cells[0].text_content())
                if _CODE.match(code):
                    rows.append((code, cells[1], (row.sourceline or 1) + first_line - 1))
        if not any(code == "HD" for code, _, _ in rows) and not any(
            code in ("LP", "TD") for code, _, _ in rows
        ):
            continue
        position += 1
        article = NewsArticle("factiva", position, rows[0][2])
        fields: dict[str, Any] = {}
        for code, cell, _ in rows:
            if code in ("LP", "TD"):
                article.paragraphs.extend(_html_paragraphs(cell))
            else:
                fields.setdefault(code, clean(cell.text_content()))
        yield _finish(shown, article, fields, _HTML_FIELDS, _HTML_EXTRA)


def _html_paragraphs(cell: Any) -> list[str]:
    paragraphs = cell.findall(".//p")
    if paragraphs:
        return [p.text_content() for p in paragraphs]
    return str(cell.text_content()).split("\n")


def read_xml(shown: str, text: str, first_line: int = 1) -> Iterator[Record | Problem]:
    """Each article of a Factiva XML export: every element with a ``headline`` child."""
    from lxml import etree

    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False
    )
    try:
        root = etree.fromstring(text.encode("utf-8"), parser=parser)
    except etree.XMLSyntaxError as error:
        raise BadMarkup(f"not well-formed XML ({error})") from None
    position = 0
    for element in root.iter():
        children = {_name(child): child for child in element if isinstance(child.tag, str)}
        if "headline" not in children and not (
            "leadparagraph" in children or "tailparagraphs" in children
        ):
            continue
        position += 1
        article = NewsArticle("factiva", position, (element.sourceline or 1) + first_line - 1)
        fields: dict[str, Any] = {}
        for name, child in children.items():
            if name in ("leadparagraph", "tailparagraphs"):
                article.paragraphs.extend(_xml_paragraphs(child))
            else:
                fields[name] = _xml_text(child)
        fields = {
            "HD": fields.get("headline"),
            "BY": fields.get("byline") or fields.get("author"),
            "SN": fields.get("sourcename") or fields.get("source"),
            "SE": fields.get("sectionname") or fields.get("section"),
            "WC": fields.get("wordcount"),
            "PD": fields.get("publicationdate") or fields.get("publicationdatetime"),
            "ET": fields.get("publicationtime"),
            "CY": fields.get("copyright"),
            "LA": fields.get("language") or fields.get("languagecode"),
            "AN": fields.get("accessionno") or fields.get("an"),
        }
        yield _finish(shown, article, fields, _HTML_FIELDS, _HTML_EXTRA)


def _name(element: Any) -> str:
    return str(element.tag).rpartition("}")[2].lower()


def _xml_text(element: Any) -> str:
    """An element's text; a date element may hold it in a ``value`` attribute instead."""
    found = clean(" ".join(element.itertext()))
    if not found:
        for node in element.iter():
            value = node.get("value") if isinstance(node.tag, str) else None
            if value:
                return clean(value)
    return found


def _xml_paragraphs(element: Any) -> list[str]:
    paragraphs = [child for child in element.iter() if _name(child) in ("paragraph", "p")]
    if paragraphs:
        return [" ".join(p.itertext()) for p in paragraphs]
    return " ".join(element.itertext()).split("\n")


def _finish(
    shown: str,
    article: NewsArticle,
    fields: dict[str, Any],
    names: dict[str, str],
    extra: dict[str, str],
) -> Record | Problem:
    article.title = fields.get("HD") or None
    for code, attribute in names.items():
        if fields.get(code):
            setattr(article, attribute, fields[code])
    date = fields.get("PD")
    if date and fields.get("ET"):
        date = f"{date} {fields['ET']}"
    article.date_line = date or None
    for code, key in extra.items():
        if fields.get(code):
            article.extra[key] = fields[code]
    if not article.title:
        return broken(shown, article, "no headline (HD)")
    if not article.date_line:
        return broken(shown, article, "no publication date (PD)")
    if not article.paragraphs or not any(clean(p) for p in article.paragraphs):
        return broken(shown, article, "no text (LP, TD)")
    if article.length and article.length.isdigit():
        article.length = f"{article.length} words"
    return to_record(shown, article)
