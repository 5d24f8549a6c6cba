"""The adjudicated layer: each coder's codes side by side, and the final codes of a sentence.

A study's final data are the codes the coders agreed on plus, where they disagreed, the codes an
adjudicator decided: a coder's codes accepted, or others written. A decision is one change in the
event log (a snapshot of the sentence's final rows), so undo takes it back like any other.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from reader.analysis.disagreement import Statement, Variable, differs
from reader.db import StoreError, transaction
from reader.store import rows
from reader.store.base import KIND_ROWS, Param, StoreBase, now

__all__ = [
    "AdjudicationMixin",
    "FinalDecision",
    "FinalDetails",
    "FinalSentence",
    "SentenceCodes",
    "StatementKey",
]

StatementKey = tuple[int, int, int, int | None]
"""(sentence, actor, stance, target): one statement on one sentence."""


@dataclass(frozen=True, slots=True)
class SentenceCodes:
    """One sentence with the codes of every coder who decided it (an empty set: no claim)."""

    sentence_id: int
    article_id: int
    position: int
    coders: dict[str, frozenset[Statement]]


@dataclass(frozen=True, slots=True)
class FinalDecision:
    """An adjudicator's decision on a sentence."""

    sentence_id: int
    adjudicator: str
    decided_at: str
    reason: str
    source_coder: str | None
    """The coder whose codes were accepted; None when other codes were written."""
    statements: frozenset[Statement]


@dataclass(frozen=True, slots=True)
class FinalSentence:
    """A sentence's codes in the final layer and where they come from."""

    sentence_id: int
    statements: frozenset[Statement]
    final: Literal["agreed", "single", "adjudicated"]
    """``agreed``: two or more coders coded it alike; ``single``: one coder decided it;
    ``adjudicated``: an adjudicator decided."""
    coders: tuple[str, ...]
    decision: FinalDecision | None = None


@dataclass(frozen=True, slots=True)
class FinalDetails:
    """What the final export shows of each statement beyond the statement itself."""

    notes: dict[StatementKey, str]
    """The note of each final code an adjudicator wrote."""
    final_speakers: dict[StatementKey, set[int]]
    """The speakers (actor ids) of each final code an adjudicator wrote that names any."""
    coded_speakers: dict[StatementKey, dict[str, set[int]]]
    """The speakers each coder gave a statement they coded, by coder."""
    articles: dict[int, int]
    """Each sentence's article."""


