"""Writing batches of prepared articles to the database, on a second core when it pays.

The import's write path: ``reader.exchange.importing`` reads, decodes and splits files into
``Batch`` objects, and the Store's ``article_writer`` stores them, each in one transaction.

Python's ``sqlite3`` releases the GIL while SQLite runs a statement, so the B-tree, write-ahead
log, full-text index and fsync work of one batch can run on a writer thread, with its own
connection to the same file, while the main thread reads, decodes and splits the next batch.

Each batch is written with a handful of statements of many rows each: a thread that gave the GIL
up and took it back for every row (``executemany``) would wait for the busy main thread at each
one. (The search index is not written here at all: ``reader.store.search`` catches it up later.)
"""

from __future__ import annotations

import os
import queue
import sqlite3
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import chain, count, repeat
from operator import attrgetter
from pathlib import Path
from types import TracebackType

from reader.db import connect, database_file, transaction
from reader.text.sentences import SentenceSpan

__all__ = [
    "ARTICLE_COLUMNS",
    "Batch",
    "BatchWriter",
    "Copy",
    "StoredBatch",
    "encode_batch",
    "flatten_spans",
    "store_batch",
    "write_batch",
]

ARTICLE_COLUMNS = (
    "title", "text", "source", "content_hash", "imported_at", "published", "outlet", "url",
    "metadata",
)  # fmt: skip
"""The order of the values in each article row given to ``encode_batch``."""

_SENTENCE_COLUMNS = ("article_id", "position", "start", '"end"', "paragraph")
_ROWS_PER_STATEMENT = 6000
"""Rows per INSERT (at most SQLite's 32,766 values): five statements for a batch's sentences,
since after each one the writer thread waits to take the GIL back from the main thread."""
_SPAN_FIELDS = attrgetter("start", "end", "paragraph")


def flatten_spans(spans: list[SentenceSpan]) -> list[int]:
    """``[start, end, paragraph, start, ...]``: plain ints, which the garbage collector never
    has to visit, where span objects kept until their batch is written would be visited again
    and again."""
    return list(chain.from_iterable(map(_SPAN_FIELDS, spans)))


@dataclass(frozen=True, slots=True)
class Batch:
    """A batch of articles as flat lists of values, ready to bind.

    Built on the preparing thread, so that the writer thread, which must take the GIL back
    from it after every statement, has almost no Python work of its own.
    """

    size: int
    """The number of articles."""
    articles: list[object]
    """``ARTICLE_COLUMNS`` values, one row after another."""
    sentences: list[int]
    """``(article's index in the batch, position, start, end, paragraph)`` per sentence."""
    bands: list[int] = field(default_factory=list)
    """``(article's index in the batch, band key)`` per near-duplicate band key
    (``reader.text.shingles``)."""
    copies: list[Copy] = field(default_factory=list)
    """The articles of the batch that are near-copies of another, and of which."""
    keyed: bool = False
    """Whether every article's band keys are in ``bands`` (an article too short has none): the
    near-duplicate index then reaches past this batch."""


@dataclass(frozen=True, slots=True)
class Copy:
    """An article of a batch that is a near-copy of another, stored before it or earlier in the
    same import."""

    index: int
    """The copy's index in the batch."""
    original_id: int | None
    """The original's id, when it was stored before this import."""
    original_hash: str | None
    """Else the original's content hash: it is stored by an earlier batch, or earlier in this
    one."""
    similarity: float


def encode_batch(
    articles: Sequence[tuple[object, ...]],
    offsets: Sequence[list[int]],
    bands: Sequence[Sequence[int]] | None = None,
    copies: Sequence[Copy] = (),
) -> Batch:
    """Flatten article rows (``ARTICLE_COLUMNS`` order) and their ``flatten_spans``, in C;
    ``bands`` are each article's band keys, when they were computed."""
    sentences = chain.from_iterable(
        chain.from_iterable(zip(repeat(index), count(), *[iter(each)] * 3))
        for index, each in enumerate(offsets)
    )
    flat_bands: list[int] = []
    if bands is not None:
        # in key order, so that the index's B-tree is written page after page, not at random
        pairs = sorted(
            chain.from_iterable(zip(keys, repeat(index)) for index, keys in enumerate(bands))
        )
        flat_bands = list(chain.from_iterable((index, key) for key, index in pairs))
    return Batch(
        len(articles),
        list(chain.from_iterable(articles)),
        list(sentences),
        flat_bands,
        list(copies),
        bands is not None,
    )


@lru_cache(maxsize=16)
def _insert(table: str, columns: tuple[str, ...], rows: int) -> str:
    """An INSERT of ``rows`` rows of ``?`` values.

    The same string object comes back for the same shape, so that sqlite3 finds the statement
    prepared in its cache: preparing costs several times more than running it.
    """
    values = ",".join(["(" + ",".join("?" * len(columns)) + ")"] * rows)
    verb = "INSERT OR IGNORE" if table in ("articles", "shingle_bands") else "INSERT"
    return f"{verb} INTO {table} ({', '.join(columns)}) VALUES {values}"


