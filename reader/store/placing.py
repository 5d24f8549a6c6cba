"""Codes that come from elsewhere (another database, an export file) placed among those here.

``nkreader merge`` and the import of an export file both bring in annotations and "no claim"
marks that name a sentence, an actor, a stance, a target and a coder. One set of rules decides,
for both, what is added and what is left alone, so that a code comes in once however often and
by whichever way it is brought, and nothing here is ever overwritten:

- a code with the same sentence, actor, stance, target, speaker, span and coder is here
  already;
- a code (those five, and when it was made) that this database's own log shows here and that is
  gone was deleted or changed here, on purpose: it is not brought back (the copies of another
  file's history do not count, nor does an import of codes, which ``u`` takes back whole);
- a code the coder made at the same moment on the same sentence (``created_at``: an edit keeps
  it) that reads differently, where one of the two was edited since (``updated_at``), is the
  same code edited on one side: this database's is kept (two codes made in one millisecond and
  never edited are two codes);
- a coder's codes and their own "no claim" mark on the same sentence exclude each other: what
  is here is kept; a mark this database's log shows removed is not brought back.

Anything left alone is reported as a line, never silently dropped. The functions work inside the
caller's transaction.
"""

from __future__ import annotations

import json
import sqlite3
from collections import Counter, defaultdict
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass
from typing import Any, TypeVar

from reader.models import Placement

__all__ = ["Code", "Mark", "Placer", "chunks", "sentence_name"]

T = TypeVar("T")

Key = tuple[int, int, int, int, str, int, int, int]
"""(sentence, actor, stance, target or 0, coder, speaker or 0, span start or -1, span end or -1):
what the annotations' unique index holds."""

IDS_PER_QUERY = 500
"""Ids asked about in one ``IN (...)`` query, well inside SQLite's limit on parameters."""

_HISTORY = ("annotation", "sentence_status", "sentence")
"""Entities of the events that hold a coder's annotations and marks (``sentence``: a sentence's
codes replaced by "no claim" in one step)."""


@dataclass(frozen=True, slots=True)
class Code:
    """An annotation to bring in, in this database's ids."""

    sentence_id: int
    actor_id: int
    stance_id: int
    target_id: int | None
    note: str
    annotator: str
    created_at: str
    updated_at: str
    speaker_id: int | None = None
    start: int | None = None
    """The code's own span, when it is not its sentence's."""
    end: int | None = None

    @property
    def key(self) -> Key:
        return _key(self.sentence_id, self.actor_id, self.stance_id, self.target_id,
                    self.annotator, self.speaker_id, self.start, self.end)  # fmt: skip


def _key(
    sentence: int, actor: int, stance: int, target: int | None, coder: str,
    speaker: int | None = None, start: int | None = None, end: int | None = None,
) -> Key:  # fmt: skip
    """A code's key as the unique index reads it (nulls as 0 and -1)."""
    return (sentence, actor, stance, target or 0, coder, speaker or 0,
            -1 if start is None else start, -1 if end is None else end)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Mark:
    """A sentence status ("no claim") to bring in, in this database's ids."""

    sentence_id: int
    annotator: str
    status: str
    updated_at: str


def chunks(ids: Iterable[T], size: int = IDS_PER_QUERY) -> Iterator[list[T]]:
    """The ids (or hashes) in lists of at most ``size``, for ``IN (...)`` queries."""
    batch: list[T] = []
    for item in ids:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def sentence_name(conn: sqlite3.Connection, sentence_id: int) -> str:
    """A sentence as a message names it: ``article 'Title' sentence 3`` (counted from 1, as the
    reader shows it)."""
    row = conn.execute(
        "SELECT a.title, s.position FROM sentences s JOIN articles a ON a.id = s.article_id"
        " WHERE s.id = ?",
        [sentence_id],
    ).fetchone()
    return f"article {row[0]!r} sentence {row[1] + 1}" if row else f"sentence {sentence_id}"


