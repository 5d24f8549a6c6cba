"""The article list, an article's sentences, where the coder is and how far they have got.

Everything here reads, except ``set_state``; the list's filter and windows are what keep the article
table fast on a large corpus, since the screen asks only for the rows it shows.
"""

from __future__ import annotations

from reader.db import transaction
from reader.models import Article, ArticleSummary, Sentence
from reader.store.search import SearchMixin

SUMMARY_SELECT = """
    SELECT a.id, a.title,
        (SELECT count(*) FROM sentences s WHERE s.article_id = a.id),
        (SELECT count(*) FROM sentences s WHERE s.article_id = a.id AND (
            EXISTS (SELECT 1 FROM annotations x WHERE x.annotator = ? AND x.sentence_id = s.id)
            OR EXISTS (SELECT 1 FROM sentence_status t
                       WHERE t.sentence_id = s.id AND t.annotator = ?)))
    FROM articles a"""
"""An article-list row: id, title, sentences, and those this coder has coded or marked."""


class ArticlesMixin(SearchMixin):
    """Articles, sentences, progress and the small UI state kept per coder."""

    def article_count(self, query: str = "") -> int:
        """How many articles there are (matching ``query``, if given)."""
        where, params = self._filter(query)
        return int(self._one(f"SELECT count(*) FROM articles a {where}", params))

    def article_summaries(self, offset: int, limit: int, query: str = "") -> list[ArticleSummary]:
        """One window of the article list, in import order, with this coder's progress."""
        where, params = self._filter(query)
        sql = f"{SUMMARY_SELECT} {where} ORDER BY a.id LIMIT ? OFFSET ?"
        rows = self.conn.execute(
            sql, [self.annotator, self.annotator, *params, limit, offset]
        ).fetchall()
        return [ArticleSummary(*row) for row in rows]

    def article_index(self, article_id: int, query: str = "") -> int | None:
        """The position of an article in the (filtered) list, or None when it is filtered out."""
        where, params = self._filter(query)
        if (
            self._one(
                f"SELECT 1 FROM articles a {where} {'AND' if where else 'WHERE'} a.id = ?",
                [*params, article_id],
            )
            is None
        ):
            return None
        joiner = "AND" if where else "WHERE"
        return int(
            self._one(
                f"SELECT count(*) FROM articles a {where} {joiner} a.id < ?", [*params, article_id]
            )
        )

    def article_ids_after(self, article_id: int, step: int = 1) -> int | None:
        """The next (``step`` > 0) or previous article's id in list order, if there is one."""
        if step > 0:
            sql = "SELECT id FROM articles WHERE id > ? ORDER BY id LIMIT 1"
        else:
            sql = "SELECT id FROM articles WHERE id < ? ORDER BY id DESC LIMIT 1"
        value = self._one(sql, [article_id])
        return int(value) if value is not None else None

    def first_article_id(self) -> int | None:
        value = self._one("SELECT min(id) FROM articles")
        return int(value) if value is not None else None

    def article(self, article_id: int) -> Article | None:
        row = self.conn.execute(
            "SELECT id, title, text, source, content_hash, imported_at, published, outlet, url,"
            " metadata FROM articles WHERE id = ?",
            [article_id],
        ).fetchone()
        return Article(*row) if row else None

    def sentences(self, article_id: int) -> list[Sentence]:
        """The article's sentences in order, each with its text cut from the article."""
        text = self._one("SELECT text FROM articles WHERE id = ?", [article_id]) or ""
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

    # -- progress and state -----------------------------------------------------------------

    def progress(self) -> tuple[int, int]:
        """(sentences this coder has coded or marked, all sentences)."""
        total = int(self._one("SELECT count(*) FROM sentences"))
        done = int(
            self._one(
                "SELECT count(*) FROM (SELECT sentence_id FROM annotations WHERE annotator = ?"
                " UNION SELECT sentence_id FROM sentence_status WHERE annotator = ?)",
                [self.annotator, self.annotator],
            )
        )
        return done, total

    def stance_counts(self, annotator: str | None = None) -> list[tuple[str, str, int]]:
        """(actor, stance key, annotations) for every pair that occurs, by actor then stance."""
        where, params = ("WHERE x.annotator = ?", [annotator]) if annotator else ("", [])
        rows = self.conn.execute(
            "SELECT a.name, st.key, count(*) FROM annotations x"
            " JOIN actors a ON a.id = x.actor_id JOIN stances st ON st.id = x.stance_id"
            f" {where} GROUP BY a.name, st.key ORDER BY a.name, min(st.position)",
            params,
        ).fetchall()
        return [(str(a), str(s), int(n)) for a, s, n in rows]

    def get_state(self, key: str) -> str | None:
        value = self._one(
            "SELECT value FROM ui_state WHERE annotator = ? AND key = ?", [self.annotator, key]
        )
        return str(value) if value is not None else None

    def set_state(self, key: str, value: str) -> None:
        """Remember a small piece of UI state (last article, last sentence) for this coder."""
        with transaction(self.conn):
            self.conn.execute(
                "INSERT OR REPLACE INTO ui_state (annotator, key, value) VALUES (?, ?, ?)",
                [self.annotator, key, value],
            )

    # -- reading position (main screen) -----------------------------------------------------

    def article_summary(self, article_id: int) -> ArticleSummary | None:
        """One article's list row, to redraw it after this coder's progress on it changed."""
        row = self.conn.execute(
            f"{SUMMARY_SELECT} WHERE a.id = ?",
            [self.annotator, self.annotator, article_id],
        ).fetchone()
        return ArticleSummary(*row) if row else None

    def adjacent_article_id(self, article_id: int, step: int, query: str = "") -> int | None:
        """The next (``step`` > 0) or previous article in list order among those matching."""
        where, params = self._filter(query)
        joiner = "AND" if where else "WHERE"
        compare, order = (">", "ASC") if step > 0 else ("<", "DESC")
        sql = f"SELECT a.id FROM articles a {where} {joiner} a.id {compare} ? ORDER BY a.id {order}"
        value = self._one(sql + " LIMIT 1", [*params, article_id])
        return int(value) if value is not None else None

    def next_open_sentence(
        self, article_id: int, position: int, step: int
    ) -> tuple[int, int] | None:
        """(article id, sentence id) of the nearest sentence after (``step`` > 0) or before the
        given place, in list order, that this coder has neither annotated nor marked."""
        compare, order = (">", "ASC") if step > 0 else ("<", "DESC")
        row = self.conn.execute(
            f"""
            SELECT s.article_id, s.id FROM sentences s
            WHERE (s.article_id, s.position) {compare} (?, ?)
              AND NOT EXISTS (SELECT 1 FROM annotations x
                              WHERE x.annotator = ? AND x.sentence_id = s.id)
              AND NOT EXISTS (SELECT 1 FROM sentence_status t
                              WHERE t.sentence_id = s.id AND t.annotator = ?)
            ORDER BY s.article_id {order}, s.position {order} LIMIT 1""",
            [article_id, position, self.annotator, self.annotator],
        ).fetchone()
        return (int(row[0]), int(row[1])) if row else None

    def coded_sentence_count(self) -> int:
        """The first half of ``progress()`` alone: cheap, where counting all sentences is not."""
        return int(
            self._one(
                "SELECT count(*) FROM (SELECT sentence_id FROM annotations WHERE annotator = ?"
                " UNION SELECT sentence_id FROM sentence_status WHERE annotator = ?)",
                [self.annotator, self.annotator],
            )
        )
