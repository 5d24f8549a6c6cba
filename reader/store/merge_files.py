"""``nkreader merge``: what coders did in other nkreader databases, brought into this one.

Coders code on their own machines, each in a copy of the project's database or in one they
imported themselves, in any order; the files are then merged. Nothing in another file is an id
this database can trust, so everything is matched by what it is:

- an article by its content hash (the text), a sentence by its offsets in the article; an
  article present here but split into other sentences is refused, with its codes, by name;
- a codebook entry by name (stances by key), ignoring case as a codebook import does: new ones
  are added, an actor's new aliases join its own, and a kind, parent or score that differs is
  reported and left as it is here;
- codes and "no claim" marks by the rules of ``reader.store.placing`` (the same code is never
  added twice, nothing here is overwritten), with their coder and timestamps;
- the history of those codes (their events in the other file) by when, who, what and where,
  copied with the ids mapped, so ``nkreader log`` shows it; merging the same file again adds
  nothing, and neither does a file whose history this one shares (a copy of the same start).

Every file of one merge goes in one transaction, with one ``merge`` event per file: the whole
merge lands or nothing does. A dry run does the same work and rolls it back, so what it reports
is exactly what the merge would do. The copied history is for reading only (its events have no
``kind``): no coder's undo here replays changes made in another file, and the merge itself is
not undone with ``u`` (it adds articles and history too); a backup taken first is the way back.
"""

from __future__ import annotations

import json
import sqlite3
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from reader.db import StoreError, damage_message, is_damage, transaction
from reader.db.damage import one_line
from reader.models import ACTOR_KINDS, MAX_STANCES, MergeReport
from reader.store.article_batches import ARTICLE_COLUMNS, Batch, encode_batch, store_batch
from reader.store.base import StoreBase
from reader.store.codebook_rules import fold
from reader.store.placing import Code, Mark, Placer, chunks

__all__ = ["MergeFilesMixin", "OtherDatabase"]

HISTORY_ENTITIES = ("annotation", "sentence_status", "sentence")
"""Events about codes and marks: the history a merge copies."""

ARTICLES_PER_BATCH = 500
"""Articles read from the other file and written here at a time (texts held in memory)."""

MERGE_CACHE_KIB = -262_144
"""SQLite's page cache while a merge runs (negative: in KiB, so 256 MiB at most, used only as
the merge needs it)."""

_STAMPS = ("created_at", "updated_at", "status")
"""What an event's rows say that no id mapping changes: when, and which status."""


Read = Callable[[str, Sequence[object]], list[tuple[Any, ...]]]
"""A query on one of the two databases: SQL and parameters in, rows out."""

NewArticles = tuple[list[int], Batch]
"""Articles of the other file (their ids there) and the batch that stores them here."""


class OtherDatabase:
    """The other file, read only; a failure while reading it names it, not this database.

    A damaged page in the other file must not read as damage here: the write transaction would
    then stop every later change on this database. So reads of the other file raise a
    ``StoreError`` naming it, which rolls the merge back and leaves this database working.
    """

    def __init__(self, conn: sqlite3.Connection, name: str) -> None:
        self.conn = conn
        self.name = name

    def rows(self, sql: str, params: Sequence[object] = ()) -> list[tuple[Any, ...]]:
        try:
            return self.conn.execute(sql, params).fetchall()
        except sqlite3.DatabaseError as error:
            if is_damage(error):
                raise StoreError(
                    damage_message(self.name, error, "nothing was merged from it")
                ) from None
            raise StoreError(
                f"{self.name}: cannot be read ({one_line(error)}); nothing was merged from it"
            ) from None


class _DryRun(Exception):
    """Raised at the end of a dry run to roll its transaction back."""


