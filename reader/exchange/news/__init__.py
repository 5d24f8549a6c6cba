"""News as analysts download it: many articles per file, in the layout of the database it came from.

Read by content, whatever the file's extension or its letter case:

- a Word document (a zip with ``word/document.xml``): a Nexis Uni download when its paragraphs
  end articles with ``End of Document`` (``nexis_uni``), else one article;
- RTF (``{\\rtf``, whether named .rtf, .doc or .txt), converted to text with striprtf;
- text with ``N of M DOCUMENTS`` lines: a LexisNexis Academic / nexis.com download
  (``lexisnexis``);
- HTML with Factiva's field-code tables, XML with Factiva's article elements (``factiva``);
- any other .html page: its main text, extracted by trafilatura (``web``, an optional extra).

Every article becomes a ``Record`` (``common.to_record``); one that breaks its format's rules
becomes a ``Problem`` naming its number and line, and the articles around it are still read.
"""

from __future__ import annotations

import re
from typing import Literal

from reader.exchange.formats import Problem, Record
from reader.exchange.news import factiva, lexisnexis, nexis_uni, web

__all__ = [
    "SUFFIXES", "Binary", "binary_kind", "is_rtf", "read_binary", "read_text", "rtf_to_text",
]  # fmt: skip

SUFFIXES = (".docx", ".rtf", ".doc", ".html", ".htm", ".xml")
"""File types of news downloads, beside the plain text ones (a .txt may be one too)."""

Binary = Literal["docx", "word97"]

_RTF = re.compile(rb"^(?:\xef\xbb\xbf)?\s*\{\\rtf", re.ASCII)
_CODEPAGE = re.compile(r"\\ansicpg(\d{3,5})")
_ZIP = b"PK\x03\x04"
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

Items = list[Record | Problem]


def binary_kind(data: bytes) -> Binary | None:
    """``docx`` for a zip archive, ``word97`` for an old binary Word file; None for text."""
    if data.startswith(_ZIP):
        return "docx"
    if data.startswith(_OLE):
        return "word97"
    return None


def is_rtf(data: bytes) -> bool:
    return _RTF.match(data[:64]) is not None


def read_binary(shown: str, kind: Binary, data: bytes, max_size: int) -> Items:
    """The articles of a Word file, or one problem for the whole file."""
    if kind == "word97":
        return [
            Problem(
                shown,
                f"{shown}: a Word 97-2003 document, which nkreader does not read; "
                "save it as .docx or RTF (or download it from the database as RTF) and import that",
            )
        ]
    try:
        paragraphs, numbers = nexis_uni.lines(data, max_size)
    except nexis_uni.BadDocx as error:
        return [Problem(shown, f"{shown}: {error}")]
    if nexis_uni.looks_like(paragraphs):
        return _numbered(shown, list(nexis_uni.read(shown, paragraphs, numbers)), "End of Document")
    return [nexis_uni.read_plain(shown, paragraphs)]


def rtf_to_text(text: str) -> str:
    """The text of an RTF document (its code page read from ``\\ansicpg``)."""
    from striprtf.striprtf import rtf_to_text as convert

    found = _CODEPAGE.search(text[:4096])
    encoding = f"cp{found[1]}" if found else "cp1252"
    try:
        "".encode(encoding)
    except LookupError:
        encoding = "cp1252"
    return str(convert(text, encoding=encoding, errors="replace"))


def read_text(shown: str, suffix: str, text: str, *, first_line: int = 1) -> Items | None:
    """The articles of a decoded news download, or None for a file that is not one (a plain
    .txt or .md article, an RTF document that is not a download, a record file). The text's
    first line is line ``first_line`` of the file."""
    if suffix in (".jsonl", ".json", ".csv"):
        return None
    if lexisnexis.looks_like(text):
        return _numbered(shown, list(lexisnexis.read(shown, text, first_line)), "N of M DOCUMENTS")
    try:
        if suffix in (".html", ".htm") and factiva.looks_like_html(text):
            return _numbered(shown, list(factiva.read_html(shown, text, first_line)), "HD")
        if suffix == ".xml" or (suffix in (".html", ".htm") and text.lstrip().startswith("<?xml")):
            if factiva.looks_like_xml(text):
                return _numbered(shown, list(factiva.read_xml(shown, text, first_line)), "headline")
            if suffix == ".xml":
                return [
                    Problem(
                        shown,
                        f"{shown}: not a Factiva XML export (no headline with lead or tail "
                        "paragraphs); nkreader reads XML from Factiva only",
                    )
                ]
    except factiva.BadMarkup as error:
        return [Problem(shown, f"{shown}: {error}")]
    if suffix in (".html", ".htm"):
        return [web.read(shown, text)]
    return None


def _numbered(shown: str, items: Items, marker: str) -> Items:
    """The articles found, or one problem when the layout was recognised but none was."""
    if items:
        return items
    return [Problem(shown, f"{shown}: no articles found (no {marker!r} lines); nothing to import")]