class AdjudicationMixin(StoreBase):
    """Reading every coder's codes together, and writing the final layer."""

    def codes_by_coder(
        self, coders: Sequence[str] | None = None, article_ids: Sequence[int] | None = None
    ) -> list[SentenceCodes]:
        """Every decided sentence (of ``article_ids``, if given) in reading order, with the
        codes of each coder (of ``coders``, if given) who decided it."""
        clauses: list[str] = []
        params: list[Param] = []
        if coders:
            clauses.append(f"c.annotator IN ({','.join('?' * len(coders))})")
            params.extend(coders)
        if article_ids:
            clauses.append(f"s.article_id IN ({','.join('?' * len(article_ids))})")
            params.extend(article_ids)
        where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
        decided = self.conn.execute(
            f"SELECT DISTINCT s.id, s.article_id, s.position, c.annotator"
            f" FROM coded_sentences c JOIN sentences s ON s.id = c.sentence_id {where}"
            " ORDER BY s.article_id, s.position",
            params,
        ).fetchall()
        found: dict[int, SentenceCodes] = {}
        for sentence_id, article_id, position, coder in decided:
            entry = found.setdefault(
                sentence_id, SentenceCodes(sentence_id, article_id, position, {})
            )
            entry.coders[coder] = frozenset()
        statements = self.conn.execute(
            "SELECT x.sentence_id, x.annotator, x.actor_id, x.stance_id, x.target_id"
            " FROM annotations x JOIN sentences s ON s.id = x.sentence_id"
            f" JOIN coded_sentences c ON c.sentence_id = x.sentence_id"
            f" AND c.annotator = x.annotator {where}",
            params,
        )
        grouped: dict[tuple[int, str], set[Statement]] = {}
        for sentence_id, coder, actor, stance, target in statements:
            grouped.setdefault((sentence_id, coder), set()).add((actor, stance, target))
        for (sentence_id, coder), triples in grouped.items():
            if sentence_id in found:
                found[sentence_id].coders[coder] = frozenset(triples)
        return list(found.values())

    def disagreements(
        self,
        variable: Variable | None = None,
        coders: Sequence[str] | None = None,
        *,
        unadjudicated: bool = False,
    ) -> list[SentenceCodes]:
        """The sentences where two coders differ (on ``variable``, or on anything), in reading
        order; ``unadjudicated``: only those no adjudicator has decided yet."""
        decided = {int(i) for (i,) in self.conn.execute("SELECT id FROM final_decisions")}
        return [
            entry
            for entry in self.codes_by_coder(coders)
            if differs(variable, entry.coders)
            and not (unadjudicated and entry.sentence_id in decided)
        ]

    # -- decisions --------------------------------------------------------------------------

    def final_decision(self, sentence_id: int) -> FinalDecision | None:
        row = self.conn.execute(
            "SELECT id, adjudicator, decided_at, reason, source_coder FROM final_decisions"
            " WHERE id = ?",
            [sentence_id],
        ).fetchone()
        if row is None:
            return None
        statements = frozenset(
            (int(a), int(s), t)
            for a, s, t in self.conn.execute(
                "SELECT actor_id, stance_id, target_id FROM final_annotations"
                " WHERE sentence_id = ?",
                [sentence_id],
            )
        )
        sid, adjudicator, decided_at, reason, coder = row
        return FinalDecision(int(sid), adjudicator, decided_at, reason, coder, statements)

    def accept_codes(self, sentence_id: int, coder: str, reason: str = "") -> FinalDecision:
        """Make ``coder``'s codes for the sentence (or their "no claim") the final codes."""
        with transaction(self.conn):
            decided = self._value(
                "SELECT 1 FROM coded_sentences WHERE sentence_id = ? AND annotator = ?",
                [sentence_id, coder],
            )
            if decided is None:
                raise StoreError(f"{coder} has not coded this sentence")
            statements = [
                (int(a), int(s), t, str(n), sp)
                for a, s, t, n, sp in self.conn.execute(
                    "SELECT actor_id, stance_id, target_id, note, speaker_id FROM annotations"
                    " WHERE sentence_id = ? AND annotator = ? ORDER BY id",
                    [sentence_id, coder],
                )
            ]
            self._decide(sentence_id, statements, reason, coder)
        decision = self.final_decision(sentence_id)
        assert decision is not None
        return decision

    def write_final(
        self, sentence_id: int, statements: Iterable[Statement], reason: str = ""
    ) -> FinalDecision:
        """Make these statements (none: "no claim") the sentence's final codes."""
        with transaction(self.conn):
            if self._value("SELECT 1 FROM sentences WHERE id = ?", [sentence_id]) is None:
                raise StoreError(f"no sentence with id {sentence_id}")
            wanted = [(a, s, t, "", None) for a, s, t in dict.fromkeys(statements)]
            self._decide(sentence_id, wanted, reason, None)
        decision = self.final_decision(sentence_id)
        assert decision is not None
        return decision

    def _decide(
        self,
        sentence_id: int,
        statements: Sequence[tuple[int, int, int | None, str, int | None]],
        reason: str,
        coder: str | None,
    ) -> None:
        """Replace the sentence's final rows (actor, stance, target, note, speaker), logged as
        one change undo can take back."""
        old = [
            int(i)
            for (i,) in self.conn.execute(
                "SELECT id FROM final_annotations WHERE sentence_id = ?", [sentence_id]
            )
        ]
        touched = {"final_decisions": [sentence_id], "final_annotations": old}
        before = rows.capture(self.conn, touched)
        self.conn.execute("DELETE FROM final_annotations WHERE sentence_id = ?", [sentence_id])
        self.conn.execute(
            "INSERT INTO final_decisions (id, adjudicator, decided_at, reason, source_coder)"
            " VALUES (?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET"
            " adjudicator = excluded.adjudicator, decided_at = excluded.decided_at,"
            " reason = excluded.reason, source_coder = excluded.source_coder",
            [sentence_id, self.annotator, now(), reason.strip(), coder],
        )
        new: list[int] = []
        for actor, stance, target, note, speaker in statements:
            cursor = self.conn.execute(
                "INSERT INTO final_annotations (sentence_id, actor_id, stance_id, target_id,"
                " note, speaker_id) VALUES (?, ?, ?, ?, ?, ?)",
                [sentence_id, actor, stance, target, note, speaker],
            )
            new.append(int(cursor.lastrowid or 0))
        before.setdefault("final_annotations", []).extend([i, None] for i in new)
        after = rows.recapture(self.conn, before)
        article_id = self._maybe_int("SELECT article_id FROM sentences WHERE id = ?", [sentence_id])
        self._log(
            "adjudicate", "sentence", sentence_id, kind=KIND_ROWS, article_id=article_id,
            sentence_id=sentence_id, before={"rows": before},
            after={"rows": after, "source_coder": coder, "reason": reason.strip()},
        )  # fmt: skip

    # -- the final layer --------------------------------------------------------------------

    def final_layer(self) -> tuple[list[FinalSentence], list[SentenceCodes]]:
        """The final codes of every decided sentence, and the disagreements still waiting for
        an adjudicator (which have no final codes yet)."""
        decisions = {
            int(i): self.final_decision(int(i))
            for (i,) in self.conn.execute("SELECT id FROM final_decisions")
        }
        final: list[FinalSentence] = []
        waiting: list[SentenceCodes] = []
        for entry in self.codes_by_coder():
            coders = tuple(sorted(entry.coders))
            decision = decisions.pop(entry.sentence_id, None)
            if decision is not None:
                final.append(FinalSentence(entry.sentence_id, decision.statements,
                                           "adjudicated", coders, decision))  # fmt: skip
            elif differs(None, entry.coders):
                waiting.append(entry)
            else:
                statements = next(iter(entry.coders.values()))
                kind: Literal["agreed", "single"] = "agreed" if len(coders) > 1 else "single"
                final.append(FinalSentence(entry.sentence_id, statements, kind, coders))
        for sentence_id, decision in decisions.items():  # decided, though no coder is left
            if decision is not None:
                final.append(FinalSentence(sentence_id, decision.statements, "adjudicated",
                                           (), decision))  # fmt: skip
        return final, waiting

    def final_details(self) -> FinalDetails:
        """Notes and speakers of the final and the coders' codes, and each sentence's article:
        what the final export adds to :meth:`final_layer`'s statements."""
        notes = {
            (int(sid), int(a), int(s), t): str(n)
            for sid, a, s, t, n in self.conn.execute(
                "SELECT sentence_id, actor_id, stance_id, target_id, note FROM final_annotations"
            )
        }
        final_speakers: dict[StatementKey, set[int]] = {}
        for sid, a, s, t, speaker in self.conn.execute(
            "SELECT sentence_id, actor_id, stance_id, target_id, speaker_id"
            " FROM final_annotations WHERE speaker_id IS NOT NULL"
        ):
            final_speakers.setdefault((sid, a, s, t), set()).add(speaker)
        coded: dict[StatementKey, dict[str, set[int]]] = {}
        for sid, a, s, t, speaker, coder in self.conn.execute(
            "SELECT sentence_id, actor_id, stance_id, target_id, speaker_id, annotator"
            " FROM annotations WHERE speaker_id IS NOT NULL"
        ):
            coded.setdefault((sid, a, s, t), {}).setdefault(coder, set()).add(speaker)
        articles = {
            int(sid): int(aid)
            for sid, aid in self.conn.execute("SELECT id, article_id FROM sentences")
        }
        return FinalDetails(notes, final_speakers, coded, articles)
