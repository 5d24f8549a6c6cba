"""Coding as a team: project settings (blind coding) and which coder codes which article.

A study is publishable only when coders worked blind and a sample of articles was coded by two of
them: ``blind`` hides every other coder's codes from the reader, and ``assign`` gives every
article to one coder and an overlap sample to two, so that each pair of coders shares some
articles for the agreement report.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import combinations

from reader.db import StoreError, transaction
from reader.store.base import StoreBase

__all__ = ["AssignmentPlan", "CoderProgress", "TeamMixin"]


@dataclass(frozen=True, slots=True)
class AssignmentPlan:
    """What ``assign`` did: articles per coder, and the overlap sample by coder pair."""

    articles: dict[str, int]
    overlap: dict[tuple[str, str], int]
    total: int


@dataclass(frozen=True, slots=True)
class CoderProgress:
    """How far one coder has got: coded and total sentences of their articles, and of the
    articles they share with another coder (the overlap sample)."""

    coder: str
    articles: int
    coded: int
    sentences: int
    overlap_coded: int
    overlap_sentences: int


class TeamMixin(StoreBase):
    """Project settings and assignments, read by the reader and the commands alike."""

    # -- settings ---------------------------------------------------------------------------

    def setting(self, key: str, default: str = "") -> str:
        return self._maybe_str("SELECT value FROM settings WHERE key = ?", [key]) or default

    def set_setting(self, key: str, value: str) -> None:
        """Set a project setting, logged (who changed it, when) but not undoable: it is no
        change to the codes."""
        with transaction(self.conn):
            before = self._maybe_str("SELECT value FROM settings WHERE key = ?", [key])
            self.conn.execute(
                "INSERT INTO settings (key, value) VALUES (?, ?)"
                " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                [key, value],
            )
            self._log(
                "config", "setting", None, kind=None,
                before={key: before} if before is not None else None, after={key: value},
            )  # fmt: skip

    @property
    def blind(self) -> bool:
        """Whether each coder sees only their own codes and progress (the project's rule)."""
        return self.setting("blind") == "on"

    @property
    def day_first(self) -> bool:
        """Whether exports read ``07/03/2024`` as 7 March (``config dates day-first``)."""
        return self.setting("dates") == "day-first"

    # -- assignments ------------------------------------------------------------------------

    def has_assignments(self, annotator: str | None = None) -> bool:
        """Whether articles are assigned (to ``annotator``, if given)."""
        if annotator is None:
            return self._value("SELECT 1 FROM assignments LIMIT 1") is not None
        found = "SELECT 1 FROM assignments WHERE annotator = ? LIMIT 1"
        return self._value(found, [annotator]) is not None

    def assign(self, coders: Sequence[str], overlap: float, seed: int | None) -> AssignmentPlan:
        """Give every article to one coder, and a random sample (``overlap`` of the articles,
        at least one) to two, cycling through the pairs of coders so that each pair shares
        articles; replaces earlier assignments, in one transaction.

        Articles are shuffled (``seed`` makes it reproducible) and dealt to the coders in turn,
        so each gets a near-equal share; each overlap article keeps its coder and gets the other
        coder of the next pair that includes them.
        """
        coders = list(dict.fromkeys(c.strip() for c in coders if c.strip()))
        if len(coders) < 1:
            raise StoreError("name at least one coder")
        if not 0 <= overlap <= 1:
            raise StoreError(f"overlap {overlap} is not a share of the articles: give 0 to 1")
        with transaction(self.conn):
            articles = [int(row[0]) for row in self.conn.execute("SELECT id FROM articles")]
            if not articles:
                raise StoreError("no articles to assign: run `nkreader import` first")
            rng = random.Random(seed)
            rng.shuffle(articles)
            owner = {article: coders[i % len(coders)] for i, article in enumerate(articles)}
            shared: dict[int, str] = {}
            pairs = list(combinations(coders, 2))
            if pairs and overlap > 0:
                count = max(1, round(overlap * len(articles)))
                sample = rng.sample(articles, min(count, len(articles)))
                for i, article in enumerate(sample):
                    first, second = pairs[i % len(pairs)]
                    owner[article] = first
                    shared[article] = second
            self.conn.execute("DELETE FROM assignments")
            rows = [(a, c, int(a in shared)) for a, c in owner.items()]
            rows += [(a, c, 1) for a, c in shared.items()]
            self.conn.executemany(
                "INSERT INTO assignments (article_id, annotator, overlap) VALUES (?, ?, ?)", rows
            )
            plan = AssignmentPlan(
                {c: sum(1 for _, who, _ in rows if who == c) for c in coders},
                {
                    pair: sum(1 for a in shared if {owner[a], shared[a]} == set(pair))
                    for pair in pairs
                },
                len(articles),
            )
            self._log(
                "assign", "assignments", None, kind=None,
                after={"coders": coders, "overlap": overlap, "seed": seed,
                       "articles": plan.articles},
            )  # fmt: skip
        return plan

    def assignment_table(self) -> list[tuple[str, int, int]]:
        """(coder, articles, overlap articles) for every coder with assignments."""
        return [
            (str(who), int(n), int(shared or 0))
            for who, n, shared in self.conn.execute(
                "SELECT annotator, count(*), sum(overlap) FROM assignments"
                " GROUP BY annotator ORDER BY annotator"
            )
        ]

    def team_progress(self) -> list[CoderProgress]:
        """Coded / total sentences per coder over their assigned articles (every article for a
        coder without assignments who has coded), and over the overlap sample."""
        rows = self.conn.execute(
            """
            WITH coders(annotator) AS (
                SELECT annotator FROM assignments
                UNION SELECT annotator FROM coded_sentences
            ), scope(annotator, article_id, overlap) AS (
                SELECT annotator, article_id, overlap FROM assignments
                UNION ALL
                SELECT c.annotator, a.id, 0 FROM coders c, articles a
                WHERE NOT EXISTS (SELECT 1 FROM assignments x WHERE x.annotator = c.annotator)
            )
            SELECT s.annotator, count(DISTINCT s.article_id), count(t.id),
                   sum(EXISTS (SELECT 1 FROM coded_sentences d
                               WHERE d.sentence_id = t.id AND d.annotator = s.annotator)),
                   sum(s.overlap),
                   sum(s.overlap AND EXISTS (SELECT 1 FROM coded_sentences d
                               WHERE d.sentence_id = t.id AND d.annotator = s.annotator))
            FROM scope s JOIN sentences t ON t.article_id = s.article_id
            GROUP BY s.annotator ORDER BY s.annotator"""
        ).fetchall()
        return [
            CoderProgress(str(who), int(n), int(coded or 0), int(total), int(o_coded or 0),
                          int(o_total or 0))
            for who, n, total, coded, o_total, o_coded in rows
        ]  # fmt: skip
