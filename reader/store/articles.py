"""The article list, an article's sentences, where the coder is and how far they have got.

Everything here reads, except ``set_state``; the list's filter and windows are what keep the article
table fast on a large corpus, since the screen asks only for the rows it shows.
"""

from __future__ import annotations

from reader.db import transaction
from reader.models import Article, ArticleSummary, Sentence
from reader.store.article_pages import ArticleSentences
from reader.store.base import Param, StoreBase
from reader.store.search import article_filter, article_matches

CODED_BY = "EXISTS (SELECT 1 FROM coded_sentences c WHERE c.sentence_id = s.id AND c.annotator = ?)"
"""True for a sentence ``s`` that the coder (the parameter) has coded: annotated or marked "no
claim". The one definition of a coded sentence, over the schema's ``coded_sentences`` view."""

LONG = 10_000
"""Sentences above which an article's coded sentences are counted from the coder's codes rather
than by walking its sentences (a million sentences take seconds to walk)."""

_TOTAL = "(SELECT coalesce(max(s.position) + 1, 0) FROM sentences s WHERE s.article_id = a.id)"
"""An article's sentence count, read from the position index (positions run from 0 without
gaps) instead of counting every sentence."""

SUMMARY_SELECT = f"""
    SELECT a.id, a.title, {_TOTAL},
        CASE WHEN {_TOTAL} > {LONG} THEN
            (SELECT count(DISTINCT c.sentence_id) FROM coded_sentences c CROSS JOIN sentences s
             ON s.id = c.sentence_id WHERE c.annotator = ? AND s.article_id = a.id)
        ELSE
            (SELECT count(*) FROM sentences s WHERE s.article_id = a.id AND {CODED_BY})
        END,
        (SELECT d.original_id FROM near_duplicates d WHERE d.article_id = a.id)
    FROM articles a"""
"""An article-list row: id, title, sentences, those this coder has coded (parameters: the
coder, twice), and the original when the article is a near-copy."""

NOT_A_COPY = "s.article_id NOT IN (SELECT article_id FROM near_duplicates)"
"""True for a sentence ``s`` of an article not marked as a near-copy: ``]`` passes over copies."""


MINE = "a.id IN (SELECT article_id FROM assignments WHERE annotator = ?)"
"""True for an article ``a`` assigned to the coder (the parameter)."""