class MergeFilesMixin(StoreBase):
    """``merge_files``: other nkreader databases' articles, codebook, codes and history."""

    def merge_files(
        self, others: Sequence[tuple[str, sqlite3.Connection]], *, dry_run: bool = False
    ) -> list[MergeReport]:
        """Merge each ``(name, connection)`` in turn, all in one transaction; a report each.

        ``name`` is how messages and the log name the file. The connections are only read.
        Each file that adds anything is one ``merge`` event (entity ``file``, no ``kind``: it
        cannot be undone); one that adds nothing leaves this database exactly as it was. With
        ``dry_run`` the transaction is rolled back: the reports say what would change.
        """
        reports: list[MergeReport] = []
        cache = self.conn.execute("PRAGMA cache_size").fetchone()[0]
        # Pages of a merge stay in memory until it commits, rather than being written to the
        # -wal early and again later: a fifth faster for a file of 10,000 articles.
        self.conn.execute(f"PRAGMA cache_size = {MERGE_CACHE_KIB}")
        try:
            with transaction(self.conn):
                for name, conn in others:
                    report = _FileMerge(self.conn, OtherDatabase(conn, name)).run()
                    if report.changed:
                        self._log("merge", "file", None, kind=None, after=report.as_dict())
                    reports.append(report)
                if dry_run:
                    raise _DryRun
        except _DryRun:
            pass
        finally:
            self.conn.execute(f"PRAGMA cache_size = {int(cache)}")
        return reports


