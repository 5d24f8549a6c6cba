"""What every news download becomes: one ``Record`` per article, or a ``Problem`` naming it.

A news database delivers many articles per file, each with its title, outlet, a date line, a
byline, a section and a stated length in the file's own layout. The readers in this package find
those and hand them here as a ``NewsArticle``; ``to_record`` makes the ``Record`` the import
stores: the title, the outlet and the raw date line in the article's own columns (the export
reads the date and time from that line, ``reader.text.dates``), the body as its text with one
paragraph per line (blank lines between them), and the rest in its metadata as JSON.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from reader.exchange.formats import Problem, Record
from reader.text.decoding import normalise

__all__ = ["NewsArticle", "broken", "clean", "paragraphs_text", "stated_words", "to_record"]

_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200b\u202f\u205f\u3000]+")
_WORDS = re.compile(r"(\d[\d,.\u00a0 ]*)\s*(?:words?|wörter|wort|mots?)\b", re.IGNORECASE)


def clean(text: str | None) -> str:
    """One line: runs of spaces (no-break spaces too) made one space, the ends trimmed."""
    return _SPACES.sub(" ", " ".join((text or "").split("\n"))).strip()


def stated_words(length: str | None) -> int | None:
    """The number in a length line (``355 words``, ``2,968 words``, ``1.204 Wörter``)."""
    found = _WORDS.search(length or "")
    if not found:
        return None
    digits = re.sub(r"\D", "", found[1])
    return int(digits) if digits else None


def paragraphs_text(paragraphs: Iterable[str]) -> str:
    """The body as stored: each paragraph on its own line, a blank line between them."""
    kept = [clean(paragraph) for paragraph in paragraphs]
    return normalise("\n\n".join(paragraph for paragraph in kept if paragraph))


@dataclass
class NewsArticle:
    """One article of a news download, as its reader found it."""

    format: str
    """``nexis-uni``, ``lexisnexis``, ``factiva`` or ``web``."""
    position: int
    """Its number in the file, from 1."""
    line: int
    """Where it starts in the file: a line (a paragraph in a .docx, 1 for a web page)."""
    title: str | None = None
    outlet: str | None = None
    date_line: str | None = None
    """The date as the file writes it (``July 1, 2019 Monday 9:20 AM GMT``)."""
    byline: str | None = None
    section: str | None = None
    length: str | None = None
    """The length as the file states it (``355 words``)."""
    url: str | None = None
    paragraphs: list[str] = field(default_factory=list)
    extra: dict[str, str] = field(default_factory=dict)
    """Other fields the file gives (edition, language, copyright, accession number...)."""


def to_record(shown: str, article: NewsArticle) -> Record | Problem:
    """The article as the import stores it, or a problem when it has no body text."""
    text = paragraphs_text(article.paragraphs)
    if not text:
        return broken(shown, article, "no article text after its heading")
    word_count = stated_words(article.length)
    metadata: dict[str, object] = {
        "format": article.format,
        "position": article.position,
        "line": article.line,
        "byline": clean(article.byline) or None,
        "section": clean(article.section) or None,
        "length": clean(article.length) or None,
        "word_count": word_count if word_count is not None else len(text.split()),
        "paragraphs": text.count("\n\n") + 1,
    }
    metadata.update({key: clean(value) for key, value in article.extra.items() if clean(value)})
    return Record(
        source=f"{shown}#{article.position}",
        text=text,
        title=clean(article.title) or None,
        published=clean(article.date_line) or None,
        outlet=clean(article.outlet) or None,
        url=clean(article.url) or None,
        metadata=json.dumps(
            {key: value for key, value in metadata.items() if value is not None},
            ensure_ascii=False,
        ),
    )


def broken(shown: str, article: NewsArticle, reason: str) -> Problem:
    """An article that breaks its format's rules: named by number and line, the rest imported."""
    where = "paragraph" if article.format == "nexis-uni" else "line"
    title = f" ({clean(article.title)[:60]!r})" if clean(article.title) else ""
    return Problem(
        f"{shown}#{article.position}",
        f"{shown}: article {article.position}{title}, {where} {article.line}: {reason}; "
        "skipped (the file's other articles are imported)",
    )