def _insert_rows(
    conn: sqlite3.Connection, table: str, columns: tuple[str, ...], values: Sequence[object]
) -> None:
    """Insert a flat list of values, ``len(columns)`` per row, in a few many-row statements.

    One statement binds the values of many rows in one C loop (several times faster than
    ``executemany``).
    """
    width = len(columns)
    limit = (conn.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER) - 1) // width
    per_statement = max(1, min(_ROWS_PER_STATEMENT, limit))
    total = len(values) // width
    for first in range(0, total, per_statement):
        rows = min(per_statement, total - first)
        chunk = values[first * width : (first + rows) * width]
        conn.execute(_insert(table, columns, rows), chunk)


def store_batch(conn: sqlite3.Connection, batch: Batch) -> list[tuple[int, bool]]:
    """Insert a batch inside the caller's transaction: ``(article id, newly imported)`` each.

    A text already stored (by another batch, another process, or earlier in this batch) is
    ignored and its existing id returned with ``False``.
    """
    size = batch.size
    last = conn.execute("SELECT coalesce(max(id), 0) FROM articles").fetchone()[0]
    _insert_rows(conn, "articles", ARTICLE_COLUMNS, batch.articles)
    new, low, high = conn.execute(
        "SELECT count(*), min(id), max(id) FROM articles WHERE id > ?", (last,)
    ).fetchone()
    if new == size and low == last + 1 and high == last + size:
        # Every row was inserted, in order, with the next free id: index i is id last + 1 + i.
        # The ids are bound as values: adding them in the statement (``base``) made SQLite
        # read the rows through a subquery, a sixth of the write's time.
        sentences = list(batch.sentences)
        sentences[::5] = map((last + 1).__add__, batch.sentences[::5])
        _insert_rows(conn, "sentences", _SENTENCE_COLUMNS, sentences)
        bands = list(batch.bands)
        bands[::2] = map((last + 1).__add__, batch.bands[::2])
        _insert_rows(conn, "shingle_bands", _BAND_COLUMNS, bands)
        outcome = [(last + 1 + index, True) for index in range(size)]
    else:
        outcome = _store_by_hash(conn, batch, last)
    _store_copies(conn, batch, outcome, last)
    return outcome


_BAND_COLUMNS = ("article_id", "band_key")


def _store_copies(
    conn: sqlite3.Connection, batch: Batch, outcome: list[tuple[int, bool]], last: int
) -> None:
    """Record the batch's near-copies, and how far the near-duplicate index now reaches."""
    rows = []
    for copy in batch.copies:
        article_id, new = outcome[copy.index]
        original = copy.original_id
        if original is None:
            found = conn.execute(
                "SELECT id FROM articles WHERE content_hash = ?", (copy.original_hash,)
            ).fetchone()
            original = int(found[0]) if found else None
        if new and original is not None and original != article_id:
            rows.append((article_id, original, copy.similarity))
    if rows:
        conn.executemany(
            "INSERT OR IGNORE INTO near_duplicates (article_id, original_id, similarity)"
            " VALUES (?, ?, ?)",
            rows,
        )
    if batch.keyed:
        conn.execute(
            "UPDATE shingle_index SET indexed_through = (SELECT max(id) FROM articles)"
            " WHERE indexed_through = ?",
            (last,),
        )


def _store_by_hash(conn: sqlite3.Connection, batch: Batch, last: int) -> list[tuple[int, bool]]:
    """The general case: each article's id looked up by its hash; repeated texts get none."""
    width = len(ARTICLE_COLUMNS)
    hashes = batch.articles[ARTICLE_COLUMNS.index("content_hash") :: width]
    new_ids = dict(
        conn.execute("SELECT content_hash, id FROM articles WHERE id > ?", (last,)).fetchall()
    )
    outcome: list[tuple[int, bool]] = []
    for content_hash in hashes:
        article_id = new_ids.pop(content_hash, None)
        if article_id is None:
            found = conn.execute(
                "SELECT id FROM articles WHERE content_hash = ?", (content_hash,)
            ).fetchone()
            outcome.append((int(found[0]) if found else 0, False))
        else:
            outcome.append((article_id, True))
    rows = zip(*[iter(batch.sentences)] * 5, strict=True)
    sentences = [(outcome[row[0]][0], *row[1:]) for row in rows if outcome[row[0]][1]]
    _insert_rows(conn, "sentences", _SENTENCE_COLUMNS, list(chain.from_iterable(sentences)))
    pairs = zip(*[iter(batch.bands)] * 2, strict=True)
    bands = [(outcome[index][0], key) for index, key in pairs if outcome[index][1]]
    _insert_rows(conn, "shingle_bands", _BAND_COLUMNS, list(chain.from_iterable(bands)))
    return outcome


@dataclass(frozen=True, slots=True)
class StoredBatch:
    """What became of a batch: each article's id and whether it is new, or why none was stored."""

    articles: list[tuple[int, bool]]
    """``(article id, newly imported)`` in the batch's order; empty when the write failed."""
    error: str | None = None
    """The database's refusal (locked, full, read-only): the batch was rolled back whole."""


