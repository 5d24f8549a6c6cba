"""Which articles of an import are near-copies of one stored before them, or of an earlier one of
the same import (``reader.text.shingles`` defines near-copy: Jaccard >= 0.9 on word 5-shingles).

For each batch of new articles: their sketches are computed together; the articles that share a
band key with them are looked up, among those stored before the import in the database
(``shingle_bands``) and among this import's earlier articles in memory; each candidate is checked
on its shingles, and only a similarity at or above the threshold counts. A copy joins the group
of the article it matched: that article's original when it is itself a copy, so every group has
one original, the first of its texts stored.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence
from contextlib import suppress
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from reader.store import Store

if TYPE_CHECKING:
    from reader.text.shingles import Hashes, Sketch

__all__ = ["MODES", "Match", "Mode", "NearCopies"]

Mode = Literal["mark", "skip", "keep"]
MODES: tuple[Mode, ...] = ("mark", "skip", "keep")
"""``mark``: import copies and mark them; ``skip``: leave them out; ``keep``: do not look."""

_CACHED = 256
"""Candidates' sorted shingle hashes kept, the most recently used."""
_PER_KEY = 16
"""This import's articles remembered per band key: the first ones (originals come first)."""
_CHECKED = 16
"""Candidates confirmed per new article at most, those sharing the most band keys first: a
folder of thousands of short, similar texts (a template with a number changed) would otherwise
make every article a candidate of every other, and the import quadratic."""
_RECENT = 2000
"""This import's latest articles whose shingle hashes are kept: a copy is usually near the
story it copies (the same download, the same day), so most candidates are found here."""


@dataclass(frozen=True, slots=True)
class Match:
    """What a new article is a near-copy of."""

    original_id: int | None
    """The group's original, when it was stored before this import."""
    original_ref: int | None
    """Else the original's number in this import (see ``NearCopies.check``)."""
    similarity: float
    """Jaccard similarity with the article it matched (the original or one of its copies)."""


@dataclass(slots=True)
class _Earlier:
    """An article of this import that is (or will be) stored, for later ones to match."""

    body: str
    root: tuple[int | None, int | None]
    """Its group's original: ``(stored id, None)`` or ``(None, ref)``."""
    hashes: Hashes | None
    """Its shingle hashes while it is among the ``_RECENT`` latest (then computed again)."""
    sketch: Sketch


class NearCopies:
    """Finds near-copies for one import, batch by batch, in import order."""

    def __init__(self, store: Store, mode: Mode) -> None:
        self.store = store
        self.mode = mode
        if not store.read_only:
            with suppress(sqlite3.OperationalError):  # the import's writes will say why
                store.catch_up_near_duplicate_index()
        self.through = store.near_duplicate_index_through()
        """Articles stored before the import: those are looked up in the database."""
        self._keys: dict[int, list[int]] = {}
        self._earlier: dict[int, _Earlier] = {}
        self._unique: dict[tuple[str, int], Hashes] = {}

    def check(
        self, refs: Sequence[int], bodies: Sequence[str]
    ) -> tuple[list[tuple[int, ...]], list[Match | None]]:
        """Band keys and match (or None) of each new article, ``refs`` numbering them in the
        import; an article found to be a copy in ``skip`` mode is not stored, so no later one
        is matched with it."""
        from reader.text.shingles import (
            ESTIMATE_FLOOR,
            THRESHOLD,
            estimate,
            hashed_jaccard,
            sketches,
            unique,
        )

        found = sketches(bodies)
        every_key = [key for sketch in found for key in sketch.bands]
        stored = self.store.band_matches(every_key, self.through) if every_key else {}
        stored_ids = sorted({i for ids in stored.values() for i in ids})
        roots = self.store.near_copy_originals(stored_ids) if stored_ids else {}
        matches: list[Match | None] = []
        for ref, body, sketch in zip(refs, bodies, found, strict=True):
            match = None
            if sketch.bands:
                candidates = self._candidates(sketch, stored)
                mine = unique(sketch.shingles) if candidates else sketch.shingles
                best: tuple[tuple[int, int], float, tuple[int | None, int | None]] | None = None
                for stored_id, earlier in candidates:
                    if stored_id is None and (
                        estimate(sketch, self._earlier[earlier].sketch) < ESTIMATE_FLOOR
                    ):
                        continue  # far below the threshold: not worth an exact check
                    other = (
                        self._stored_shingles(stored_id)
                        if stored_id is not None
                        else self._earlier_shingles(earlier)
                    )
                    similarity = hashed_jaccard(mine, other)
                    if similarity < THRESHOLD:
                        continue
                    if stored_id is not None:
                        root: tuple[int | None, int | None] = (
                            roots.get(stored_id, stored_id),
                            None,
                        )
                    else:
                        root = self._earlier[earlier].root
                    # the oldest group wins: stored originals before this import's
                    order = (0, root[0]) if root[0] is not None else (1, root[1] or 0)
                    if (
                        best is None
                        or order < best[0]
                        or (order == best[0] and similarity > best[1])
                    ):
                        best = (order, similarity, root)
                if best is not None:
                    match = Match(best[2][0], best[2][1], round(best[1], 4))
            matches.append(match)
            if match is not None and self.mode == "skip":
                continue
            root = (match.original_id, match.original_ref) if match else (None, ref)
            self._earlier[ref] = _Earlier(body, root, sketch.shingles, sketch)
            old = self._earlier.get(ref - _RECENT)
            if old is not None:
                old.hashes = None
            for key in sketch.bands:
                refs_with_key = self._keys.setdefault(key, [])
                if len(refs_with_key) < _PER_KEY:
                    refs_with_key.append(ref)
        return [sketch.bands for sketch in found], matches

    def _candidates(
        self, sketch: Sketch, stored: dict[int, list[int]]
    ) -> list[tuple[int | None, int]]:
        """The articles sharing a band key with ``sketch``: ``(stored id, 0)`` or ``(None, ref)``,
        the ``_CHECKED`` sharing the most keys, earliest first among equals."""
        shared: dict[tuple[int | None, int], int] = {}
        for key in sketch.bands:
            for stored_id in stored.get(key, ()):
                shared[stored_id, 0] = shared.get((stored_id, 0), 0) + 1
            for earlier in self._keys.get(key, ()):
                shared[None, earlier] = shared.get((None, earlier), 0) + 1
        ranked = sorted(
            shared, key=lambda c: (-shared[c], 0 if c[0] is not None else 1, c[0] or c[1])
        )
        return ranked[:_CHECKED]

    def _stored_shingles(self, article_id: int) -> Hashes:
        from reader.text.shingles import body_text, sketch, unique

        def compute() -> Hashes:
            title, text = self.store.article_titles_and_texts([article_id])[article_id]
            return unique(sketch(body_text(text, title)).shingles)

        return self._cached(("stored", article_id), compute)

    def _earlier_shingles(self, ref: int) -> Hashes:
        from reader.text.shingles import sketch, unique

        earlier = self._earlier[ref]

        def compute() -> Hashes:
            hashes = earlier.hashes if earlier.hashes is not None else sketch(earlier.body).shingles
            return unique(hashes)

        return self._cached(("earlier", ref), compute)

    def _cached(self, key: tuple[str, int], compute: Callable[[], Hashes]) -> Hashes:
        """The sorted shingle hashes of a candidate, the ``_CACHED`` used last kept: the same
        few originals are checked again and again."""
        found = self._unique.pop(key, None)
        if found is None:
            found = compute()
            if len(self._unique) >= _CACHED:
                self._unique.pop(next(iter(self._unique)))
        self._unique[key] = found  # (re)inserted last: the dict's order is the use order
        return found
