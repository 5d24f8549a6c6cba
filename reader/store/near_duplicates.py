"""Near-duplicate articles: the index of their MinHash band keys, and the groups they form.

The import decides which new article is a near-copy of which (``reader.exchange.near_copies``);
the Store keeps the keys (``shingle_bands``), the copies (``near_duplicates``) and how far the
index reaches (``shingle_index``), and answers what the import, the article list and the
``duplicates`` command ask.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from reader.db import transaction
from reader.store.base import StoreBase

__all__ = ["DuplicateGroup", "NearCopy", "NearDuplicatesMixin"]

PER_QUERY = 500
"""Values asked about in one ``IN (...)`` query."""
PER_KEY = 16
"""Articles returned per band key at most, the earliest (originals come before copies)."""
CATCH_UP_BATCH = 500
"""Articles keyed per transaction when the index catches up."""


@dataclass(frozen=True, slots=True)
class NearCopy:
    """An article marked as a near-copy, as the ``duplicates`` command lists it."""

    id: int
    title: str
    source: str
    similarity: float


@dataclass(frozen=True, slots=True)
class DuplicateGroup:
    """An original (the first stored) and its near-copies, in import order."""

    id: int
    title: str
    source: str
    copies: tuple[NearCopy, ...]


def _chunks(values: Sequence[int]) -> Iterable[Sequence[int]]:
    for first in range(0, len(values), PER_QUERY):
        yield values[first : first + PER_QUERY]


class NearDuplicatesMixin(StoreBase):
    """The near-duplicate index and groups."""

    def near_duplicate_index_through(self) -> int:
        """The highest article id up to which every article's band keys are stored."""
        return self._int("SELECT indexed_through FROM shingle_index")

    def catch_up_near_duplicate_index(self, on_batch: Callable[[int], None] | None = None) -> int:
        """Key the articles past the index's mark (imported by an older nkreader, merged, or
        imported without looking for copies); how many were keyed. ``on_batch`` is told how
        many articles each transaction keyed."""
        from reader.text.shingles import body_text, sketches

        done = 0
        while True:
            through = self.near_duplicate_index_through()
            rows = self.conn.execute(
                "SELECT id, title, text FROM articles WHERE id > ? ORDER BY id LIMIT ?",
                (through, CATCH_UP_BATCH),
            ).fetchall()
            if not rows:
                return done
            found = sketches([body_text(text, title) for _, title, text in rows])
            keys = [(row[0], key) for row, sketch in zip(rows, found, strict=True)
                    for key in sketch.bands]  # fmt: skip
            with transaction(self.conn):
                self.conn.executemany(
                    "INSERT OR IGNORE INTO shingle_bands (article_id, band_key) VALUES (?, ?)",
                    keys,
                )
                self.conn.execute(
                    "UPDATE shingle_index SET indexed_through = ? WHERE indexed_through = ?",
                    (rows[-1][0], through),
                )
            done += len(rows)
            if on_batch is not None:
                on_batch(len(rows))

    def band_matches(self, keys: Sequence[int], through: int) -> dict[int, list[int]]:
        """For each of these band keys, the ids (at most ``through``) of the first ``PER_KEY``
        articles that have it (a key many articles share is a template's, not a story's)."""
        found: dict[int, list[int]] = {}
        unique = sorted(set(keys))
        for chunk in _chunks(unique):
            marks = ",".join("?" * len(chunk))
            sql = f"""
                SELECT band_key, article_id FROM (
                    SELECT band_key, article_id,
                        row_number() OVER (PARTITION BY band_key ORDER BY article_id) AS n
                    FROM shingle_bands WHERE band_key IN ({marks}) AND article_id <= ?)
                WHERE n <= {PER_KEY}"""
            for key, article_id in self.conn.execute(sql, [*chunk, through]):
                found.setdefault(key, []).append(article_id)
        return found

    def near_copy_originals(self, ids: Sequence[int]) -> dict[int, int]:
        """The original of each of these articles that is a marked near-copy."""
        found: dict[int, int] = {}
        for chunk in _chunks(sorted(set(ids))):
            marks = ",".join("?" * len(chunk))
            sql = (
                f"SELECT article_id, original_id FROM near_duplicates WHERE article_id IN ({marks})"
            )
            found.update(self.conn.execute(sql, list(chunk)).fetchall())
        return found

    def article_titles_and_texts(self, ids: Sequence[int]) -> dict[int, tuple[str, str]]:
        """``(title, text)`` of each of these articles."""
        found: dict[int, tuple[str, str]] = {}
        for chunk in _chunks(sorted(set(ids))):
            marks = ",".join("?" * len(chunk))
            sql = f"SELECT id, title, text FROM articles WHERE id IN ({marks})"
            for article_id, title, text in self.conn.execute(sql, list(chunk)):
                found[article_id] = (title, text)
        return found

    def duplicate_group(self, article_id: int) -> int | None:
        """The article's near-duplicate group: its original's id (its own when it is the
        original), or None."""
        from reader.store.exports import DUPLICATE_GROUP

        return self._maybe_int(DUPLICATE_GROUP, [article_id])

    def copy_of(self, article_id: int) -> int | None:
        """The original of an article marked as a near-copy, else None."""
        return self._maybe_int(
            "SELECT original_id FROM near_duplicates WHERE article_id = ?", [article_id]
        )

    def duplicate_groups(self) -> list[DuplicateGroup]:
        """Every original with its near-copies, originals in import order."""
        rows = self.conn.execute(
            """
            SELECT o.id, o.title, o.source, c.id, c.title, c.source, d.similarity
            FROM near_duplicates d
                JOIN articles o ON o.id = d.original_id
                JOIN articles c ON c.id = d.article_id
            ORDER BY o.id, c.id"""
        ).fetchall()
        groups: dict[int, tuple[str, str, list[NearCopy]]] = {}
        for original, title, source, copy, copy_title, copy_source, similarity in rows:
            group = groups.setdefault(original, (title, source, []))
            group[2].append(NearCopy(copy, copy_title, copy_source, similarity))
        return [
            DuplicateGroup(original, title, source, tuple(copies))
            for original, (title, source, copies) in groups.items()
        ]

    def near_copy_count(self) -> int:
        return self._int("SELECT count(*) FROM near_duplicates")
