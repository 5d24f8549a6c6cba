"""Pure sentence splitting with character offsets.

Articles are stored once and sentences are addressed by ``(start, end)``
offsets into the article text, so a sentence can always be shown in context
and annotations survive re-rendering.  The boundaries come from *sentencex*
(Wikimedia's rule-based segmenter, a compiled extension that returns offsets
and needs no data download); this module adds only what that library does not
do for news text:

* every line break ends a sentence and a paragraph, because some sources
  separate paragraphs with a blank line and others with a single newline;
* sentences inside a multi-sentence quotation are split (see
  ``_DOUBLE_QUOTES``);
* a title abbreviation such as ``Dr.`` never ends a sentence.

Scores on the GUM news gold data are produced by ``bench/splitter_f1.py``.
"""

from __future__ import annotations

from dataclasses import dataclass

from sentencex import get_sentence_boundaries

__all__ = ["SentenceSpan", "split_sentences"]

_LANGUAGE = "en"

_DOUBLE_QUOTES = '"\u201c\u201d'
"""Quotation marks hidden from the library.

sentencex keeps a quotation together up to its closing mark, so
``"Cool clock, Ahmed. Want to bring it to the White House?"`` would come out
as one sentence.  Readers (and the gold data) treat each sentence inside the
quotation as its own.
"""

_TITLES = frozenset(
    {
        "Mr.",
        "Mrs.",
        "Ms.",
        "Messrs.",
        "Dr.",
        "Prof.",
        "Gen.",
        "Lt.",
        "Col.",
        "Maj.",
        "Capt.",
        "Cmdr.",
        "Adm.",
        "Sgt.",
        "Cpl.",
        "Pvt.",
        "Sen.",
        "Rep.",
        "Gov.",
        "Pres.",
        "Supt.",
        "Rev.",
        "Fr.",
        "Hon.",
        "Amb.",
        "Atty.",
    }
)
"""Abbreviations that always precede a name, so they never end a sentence.

sentencex splits ``Dr. Who`` after ``Dr.`` because ``Who`` often starts a
sentence.  ``St.`` and ``Jr.`` are left out on purpose: "on Main St." and
"John Smith Jr." can end a sentence.
"""

_OPENERS = "(\"'\u201c\u2018["
"""Characters stripped from the front of a word before looking it up in
``_TITLES``, so ``(Dr.`` counts as ``Dr.``."""


@dataclass(frozen=True, slots=True)
class SentenceSpan:
    """One sentence as half-open offsets into the text that was split."""

    start: int
    """Offset of the sentence's first character."""
    end: int
    """Offset just past the sentence's last character."""
    paragraph: int
    """0-based number of the non-empty line the sentence belongs to."""


def split_sentences(text: str) -> list[SentenceSpan]:
    """Split ``text`` into sentences, in order, with exact offsets.

    ``text[span.start:span.end]`` is the sentence without surrounding
    whitespace; the spans do not overlap and together cover every
    non-whitespace character.  Newlines must already be normalised to
    ``"\\n"``: each non-empty line is one paragraph, numbered from 0.
    """
    spans: list[SentenceSpan] = []
    append = spans.append
    paragraph = 0
    offset = 0
    for line in text.split("\n"):
        if line and not line.isspace():
            for start, end in _split_line(line):
                append(SentenceSpan(offset + start, offset + end, paragraph))
            paragraph += 1
        offset += len(line) + 1
    return spans


def _split_line(line: str) -> list[tuple[int, int]]:
    """Split one line (no newline inside) into tight ``(start, end)`` spans.

    Only the end offsets reported by the library are used, as cut points, and
    the pieces between cuts are trimmed here; that makes the spans cover the
    line and never overlap, whatever the library does with whitespace.
    """
    hidden = line
    if '"' in line or "\u201c" in line or "\u201d" in line:
        # Same-length replacement keeps every offset valid for ``line``.
        hidden = line.replace('"', " ").replace("\u201c", " ").replace("\u201d", " ")
    length = len(line)
    pieces: list[tuple[int, int]] = []
    start = 0
    for boundary in get_sentence_boundaries(_LANGUAGE, hidden):
        end = boundary["end_index"]
        if end >= length:
            break
        while end > start and hidden[end - 1].isspace():
            end -= 1
        # A closing quotation mark belongs to the sentence it closes.
        while end < length and line[end] in _DOUBLE_QUOTES:
            end += 1
        if end <= start or _ends_with_title(line, end):
            continue
        _append_trimmed(pieces, line, start, end)
        start = end
    _append_trimmed(pieces, line, start, length)
    return pieces


def _ends_with_title(line: str, end: int) -> bool:
    """True when the word just before ``end`` is a title such as ``Gen.``."""
    word = line[line.rfind(" ", 0, end) + 1 : end].lstrip(_OPENERS)
    return word in _TITLES


def _append_trimmed(pieces: list[tuple[int, int]], line: str, start: int, end: int) -> None:
    """Append ``line[start:end]`` without its outer whitespace, if anything is left."""
    while start < end and line[start].isspace():
        start += 1
    while end > start and line[end - 1].isspace():
        end -= 1
    if start < end:
        pieces.append((start, end))
