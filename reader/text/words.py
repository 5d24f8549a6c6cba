"""Words as the search index cuts them, so that a scan of texts not indexed yet finds exactly
what the index finds.

The index (SQLite FTS5 with its ``unicode61`` tokenizer) cuts a text at every character that is
not a letter, digit or private-use character of its Unicode tables, drops combining accents,
folds case and removes diacritics from Latin letters ("Über" -> "uber"), one character at a
time. ``Words`` does the same from a table of every character the tokenizer changes, learnt
from SQLite itself (``reader.store.tokenizer``), so the two agree on every character, including
those where the Unicode data of Python and of SQLite disagree.

Texts are handled as UTF-8 bytes, which SQLite hands over without decoding and which ``bytes``
lowers and searches at C speed; a character is looked at in Python only where that cannot be
avoided (see ``Words.matches``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

__all__ = ["Query", "Words"]

SEPARATOR = " "
"""What ``Words`` is told a character between words becomes."""
_ASCII_BYTES = bytes(range(0x80))


@dataclass(frozen=True, slots=True)
class Query:
    """A typed search: each word must occur in the text, the last as the start of a word."""

    typed: tuple[str, ...]
    """The words as typed, cut where the index cuts them (for an FTS5 query)."""
    folded: str
    """The words as the index holds them, space-separated (for ``Words.matches``)."""

    def fts(self) -> str:
        """The FTS5 query: each typed word quoted (the tokenizer folds it as it folded the
        texts), the last as a prefix."""
        return " ".join('"' + word.replace('"', '""') + '"' for word in self.typed) + "*"


class Words:
    """Cuts and folds text as the search index does, given what the tokenizer does to each
    character it changes."""

    def __init__(self, changes: Mapping[str, str]) -> None:
        """``changes`` maps every character the tokenizer does not keep as it is: ``" "`` for
        one that separates words, ``""`` for one dropped from its word (a combining accent),
        else the one character it becomes. Surrogates, which SQLite never sees, separate."""
        table = {ord(ch): into for ch, into in changes.items()}
        table.update((code, SEPARATOR) for code in range(0xD800, 0xE000))
        self._table = table
        self._separators = frozenset(code for code, into in table.items() if into == SEPARATOR)
        self._ascii = bytes(
            ord(table.get(code, chr(code))) if code < 0x80 else code for code in range(256)
        )
        # The fast paths rely on what every tokenizer build does: ASCII letters fold to lower
        # case, other ASCII characters (the line break among them) separate words or stay, and
        # nothing folds twice. If a table broke that, texts would be folded the slow way,
        # character by character.
        self._fast = (
            table.get(ord("\n")) == SEPARATOR
            and all(table.get(code) == chr(code).lower() for code in range(ord("A"), ord("Z") + 1))
            and all(_simple(code, into, table) for code, into in table.items())
        )
        wide = [code for code in sorted(table) if code >= 0x80]
        self._utf8 = {chr(code): chr(code).encode("utf-8", "surrogatepass") for code in wide}
        self._into = {self._utf8[chr(code)]: table[code].encode() for code in wide}
        self._changed = frozenset(self._utf8)
        self._inside = frozenset(chr(code) for code in wide if table[code] != SEPARATOR)
        # A text's non-ASCII characters that may change: those of the Basic Multilingual
        # Plane that do (a bitmap to the regular expression engine: one lookup per character)
        # and every character beyond it (rare; looked up in the table afterwards).
        bmp = [code for code in wide if code < 0x10000]
        self._candidates = re.compile(f"[{_ranges(bmp)}\U00010000-\U0010ffff]")
        self._patterns = lru_cache(maxsize=64)(self._compile)
        self._replacers = lru_cache(maxsize=256)(self._replacer)

    @property
    def fast(self) -> bool:
        """Whether texts are searched the fast way (true of every tokenizer table seen)."""
        return self._fast

    def query(self, text: str) -> Query | None:
        """The words of a typed query, or None when it has none."""
        typed: list[str] = []
        folded: list[str] = []
        start = None
        for index, ch in enumerate([*text, SEPARATOR]):
            if ord(ch) not in self._separators:
                start = index if start is None else start
            elif start is not None:
                word = text[start:index]
                fold = self.fold(word).decode()
                if fold:  # only dropped accents: no word to the index either
                    typed.append(word)
                    folded.append(fold)
                start = None
        return Query(tuple(typed), " ".join(folded)) if typed else None

    def fold(self, text: str | bytes) -> bytes:
        """``text`` (or its UTF-8) in UTF-8 as the index sees it: every separator a space, each
        word folded."""
        data = text if isinstance(text, bytes) else text.encode("utf-8", "surrogatepass")
        return self._fold(data, self._changing(data))

    def matches(self, folded_query: str, *texts: str | bytes | None) -> bool:
        """Whether the texts together hold every word of ``Query.folded``, the last as the
        start of a word.

        Texts are not folded whole. ASCII is lowered, and a query word found in that is
        checked to stand between characters that separate words: where it does, the index
        holds it too (its letters are already folded). Only when that fails and the text has
        characters that change inside words (accents, non-ASCII capitals) are those replaced
        and the words looked for again. Most news texts have none (curly quotes and dashes only
        separate), so searching them costs a lowering and a ``bytes.find`` per word.
        """
        words = self._patterns(folded_query)
        if not self._fast:
            return self._matches_slowly(words, texts)
        # A line break separates words (``__init__`` checked), as the end of a column does.
        data = b"\n".join(
            text if isinstance(text, bytes) else text.encode("utf-8", "surrogatepass")
            for text in texts
            if text
        )
        if self._holds_all(data.lower(), words):
            return True
        if data.isascii():
            return False
        inside = self._changing(data) & self._inside
        if not inside:
            return False
        return self._holds_all(self._replacers(inside).sub(self._replacement, data).lower(), words)

    def _holds_all(self, lowered: bytes, words: Sequence[tuple[bytes, bool]]) -> bool:
        return all(self._holds(lowered, word, prefix) for word, prefix in words)

    def _matches_slowly(
        self, words: Sequence[tuple[bytes, bool]], texts: Sequence[str | bytes | None]
    ) -> bool:
        """``matches`` for a tokenizer table the fast paths cannot take (see ``__init__``)."""
        folded = [b" " + self.fold(text) + b" " for text in texts if text]
        return all(
            any((b" " + word + (b"" if prefix else b" ")) in part for part in folded)
            for word, prefix in words
        )

    def _changing(self, data: bytes) -> frozenset[str]:
        """The non-ASCII characters of ``data`` that the tokenizer changes."""
        if data.isascii():
            return frozenset()
        wide = data.translate(None, _ASCII_BYTES).decode("utf-8", "replace")
        return frozenset(self._candidates.findall(wide)) & self._changed

    def _fold(self, data: bytes, changing: frozenset[str]) -> bytes:
        if not self._fast:
            return data.decode("utf-8", "replace").translate(self._table).encode()
        if changing:
            # One pass over the text replaces each of its characters that change; UTF-8
            # never matches inside another character.
            data = self._replacers(changing).sub(self._replacement, data)
        return data.translate(self._ascii)

    def _replacement(self, found: re.Match[bytes]) -> bytes:
        return self._into[found[0]]

    def _replacer(self, changing: frozenset[str]) -> re.Pattern[bytes]:
        return re.compile(b"|".join(re.escape(self._utf8[ch]) for ch in sorted(changing)))

    def _holds(self, lowered: bytes, word: bytes, prefix: bool) -> bool:
        """Whether ``lowered`` holds ``word`` between separators (only after one, for a
        prefix); every non-ASCII character of ``lowered`` separates or stays as it is."""
        start = 0
        while (at := lowered.find(word, start)) >= 0:
            end = at + len(word)
            if self._separates(lowered, at, before=True) and (
                prefix or self._separates(lowered, end, before=False)
            ):
                return True
            start = at + 1
        return False

    def _separates(self, data: bytes, at: int, *, before: bool) -> bool:
        """Whether the character before (or at) byte ``at`` separates words; the text's edges
        do."""
        if (at == 0) if before else (at == len(data)):
            return True
        byte = data[at - 1] if before else data[at]
        if byte < 0x80:
            return self._ascii[byte] == 0x20
        if before:  # back to the first byte of the character
            first = at - 1
            while first > at - 4 and 0x80 <= data[first] < 0xC0:
                first -= 1
            ch = data[first:at].decode("utf-8", "replace")
        else:
            ch = data[at : at + 4].decode("utf-8", "replace")[:1]
        return ord(ch[0]) in self._separators

    @staticmethod
    def _compile(folded_query: str) -> list[tuple[bytes, bool]]:
        """Each word of the query and whether it is the prefix (the last one)."""
        words = folded_query.encode().split(b" ")
        return [(word, index == len(words) - 1) for index, word in enumerate(words)]


def _simple(code: int, into: str, table: Mapping[int, str]) -> bool:
    """Whether the character's change is one the fast paths handle: an ASCII character that
    separates or becomes its lower case, or any other whose result does not change again."""
    if code < 0x80:
        return into in (SEPARATOR, chr(code).lower())
    return into in ("", SEPARATOR) or (len(into) == 1 and ord(into) not in table)


def _ranges(codes: Sequence[int]) -> str:
    """The inside of a regular expression's character class matching ``codes`` (sorted)."""
    spans: list[list[int]] = []
    for code in codes:
        if spans and code == spans[-1][1] + 1:
            spans[-1][1] = code
        else:
            spans.append([code, code])
    return "".join(
        re.escape(chr(first)) + (f"-{re.escape(chr(last))}" if last > first else "")
        for first, last in spans
    )