class ArticlesMixin(StoreBase):
    """Articles, sentences, progress and the small UI state kept per coder."""

    all_articles = False
    """Whether the list shows every article even when this coder has assignments (the
    reader's toggle); without assignments it always does."""
    _mine: bool | None = None

    def mine_only(self) -> bool:
        """Whether the article list and ``]`` keep to this coder's assigned articles."""
        if self._mine is None:
            found = "SELECT 1 FROM assignments WHERE annotator = ? LIMIT 1"
            self._mine = self._value(found, [self.annotator]) is not None
        return self._mine and not self.all_articles

    def forget_scope(self) -> None:
        """Read the assignments again (another coder may have run ``assign`` meanwhile)."""
        self._mine = None

    def _where(self, query: str) -> tuple[str, list[Param]]:
        """The articles listed: matching ``query``, and this coder's own when assigned."""
        where, params = article_filter(query)
        if self.mine_only():
            where = f"{where} AND {MINE}" if where else f"WHERE {MINE}"
            params = [*params, self.annotator]
        return where, params

    def _listed(self, query: str) -> tuple[str, list[Param]]:
        """A ``SELECT`` of the ids (column ``id``) of the articles listed: matching ``query``,
        and this coder's own when assigned. The list's counts, pages and positions are asked
        of it, so a filter's matches come straight from the search index (``article_matches``).
        """
        if self.mine_only():
            where, params = self._where(query)
            return f"SELECT a.id AS id FROM articles a {where}", params
        matches, params = article_matches(query)
        return (matches, params) if matches else ("SELECT id FROM articles", [])

    def article_count(self, query: str = "") -> int:
        """How many articles there are (matching ``query``, if given)."""
        listed, params = self._listed(query)
        return self._int(f"SELECT count(*) FROM ({listed})", params)

    def article_summaries(self, offset: int, limit: int, query: str = "") -> list[ArticleSummary]:
        """One window of the article list, in import order, with this coder's progress."""
        listed, params = self._listed(query)
        window = f"SELECT id FROM ({listed}) ORDER BY id LIMIT ? OFFSET ?"
        sql = f"{SUMMARY_SELECT} WHERE a.id IN ({window}) ORDER BY a.id"
        rows = self.conn.execute(sql, [self.annotator, self.annotator, *params, limit, offset])
        return [ArticleSummary(*row) for row in rows.fetchall()]

    def article_summary(self, article_id: int) -> ArticleSummary | None:
        """One article's list row, to redraw it after this coder's progress on it changed."""
        row = self.conn.execute(
            f"{SUMMARY_SELECT} WHERE a.id = ?", [self.annotator, self.annotator, article_id]
        ).fetchone()
        return ArticleSummary(*row) if row else None

    def article_index(self, article_id: int, query: str = "") -> int | None:
        """The position of an article in the (filtered) list, or None when it is filtered out."""
        listed, params = self._listed(query)
        if self._value(f"SELECT 1 FROM ({listed}) WHERE id = ?", [*params, article_id]) is None:
            return None
        return self._int(f"SELECT count(*) FROM ({listed}) WHERE id < ?", [*params, article_id])

    def article_ids(self) -> list[int]:
        """Every article's id, in the order they were imported."""
        return [int(i) for (i,) in self.conn.execute("SELECT id FROM articles ORDER BY id")]

    def first_article_id(self) -> int | None:
        where, params = self._where("")
        return self._maybe_int(f"SELECT min(a.id) FROM articles a {where}", params)

    def adjacent_article_id(self, article_id: int, step: int, query: str = "") -> int | None:
        """The next (``step`` > 0) or previous article in list order among those matching."""
        listed, params = self._listed(query)
        compare, order = (">", "ASC") if step > 0 else ("<", "DESC")
        sql = f"SELECT id FROM ({listed}) WHERE id {compare} ? ORDER BY id {order} LIMIT 1"
        return self._maybe_int(sql, [*params, article_id])

    def article(self, article_id: int) -> Article | None:
        row = self.conn.execute(
            "SELECT id, title, text, source, content_hash, imported_at, published, outlet, url,"
            " metadata FROM articles WHERE id = ?",
            [article_id],
        ).fetchone()
        return Article(*row) if row else None

    def article_exists(self, article_id: int) -> bool:
        return self._value("SELECT 1 FROM articles WHERE id = ?", [article_id]) is not None

    def article_heading(self, article_id: int) -> Article | None:
        """An article without its text (``text`` is empty): what the reader's heading shows.
        Reading a long article's text takes time (1.4 s for 130 MB); ``article_sentences``
        reads it in pieces."""
        row = self.conn.execute(
            "SELECT id, title, '', source, content_hash, imported_at, published, outlet, url,"
            " metadata FROM articles WHERE id = ?",
            [article_id],
        ).fetchone()
        return Article(*row) if row else None

    def article_sentences(self, article_id: int) -> ArticleSentences:
        """The article's sentences as a sequence read by window of positions when indexed, for
        articles of any length (``store/article_pages.py``)."""
        return ArticleSentences(self.conn, article_id)

    def sentence_position(self, sentence_id: int, article_id: int) -> int | None:
        """A sentence's position in its article, or None if it is not that article's."""
        return self._maybe_int(
            "SELECT position FROM sentences WHERE id = ? AND article_id = ?",
            [sentence_id, article_id],
        )

    def sentences(self, article_id: int) -> list[Sentence]:
        """The article's sentences in order, each with its text cut from the article."""
        text = self._maybe_str("SELECT text FROM articles WHERE id = ?", [article_id]) or ""
        rows = self.conn.execute(
            'SELECT id, article_id, position, start, "end", paragraph FROM sentences'
            " WHERE article_id = ? ORDER BY position",
            [article_id],
        ).fetchall()
        return [
            Sentence(id_, article, position, start, end, paragraph, text[start:end])
            for id_, article, position, start, end, paragraph in rows
        ]

    def sentence(self, sentence_id: int) -> Sentence | None:
        row = self.conn.execute(
            'SELECT s.id, s.article_id, s.position, s.start, s."end", s.paragraph,'
            ' substr(a.text, s.start + 1, s."end" - s.start)'
            " FROM sentences s JOIN articles a ON a.id = s.article_id WHERE s.id = ?",
            [sentence_id],
        ).fetchone()
        return Sentence(*row) if row else None

    # -- this coder's progress --------------------------------------------------------------

    def coded_sentence_count(self) -> int:
        """How many sentences this coder has coded (annotated or marked "no claim"), of their
        own articles when they have assignments."""
        if self.mine_only():
            return self._int(
                "SELECT count(DISTINCT c.sentence_id) FROM coded_sentences c"
                " JOIN sentences s ON s.id = c.sentence_id WHERE c.annotator = ?"
                " AND s.article_id IN (SELECT article_id FROM assignments WHERE annotator = ?)",
                [self.annotator, self.annotator],
            )
        return self._int(
            "SELECT count(DISTINCT sentence_id) FROM coded_sentences WHERE annotator = ?",
            [self.annotator],
        )

    def progress(self) -> tuple[int, int]:
        """(sentences this coder has coded, all sentences), of their own articles when they
        have assignments."""
        if self.mine_only():
            total = self._int(
                "SELECT count(*) FROM sentences WHERE article_id IN"
                " (SELECT article_id FROM assignments WHERE annotator = ?)",
                [self.annotator],
            )
            return self.coded_sentence_count(), total
        return self.coded_sentence_count(), self._int("SELECT count(*) FROM sentences")

    def next_open_sentence(
        self, article_id: int, position: int, step: int
    ) -> tuple[int, int] | None:
        """(article id, sentence id) of the nearest sentence after (``step`` > 0) or before the
        given place, in list order, that this coder has not coded yet, in an article that is
        not a near-copy of another."""
        compare, order = (">", "ASC") if step > 0 else ("<", "DESC")
        mine = f"AND {MINE.replace('a.id', 's.article_id')}" if self.mine_only() else ""
        row = self.conn.execute(
            f"""
            SELECT s.article_id, s.id FROM sentences s
            WHERE (s.article_id, s.position) {compare} (?, ?) AND NOT {CODED_BY} {mine}
                AND {NOT_A_COPY}
            ORDER BY s.article_id {order}, s.position {order} LIMIT 1""",
            [article_id, position, self.annotator, *([self.annotator] if mine else [])],
        ).fetchone()
        return (int(row[0]), int(row[1])) if row else None

    # -- small state kept per coder ---------------------------------------------------------

    def get_state(self, key: str) -> str | None:
        return self._maybe_str(
            "SELECT value FROM ui_state WHERE annotator = ? AND key = ?", [self.annotator, key]
        )

    def set_state(self, key: str, value: str) -> None:
        """Remember a small piece of UI state (the coder's place, say) for this coder.

        A write, but not a change to the coding: it is not logged and undo never touches it.
        """
        with transaction(self.conn):
            self.conn.execute(
                "INSERT OR REPLACE INTO ui_state (annotator, key, value) VALUES (?, ?, ?)",
                [self.annotator, key, value],
            )
