"""An article read in pieces: its text in chunks, its sentences by window of positions.

The reader shows a few dozen sentences at a time; an article of a million sentences (130 MB of
text) must open as fast as a short one. Reading the whole text with ``SELECT text`` takes about
1.4 s at that size, and SQLite's ``substr`` on it reads the whole value every time (0.4 s), so a
long text is read through incremental blob I/O, sequentially, in chunks of ``CHUNK`` bytes,
decoded as it goes (offsets are in characters, and only a sequential read can count them): the
first chunk is enough for the opening screen, and ``read_ahead`` reads the rest a chunk at a
time while the reader is idle. Sentences are fetched ``PAGE`` rows at a time by their position
(the ``UNIQUE (article_id, position)`` index) and a few pages are kept.
"""

from __future__ import annotations

import sqlite3
from bisect import bisect_right
from collections import OrderedDict
from collections.abc import Iterator, Sequence
from typing import overload

from reader.models import Sentence

SMALL = 1 << 21
"""Texts of up to this many bytes (2 MiB) are read whole, in one query."""

CHUNK = 1 << 21
"""Bytes read from a long text at a time (2 MiB: a few milliseconds)."""

PIECE = 1 << 18
"""Bytes decoded together when a slice of a long text is asked for (256 KiB, ~2 ms)."""

DECODED = 64
"""Pieces kept decoded (16 MiB of text)."""

PAGE = 500
"""Sentences fetched per query."""

KEPT_PAGES = 16
"""Pages of sentences kept in memory (8,000 sentences)."""

_NOT_CONTINUATION = bytes(b for b in range(256) if not 0x80 <= b < 0xC0)


def _characters(data: bytes) -> int:
    """How many characters the UTF-8 bytes hold: every byte but continuation bytes (a C loop,
    about six times faster than decoding)."""
    return len(data) - len(data.translate(None, _NOT_CONTINUATION))


def _char_start(data: bytes, at: int) -> int:
    """The first offset at or before ``at`` where a character starts."""
    while at > 0 and 0x80 <= data[at] < 0xC0:
        at -= 1
    return at


class ArticleText:
    """An article's text, sliced by character offsets, read from the database as needed.

    A long text is read once, sequentially, as UTF-8 bytes kept in pieces of ``PIECE`` bytes
    cut where a character starts, each with the offset of its first character (counted, not
    decoded); a slice decodes only the pieces it spans, and the last ``DECODED`` stay decoded.
    """

    def __init__(self, conn: sqlite3.Connection, article_id: int) -> None:
        self._raw: list[bytes] = []
        self._starts: list[int] = []
        """Character offset of each piece's first character."""
        self._chars = 0
        self._decoded: OrderedDict[int, str] = OrderedDict()
        self._blob: sqlite3.Blob | None = None
        self._left = b""
        self._size = 0
        self.complete = True
        try:
            blob = conn.blobopen("articles", "text", article_id, readonly=True)
        except sqlite3.OperationalError:  # no such row, or not text (NULL)
            return
        self._size = len(blob)
        if self._size <= SMALL:
            blob.close()
            row = conn.execute("SELECT text FROM articles WHERE id = ?", [article_id]).fetchone()
            text = row[0] if row and row[0] else ""
            self._raw, self._starts, self._chars = [b""], [0], len(text)
            self._decoded[0] = text
            self._whole = True
        else:
            self._blob = blob
            self.complete = False
            self._whole = False

    @property
    def size(self) -> int:
        """The text's length in bytes (UTF-8)."""
        return self._size

    def read_ahead(self) -> bool:
        """Read the next chunk of a long text; False once all of it has been read.

        The blob handle is closed as soon as the end is reached: an open handle holds a read
        transaction, which would keep this connection from seeing other coders' changes.
        """
        if self._blob is None:
            return False
        data = self._left + self._blob.read(CHUNK)
        final = self._blob.tell() >= self._size
        start = 0
        while start < len(data):
            end = min(len(data), start + PIECE)
            if end < len(data):
                end = _char_start(data, end)
            elif not final:
                end = _char_start(data, end - 1)  # the last character may be cut: carry it
                if end <= start:
                    break
            piece = data[start:end]
            self._raw.append(piece)
            self._starts.append(self._chars)
            self._chars += _characters(piece)
            start = end
        self._left = data[start:]
        if final:
            self._blob.close()
            self._blob = None
            self.complete = True
        return not final

    def close(self) -> None:
        if self._blob is not None:
            self._blob.close()
            self._blob = None

    def _piece(self, number: int) -> str:
        text = self._decoded.get(number)
        if text is None:
            text = self._raw[number].decode("utf-8", "replace")
            self._decoded[number] = text
            if len(self._decoded) > DECODED:
                self._decoded.popitem(last=False)
        else:
            self._decoded.move_to_end(number)
        return text

    def __getitem__(self, span: slice) -> str:
        """``text[start:end]`` of the stored text (character offsets)."""
        start, end = span.start or 0, span.stop
        while self._blob is not None and end > self._chars:
            self.read_ahead()
        if self._whole:
            return self._decoded[0][start:end]
        number = bisect_right(self._starts, start) - 1
        if number < 0:
            return ""
        parts: list[str] = []
        at = start
        while at < end and number < len(self._raw):
            first = self._starts[number]
            text = self._piece(number)
            parts.append(text[at - first : end - first])
            at = first + len(text)
            number += 1
        return "".join(parts)


