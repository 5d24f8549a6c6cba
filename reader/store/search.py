"""Searching articles by the words in their title and text, and keeping the search index current.

Articles are indexed (FTS5, ``articles_fts``) after they are imported, not while: the index costs
as much to build as the sentence split, and an import should store what coding needs and no
more. ``search_index.indexed_through`` marks how far the index goes. The reader brings it up to
date in the background (``SearchMixin.search_index_job``, a short transaction per chunk, so a
coder's writes never wait long), and until it has, a search also scans the text of the articles
past the mark, cutting and folding words exactly as the index does (``reader.store.tokenizer``),
so results are complete from the first keystroke and the same before and after indexing — and
on a read-only file too.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

from reader.db import StoreError, connect, transaction
from reader.store.base import Param, StoreBase
from reader.store.tokenizer import SCAN, words

__all__ = ["INDEX_CHUNK", "SearchMixin", "article_filter", "article_matches"]

INDEX_CHUNK = 200
"""Articles indexed per transaction: about 20 ms of work on news-length texts."""

_MARK = "(SELECT indexed_through FROM search_index)"
"""The highest article id the search index holds, as a subquery."""


def article_matches(query: str) -> tuple[str, list[Param]]:
    """A ``SELECT`` of the ids (column ``id``) of the articles that match ``query``, or ``""``
    when it has no words (every article matches).

    Indexed articles are looked up in the index; the ones past the mark are scanned (``SCAN``),
    cutting and folding their title and text exactly as the index's tokenizer did for the others
    (``reader.store.tokenizer``), so an article is found or not found the same way before and
    after it is indexed. The scan is slower but only ever covers the articles imported since
    the index last caught up.

    Counting, paging and positions are asked of this ``SELECT`` itself (``SELECT count(*) FROM
    (...) WHERE id < ?``): SQLite hands the ``id`` conditions down to the index as rowid bounds.
    As ``a.id IN (...)`` it first copies every match into a temporary table, which for a
    one-letter word on 100,000 articles took ten times as long.
    """
    if not query.strip():
        return "", []  # no words: learning the tokenizer's table (0.5 s and more) can wait
    typed = words().query(query)
    if typed is None:
        return "", []
    matches = (
        "SELECT rowid AS id FROM articles_fts WHERE articles_fts MATCH ?"
        f" UNION ALL SELECT id FROM articles WHERE id > {_MARK} AND {SCAN}"
    )
    return matches, [typed.fts(), typed.folded, typed.folded]


def article_filter(query: str) -> tuple[str, list[Param]]:
    """A ``WHERE`` clause over ``articles a`` keeping the articles that match ``query``
    (``article_matches``), or ``""`` when every article does."""
    matches, params = article_matches(query)
    return (f"WHERE a.id IN ({matches})", params) if matches else ("", [])


class SearchMixin(StoreBase):
    """The search index's upkeep (the filter itself is ``article_filter``)."""

    def search_backlog(self) -> int:
        """How many articles the search index does not hold yet."""
        return self._int(f"SELECT count(*) FROM articles WHERE id > {_MARK}")

    def update_search_index(
        self, chunk: int = INDEX_CHUNK, stop: Callable[[], bool] = lambda: False
    ) -> int:
        """Index every article past the mark, ``chunk`` per transaction; how many were indexed.

        ``stop`` is asked between chunks (a closing app stops early; the next run resumes). Two
        processes may both run this: each chunk reads the mark under the write lock, so an
        article is never indexed twice. Raises ``StoreError`` on a read-only file.
        """
        done = 0
        while not stop():
            with transaction(self.conn):
                mark = self._int(f"SELECT {_MARK}")
                last = self._maybe_int(
                    "SELECT max(id) FROM"
                    " (SELECT id FROM articles WHERE id > ? ORDER BY id LIMIT ?)",
                    [mark, chunk],
                )
                if last is None:
                    return done
                cursor = self.conn.execute(
                    "INSERT INTO articles_fts(rowid, title, text)"
                    " SELECT id, title, text FROM articles WHERE id > ? AND id <= ? ORDER BY id",
                    [mark, last],
                )
                self.conn.execute("UPDATE search_index SET indexed_through = ?", [last])
                done += cursor.rowcount
        return done

    def search_index_job(self) -> Callable[[Callable[[], bool]], int] | None:
        """A job that brings the search index up to date, to run on a background thread; None
        when there is nothing to index or the file cannot be written.

        The job first learns the tokenizer's table the scan needs (``reader.store.tokenizer``,
        half a second), usually before the coder types a search. Then it calls
        ``update_search_index`` on a connection of its own (a SQLite connection belongs to the
        thread that opened it), asking ``stop`` between chunks, and returns how many articles
        it indexed. It gives up quietly when another process holds the lock too
        long or the file went away: searches keep scanning what is not indexed, and the next
        job tries again. The file is one this process already has open, so it is connected to
        directly, without ``open_connection``'s checks: those read the file's header with a
        plain ``open()``, and closing any descriptor of a file drops every SQLite lock this
        process holds on it — after which another process could delete the write-ahead log the
        open connection still writes to.
        """
        path = self.path
        if path is None or self.read_only or not self.search_backlog():
            return None
        annotator = self.annotator

        def job(stop: Callable[[], bool]) -> int:
            words()
            try:
                conn = connect(path)
            except sqlite3.Error:
                return 0
            try:
                return SearchMixin(conn, annotator).update_search_index(stop=stop)
            except (StoreError, sqlite3.Error):
                return 0
            finally:
                conn.close()

        return job