class _FileMerge:
    """One other file merged into this database, inside the caller's transaction."""

    def __init__(self, conn: sqlite3.Connection, other: OtherDatabase) -> None:
        self.conn = conn
        self.other = other
        self.actors: dict[int, int] = {}
        self.stances: dict[int, int] = {}
        self.targets: dict[int, int] = {}
        self.articles: dict[int, int] = {}
        self.added: set[int] = set()
        """Articles (ids there) this merge adds: their sentences are the other file's."""
        self.sentences: dict[int, int] = {}
        self.annotations: dict[int, int] = {}
        self.book_conflicts: list[str] = []
        self.refused: list[str] = []
        self.counts: Counter[str] = Counter()

    def run(self) -> MergeReport:
        self._actors()
        self._stances()
        self._targets()
        self._articles()
        self._sentences()
        placer = self._codes()
        self._history()
        return MergeReport(
            self.other.name,
            articles_added=self.counts["articles"],
            actors_added=self.counts["actors"],
            stances_added=self.counts["stances"],
            targets_added=self.counts["targets"],
            aliases_added=self.counts["aliases"],
            placement=placer.placement(f"{self.other.name}: "),
            events_copied=self.counts["events"],
            refused=tuple(self.refused),
            codebook_conflicts=tuple(self.book_conflicts),
        )

    def _conflict(self, line: str) -> None:
        self.book_conflicts.append(f"{self.other.name}: {line}")

    # -- the codebook -------------------------------------------------------------------------

    def _actors(self) -> None:
        """Actors by name (or a name that is an alias here); aliases united, conflicts said."""
        here: dict[int, dict[str, Any]] = {}
        owner: dict[str, int] = {}  # every name and alias here -> its actor
        for actor_id, name, kind, aliases, parent_id in self.conn.execute(
            "SELECT id, name, kind, aliases, parent_id FROM actors ORDER BY id"
        ):
            here[actor_id] = {"name": name, "kind": kind, "aliases": _list(aliases),
                              "parent": parent_id}  # fmt: skip
            for term in (name, *here[actor_id]["aliases"]):
                owner.setdefault(fold(term), actor_id)
        found = self.other.rows(
            "SELECT id, name, kind, aliases, parent_id, description FROM actors ORDER BY id"
        )
        names = {row[0]: row[1] for row in found}
        changed: set[int] = set()
        added: list[tuple[int, int | None]] = []  # new actors, with their parent there
        new_ids: set[int] = set()
        for other_id, name, kind, aliases, parent_id, description in found:
            actor_id = owner.get(fold(name))
            if actor_id is None:
                if kind not in ACTOR_KINDS:
                    self._conflict(f"actor {name!r}: unknown kind {kind!r}, added as 'other'")
                    kind = "other"
                cursor = self.conn.execute(
                    "INSERT INTO actors (name, kind, aliases, parent_id, description)"
                    " VALUES (?, ?, '[]', NULL, ?)",
                    [name, kind, description or ""],
                )
                actor_id = int(cursor.lastrowid or 0)
                here[actor_id] = {"name": name, "kind": kind, "aliases": [], "parent": None}
                owner[fold(name)] = actor_id
                added.append((actor_id, parent_id))
                new_ids.add(actor_id)
                self.counts["actors"] += 1
                changed.add(actor_id)
            else:
                self._compare_actor(name, kind, here[actor_id])
            for alias in _list(aliases):
                holder = owner.get(fold(alias))
                if holder == actor_id:
                    continue
                if holder is not None:
                    self._conflict(
                        f"actor {name!r}: its alias {alias!r} names {here[holder]['name']!r}"
                        " here; not added"
                    )
                    continue
                owner[fold(alias)] = actor_id
                here[actor_id]["aliases"].append(alias)
                changed.add(actor_id)
                if actor_id not in new_ids:
                    self.counts["aliases"] += 1
            self.actors[other_id] = actor_id
        for actor_id in sorted(changed):
            self.conn.execute(
                "UPDATE actors SET aliases = ? WHERE id = ?",
                [json.dumps(here[actor_id]["aliases"]), actor_id],
            )
        for actor_id, parent_id in added:
            parent = self.actors.get(parent_id) if parent_id is not None else None
            if parent is not None and parent != actor_id:
                self.conn.execute(
                    "UPDATE actors SET parent_id = ? WHERE id = ?", [parent, actor_id]
                )
        for other_id, name, _, _, parent_id, _ in found:
            actor_id = self.actors[other_id]
            if actor_id in new_ids:
                continue
            theirs = self.actors.get(parent_id) if parent_id is not None else None
            ours = here[actor_id]["parent"]
            if theirs != ours:
                shown = names.get(parent_id) if parent_id is not None else None
                mine = here[ours]["name"] if ours is not None else None
                self._conflict(
                    f"actor {name!r}: parent {_named(shown)} there, {_named(mine)} here;"
                    " kept this database's"
                )

    def _compare_actor(self, name: str, kind: str, actor: dict[str, Any]) -> None:
        if fold(actor["name"]) != fold(name):
            self._conflict(
                f"actor {name!r} is an alias of {actor['name']!r} here; its codes were merged"
                f" as {actor['name']!r}"
            )
        if kind != actor["kind"]:
            self._conflict(
                f"actor {name!r}: kind {kind!r} there, {actor['kind']!r} here; kept this database's"
            )

    def _stances(self) -> None:
        """Stances by key; a new one takes the next digit key while one of 1-9 is free."""
        here = {
            fold(key): (stance_id, key, label, score)
            for stance_id, key, label, score in self.conn.execute(
                "SELECT id, key, label, score FROM stances"
            )
        }
        position = int(
            self.conn.execute("SELECT coalesce(max(position), 0) FROM stances").fetchone()[0]
        )
        for other_id, key, label, score, description in self.other.rows(
            "SELECT id, key, label, score, description FROM stances ORDER BY position, id"
        ):
            known = here.get(fold(key))
            if known is not None:
                self.stances[other_id] = known[0]
                if (label, float(score)) != (known[2], float(known[3])):
                    self._conflict(
                        f"stance {key!r}: {label!r} scored {score} there, {known[2]!r} scored"
                        f" {known[3]} here; kept this database's"
                    )
                continue
            if len(here) >= MAX_STANCES:
                self._conflict(
                    f"stance {key!r} not added: the codebook here has {MAX_STANCES} stances"
                    " (the digit keys 1-9); codes with it were not merged"
                )
                continue
            position += 1
            cursor = self.conn.execute(
                "INSERT INTO stances (key, label, score, position, description)"
                " VALUES (?, ?, ?, ?, ?)",
                [key, label, score, position, description or ""],
            )
            stance_id = int(cursor.lastrowid or 0)
            here[fold(key)] = (stance_id, key, label, score)
            self.stances[other_id] = stance_id
            self.counts["stances"] += 1

    def _targets(self) -> None:
        """Targets by name; new ones added."""
        here = {fold(name): int(i) for i, name in self.conn.execute("SELECT id, name FROM targets")}
        for other_id, name, description in self.other.rows(
            "SELECT id, name, description FROM targets ORDER BY id"
        ):
            target_id = here.get(fold(name))
            if target_id is None:
                cursor = self.conn.execute(
                    "INSERT INTO targets (name, description) VALUES (?, ?)",
                    [name, description or ""],
                )
                target_id = int(cursor.lastrowid or 0)
                here[fold(name)] = target_id
                self.counts["targets"] += 1
            self.targets[other_id] = target_id

    # -- articles and sentences ---------------------------------------------------------------

    def _articles(self) -> None:
        """Articles by content hash; those only there are added with their sentences."""
        found = self.other.rows("SELECT id, content_hash FROM articles ORDER BY id")
        stored: dict[str, int] = {}
        for batch in chunks([h for _, h in found]):
            marks = ",".join("?" * len(batch))
            stored.update(
                self.conn.execute(
                    f"SELECT content_hash, id FROM articles WHERE content_hash IN ({marks})", batch
                ).fetchall()
            )
        new = []
        for other_id, content_hash in found:
            if content_hash in stored:
                self.articles[other_id] = stored[content_hash]
            else:
                new.append(other_id)
        batches = list(chunks(new, ARTICLES_PER_BATCH))
        with ThreadPoolExecutor(1, thread_name_prefix="nkreader-merge-read") as pool:
            read = self._reader(pool)
            pending = read(batches[0]) if batches else None
            for number in range(len(batches)):
                assert pending is not None
                ids, encoded = pending.result()
                if number + 1 < len(batches):
                    pending = read(batches[number + 1])  # read the next while this is written
                for other_id, (article_id, _) in zip(
                    ids, store_batch(self.conn, encoded), strict=True
                ):
                    self.articles[other_id] = article_id
                    self.added.add(other_id)
                self.counts["articles"] += len(ids)

    def _reader(self, pool: ThreadPoolExecutor) -> Callable[[list[int]], Future[NewArticles]]:
        """How to read a batch of new articles: on the pool's thread, so that SQLite reads the
        other file while it writes this one (each lets Python's lock go meanwhile), when the
        other connection may be used from another thread (``open_to_read`` makes it so);
        else at once, on this thread."""
        try:
            pool.submit(self.other.conn.execute, "SELECT 1").result()
        except sqlite3.ProgrammingError:  # made in this thread, and only for it

            def inline(batch: list[int]) -> Future[NewArticles]:
                done: Future[NewArticles] = Future()
                done.set_result(self._read_new(batch))
                return done

            return inline
        return lambda batch: pool.submit(self._read_new, batch)

    def _read_new(self, batch: list[int]) -> NewArticles:
        """A batch of the other file's articles with their sentences, ready to store."""
        marks = ",".join("?" * len(batch))
        rows = self.other.rows(
            f"SELECT id, {', '.join(ARTICLE_COLUMNS)} FROM articles WHERE id IN ({marks})"
            " ORDER BY id",
            batch,
        )
        offsets: dict[int, list[int]] = defaultdict(list)
        for article_id, start, end, paragraph in self.other.rows(
            'SELECT article_id, start, "end", paragraph FROM sentences'
            f" WHERE article_id IN ({marks}) ORDER BY article_id, position",
            batch,
        ):
            offsets[article_id] += (start, end, paragraph)
        encoded = encode_batch([row[1:] for row in rows], [offsets[row[0]] for row in rows])
        return [int(row[0]) for row in rows], encoded

    def _sentences(self) -> None:
        """Map the sentences that carry codes or history there, by their offsets in the
        article; an article here split into other sentences is refused by name.

        Only articles that were here before are compared (one added by this merge has the
        other file's sentences), by one string of offsets per article made in SQLite, so that
        a long article costs no Python object per sentence; only strings that differ are
        compared row by row, since SQLite does not promise the order of ``group_concat``.
        """
        found: dict[int, list[tuple[int, int, int]]] = defaultdict(list)
        for sentence_id, article_id, start, end in self.other.rows(
            'SELECT id, article_id, start, "end" FROM sentences WHERE id IN ('
            " SELECT sentence_id FROM annotations UNION SELECT sentence_id FROM sentence_status"
            " UNION SELECT sentence_id FROM events WHERE entity IN (?, ?, ?))"
            " ORDER BY article_id, position",
            HISTORY_ENTITIES,
        ):
            if article_id in self.articles:
                found[article_id].append((sentence_id, start, end))
        compared = [i for i in found if i not in self.added]
        for batch in chunks(compared):
            theirs = self._splits(self.other.rows, batch)
            ours = self._splits(self._rows, [self.articles[i] for i in batch])
            for other_id in batch:
                here = self.articles[other_id]
                if theirs.get(other_id) != ours.get(here) and self._offsets(
                    self.other.rows, other_id
                ) != self._offsets(self._rows, here):
                    self._refuse(other_id)
                    del found[other_id]
        for other_id, sentences in found.items():
            for sentence_id, start, end in sentences:
                row = self.conn.execute(
                    'SELECT id FROM sentences WHERE article_id = ? AND start = ? AND "end" = ?',
                    [self.articles[other_id], start, end],
                ).fetchone()
                if row is not None:
                    self.sentences[sentence_id] = int(row[0])

    def _rows(self, sql: str, params: Sequence[object]) -> list[tuple[Any, ...]]:
        """Rows of this database, read as ``OtherDatabase.rows`` reads the other's."""
        return self.conn.execute(sql, params).fetchall()

    @staticmethod
    def _splits(read: Read, articles: list[int]) -> dict[int, tuple[int, str]]:
        """Each article's sentence count and offsets as one string (in SQLite's order)."""
        marks = ",".join("?" * len(articles))
        return {
            article_id: (count, offsets)
            for article_id, count, offsets in read(
                "SELECT article_id, count(*), group_concat(start || '-' || \"end\", ' ')"
                f" FROM sentences WHERE article_id IN ({marks}) GROUP BY article_id",
                articles,
            )
        }

    @staticmethod
    def _offsets(read: Read, article_id: int) -> list[tuple[int, int]]:
        """The article's sentences as ``(start, end)``, in order."""
        found = read(
            'SELECT start, "end" FROM sentences WHERE article_id = ? ORDER BY start, "end"',
            [article_id],
        )
        return [(int(start), int(end)) for start, end in found]

    def _refuse(self, other_id: int) -> None:
        title = self.other.rows("SELECT title FROM articles WHERE id = ?", [other_id])[0][0]
        self.refused.append(
            f"{self.other.name}: article {title!r} (id {other_id} there) is split into"
            " different sentences here; its codes were not merged"
        )

    # -- codes and their history --------------------------------------------------------------

    def _codes(self) -> Placer:
        columns = {row[1] for row in self.other.rows("PRAGMA table_info(annotations)")}
        # a file from before speakers and spans has none
        extra = ('speaker_id, start, "end"' if {"speaker_id", "start", "end"} <= columns
                 else "NULL, NULL, NULL")  # fmt: skip
        codes = self.other.rows(
            "SELECT id, sentence_id, actor_id, stance_id, target_id, note, annotator, created_at,"
            f" updated_at, {extra} FROM annotations ORDER BY id"
        )
        marks = self.other.rows(
            "SELECT sentence_id, annotator, status, updated_at FROM sentence_status"
            " ORDER BY sentence_id, annotator"
        )
        wanted = {self.sentences[row[1]] for row in codes if row[1] in self.sentences}
        wanted.update(self.sentences[row[0]] for row in marks if row[0] in self.sentences)
        placer = Placer(self.conn, wanted)
        left_out: Counter[str] = Counter()
        for (other_id, sentence, actor, stance, target, note, who, created, updated, speaker,
             start, end) in codes:  # fmt: skip
            if sentence not in self.sentences:
                continue  # its article was refused, said once for the article
            actor_id, stance_id = self.actors.get(actor), self.stances.get(stance)
            target_id = self.targets.get(target) if target is not None else None
            speaker_id = self.actors.get(speaker) if speaker is not None else None
            if (actor_id is None or stance_id is None or (target is not None and target_id is None)
                    or (speaker is not None and speaker_id is None)):  # fmt: skip
                missing_actor = actor_id is None or (speaker is not None and speaker_id is None)
                left_out[self._missing(None if missing_actor else actor, stance, stance_id)] += 1
                continue
            code = Code(self.sentences[sentence], actor_id, stance_id, target_id, note or "", who,
                        created, updated, speaker_id, start, end)  # fmt: skip
            placed = placer.code(code)
            if placed is not None:
                self.annotations[other_id] = placed
        for sentence, who, status, updated in marks:
            if sentence in self.sentences:
                placer.mark(Mark(self.sentences[sentence], who, status, updated))
        for why, count in sorted(left_out.items()):
            self._conflict(f"{count} codes {why}; not merged")
        return placer

    def _missing(self, actor_id: int | None, stance: int, stance_id: int | None) -> str:
        """Why codes could not be mapped, in the same words for the same cause (a line each)."""
        if stance_id is None:
            found = self.other.rows("SELECT key FROM stances WHERE id = ?", [stance])
            return f"with stance {found[0][0]!r}" if found else "with a stance missing there"
        if actor_id is None:
            return "with an actor or speaker missing there"
        return "with a target missing there"

    def _history(self) -> None:
        """Copy the events of the merged codes, ids mapped, unless this database has them."""
        found = [
            row
            for row in self.other.rows(
                "SELECT id, at, annotator, action, entity, entity_id, sentence_id, before, after,"
                " reverts FROM events WHERE entity IN (?, ?, ?) ORDER BY id",
                HISTORY_ENTITIES,
            )
            if row[6] in self.sentences
        ]
        if not found:
            return
        known = self._known_events(min(row[1] for row in found), max(row[1] for row in found))
        copied: dict[int, int] = {}
        for other_id, at, who, action, entity, entity_id, sentence, before, after, reverts in found:
            sentence_id = self.sentences[sentence]
            key = (at, who, action, entity, sentence_id, _stamps(before), _stamps(after))
            if key in known:
                copied[other_id] = known[key]
                continue
            if entity == "annotation":
                entity_id = self.annotations.get(entity_id) if entity_id is not None else None
            else:
                entity_id = sentence_id
            cursor = self.conn.execute(
                "INSERT INTO events (at, annotator, action, entity, entity_id, article_id,"
                " sentence_id, before, after, reverts, kind)"
                " SELECT ?, ?, ?, ?, ?, article_id, id, ?, ?, ?, NULL FROM sentences WHERE id = ?",
                [at, who, action, entity, entity_id, self._mapped(before), self._mapped(after),
                 copied.get(reverts) if reverts is not None else None, sentence_id],
            )  # fmt: skip
            copied[other_id] = known[key] = int(cursor.lastrowid or 0)
            self.counts["events"] += 1

    def _known_events(self, first: str, last: str) -> dict[tuple[Any, ...], int]:
        """This database's events about codes between two times, by what ``_history`` compares."""
        return {
            (at, who, action, entity, sentence_id, _stamps(before), _stamps(after)): int(event_id)
            for event_id, at, who, action, entity, sentence_id, before, after in self.conn.execute(
                "SELECT id, at, annotator, action, entity, sentence_id, before, after FROM events"
                " WHERE entity IN (?, ?, ?) AND at BETWEEN ? AND ?",
                [*HISTORY_ENTITIES, first, last],
            )
        }

    def _mapped(self, state: str | None) -> str | None:
        """An event's ``before`` or ``after`` with its ids made this database's (None where the
        row it named is not here: an annotation deleted there, an actor removed there)."""
        if not state:
            return state
        return json.dumps(self._map(json.loads(state)))

    def _map(self, value: Any) -> Any:
        if isinstance(value, list):
            return [self._map(item) for item in value]
        if not isinstance(value, dict):
            return value
        if "sentence_id" in value and "annotator" in value:
            return {key: self._map_field(key, item) for key, item in value.items()}
        rows = value.get("rows")
        if isinstance(rows, dict):
            mapped = dict(value)
            mapped["rows"] = {
                "annotations": [
                    [self.annotations.get(pair[0]), self._map(pair[1])]
                    for pair in rows.get("annotations", [])
                ],
                "sentence_status": [
                    [[self.sentences.get(pair[0][0]), pair[0][1]], self._map(pair[1])]
                    for pair in rows.get("sentence_status", [])
                ],
            }
            return mapped
        return {key: self._map(item) for key, item in value.items()}

    def _map_field(self, key: str, value: Any) -> Any:
        ids = {
            "id": self.annotations, "sentence_id": self.sentences, "actor_id": self.actors,
            "stance_id": self.stances, "target_id": self.targets, "speaker_id": self.actors,
        }  # fmt: skip
        if key in ids and isinstance(value, int):
            return ids[key].get(value)
        return value


def _list(aliases: str | None) -> list[str]:
    """An actor's aliases (a JSON list); none when the cell holds something else."""
    try:
        found = json.loads(aliases or "[]")
    except ValueError:
        return []
    return [str(a) for a in found] if isinstance(found, list) else []


def _named(name: str | None) -> str:
    return repr(name) if name is not None else "none"


def _stamps(state: str | None) -> tuple[str, ...]:
    """The times and statuses in an event's ``before`` or ``after``, in order: what stays the
    same when its ids are mapped to another database's."""
    if not state:
        return ()
    found: list[str] = []

    def walk(value: Any) -> None:
        if isinstance(value, dict):
            for key, item in value.items():
                if key in _STAMPS and isinstance(item, str):
                    found.append(f"{key}={item}")
                else:
                    walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    walk(json.loads(state))
    return tuple(found)