def write_batch(conn: sqlite3.Connection, batch: Batch) -> StoredBatch:
    """Store a batch in one transaction of its own: all of it, or (on failure) none."""
    try:
        with transaction(conn):
            return StoredBatch(store_batch(conn, batch))
    except sqlite3.Error as error:
        return StoredBatch([], str(error))


WRITER_CACHE_KIB = -65536
"""The writer thread's page cache (64 MiB, negative: in KiB), so that a batch's pages stay in
memory until its commit instead of spilling to the ``-wal`` on the way (SQLite's default is
2 MiB, less than one batch's text): about a tenth less CPU time for the writes."""


def usable_cores() -> int:
    """The cores this process may run on (``taskset`` narrows them).

    On one core a writer thread saves nothing: the two threads take turns, and handing the GIL
    back and forth after every statement cost about 15% more CPU time than writing each batch
    on the preparing thread (``bench/bench_import.py`` under ``taskset -c 0``).
    """
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


_QUEUED = 2
"""Batches prepared ahead of the writer: enough to keep it busy, little memory held."""


class BatchWriter:
    """Stores each submitted batch (``write_batch``), in order, and keeps what became of each.

    Batches are written at once on the caller's thread until one is submitted with more input
    still to come; then a writer thread with its own connection takes over, if the database is
    a WAL file not inside a transaction and the process may use two cores or more (otherwise
    everything stays on the caller's thread).
    Use as a context manager: leaving it by an exception (or Ctrl-C) drops the batches not yet
    started, lets the one being written finish or roll back, and joins the thread.
    """

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self.outputs: list[StoredBatch] = []
        self._queue: queue.Queue[Batch | None] = queue.Queue(_QUEUED)
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()
        self._error: BaseException | None = None
        self._tried = False
        self._opened = False
        self._cache: int | None = None
        """The caller's cache size, while a larger one is set for writing on its thread."""

    def submit(self, batch: Batch, *, more: bool) -> None:
        """Write ``batch`` now or queue it; ``more`` says whether further batches may follow."""
        if self._thread is None and more and not self._tried:
            self._tried = True
            self._start()
        if self._thread is None:
            self.outputs.append(write_batch(self.conn, batch))
            return
        self._raise_error()
        self._queue.put(batch)

    def close(self) -> list[StoredBatch]:
        """Wait for every queued batch to be written; the outputs in submission order."""
        self._join()
        self._raise_error()
        return self.outputs

    def __enter__(self) -> BatchWriter:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if exc_type is not None:
            self._stop.set()
        self._join()

    def _start(self) -> None:
        conn = self.conn
        if conn.in_transaction:
            return
        if usable_cores() < 2:
            # Written here, with the writer thread's larger cache while the import runs.
            self._cache = int(conn.execute("PRAGMA cache_size").fetchone()[0])
            conn.execute(f"PRAGMA cache_size = {WRITER_CACHE_KIB}")
            return
        path = database_file(conn)
        mode = conn.execute("PRAGMA journal_mode").fetchone()[0]
        if path is None or str(mode).lower() != "wal":
            return
        synchronous = int(conn.execute("PRAGMA synchronous").fetchone()[0])
        ready = threading.Event()
        thread = threading.Thread(
            target=self._run, args=(path, synchronous, ready), name="nkreader-import-writer"
        )
        thread.start()
        ready.wait()
        if self._opened:
            self._thread = thread
        else:
            thread.join()

    def _run(self, path: Path, synchronous: int, ready: threading.Event) -> None:
        """The writer thread: its own connection (SQLite objects stay in their thread)."""
        try:
            conn = connect(path)
            conn.execute(f"PRAGMA synchronous = {synchronous}")
            conn.execute(f"PRAGMA cache_size = {WRITER_CACHE_KIB}")
            self._opened = True
        except sqlite3.Error:
            return  # the caller's thread writes instead
        finally:
            ready.set()
        try:
            while (batch := self._queue.get()) is not None:
                if self._stop.is_set() or self._error is not None:
                    continue  # drain, so the submitting thread never blocks on a full queue
                try:
                    self.outputs.append(write_batch(conn, batch))
                except BaseException as error:  # handed to the caller
                    self._error = error
        finally:
            conn.close()

    def _join(self) -> None:
        """End the writer thread; called again after Ctrl-C during the wait, it still joins.
        The caller's connection gets its own cache size back."""
        if self._cache is not None:
            cache, self._cache = self._cache, None
            self.conn.execute(f"PRAGMA cache_size = {cache}")
        thread = self._thread
        if thread is None:
            return
        if self._stop.is_set():
            _drop_queued(self._queue)  # may drop an earlier end mark too, so put one after
        self._queue.put(None)
        thread.join()
        self._thread = None

    def _raise_error(self) -> None:
        if self._error is not None:
            error, self._error = self._error, None
            raise error


def _drop_queued(items: queue.Queue[Batch | None]) -> None:
    """Empty the queue without blocking (the writer may be taking items at the same time)."""
    while True:
        try:
            items.get_nowait()
        except queue.Empty:
            return
