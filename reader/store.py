"""The one object the app and the commands talk to: every query and every write.

Each user change is one ``BEGIN IMMEDIATE`` transaction that writes the row and its event-log entry
together, and it has committed before the method returns, so the screen never claims more than the
file holds. Undo and redo are read back from that log, which is why they survive a restart.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from reader.db import StoreError, open_database, transaction
from reader.models import (
    ACTOR_KINDS,
    MAX_STANCES,
    Actor,
    Annotation,
    Article,
    ArticleSummary,
    Codebook,
    Event,
    Sentence,
    Stance,
    Target,
)

NO_CLAIM = "no_claim"
"""The sentence status a coder sets for "reviewed: no claim here"."""

CHANGE_ACTIONS = ("add", "edit", "delete", "status")
"""Event actions that change coding and can be undone."""


class DuplicateAnnotation(StoreError):
    """The same actor, stance and target on the same sentence by the same coder already exists."""


def now() -> str:
    """The current time as stored: UTC, ISO 8601, milliseconds."""
    return datetime.now(UTC).isoformat(timespec="milliseconds")


def fts_query(text: str) -> str:
    """Turn typed words into a safe FTS5 query: every word must match, the last as a prefix.

    Words are cut at punctuation the way FTS5's tokenizer cuts them ("U.N." is "U" and "N"), and
    each part is its own term: the index keeps no positions (``detail=none``), so it cannot answer
    phrase queries, and a filter needs none.
    """
    words = re.findall(r"\w+", text)
    if not words:
        return ""
    quoted = [f'"{w}"' for w in words]
    quoted[-1] += "*"
    return " ".join(quoted)


def _actor(row: sqlite3.Row | tuple[Any, ...]) -> Actor:
    return Actor(row[0], row[1], row[2], tuple(json.loads(row[3] or "[]")), row[4], row[5])


ANNOTATION_COLUMNS = (
    "id, sentence_id, actor_id, stance_id, target_id, note, annotator, created_at, updated_at"
)
EVENT_COLUMNS = (
    "id, at, annotator, action, entity, entity_id, article_id, sentence_id, before, after, reverts"
)


class Store:
    """Queries and writes for one coder (``annotator``) on one database."""

    def __init__(self, db: Database, annotator: str) -> None:
        self.db = db
        self.conn: sqlite3.Connection = db.conn
        self.annotator = annotator

    @classmethod
    def open(cls, path: str | Path | None, annotator: str) -> Store:
        """Open (and migrate) the database at ``path`` for ``annotator``."""
        return cls(open_database(path), annotator)

    def close(self) -> None:
        self.conn.close()

    def _one(self, sql: str, params: Sequence[Any] = ()) -> Any:
        row = self.conn.execute(sql, params).fetchone()
        return row[0] if row else None

    # -- articles ---------------------------------------------------------------------------

    def article_count(self, query: str = "") -> int:
        """How many articles there are (matching ``query``, if given)."""
        match = fts_query(query)
        if not match:
            return int(self._one("SELECT count(*) FROM articles"))
        sql = "SELECT count(*) FROM articles_fts WHERE articles_fts MATCH ?"
        return int(self._one(sql, [match]))

    def _filter(self, query: str) -> tuple[str, list[Any]]:
        match = fts_query(query)
        if not match:
            return "", []
        return "WHERE a.id IN (SELECT rowid FROM articles_fts WHERE articles_fts MATCH ?)", [match]

    def article_summaries(self, offset: int, limit: int, query: str = "") -> list[ArticleSummary]:
        """One window of the article list, in import order, with this coder's progress."""
        where, params = self._filter(query)
        sql = f"""
            SELECT a.id, a.title,
                (SELECT count(*) FROM sentences s WHERE s.article_id = a.id),
                (SELECT count(*) FROM sentences s WHERE s.article_id = a.id AND (
                    EXISTS (SELECT 1 FROM annotations x
                            WHERE x.annotator = ? AND x.sentence_id = s.id)
                    OR EXISTS (SELECT 1 FROM sentence_status t
                            WHERE t.sentence_id = s.id AND t.annotator = ?)))
            FROM articles a {where} ORDER BY a.id LIMIT ? OFFSET ?"""
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

    # -- codebook ---------------------------------------------------------------------------

    def actors(self) -> list[Actor]:
        rows = self.conn.execute(
            "SELECT id, name, kind, aliases, parent_id, description FROM actors ORDER BY name"
        ).fetchall()
        return [_actor(row) for row in rows]

    def stances(self) -> list[Stance]:
        rows = self.conn.execute(
            "SELECT id, key, label, score, position, description FROM stances ORDER BY position, id"
        ).fetchall()
        return [Stance(*row) for row in rows]

    def targets(self) -> list[Target]:
        rows = self.conn.execute("SELECT id, name, description FROM targets ORDER BY id").fetchall()
        return [Target(*row) for row in rows]

    def codebook(self) -> Codebook:
        return Codebook(tuple(self.actors()), tuple(self.stances()), tuple(self.targets()))

    def add_actor(
        self, name: str, kind: str, aliases: Iterable[str] = (), parent_id: int | None = None
    ) -> Actor:
        """Create an actor (from the actor picker or the codebook screen); refuses a name or alias
        that another actor already uses, ignoring case."""
        name, alias_list = _clean_actor(name, kind, aliases)
        with transaction(self.db):
            self._check_actor(None, name, alias_list, parent_id)
            cursor = self.conn.execute(
                "INSERT INTO actors (name, kind, aliases, parent_id) VALUES (?, ?, ?, ?)",
                [name, kind, json.dumps(alias_list), parent_id],
            )
            actor_id = int(cursor.lastrowid or 0)
            self._log(
                "add",
                "actor",
                actor_id,
                None,
                None,
                None,
                {"name": name, "kind": kind, "aliases": alias_list, "parent_id": parent_id},
            )
        return Actor(actor_id, name, kind, tuple(alias_list), parent_id)

    # -- codebook editing -------------------------------------------------------------------

    def _actor_row(self, actor_id: int) -> dict[str, Any] | None:
        row = self.conn.execute(
            "SELECT id, name, kind, aliases, parent_id, description FROM actors WHERE id = ?",
            [actor_id],
        ).fetchone()
        if row is None:
            return None
        keys = ("id", "name", "kind", "aliases", "parent_id", "description")
        return dict(zip(keys, row, strict=True))

    def _check_actor(
        self, actor_id: int | None, name: str, aliases: Sequence[str], parent_id: int | None
    ) -> None:
        """Refuse a name or alias another actor uses (ignoring case), and a parent cycle."""
        owners: dict[str, str] = {}
        for other_id, other_name, other_aliases in self.conn.execute(
            "SELECT id, name, aliases FROM actors"
        ):
            if other_id != actor_id:
                for term in (other_name, *json.loads(other_aliases or "[]")):
                    owners.setdefault(term.casefold(), other_name)
        seen = {name.casefold()}
        for term in (name, *aliases):
            owner = owners.get(term.casefold())
            if owner is not None:
                what = "name" if term == name else "alias"
                raise StoreError(f"the {what} {term!r} is already used by actor {owner!r}")
            if term is not name and term.casefold() in seen:
                raise StoreError(f"the alias {term!r} is listed twice or repeats the name")
            seen.add(term.casefold())
        if parent_id is None:
            return
        chain = [name]
        current: int | None = parent_id
        while current is not None:
            row = self.conn.execute(
                "SELECT name, parent_id FROM actors WHERE id = ?", [current]
            ).fetchone()
            if row is None:
                raise StoreError(f"no actor with id {current} to be the parent")
            if current == actor_id:
                shown = " -> ".join([*chain, name])
                raise StoreError(f"{name!r} cannot be its own ancestor: {shown}")
            chain.append(row[0])
            current = row[1]

    def update_actor(
        self,
        actor_id: int,
        *,
        name: str,
        kind: str,
        aliases: Iterable[str],
        parent_id: int | None,
    ) -> Actor:
        """Change an actor's name, kind, aliases or parent; annotations keep pointing at it."""
        name, alias_list = _clean_actor(name, kind, aliases)
        with transaction(self.db):
            before = self._actor_row(actor_id)
            if before is None:
                raise StoreError(f"actor {actor_id} no longer exists")
            self._check_actor(actor_id, name, alias_list, parent_id)
            self.conn.execute(
                "UPDATE actors SET name = ?, kind = ?, aliases = ?, parent_id = ? WHERE id = ?",
                [name, kind, json.dumps(alias_list), parent_id, actor_id],
            )
            self._log("edit", "actor", actor_id, None, None, before, self._actor_row(actor_id))
        return Actor(actor_id, name, kind, tuple(alias_list), parent_id, before["description"])

    def actor_usage(self, actor_id: int) -> int:
        """How many annotations (by any coder) name the actor."""
        return int(self._one("SELECT count(*) FROM annotations WHERE actor_id = ?", [actor_id]))

    def delete_actor(self, actor_id: int) -> None:
        """Remove an unused actor; its children move up to its own parent."""
        with transaction(self.db):
            before = self._actor_row(actor_id)
            if before is None:
                raise StoreError(f"actor {actor_id} no longer exists")
            used = self.actor_usage(actor_id)
            if used:
                raise StoreError(
                    f"{before['name']!r} is used by {used} annotation{'s' * (used != 1)};"
                    " merge it into another actor instead"
                )
            children = [
                int(i)
                for (i,) in self.conn.execute(
                    "SELECT id FROM actors WHERE parent_id = ?", [actor_id]
                )
            ]
            self.conn.execute(
                "UPDATE actors SET parent_id = ? WHERE parent_id = ?",
                [before["parent_id"], actor_id],
            )
            self.conn.execute("DELETE FROM actors WHERE id = ?", [actor_id])
            self._log(
                "delete", "actor", actor_id, None, None, {**before, "children": children}, None
            )

    def merge_actors(self, source_id: int, into_id: int) -> Actor:
        """Fold one actor into another, in one transaction that ``undo`` reverts exactly.

        The source's annotations move to the target (one that would then repeat an annotation
        the target already has is removed), its children get the target as parent, its name and
        aliases become the target's aliases, and the source is deleted.
        """
        if source_id == into_id:
            raise StoreError("an actor cannot be merged into itself")
        with transaction(self.db):
            source, target = self._actor_row(source_id), self._actor_row(into_id)
            if source is None or target is None:
                raise StoreError(
                    f"actor {source_id if source is None else into_id} no longer exists"
                )
            ancestor: int | None = target["parent_id"]
            while ancestor is not None:
                if ancestor == source_id:
                    raise StoreError(
                        f"{target['name']!r} belongs to {source['name']!r}; merge the other way"
                    )
                ancestor = self._one("SELECT parent_id FROM actors WHERE id = ?", [ancestor])
            children = [
                self._actor_row(int(i))
                for (i,) in self.conn.execute(
                    "SELECT id FROM actors WHERE parent_id = ? ORDER BY id", [source_id]
                )
            ]
            moved = [
                self._annotation_row(int(i))
                for (i,) in self.conn.execute(
                    "SELECT id FROM annotations WHERE actor_id = ? ORDER BY id", [source_id]
                )
            ]
            before = _snapshot([source, target, *children], moved)
            target_terms = [target["name"], *json.loads(target["aliases"])]
            known = {t.casefold() for t in target_terms}
            aliases = json.loads(target["aliases"])
            for term in (source["name"], *json.loads(source["aliases"])):
                if term.casefold() not in known:
                    known.add(term.casefold())
                    aliases.append(term)
            self.conn.execute(
                "UPDATE actors SET aliases = ? WHERE id = ?", [json.dumps(aliases), into_id]
            )
            self.conn.execute(
                "UPDATE actors SET parent_id = ? WHERE parent_id = ?", [into_id, source_id]
            )
            removed: list[int] = []
            for row in moved:
                assert row is not None
                try:
                    self.conn.execute(
                        "UPDATE annotations SET actor_id = ? WHERE id = ?", [into_id, row["id"]]
                    )
                except sqlite3.IntegrityError:
                    self.conn.execute("DELETE FROM annotations WHERE id = ?", [row["id"]])
                    removed.append(row["id"])
            self.conn.execute("DELETE FROM actors WHERE id = ?", [source_id])
            after = _snapshot(
                [
                    None,
                    self._actor_row(into_id),
                    *(self._actor_row(c["id"]) for c in children if c),
                ],
                [self._annotation_row(r["id"]) for r in moved if r],
                ids=before,
            )
            after["removed_duplicates"] = removed
            self._log("merge", "actor", source_id, None, None, before, after)
        merged = self._actor_row(into_id)
        assert merged is not None
        return _actor(tuple(merged.values()))

    def add_target(self, name: str, description: str = "") -> Target:
        """A new target; refuses a name already used, ignoring case."""
        name = " ".join(name.split())
        if not name:
            raise StoreError("a target needs a name")
        with transaction(self.db):
            self._check_unique("targets", "name", name, None, "target")
            cursor = self.conn.execute(
                "INSERT INTO targets (name, description) VALUES (?, ?)", [name, description.strip()]
            )
            target = Target(int(cursor.lastrowid or 0), name, description.strip())
            self._log("add", "target", target.id, None, None, None, _asdict(target))
        return target

    def update_target(self, target_id: int, *, name: str, description: str = "") -> Target:
        """Rename a target or change its description; annotations keep pointing at it."""
        name = " ".join(name.split())
        if not name:
            raise StoreError("a target needs a name")
        with transaction(self.db):
            row = self.conn.execute(
                "SELECT id, name, description FROM targets WHERE id = ?", [target_id]
            ).fetchone()
            if row is None:
                raise StoreError(f"target {target_id} no longer exists")
            self._check_unique("targets", "name", name, target_id, "target")
            self.conn.execute(
                "UPDATE targets SET name = ?, description = ? WHERE id = ?",
                [name, description.strip(), target_id],
            )
            target = Target(target_id, name, description.strip())
            self._log(
                "edit", "target", target_id, None, None, _asdict(Target(*row)), _asdict(target)
            )
        return target

    def add_stance(
        self, key: str, label: str = "", score: float = 0.0, description: str = ""
    ) -> Stance:
        """A new stance after the others; refused once the digit keys 1-9 are all taken."""
        key = key.strip()
        if not key:
            raise StoreError("a stance needs a key")
        with transaction(self.db):
            count = int(self._one("SELECT count(*) FROM stances"))
            if count >= MAX_STANCES:
                raise StoreError(
                    f"the codebook already has {count} stances; at most {MAX_STANCES} fit the"
                    " digit keys 1-9"
                )
            self._check_unique("stances", "key", key, None, "stance key")
            position = int(self._one("SELECT coalesce(max(position), 0) FROM stances")) + 1
            cursor = self.conn.execute(
                "INSERT INTO stances (key, label, score, position, description)"
                " VALUES (?, ?, ?, ?, ?)",
                [key, label.strip() or key, float(score), position, description.strip()],
            )
            stance = Stance(
                int(cursor.lastrowid or 0), key, label.strip() or key, float(score), position,
                description.strip(),
            )  # fmt: skip
            self._log("add", "stance", stance.id, None, None, None, _asdict(stance))
        return stance

    def update_stance(
        self, stance_id: int, *, key: str, label: str, score: float, description: str = ""
    ) -> Stance:
        """Change a stance's key, label, score or description; its digit key stays."""
        key = key.strip()
        if not key:
            raise StoreError("a stance needs a key")
        with transaction(self.db):
            row = self.conn.execute(
                "SELECT id, key, label, score, position, description FROM stances WHERE id = ?",
                [stance_id],
            ).fetchone()
            if row is None:
                raise StoreError(f"stance {stance_id} no longer exists")
            self._check_unique("stances", "key", key, stance_id, "stance key")
            stance = Stance(
                stance_id, key, label.strip() or key, float(score), row[4], description.strip()
            )
            self.conn.execute(
                "UPDATE stances SET key = ?, label = ?, score = ?, description = ? WHERE id = ?",
                [stance.key, stance.label, stance.score, stance.description, stance_id],
            )
            self._log(
                "edit", "stance", stance_id, None, None, _asdict(Stance(*row)), _asdict(stance)
            )
        return stance

    def _check_unique(
        self, table: str, column: str, value: str, own_id: int | None, what: str
    ) -> None:
        for other_id, other in self.conn.execute(f"SELECT id, {column} FROM {table}"):
            if other_id != own_id and str(other).casefold() == value.casefold():
                raise StoreError(f"the {what} {other!r} already exists")

    # -- annotations ------------------------------------------------------------------------

    def _annotation_row(self, annotation_id: int) -> dict[str, Any] | None:
        cursor = self.conn.execute(
            f"SELECT {ANNOTATION_COLUMNS} FROM annotations WHERE id = ?", [annotation_id]
        )
        row = cursor.fetchone()
        if row is None:
            return None
        return dict(zip([c[0] for c in cursor.description], row, strict=True))

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
        with transaction(self.db):
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
        with transaction(self.db):
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
        with transaction(self.db):
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
        with transaction(self.db):
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

    # -- event log, undo and redo -----------------------------------------------------------

    def _log(
        self,
        action: str,
        entity: str,
        entity_id: int | None,
        article_id: int | None,
        sentence_id: int | None,
        before: dict[str, Any] | None,
        after: dict[str, Any] | None,
        reverts: int | None = None,
    ) -> int:
        cursor = self.conn.execute(
            "INSERT INTO events (at, annotator, action, entity, entity_id, article_id,"
            " sentence_id, before, after, reverts) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                now(),
                self.annotator,
                action,
                entity,
                entity_id,
                article_id,
                sentence_id,
                json.dumps(before) if before is not None else None,
                json.dumps(after) if after is not None else None,
                reverts,
            ],
        )
        return int(cursor.lastrowid or 0)

    def events(
        self, *, annotator: str | None = None, article_id: int | None = None, limit: int = 1000
    ) -> list[Event]:
        """The newest events first, optionally for one coder or one article."""
        clauses: list[str] = []
        params: list[Any] = []
        if annotator:
            clauses.append("annotator = ?")
            params.append(annotator)
        if article_id is not None:
            clauses.append("article_id = ?")
            params.append(article_id)
        where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
        rows = self.conn.execute(
            f"SELECT {EVENT_COLUMNS} FROM events {where} ORDER BY id DESC LIMIT ?",
            [*params, limit],
        ).fetchall()
        return [Event(*row) for row in rows]

    def _stacks(self) -> tuple[list[Event], list[Event]]:
        """This coder's undo and redo stacks, replayed from the event log."""
        rows = self.conn.execute(
            f"SELECT {EVENT_COLUMNS} FROM events WHERE annotator = ?"
            " AND action IN ('add', 'edit', 'delete', 'status', 'merge', 'undo', 'redo')"
            " AND (entity IN ('annotation', 'sentence_status')"
            " OR (entity = 'actor' AND (action = 'merge' OR before LIKE '{\"merge\":%'"
            " OR after LIKE '{\"merge\":%'))) ORDER BY id",
            [self.annotator],
        ).fetchall()
        undo: list[Event] = []
        redo: list[Event] = []
        for event in (Event(*row) for row in rows):
            if event.action == "undo":
                if undo:
                    redo.append(event)
                    undo.pop()
            elif event.action == "redo":
                if redo:
                    redo.pop()
                    undo.append(event)
            else:
                undo.append(event)
                redo.clear()
        return undo, redo

    def _apply_state(self, event: Event, row_json: str | None) -> None:
        """Make the event's entity look like ``row_json`` (None: absent)."""
        row = json.loads(row_json) if row_json else None
        if event.entity == "actor":
            assert row is not None
            self._apply_snapshot(row)
        elif event.entity == "annotation":
            self.conn.execute("DELETE FROM annotations WHERE id = ?", [event.entity_id])
            if row is not None:
                try:
                    self.conn.execute(
                        f"INSERT INTO annotations ({ANNOTATION_COLUMNS}) VALUES (:id,"
                        " :sentence_id, :actor_id, :stance_id, :target_id, :note, :annotator,"
                        " :created_at, :updated_at)",
                        row,
                    )
                except sqlite3.IntegrityError:
                    raise StoreError(
                        "cannot restore the annotation: the same one was added again since"
                    ) from None
        else:
            assert event.sentence_id is not None
            self._put_status(event.sentence_id, row)

    def _apply_snapshot(self, state: dict[str, Any]) -> None:
        """Make the actors and annotations a merge touched look as ``state`` records them.

        Rows are written before rows are deleted, so a restored actor exists before annotations
        and children point back at it, and is deleted only once nothing points at it.
        """
        merge = state["merge"]
        for _, row in merge["actors"]:
            if row is not None:
                self.conn.execute(
                    "INSERT INTO actors (id, name, kind, aliases, parent_id, description)"
                    " VALUES (:id, :name, :kind, :aliases, :parent_id, :description)"
                    " ON CONFLICT (id) DO UPDATE SET name = excluded.name, kind = excluded.kind,"
                    " aliases = excluded.aliases, parent_id = excluded.parent_id,"
                    " description = excluded.description",
                    row,
                )
        for annotation_id, row in merge["annotations"]:
            self.conn.execute("DELETE FROM annotations WHERE id = ?", [annotation_id])
            if row is not None:
                self.conn.execute(
                    f"INSERT INTO annotations ({ANNOTATION_COLUMNS}) VALUES (:id,"
                    " :sentence_id, :actor_id, :stance_id, :target_id, :note, :annotator,"
                    " :created_at, :updated_at)",
                    row,
                )
        for actor_id, row in merge["actors"]:
            if row is None:
                self.conn.execute("DELETE FROM actors WHERE id = ?", [actor_id])

    def undo(self) -> Event | None:
        """Revert this coder's last change; returns the event it undid, or None if none is left."""
        with transaction(self.db):
            undo, _ = self._stacks()
            if not undo:
                return None
            event = undo[-1]
            self._apply_state(event, event.before)
            self._log(
                "undo",
                event.entity,
                event.entity_id,
                event.article_id,
                event.sentence_id,
                _load(event.after),
                _load(event.before),
                reverts=event.id,
            )
        return event

    def redo(self) -> Event | None:
        """Re-apply the change most recently undone; returns the undo event it reversed."""
        with transaction(self.db):
            _, redo = self._stacks()
            if not redo:
                return None
            event = redo[-1]
            self._apply_state(event, event.before)
            self._log(
                "redo",
                event.entity,
                event.entity_id,
                event.article_id,
                event.sentence_id,
                _load(event.after),
                _load(event.before),
                reverts=event.id,
            )
        return event

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
        with transaction(self.db):
            self.conn.execute(
                "INSERT OR REPLACE INTO ui_state (annotator, key, value) VALUES (?, ?, ?)",
                [self.annotator, key, value],
            )

    # -- reading position and coding suggestions (main screen) -------------------------------

    def article_summary(self, article_id: int) -> ArticleSummary | None:
        """One article's list row, to redraw it after this coder's progress on it changed."""
        row = self.conn.execute(
            """
            SELECT a.id, a.title,
                (SELECT count(*) FROM sentences s WHERE s.article_id = a.id),
                (SELECT count(*) FROM sentences s WHERE s.article_id = a.id AND (
                    EXISTS (SELECT 1 FROM annotations x
                            WHERE x.annotator = ? AND x.sentence_id = s.id)
                    OR EXISTS (SELECT 1 FROM sentence_status t
                            WHERE t.sentence_id = s.id AND t.annotator = ?)))
            FROM articles a WHERE a.id = ?""",
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

    def coded_sentence_count(self) -> int:
        """The first half of ``progress()`` alone: cheap, where counting all sentences is not."""
        return int(
            self._one(
                "SELECT count(*) FROM (SELECT sentence_id FROM annotations WHERE annotator = ?"
                " UNION SELECT sentence_id FROM sentence_status WHERE annotator = ?)",
                [self.annotator, self.annotator],
            )
        )

    def last_target_id(self) -> int | None:
        """The target of this coder's latest annotation (None: it had none, or none exist)."""
        last = self.last_annotation()
        return last.target_id if last else None


def _clean_actor(name: str, kind: str, aliases: Iterable[str]) -> tuple[str, list[str]]:
    """The actor's name and aliases with spacing tidied; refuses an empty name or unknown kind."""
    name = " ".join(name.split())
    if not name:
        raise StoreError("an actor needs a name")
    if kind not in ACTOR_KINDS:
        raise StoreError(f"unknown actor kind {kind!r}: use one of {', '.join(ACTOR_KINDS)}")
    return name, [" ".join(a.split()) for a in aliases if a.strip()]


def _snapshot(
    actors: Sequence[dict[str, Any] | None],
    annotations: Sequence[dict[str, Any] | None],
    ids: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Rows a merge touches, as ``{"merge": {"actors": [[id, row]], "annotations": [...]}}``.

    ``ids`` (the state before) gives the ids in the same order where a row is now ``None``.
    """

    def pairs(table: str, rows: Sequence[dict[str, Any] | None]) -> list[list[Any]]:
        if ids is None:
            return [[row["id"], row] for row in rows if row is not None]
        return [[i, row] for (i, _), row in zip(ids["merge"][table], rows, strict=True)]

    return {
        "merge": {
            "actors": pairs("actors", actors),
            "annotations": pairs("annotations", annotations),
        }
    }


def _asdict(record: Target | Stance) -> dict[str, Any]:
    return {name: getattr(record, name) for name in record.__slots__}  # type: ignore[attr-defined]


def _load(value: str | None) -> dict[str, Any] | None:
    return json.loads(value) if value else None
