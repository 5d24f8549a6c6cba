"""Saved web pages (.html): the article's text and metadata, found by trafilatura.

trafilatura is an optional dependency (``pip install 'nkreader[web]'``, which also brings the
``lxml_html_clean`` it needs beside current lxml). Nothing is fetched: a page is read as it was
saved, and a list of URLs is never downloaded.
"""

from __future__ import annotations

from reader.exchange.formats import Problem, Record
from reader.exchange.news.common import NewsArticle, to_record

__all__ = ["MISSING", "read"]

MISSING = (
    "a saved web page, which needs the web extra to be read: "
    "pip install 'nkreader[web]' (trafilatura), then import it again"
)


def read(shown: str, text: str) -> Record | Problem:
    """The page's main text, title, site name, author, date and URL."""
    try:
        import trafilatura
    except ImportError:
        return Problem(shown, f"{shown}: {MISSING}")
    try:
        document = trafilatura.bare_extraction(
            text, with_metadata=True, include_comments=False, include_tables=False
        )
    except Exception as error:  # trafilatura and lxml raise many kinds on broken markup
        return Problem(shown, f"{shown}: the page could not be read ({type(error).__name__})")
    body = getattr(document, "text", None) if document is not None else None
    if not body or not body.strip():
        return Problem(shown, f"{shown}: no article text found in the page; nothing to import")
    title = getattr(document, "title", None)
    paragraphs = body.split("\n")
    if title and paragraphs and paragraphs[0].strip() == title.strip():
        paragraphs = paragraphs[1:]
    article = NewsArticle(
        "web",
        1,
        1,
        title=title,
        outlet=getattr(document, "sitename", None) or getattr(document, "hostname", None),
        date_line=getattr(document, "date", None),
        byline=getattr(document, "author", None),
        url=getattr(document, "url", None),
        paragraphs=paragraphs,
    )
    categories = getattr(document, "categories", None)
    if categories:
        article.section = "; ".join(categories)
    record = to_record(shown, article)
    if isinstance(record, Record):  # one article per page: the page is its source
        return Record(
            shown, record.text, record.title, record.published, record.outlet, record.url,
            record.metadata,
        )  # fmt: skip
    return Problem(shown, f"{shown}: no article text found in the page; nothing to import")
