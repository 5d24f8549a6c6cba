"""The codes inter-coder agreement is computed from: who decided which sentence, and how.

Agreement compares coders sentence by sentence, so it needs, for every sentence that several
coders decided, each one's statements or "no claim" mark. This mixin gathers exactly that as
plain records (``reader.models.DecidedSentence``) in two indexed queries; turning them into
reliability data and computing alpha is ``reader.analysis``'s work, which never sees the database.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from itertools import groupby
from operator import itemgetter

from reader.models import CoderDecision, DecidedSentence, Statement
from reader.store.base import NO_CLAIM, Param, StoreBase

_SENTENCE_CODER = itemgetter(0, 1, 2)
_STATEMENT = itemgetter(3, 4, 5)
_NOTHING: frozenset[Statement] = frozenset()


class AgreementDataMixin(StoreBase):
    """Every coder's decisions, sentence by sentence, for the agreement between coders."""

    def coders(self) -> list[str]:
        """Every coder who has annotated a sentence or marked one "no claim", by name."""
        found = self.conn.execute(
            "SELECT annotator FROM annotations UNION"
            " SELECT annotator FROM sentence_status WHERE status = ? ORDER BY 1",
            [NO_CLAIM],
        )
        return [str(name) for (name,) in found]

    def decided_sentences(
        self,
        coders: Sequence[str],
        article_ids: Sequence[int] | None = None,
        *,
        min_coders: int = 2,
    ) -> list[DecidedSentence]:
        """The sentences at least ``min_coders`` of ``coders`` decided, by sentence id.

        Each holds the decision of every one of ``coders`` who decided it (annotated it or
        marked it "no claim"); the others are left out, since a sentence a coder has not looked
        at is missing for them, not a sentence without a claim. ``article_ids``, when given,
        keeps only those articles' sentences. Statuses other than "no claim" decide nothing.
        """
        where = "annotator IN (SELECT value FROM json_each(?))"
        params: list[Param] = [json.dumps(list(coders))]
        if article_ids is not None:
            where += " AND s.article_id IN (SELECT value FROM json_each(?))"
            params.append(json.dumps(list(article_ids)))
        articles: dict[int, int] = {}
        decisions: dict[int, dict[str, CoderDecision]] = {}
        # Each coder's statements on a sentence come out together, so that each set is made
        # in one call (groupby) rather than one row at a time.
        rows = self.conn.execute(
            "SELECT x.sentence_id, s.article_id, x.annotator, x.actor_id, x.stance_id,"
            " x.target_id FROM annotations x JOIN sentences s ON s.id = x.sentence_id"
            f" WHERE x.{where} ORDER BY x.sentence_id, x.annotator",
            params,
        )
        for (sentence_id, article_id, coder), statements in groupby(rows, _SENTENCE_CODER):
            articles[sentence_id] = article_id
            coded = frozenset(map(_STATEMENT, statements))
            decisions.setdefault(sentence_id, {})[coder] = CoderDecision(coded)
        for sentence_id, article_id, coder in self.conn.execute(
            "SELECT t.sentence_id, s.article_id, t.annotator FROM sentence_status t"
            f" JOIN sentences s ON s.id = t.sentence_id WHERE t.status = ? AND t.{where}",
            [NO_CLAIM, *params],
        ):
            articles[sentence_id] = article_id
            by_coder = decisions.setdefault(sentence_id, {})
            found = by_coder.get(coder)
            by_coder[coder] = CoderDecision(found.statements if found else _NOTHING, True)
        return [
            DecidedSentence(sentence_id, articles[sentence_id], decisions[sentence_id])
            for sentence_id in sorted(decisions)
            if len(decisions[sentence_id]) >= min_coders
        ]