class Placer:
    """Adds codes and marks to the sentences it was given, each once, by the module's rules.

    What the sentences hold here (codes, marks, and what this database's log says was deleted)
    is read once when the placer is made, and kept up to date as it adds, so that a code
    brought twice in one go is added once.
    """

    def __init__(self, conn: sqlite3.Connection, sentence_ids: Collection[int]) -> None:
        self.conn = conn
        self.same: dict[Key, int] = {}
        """A code's ``Key`` -> annotation id: the unique index."""
        self.made: dict[tuple[int, str, str], list[tuple[int, bool]]] = defaultdict(list)
        """(sentence, coder, created_at) -> (annotation id, edited since) of each such code."""
        self.coded: set[tuple[int, str]] = set()
        self.marked: set[tuple[int, str]] = set()
        self.gone_codes: set[tuple[Key, str]] = set()
        """Codes (key, created_at) this database's log shows and it no longer holds."""
        self.gone_marks: set[tuple[int, str, str]] = set()
        self.added_codes: list[int] = []
        self.added_marks: list[tuple[int, str]] = []
        self.present = 0
        self.conflicts: list[str] = []
        self._codes_by: Counter[str] = Counter()
        self._marks_by: Counter[str] = Counter()
        self._read(sorted(set(sentence_ids)))

    def _read(self, sentence_ids: list[int]) -> None:
        held: set[tuple[Key, str]] = set()
        for batch in chunks(sentence_ids):
            marks = ",".join("?" * len(batch))
            for row in self.conn.execute(
                "SELECT id, sentence_id, actor_id, stance_id, target_id, annotator, created_at,"
                ' updated_at, speaker_id, start, "end" FROM annotations'
                f" WHERE sentence_id IN ({marks})",
                batch,
            ):
                key = _key(row[1], row[2], row[3], row[4], row[5], row[8], row[9], row[10])
                self._remember(row[0], key, row[6], row[7])
                held.add((key, row[6]))
            self.marked.update(
                self.conn.execute(
                    f"SELECT sentence_id, annotator FROM sentence_status"
                    f" WHERE sentence_id IN ({marks})",
                    batch,
                ).fetchall()
            )
        wanted = set(sentence_ids)
        if not wanted:
            return
        seen_codes: set[tuple[Key, str]] = set()
        seen_marks: set[tuple[int, str, str]] = set()
        entities = ",".join("?" * len(_HISTORY))
        for sentence_id, before, after in self.conn.execute(
            "SELECT sentence_id, before, after FROM events"
            f" WHERE kind IS NOT NULL AND entity IN ({entities})",
            _HISTORY,
        ):
            if sentence_id in wanted:
                for state in (before, after):
                    if state:
                        _collect(json.loads(state), seen_codes, seen_marks)
        self.gone_codes = seen_codes - held
        self.gone_marks = {key for key in seen_marks if key[:2] not in self.marked}

    def _remember(self, annotation_id: int, key: Key, created_at: str, updated_at: str) -> None:
        self.same[key] = annotation_id
        self.made[(key[0], key[4], created_at)].append((annotation_id, updated_at != created_at))
        self.coded.add((key[0], key[4]))

    def code(self, code: Code) -> int | None:
        """Add the code unless the rules leave it out; the id of the code here (added, or the
        one found to be the same), or None when it was left out."""
        sid, who, made = code.sentence_id, code.annotator, code.created_at
        key = code.key
        found = self.same.get(key)
        if found is not None:
            self.present += 1
            return found
        if (key, made) in self.gone_codes:
            self._left(sid, f"{who!r}'s code made at {made} was deleted or changed here;"
                       " not brought back")  # fmt: skip
            return None
        twins = self.made.get((sid, who, made), [])
        if twins and (code.updated_at != made or any(edited for _, edited in twins)):
            # The same code, edited on one side: two codes made in the same millisecond and
            # never edited are two codes.
            self._left(sid, f"{who!r}'s code made at {made} reads differently here (edited"
                       " on one side); this database's is kept")  # fmt: skip
            return twins[0][0]
        if (sid, who) in self.marked:
            self._left(sid, f"{who!r} marked it no claim here; their code made at {made} was"
                       " not added")  # fmt: skip
            return None
        cursor = self.conn.execute(
            "INSERT INTO annotations (sentence_id, actor_id, stance_id, target_id, note,"
            ' annotator, created_at, updated_at, speaker_id, start, "end")'
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [sid, code.actor_id, code.stance_id, code.target_id, code.note, who, made,
             code.updated_at, code.speaker_id, code.start, code.end],
        )  # fmt: skip
        annotation_id = int(cursor.lastrowid or 0)
        self._remember(annotation_id, key, made, code.updated_at)
        self.added_codes.append(annotation_id)
        self._codes_by[who] += 1
        return annotation_id

    def mark(self, mark: Mark) -> bool:
        """Add the mark unless the rules leave it out; whether the sentence now has it."""
        sid, who = mark.sentence_id, mark.annotator
        if (sid, who) in self.marked:
            self.present += 1
            return True
        if (sid, who) in self.coded:
            self._left(sid, f"{who!r} coded it here; their no-claim mark was not added")
            return False
        if (sid, who, mark.updated_at) in self.gone_marks:
            self._left(sid, f"{who!r}'s no-claim mark was removed here; not brought back")
            return False
        self.conn.execute(
            "INSERT INTO sentence_status (sentence_id, annotator, status, updated_at)"
            " VALUES (?, ?, ?, ?)",
            [sid, who, mark.status, mark.updated_at],
        )
        self.marked.add((sid, who))
        self.added_marks.append((sid, who))
        self._marks_by[who] += 1
        return True

    def _left(self, sentence_id: int, why: str) -> None:
        """Note what was left as it is here, and why, naming the sentence."""
        self.conflicts.append(f"{sentence_name(self.conn, sentence_id)}: {why}")

    def placement(self, prefix: str = "") -> Placement:
        """What was placed, conflict lines starting with ``prefix`` (the file they came from)."""
        return Placement(
            tuple(sorted(self._codes_by.items())),
            tuple(sorted(self._marks_by.items())),
            self.present,
            tuple(prefix + line for line in self.conflicts),
        )


def _collect(state: Any, codes: set[tuple[Key, str]], marks: set[tuple[int, str, str]]) -> None:
    """Every annotation row (its key and created_at) and status row (sentence, coder,
    updated_at) in an event's ``before`` or ``after``: one row, or a snapshot of several."""
    if isinstance(state, dict):
        if "created_at" in state and "sentence_id" in state and "actor_id" in state:
            key = _key(state["sentence_id"], state["actor_id"], state["stance_id"],
                       state["target_id"], state["annotator"], state.get("speaker_id"),
                       state.get("start"), state.get("end"))  # fmt: skip
            codes.add((key, state["created_at"]))
            return
        if "status" in state and "sentence_id" in state and "annotator" in state:
            marks.add((state["sentence_id"], state["annotator"], state["updated_at"]))
            return
        for value in state.values():
            _collect(value, codes, marks)
    elif isinstance(state, list):
        for value in state:
            _collect(value, codes, marks)
