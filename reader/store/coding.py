"""Annotations and sentence statuses: the coding itself, each change logged so undo can revert it.

Every write is one ``BEGIN IMMEDIATE`` transaction holding the row and its event together, committed
before the method returns.
"""

from __future__ import annotations

import sqlite3
from types import EllipsisType

from reader.db import StoreError, transaction
from reader.models import Annotation
from reader.store import rows
from reader.store.base import (
    KIND_ANNOTATION,
    KIND_ROWS,
    KIND_STATUS,
    NO_CLAIM,
    DuplicateAnnotation,
    StoreBase,
    now,
)

ANNOTATION_SELECT = (
    "SELECT " + ", ".join(f'"{c}"' for c in rows.COLUMNS["annotations"]) + " FROM annotations"
)
"""Every column of ``annotations``, in ``Annotation``'s field order."""


DUPLICATE = "this sentence already has that actor, stance, target and speaker from you"
"""The refusal of a code that repeats one of the coder's own on the same sentence."""


class CodingMixin(StoreBase):
    """This coder's annotations and "no claim" marks, and the suggestions drawn from them."""

    def annotation(self, annotation_id: int) -> Annotation | None:
        row = rows.row(self.conn, "annotations", annotation_id)
        return Annotation(**row) if row else None

    def _longer_than(self, article_id: int, table: str) -> bool:
        """Whether the article has more sentences than ``table`` has rows (about: its highest
        rowid), both read from an index in microseconds. Then a query over the article's rows
        of ``table`` is cheaper walking ``table`` than the article's sentences (a million
        sentences take seconds to walk; a few thousand codes, milliseconds)."""
        sentences = self._maybe_int(
            "SELECT max(position) FROM sentences WHERE article_id = ?", [article_id]
        )
        rows = self._maybe_int(f"SELECT max(rowid) FROM {table}")
        return (sentences or 0) > (rows or 0)

    def annotations_for_article(self, article_id: int) -> list[Annotation]:
        """Every coder's annotations on the article's sentences, oldest first."""
        if self._longer_than(article_id, "annotations"):
            where = (
                "WHERE EXISTS (SELECT 1 FROM sentences s"
                " WHERE s.id = annotations.sentence_id AND s.article_id = ?)"
            )
        else:
            where = "WHERE sentence_id IN (SELECT id FROM sentences WHERE article_id = ?)"
        found = self.conn.execute(
            f"{ANNOTATION_SELECT} {where} ORDER BY id", [article_id]
        ).fetchall()
        return [Annotation(*row) for row in found]

    def annotations_for_sentence(self, sentence_id: int) -> list[Annotation]:
        found = self.conn.execute(
            f"{ANNOTATION_SELECT} WHERE sentence_id = ? ORDER BY id", [sentence_id]
        ).fetchall()
        return [Annotation(*row) for row in found]

    def _sentence_article(self, sentence_id: int) -> int:
        article_id = self._maybe_int("SELECT article_id FROM sentences WHERE id = ?", [sentence_id])
        if article_id is None:
            raise StoreError(f"no sentence with id {sentence_id}")
        return article_id

    def _check_refs(
        self, actor_id: int, stance_id: int, target_id: int | None, speaker_id: int | None = None
    ) -> None:
        for table, what, row_id in (
            ("actors", "actor", actor_id),
            ("stances", "stance", stance_id),
            ("targets", "target", target_id),
            ("actors", "speaker", speaker_id),
        ):
            exists = f"SELECT 1 FROM {table} WHERE id = ?"
            if row_id is not None and self._value(exists, [row_id]) is None:
                raise StoreError(f"no {what} with id {row_id}")

    def add_annotation(
        self,
        sentence_id: int,
        actor_id: int,
        stance_id: int,
        target_id: int | None = None,
        note: str = "",
        *,
        speaker_id: int | None = None,
    ) -> Annotation:
        """Record that in this sentence the actor takes the stance (voiced by the speaker, if
        one is given); committed on return."""
        stamp = now()
        with transaction(self.conn):
            article_id = self._sentence_article(sentence_id)
            self._check_refs(actor_id, stance_id, target_id, speaker_id)
            try:
                cursor = self.conn.execute(
                    "INSERT INTO annotations (sentence_id, actor_id, stance_id, target_id, note,"
                    " annotator, created_at, updated_at, speaker_id)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [sentence_id, actor_id, stance_id, target_id, note.strip(), self.annotator,
                     stamp, stamp, speaker_id],
                )  # fmt: skip
            except sqlite3.IntegrityError:
                raise DuplicateAnnotation(DUPLICATE) from None
            row = rows.row(self.conn, "annotations", int(cursor.lastrowid or 0))
            assert row is not None
            self._log(
                "add", "annotation", row["id"], kind=KIND_ANNOTATION, article_id=article_id,
                sentence_id=sentence_id, after=row,
            )  # fmt: skip
        return Annotation(**row)

    def update_annotation(
        self,
        annotation_id: int,
        *,
        actor_id: int,
        stance_id: int,
        target_id: int | None,
        note: str,
        speaker_id: int | EllipsisType | None = ...,
    ) -> Annotation:
        """Change an annotation's actor, stance, target, note or speaker (``...``, the default:
        the speaker it has); committed on return."""
        with transaction(self.conn):
            before = rows.row(self.conn, "annotations", annotation_id)
            if before is None:
                raise StoreError(f"annotation {annotation_id} no longer exists")
            speaker = before["speaker_id"] if speaker_id is ... else speaker_id
            self._check_refs(actor_id, stance_id, target_id, speaker)
            try:
                self.conn.execute(
                    "UPDATE annotations SET actor_id = ?, stance_id = ?, target_id = ?, note = ?,"
                    " speaker_id = ?, updated_at = ? WHERE id = ?",
                    [actor_id, stance_id, target_id, note.strip(), speaker, now(), annotation_id],
                )
            except sqlite3.IntegrityError:
                raise DuplicateAnnotation(DUPLICATE) from None
            after = rows.row(self.conn, "annotations", annotation_id)
            assert after is not None
            sentence_id = int(before["sentence_id"])
            self._log(
                "edit", "annotation", annotation_id, kind=KIND_ANNOTATION,
                article_id=self._sentence_article(sentence_id), sentence_id=sentence_id,
                before=before, after=after,
            )  # fmt: skip
        return Annotation(**after)

    def delete_annotation(self, annotation_id: int) -> None:
        """Remove an annotation; the event log keeps it so undo can bring it back."""
        with transaction(self.conn):
            before = rows.row(self.conn, "annotations", annotation_id)
            if before is None:
                raise StoreError(f"annotation {annotation_id} no longer exists")
            self.conn.execute("DELETE FROM annotations WHERE id = ?", [annotation_id])
            sentence_id = int(before["sentence_id"])
            self._log(
                "delete", "annotation", annotation_id, kind=KIND_ANNOTATION,
                article_id=self._sentence_article(sentence_id), sentence_id=sentence_id,
                before=before,
            )  # fmt: skip

    def last_annotation(self) -> Annotation | None:
        """This coder's most recently created or edited annotation still present (for repeat)."""
        row = self.conn.execute(
            f"{ANNOTATION_SELECT} WHERE annotator = ? ORDER BY updated_at DESC, id DESC LIMIT 1",
            [self.annotator],
        ).fetchone()
        return Annotation(*row) if row else None

    # -- coding suggestions -----------------------------------------------------------------

    def recent_actor_ids(self, limit: int = 9) -> list[int]:
        """Actors this coder used most recently, newest first (for the actor picker)."""
        found = self.conn.execute(
            "SELECT actor_id FROM annotations WHERE annotator = ? GROUP BY actor_id"
            " ORDER BY max(updated_at) DESC, max(id) DESC LIMIT ?",
            [self.annotator, limit],
        ).fetchall()
        return [int(row[0]) for row in found]

    def usual_stance_id(self, actor_id: int) -> int | None:
        """The stance this coder gave the actor most often (ties: most recent), if any."""
        return self._maybe_int(
            "SELECT stance_id FROM annotations WHERE annotator = ? AND actor_id = ?"
            " GROUP BY stance_id ORDER BY count(*) DESC, max(id) DESC LIMIT 1",
            [self.annotator, actor_id],
        )

    def last_target_id(self) -> int | None:
        """The target of this coder's latest annotation (None: it had none, or none exist)."""
        last = self.last_annotation()
        return last.target_id if last else None

    # -- sentence status --------------------------------------------------------------------

    def statuses(self, article_id: int) -> dict[int, str]:
        """This coder's status per sentence of the article (only sentences that have one)."""
        # CROSS JOIN keeps the statuses as the outer loop: a long article's sentences are not
        # walked (see ``_longer_than``).
        join = "CROSS JOIN" if self._longer_than(article_id, "sentence_status") else "JOIN"
        found = self.conn.execute(
            f"SELECT t.sentence_id, t.status FROM sentence_status t {join} sentences s"
            " ON s.id = t.sentence_id WHERE s.article_id = ? AND t.annotator = ?",
            [article_id, self.annotator],
        ).fetchall()
        return {int(sid): str(status) for sid, status in found}

    def status(self, sentence_id: int) -> str | None:
        """This coder's status of one sentence, if it has one."""
        return self._maybe_str(
            "SELECT status FROM sentence_status WHERE sentence_id = ? AND annotator = ?",
            [sentence_id, self.annotator],
        )

    def set_no_claim(self, sentence_id: int, no_claim: bool) -> None:
        """Mark (or unmark) the sentence as reviewed with no claim in it, for this coder."""
        with transaction(self.conn):
            article_id = self._sentence_article(sentence_id)
            before = rows.status_row(self.conn, sentence_id, self.annotator)
            after: rows.Row | None = None
            if no_claim:
                after = {"sentence_id": sentence_id, "annotator": self.annotator,
                         "status": NO_CLAIM, "updated_at": now()}  # fmt: skip
            if before == after or (before and after and before["status"] == after["status"]):
                return
            rows.put_status(self.conn, sentence_id, self.annotator, after)
            self._log(
                "status", "sentence_status", sentence_id, kind=KIND_STATUS,
                article_id=article_id, sentence_id=sentence_id, before=before, after=after,
            )  # fmt: skip

    def replace_with_no_claim(self, sentence_id: int) -> None:
        """Delete this coder's annotations on the sentence and mark it "no claim", as one change
        that one undo reverts (the coder decided the sentence holds no claim after all)."""
        with transaction(self.conn):
            article_id = self._sentence_article(sentence_id)
            mine = [
                int(row[0])
                for row in self.conn.execute(
                    "SELECT id FROM annotations WHERE sentence_id = ? AND annotator = ?"
                    " ORDER BY id",
                    [sentence_id, self.annotator],
                )
            ]
            key = [(sentence_id, self.annotator)]
            before = {
                **rows.capture(self.conn, {"annotations": mine}),
                "sentence_status": rows.capture_statuses(self.conn, key),
            }
            self.conn.execute(
                "DELETE FROM annotations WHERE sentence_id = ? AND annotator = ?",
                [sentence_id, self.annotator],
            )
            status = {"sentence_id": sentence_id, "annotator": self.annotator,
                      "status": NO_CLAIM, "updated_at": now()}  # fmt: skip
            rows.put_status(self.conn, sentence_id, self.annotator, status)
            after = {
                **rows.capture(self.conn, {"annotations": mine}),
                "sentence_status": rows.capture_statuses(self.conn, key),
            }
            self._log(
                "no_claim", "sentence", sentence_id, kind=KIND_ROWS, article_id=article_id,
                sentence_id=sentence_id, before={"rows": before}, after={"rows": after},
            )  # fmt: skip
