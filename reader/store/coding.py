"""Annotations and sentence statuses: the coding itself, each change logged so undo can revert it.

Every write is one ``BEGIN IMMEDIATE`` transaction holding the row and its event together, committed
before the method returns.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from reader.db import StoreError, transaction
from reader.models import Annotation
from reader.store.base import ANNOTATION_COLUMNS, NO_CLAIM, DuplicateAnnotation, StoreBase, now


class CodingMixin(StoreBase):
    """This coder's annotations and "no claim" marks, and the suggestions drawn from them."""

    def annotation(self, annotation_id: int) -> Annotation | None:
        row = self._annotation_row(annotation_id)
        return Annotation(**row) if row else None

    def annotations_for_article(self, article_id: int) -> list[Annotation]:
        """Every coder's annotations on the article's sentences, oldest first."""
        rows = self.conn.execute(
            f"SELECT {', '.join('x.' + c.strip() for c in ANNOTATION_COLUMNS.split(','))}"
            " FROM annotations x JOIN sentences s ON s.id = x.sentence_id"
            " WHERE s.article_id = ? ORDER BY x.id",
            [article_id],
        ).fetchall()
        return [Annotation(*row) for row in rows]

    def annotations_for_sentence(self, sentence_id: int) -> list[Annotation]:
        rows = self.conn.execute(
            f"SELECT {ANNOTATION_COLUMNS} FROM annotations WHERE sentence_id = ? ORDER BY id",
            [sentence_id],
        ).fetchall()
        return [Annotation(*row) for row in rows]

    def _sentence_article(self, sentence_id: int) -> int:
        article_id = self._one("SELECT article_id FROM sentences WHERE id = ?", [sentence_id])
        if article_id is None:
            raise StoreError(f"no sentence with id {sentence_id}")
        return int(article_id)

    def _check_refs(self, actor_id: int, stance_id: int, target_id: int | None) -> None:
        if self._one("SELECT 1 FROM actors WHERE id = ?", [actor_id]) is None:
            raise StoreError(f"no actor with id {actor_id}")
        if self._one("SELECT 1 FROM stances WHERE id = ?", [stance_id]) is None:
            raise StoreError(f"no stance with id {stance_id}")
        if (
            target_id is not None
            and self._one("SELECT 1 FROM targets WHERE id = ?", [target_id]) is None
        ):
            raise StoreError(f"no target with id {target_id}")

    def add_annotation(
        self,
        sentence_id: int,
        actor_id: int,
        stance_id: int,
        target_id: int | None = None,
        note: str = "",
    ) -> Annotation:
        """Record that in this sentence the actor takes the stance; committed on return."""
        stamp = now()
        with transaction(self.conn):
            article_id = self._sentence_article(sentence_id)
            self._check_refs(actor_id, stance_id, target_id)
            try:
                cursor = self.conn.execute(
                    "INSERT INTO annotations (sentence_id, actor_id, stance_id, target_id, note,"
                    " annotator, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    [
                        sentence_id,
                        actor_id,
                        stance_id,
                        target_id,
                        note.strip(),
                        self.annotator,
                        stamp,
                        stamp,
                    ],
                )
            except sqlite3.IntegrityError:
                raise DuplicateAnnotation(
                    "this sentence already has that actor, stance and target from you"
                ) from None
            row = self._annotation_row(int(cursor.lastrowid or 0))
            assert row is not None
            self._log("add", "annotation", row["id"], article_id, sentence_id, None, row)
        return Annotation(**row)

    def update_annotation(
        self,
        annotation_id: int,
        *,
        actor_id: int,
        stance_id: int,
        target_id: int | None,
        note: str,
    ) -> Annotation:
        """Change an annotation's actor, stance, target or note; committed on return."""
        with transaction(self.conn):
            before = self._annotation_row(annotation_id)
            if before is None:
                raise StoreError(f"annotation {annotation_id} no longer exists")
            self._check_refs(actor_id, stance_id, target_id)
            try:
                self.conn.execute(
                    "UPDATE annotations SET actor_id = ?, stance_id = ?, target_id = ?, note = ?,"
                    " updated_at = ? WHERE id = ?",
                    [actor_id, stance_id, target_id, note.strip(), now(), annotation_id],
                )
            except sqlite3.IntegrityError:
                raise DuplicateAnnotation(
                    "this sentence already has that actor, stance and target from you"
                ) from None
            after = self._annotation_row(annotation_id)
            article_id = self._sentence_article(before["sentence_id"])
            self._log(
                "edit",
                "annotation",
                annotation_id,
                article_id,
                before["sentence_id"],
                before,
                after,
            )
        assert after is not None
        return Annotation(**after)

    def delete_annotation(self, annotation_id: int) -> None:
        """Remove an annotation; the event log keeps it so undo can bring it back."""
        with transaction(self.conn):
            before = self._annotation_row(annotation_id)
            if before is None:
                raise StoreError(f"annotation {annotation_id} no longer exists")
            self.conn.execute("DELETE FROM annotations WHERE id = ?", [annotation_id])
            article_id = self._sentence_article(before["sentence_id"])
            self._log(
                "delete",
                "annotation",
                annotation_id,
                article_id,
                before["sentence_id"],
                before,
                None,
            )

    def last_annotation(self) -> Annotation | None:
        """This coder's most recently created or edited annotation still present (for repeat)."""
        row = self.conn.execute(
            f"SELECT {ANNOTATION_COLUMNS} FROM annotations WHERE annotator = ?"
            " ORDER BY updated_at DESC, id DESC LIMIT 1",
            [self.annotator],
        ).fetchone()
        return Annotation(*row) if row else None

    # -- coding suggestions -----------------------------------------------------------------

    def recent_actor_ids(self, limit: int = 9) -> list[int]:
        """Actors this coder used most recently, newest first (for the actor picker)."""
        rows = self.conn.execute(
            "SELECT actor_id FROM annotations WHERE annotator = ? GROUP BY actor_id"
            " ORDER BY max(updated_at) DESC, max(id) DESC LIMIT ?",
            [self.annotator, limit],
        ).fetchall()
        return [int(row[0]) for row in rows]

    def usual_stance_id(self, actor_id: int) -> int | None:
        """The stance this coder gave the actor most often (ties: most recent), if any."""
        value = self._one(
            "SELECT stance_id FROM annotations WHERE annotator = ? AND actor_id = ?"
            " GROUP BY stance_id ORDER BY count(*) DESC, max(id) DESC LIMIT 1",
            [self.annotator, actor_id],
        )
        return int(value) if value is not None else None

    def last_target_id(self) -> int | None:
        """The target of this coder's latest annotation (None: it had none, or none exist)."""
        last = self.last_annotation()
        return last.target_id if last else None

    # -- sentence status --------------------------------------------------------------------

    def statuses(self, article_id: int) -> dict[int, str]:
        """This coder's status per sentence of the article (only sentences that have one)."""
        rows = self.conn.execute(
            "SELECT t.sentence_id, t.status FROM sentence_status t"
            " JOIN sentences s ON s.id = t.sentence_id WHERE s.article_id = ? AND t.annotator = ?",
            [article_id, self.annotator],
        ).fetchall()
        return {int(sid): str(status) for sid, status in rows}

    def _status_row(self, sentence_id: int) -> dict[str, Any] | None:
        row = self.conn.execute(
            "SELECT sentence_id, annotator, status, updated_at FROM sentence_status"
            " WHERE sentence_id = ? AND annotator = ?",
            [sentence_id, self.annotator],
        ).fetchone()
        if row is None:
            return None
        return dict(zip(("sentence_id", "annotator", "status", "updated_at"), row, strict=True))

    def set_no_claim(self, sentence_id: int, no_claim: bool) -> None:
        """Mark (or unmark) the sentence as reviewed with no claim in it, for this coder."""
        with transaction(self.conn):
            article_id = self._sentence_article(sentence_id)
            before = self._status_row(sentence_id)
            if no_claim:
                after: dict[str, Any] | None = {
                    "sentence_id": sentence_id,
                    "annotator": self.annotator,
                    "status": NO_CLAIM,
                    "updated_at": now(),
                }
            else:
                after = None
            if before == after or (before and after and before["status"] == after["status"]):
                return
            self._put_status(sentence_id, after)
            self._log(
                "status", "sentence_status", sentence_id, article_id, sentence_id, before, after
            )

    def _put_status(self, sentence_id: int, row: dict[str, Any] | None) -> None:
        if row is None:
            self.conn.execute(
                "DELETE FROM sentence_status WHERE sentence_id = ? AND annotator = ?",
                [sentence_id, self.annotator],
            )
        else:
            self.conn.execute(
                "INSERT OR REPLACE INTO sentence_status (sentence_id, annotator, status,"
                " updated_at) VALUES (:sentence_id, :annotator, :status, :updated_at)",
                row,
            )