class ArticleSentences(Sequence[Sentence]):
    """The sentences of one article in order, fetched by window of positions when asked for.

    Positions run from 0 without gaps (the import and the merge number them so), so a
    sentence's index here is its position.
    """

    def __init__(self, conn: sqlite3.Connection, article_id: int) -> None:
        self._conn = conn
        self.article_id = article_id
        found = conn.execute(
            "SELECT max(position) FROM sentences WHERE article_id = ?", [article_id]
        ).fetchone()
        self._count = 0 if found is None or found[0] is None else int(found[0]) + 1
        self.text = ArticleText(conn, article_id)
        self._pages: OrderedDict[int, list[Sentence]] = OrderedDict()

    def __len__(self) -> int:
        return self._count

    def _page(self, number: int) -> list[Sentence]:
        page = self._pages.get(number)
        if page is not None:
            self._pages.move_to_end(number)
            return page
        rows = self._conn.execute(
            'SELECT id, position, start, "end", paragraph FROM sentences'
            " WHERE article_id = ? AND position >= ? AND position < ? ORDER BY position",
            [self.article_id, number * PAGE, (number + 1) * PAGE],
        ).fetchall()
        if rows:
            self.text[rows[0][2] : rows[-1][3]]  # read up to the page's end once
        text = self.text
        page = [
            Sentence(id_, self.article_id, position, start, end, paragraph, text[start:end])
            for id_, position, start, end, paragraph in rows
        ]
        self._pages[number] = page
        if len(self._pages) > KEPT_PAGES:
            self._pages.popitem(last=False)
        return page

    @overload
    def __getitem__(self, index: int) -> Sentence: ...

    @overload
    def __getitem__(self, index: slice) -> list[Sentence]: ...

    def __getitem__(self, index: int | slice) -> Sentence | list[Sentence]:
        if isinstance(index, slice):
            start, stop, step = index.indices(self._count)
            if step != 1:
                return [self[i] for i in range(start, stop, step)]
            found: list[Sentence] = []
            while start < stop:
                page = self._page(start // PAGE)
                found.extend(page[start % PAGE : start % PAGE + stop - start])
                start = (start // PAGE + 1) * PAGE
            return found
        if index < 0:
            index += self._count
        if not 0 <= index < self._count:
            raise IndexError(index)
        return self._page(index // PAGE)[index % PAGE]

    def index_of(self, sentence_id: int) -> int | None:
        """The position of a sentence of this article, or None for another article's."""
        found = self._conn.execute(
            "SELECT position FROM sentences WHERE id = ? AND article_id = ?",
            [sentence_id, self.article_id],
        ).fetchone()
        return int(found[0]) if found else None

    def __iter__(self) -> Iterator[Sentence]:
        for start in range(0, self._count, PAGE):
            yield from self[start : start + PAGE]
