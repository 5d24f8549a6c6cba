"""Near-duplicate texts: word 5-shingles, their Jaccard similarity, and MinHash bands for LSH.

Two articles are near-duplicates when the sets of their lower-cased word 5-shingles (every run
of five consecutive words, words being what ``str.split`` cuts at whitespace) have a Jaccard
similarity (shared shingles over all shingles) of at least ``THRESHOLD``. ``shingle_set`` and
``jaccard`` compute that exactly, on Python tuples: the definition, used by tests and benchmarks.

The import cannot compare every new article with every stored one, so each text gets a sketch:

* its shingles hashed to 64-bit numbers (``Sketch.shingles``, sorted, without repeats), on which
  the Jaccard similarity is exact but for a collision of two 64-bit hashes;
* a MinHash signature of ``BANDS * ROWS`` values by one-permutation hashing: the hashes are cut
  into ``BANDS * ROWS`` ranges by their top bits and the smallest hash of each range is kept
  (a range left empty, in a short text, borrows from the next range that is not). Two texts
  agree on a range's value with a probability equal to their Jaccard similarity;
* ``BANDS`` band keys, each a hash of ``ROWS`` of those values (locality-sensitive hashing). Two
  texts share at least one key with probability ``1 - (1 - J**ROWS) ** BANDS``: 0.9998 at
  J = 0.9, 0.98 at 0.8, 0.40 at 0.5, 0.01 at 0.2. Texts that share a key are candidates, and a
  candidate counts only when ``hashed_jaccard`` confirms it, so no pair below the threshold is
  ever reported and a pair at or above it is missed with probability 0.0002 or less.

The hashing is done with numpy over a whole batch of texts at once (one pass over their bytes,
not a Python loop over words), because it runs on every article of an import: see
``bench/bench_near_duplicates.py``. The hashes are fixed (no per-process seed), so keys stored
by one import are found by the next.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

__all__ = [
    "BANDS",
    "ESTIMATE_FLOOR",
    "ROWS",
    "SHINGLE",
    "THRESHOLD",
    "Sketch",
    "body_text",
    "estimate",
    "hashed_jaccard",
    "jaccard",
    "shingle_set",
    "sketch",
    "sketches",
    "unique",
]

SHINGLE = 5
"""Words per shingle."""
THRESHOLD = 0.9
"""Jaccard similarity from which two texts are near-duplicates."""
BANDS = 8
"""LSH bands: keys stored per text."""
ROWS = 4
"""Signature values per band."""
_BINS = BANDS * ROWS
_BIN_SHIFT = np.uint64(64 - 5)  # 32 bins: the top five bits
assert _BINS == 1 << 5

Hashes = npt.NDArray[np.uint64]

_WHITESPACE = np.zeros(256, dtype=bool)
_WHITESPACE[[9, 10, 11, 12, 13, 28, 29, 30, 31, 32]] = True
"""The ASCII bytes ``str.split`` cuts at; in UTF-8 no other character contains them."""

_WIDE_LEAD = np.zeros(256, dtype=bool)
_WIDE_LEAD[[0xC2, 0xE1, 0xE2, 0xE3]] = True
"""The first bytes of the characters ``_mark_wide_spaces`` looks for."""

_PRIME = np.uint64(0x100000001B3)
"""Odd multiplier of the polynomial hash of a word's bytes (FNV's 64-bit prime)."""
_CHUNK = 1 << 20
"""Bytes hashed per pass: the table of powers of ``_PRIME`` is this long (8 MB, twice)."""
_POWERS = np.concatenate(([np.uint64(1)], np.cumprod(np.full(_CHUNK - 1, _PRIME))))
_INVERSE = np.concatenate(
    ([np.uint64(1)], np.cumprod(np.full(_CHUNK - 1, np.uint64(pow(int(_PRIME), -1, 2**64)))))
)
"""``_PRIME ** i`` and its inverse modulo 2**64, for i = 0, 1, ...: a word's hash is the sum of
its bytes times the powers from where it starts, made independent of that place by the inverse."""

_SHINGLE_WEIGHTS = tuple(
    np.uint64(weight)
    for weight in (
        0x9E3779B97F4A7C15,
        0xC2B2AE3D27D4EB4F,
        0x165667B19E3779F9,
        0xD6E8FEB86659FD93,
        0xFF51AFD7ED558CCD,
    )
)
_BAND_WEIGHTS = np.array(
    [0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9, 0xD6E8FEB86659FD93],
    dtype=np.uint64,
)
_BAND_SALT = np.arange(1, BANDS + 1, dtype=np.uint64) * np.uint64(0xFF51AFD7ED558CCD)
_EDGES = (np.arange(_BINS + 1, dtype=np.uint64) << _BIN_SHIFT)[1:-1]
"""The lowest hash of each range but the first."""


def _mix(values: Hashes) -> Hashes:
    """Spread every bit over all 64 (MurmurHash3's finaliser), in place."""
    values ^= values >> np.uint64(33)
    values *= np.uint64(0xFF51AFD7ED558CCD)
    values ^= values >> np.uint64(33)
    values *= np.uint64(0xC4CEB9FE1A85EC53)
    values ^= values >> np.uint64(33)
    return values


# -- the definition -----------------------------------------------------------------------------


def shingle_set(text: str) -> set[tuple[str, ...]]:
    """Every run of ``SHINGLE`` consecutive lower-cased words of ``text``, as a set."""
    words = text.lower().split()
    return {tuple(words[i : i + SHINGLE]) for i in range(len(words) - SHINGLE + 1)}


def jaccard(a: set[tuple[str, ...]], b: set[tuple[str, ...]]) -> float:
    """Shared shingles over all shingles; 0.0 when both are empty."""
    union = len(a | b)
    return len(a & b) / union if union else 0.0


def body_text(text: str, title: str | None) -> str:
    """The text compared, without its title: an article read from a plain text file keeps its
    headline as its first line, which a copy under another headline would not share."""
    first, newline, rest = text.partition("\n")
    if newline and title is not None and first.strip().lstrip("#").strip() == title.strip():
        return rest
    return text


# -- sketches -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Sketch:
    """What the import keeps of a text to find its near-duplicates."""

    shingles: Hashes
    """The hashes of its shingles, in the text's order, repeats included (``unique`` sorts
    them for ``hashed_jaccard``)."""
    bands: tuple[int, ...]
    """``BANDS`` band keys as signed 64-bit integers (SQLite's), or none for a text of fewer than
    ``SHINGLE`` words, which is never a near-duplicate of anything (nor an exact one: the content
    hash finds those)."""
    signature: Hashes
    """The ``BANDS * ROWS`` MinHash values the keys are made of."""


ESTIMATE_FLOOR = 0.6
"""Below this share of equal signature values, a candidate is not checked exactly: for a pair
at Jaccard 0.9 the share is below it with a probability under one in a million (32 values)."""


def estimate(a: Sketch, b: Sketch) -> float:
    """The share of equal signature values: an estimate of the Jaccard similarity."""
    return float(np.count_nonzero(a.signature == b.signature)) / _BINS


def unique(hashes: Hashes) -> Hashes:
    """The hashes sorted, each once."""
    ordered = np.sort(hashes)
    if len(ordered) < 2:
        return ordered
    return ordered[np.concatenate(([True], ordered[1:] != ordered[:-1]))]


def hashed_jaccard(a: Hashes, b: Hashes) -> float:
    """The Jaccard similarity of two sets of shingle hashes, each sorted without repeats
    (``unique``)."""
    if not len(a) or not len(b):
        return 0.0
    shared = len(np.intersect1d(a, b, assume_unique=True))
    return shared / (len(a) + len(b) - shared)


def sketch(text: str) -> Sketch:
    """The sketch of one text (``sketches`` does many at once, faster)."""
    return sketches([text])[0]


def sketches(texts: Sequence[str]) -> list[Sketch]:
    """The sketch of each text, hashed in a few passes over all their bytes together."""
    if not texts:
        return []
    encoded = [text.lower().encode("utf-8", "surrogatepass") for text in texts]
    hashes, owners = _shingle_hashes(encoded)
    bounds = np.searchsorted(owners, np.arange(len(texts) + 1)).tolist()
    bands, signatures = _bands(hashes, owners, len(texts))
    return [
        Sketch(
            hashes[bounds[i] : bounds[i + 1]],
            bands[i] if bounds[i] < bounds[i + 1] else (),
            signatures[i],
        )
        for i in range(len(texts))
    ]


def _shingle_hashes(encoded: list[bytes]) -> tuple[Hashes, npt.NDArray[np.intp]]:
    """The hash of every shingle of every text, and the index of the text it belongs to."""
    word_hashes: list[Hashes] = []
    word_owners: list[npt.NDArray[np.intp]] = []
    chunk: list[bytes] = []
    owners: list[int] = []
    size = 0
    for index, data in enumerate(encoded):
        pieces = [data[i : i + _CHUNK - 1] for i in range(0, len(data), _CHUNK - 1)] or [b""]
        if len(pieces) > 1:  # a text longer than a chunk: cut it only at whitespace
            pieces = _cut_at_spaces(data)
        for piece in pieces:
            if size + len(piece) + 1 > _CHUNK and chunk:
                _hash_words(chunk, owners, word_hashes, word_owners)
                chunk, owners, size = [], [], 0
            chunk.append(piece)
            owners.append(index)
            size += len(piece) + 1
    _hash_words(chunk, owners, word_hashes, word_owners)
    words = np.concatenate(word_hashes)
    owner = np.concatenate(word_owners)
    if len(words) < SHINGLE:
        return np.zeros(0, np.uint64), np.zeros(0, np.intp)
    w = _SHINGLE_WEIGHTS
    n = len(words) - SHINGLE + 1
    combined = words[:n] * w[0]
    term = np.empty_like(combined)
    for k in range(1, SHINGLE):
        np.multiply(words[k : k + n], w[k], out=term)
        combined += term
    same = owner[:n] == owner[SHINGLE - 1 :]
    if not same.all():
        combined, owner = combined[same], owner[:n][same]
    else:
        owner = owner[:n]
    return _mix(combined), owner


def _cut_at_spaces(data: bytes) -> list[bytes]:
    """``data`` in pieces shorter than a chunk, each ending where a word does."""
    pieces = []
    start = 0
    while len(data) - start >= _CHUNK - 1:
        end = start + _CHUNK - 1
        cut = max(data.rfind(b" ", start, end), data.rfind(b"\n", start, end))
        if cut <= start:  # a "word" longer than a chunk: cut inside it
            cut = end - 1
        pieces.append(data[start : cut + 1])
        start = cut + 1
    pieces.append(data[start:])
    return pieces


def _hash_words(
    chunk: list[bytes],
    owners: list[int],
    word_hashes: list[Hashes],
    word_owners: list[npt.NDArray[np.intp]],
) -> None:
    """Hash every word of the pieces in ``chunk`` (joined by spaces, shorter than a chunk)."""
    if not chunk:
        return
    joined = b" ".join(chunk)
    data = np.frombuffer(joined, dtype=np.uint8)
    space = _WHITESPACE[data]
    _mark_wide_spaces(data, space)
    word = ~space
    starts = np.flatnonzero(word[1:] & space[:-1]) + 1
    if len(word) and word[0]:
        starts = np.concatenate(([0], starts))
    ends = np.flatnonzero(word[:-1] & space[1:]) + 1
    if len(word) and word[-1]:
        ends = np.concatenate((ends, [len(word)]))
    prefix = np.empty(len(data) + 1, dtype=np.uint64)
    prefix[0] = 0
    terms = prefix[1:]
    np.multiply(data, _POWERS[: len(data)], out=terms)
    np.cumsum(terms, out=terms)
    hashes = (prefix[ends] - prefix[starts]) * _INVERSE[starts]
    hashes ^= hashes >> np.uint64(31)  # enough mixing here: the shingle's hash is mixed in full
    hashes *= np.uint64(0x9E3779B97F4A7C15)
    # which piece each word is in: the pieces start one byte after each joining space
    piece_starts = np.cumsum([0] + [len(piece) + 1 for piece in chunk[:-1]])
    piece = np.searchsorted(piece_starts, starts, side="right") - 1
    word_hashes.append(hashes)
    word_owners.append(np.asarray(owners, dtype=np.intp)[piece])


def _mark_wide_spaces(data: npt.NDArray[np.uint8], space: npt.NDArray[np.bool_]) -> None:
    """Mark the bytes of the other characters ``str.split`` cuts at: U+0085, U+00A0 (two bytes
    from C2), U+1680 (E1 9A 80), U+2000-200A, U+2028, U+2029, U+202F (E2 80 ..), U+205F
    (E2 81 9F) and U+3000 (E3 80 80)."""
    n = len(data)
    if n < 2:
        return
    lead = np.flatnonzero(_WIDE_LEAD[data[: n - 1]])
    if not len(lead):
        return
    first, nxt = data[lead], data[lead + 1]
    two = lead[(first == 0xC2) & ((nxt == 0x85) | (nxt == 0xA0))]
    three = lead[(first != 0xC2) & (lead < n - 2)]
    b0, b1, b2 = data[three], data[three + 1], data[three + 2]
    wide = (
        ((b0 == 0xE1) & (b1 == 0x9A) & (b2 == 0x80))
        | ((b0 == 0xE2) & (b1 == 0x80) & (((b2 >= 0x80) & (b2 <= 0x8A)) | (b2 == 0xA8)
                                          | (b2 == 0xA9) | (b2 == 0xAF)))
        | ((b0 == 0xE2) & (b1 == 0x81) & (b2 == 0x9F))
        | ((b0 == 0xE3) & (b1 == 0x80) & (b2 == 0x80))
    )  # fmt: skip
    three = three[wide]
    for offset in range(2):
        space[two + offset] = True
    for offset in range(3):
        space[three + offset] = True


def _bands(
    hashes: Hashes, owners: npt.NDArray[np.intp], count: int
) -> tuple[list[tuple[int, ...]], Hashes]:
    """The band keys and signature of each of ``count`` texts, from their shingles' hashes.

    A range's value is the top 32 bits of its smallest hash (the rest of the range's hashes
    share their top five bits, so 27 bits tell them apart), found for every text and range at
    once (``np.minimum.at``).
    """
    empty = np.uint64(0xFFFFFFFF + 1)  # above every 32-bit value
    flat = np.full(count * _BINS, empty, dtype=np.uint64)
    if len(hashes):
        slot = owners * _BINS + (hashes >> _BIN_SHIFT).astype(np.intp)
        np.minimum.at(flat, slot, hashes >> np.uint64(32))
    flat_filled = flat != empty
    flat[~flat_filled] = 0
    signature = flat.reshape(count, _BINS)
    filled = flat_filled.reshape(count, _BINS)
    partial = np.flatnonzero(filled.any(axis=1) & ~filled.all(axis=1))
    if len(partial):
        signature[partial] = _densified(signature[partial], filled[partial])
    rows = signature.reshape(count, BANDS, ROWS) @ _BAND_WEIGHTS
    keys = _mix(rows + _BAND_SALT).view(np.int64)
    return [tuple(row) for row in keys.tolist()], signature


def _densified(values: Hashes, filled: npt.NDArray[np.bool_]) -> Hashes:
    """Empty ranges (rows of ``values`` with some ranges filled) take the value of the next
    range that has one, wrapping around, marked with how far it was borrowed from, so that two
    texts agree on a borrowed value about as often as on a real one (rotation densification,
    Shrivastava and Li 2014). All rows at once: the next filled range of each is the running
    minimum, from the right, of the filled ranges' positions over the row written twice."""
    positions = np.arange(_BINS)
    own = np.where(filled, positions, 2 * _BINS)
    twice = np.concatenate((own, own + _BINS), axis=1)
    following = np.minimum.accumulate(twice[:, ::-1], axis=1)[:, ::-1][:, :_BINS]
    source = following % _BINS
    distance = (following - positions).astype(np.uint64)
    borrowed = np.take_along_axis(values, source, axis=1)
    borrowed = (borrowed + distance * np.uint64(0x9E3779B1)) & np.uint64(0xFFFFFFFF)
    return np.where(filled, values, borrowed)
