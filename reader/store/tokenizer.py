"""What SQLite's FTS5 ``unicode61`` tokenizer does to each character, learnt from SQLite itself.

A search must find the same articles whether they are in the index yet or not (see
``reader.store.search``), so the scan of the articles past the index must cut and fold words
exactly as the tokenizer does. Its tables come from SQLite's own Unicode data, not Python's, and
differ from ``str.lower`` and ``\\w`` in thousands of characters (unassigned code points are
letters to it, "ß" and "ı" stay as they are, "_" separates words), so they are not guessed:
every code point is put to the tokenizer once per process, in a private in-memory database, and
the answers become a ``reader.text.words.Words``. That takes about half a second, the first time
a search needs it.

The scan is done by SQL functions registered on each connection (``register``): SQLite hands
them each article's title and text as UTF-8 bytes. A search is asked for many times over (the
list's count, each page of it as it scrolls, the open article's place), so each connection
keeps the answers for its last query, by article id, and reads the text again only for an
article whose content hash or title has changed since.
"""

from __future__ import annotations

import sqlite3
import threading
from array import array

from reader.text.words import Words

__all__ = ["SCAN", "register", "words"]

SCAN = (
    "coalesce(nkreader_known_words(?, id, content_hash, CAST(title AS BLOB)),"
    " nkreader_has_words(?, id, content_hash, CAST(title AS BLOB), CAST(text AS BLOB)))"
)
"""A condition on a row of ``articles``, with ``Query.folded`` for both its parameters: whether
its title and text hold every word (the last as a prefix), as the index would say. The first
function answers from the connection's memory of the last query, without reading the text;
``coalesce`` calls the second only when that has no answer. Blobs, not text: the functions work
on UTF-8, and Python then need not decode every article into a string."""

_BLOCK = 4096
"""Code points put to the tokenizer together; a block holding a separator is halved until each
separator stands alone."""
_MARK = "x"
"""A letter around each block, so that a block of separators still yields words to look at."""

_lock = threading.Lock()
_words: Words | None = None


def words() -> Words:
    """The tokenizer's ``Words`` for this process's SQLite, learnt on first use."""
    global _words
    if _words is not None:  # learnt: no lock needed to read it (the scan asks once a row)
        return _words
    with _lock:
        if _words is None:
            _words = Words(_learn())
        return _words


def register(conn: sqlite3.Connection) -> None:
    """Make the functions of ``SCAN`` available on ``conn`` (the table is learnt on first call).

    Each connection belongs to one thread, so its memory of answers needs no lock.
    """
    answers: dict[str, dict[int, tuple[int, bool]]] = {}
    """The last query's answers: article id -> (hash of its content hash and title, answer)."""

    def known_words(query: str, article: int, content_hash: str, title: bytes) -> int | None:
        found = answers.get(query, {}).get(article)
        if found is None or found[0] != hash((content_hash, title)):
            return None
        return int(found[1])

    def has_words(
        query: str, article: int, content_hash: str, title: bytes, text: bytes | None
    ) -> int:
        answer = words().matches(query, title, text)
        if query not in answers:
            answers.clear()
            answers[query] = {}
        answers[query][article] = (hash((content_hash, title)), answer)
        return int(answer)

    conn.create_function("nkreader_known_words", 4, known_words)
    conn.create_function("nkreader_has_words", 5, has_words)


def _learn() -> dict[str, str]:
    """Every character the tokenizer does not keep as it is, and what it becomes: " " for a
    separator, "" for a character dropped from its word, else its folded form.

    Each block of code points is indexed as one word between two marks, in a table like the
    articles' (same tokenizer, its default options). When the block comes back as one word of
    the same length, the block held no separator and each character's folded form is at its
    place; otherwise the block is halved, down to single characters, for which two marks mean
    a separator and one word means a folded (maybe empty) character.
    """
    conn = sqlite3.connect(":memory:")
    try:
        blocks = [
            (start, min(start + _BLOCK, end))
            for first, end in ((0, 0xD800), (0xE000, 0x110000))  # surrogates are not text
            for start in range(first, end, _BLOCK)
        ]
        changes: dict[str, str] = {}
        while blocks:
            texts = [array("I", range(*block)).tobytes().decode("utf-32-le") for block in blocks]
            halves: list[tuple[int, int]] = []
            for (start, end), chars, found in zip(blocks, texts, _tokens(conn, texts), strict=True):
                word = found[0][1:-1] if len(found) == 1 else None
                if word is not None and len(word) == len(chars):
                    if word != chars:
                        changes.update((a, b) for a, b in zip(chars, word, strict=True) if a != b)
                elif end - start == 1:
                    into = word if word is not None and found != [_MARK, _MARK] else " "
                    if into != chars or into == " ":  # the space itself separates words too
                        changes[chars] = into
                else:
                    middle = (start + end) // 2
                    halves += [(start, middle), (middle, end)]
            blocks = halves
        return changes
    finally:
        conn.close()


def _tokens(conn: sqlite3.Connection, texts: list[str]) -> list[list[str]]:
    """The words the tokenizer makes of each text wrapped in marks, in order."""
    conn.execute("DROP TABLE IF EXISTS probe_words")
    conn.execute("DROP TABLE IF EXISTS probe")
    conn.execute("CREATE VIRTUAL TABLE probe USING fts5(x, detail=full, columnsize=0)")
    conn.execute("CREATE VIRTUAL TABLE probe_words USING fts5vocab(probe, instance)")
    conn.executemany(
        "INSERT INTO probe(rowid, x) VALUES (?, ?)",
        [(row, _MARK + text + _MARK) for row, text in enumerate(texts)],
    )
    found: list[list[str]] = [[] for _ in texts]
    for term, row in conn.execute("SELECT term, doc FROM probe_words ORDER BY doc, offset"):
        found[row].append(term)
    return found
