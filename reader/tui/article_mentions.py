"""Actor mentions of an article's sentences, found a page at a time as the reader shows them.

A bare surname counts only after the article named the person in full
(``MentionFinder.find_in_article``), so mentions depend on the sentences before. Finding them in
a whole article of a million sentences takes minutes; here a page is found when first shown,
continuing from the page before when that one has been found (reading from the start, every
mention is what the whole article would give), else after reading ``CONTEXT`` sentences before
it. An article of up to ``CONTEXT`` sentences is always read as one.
"""

from __future__ import annotations

from collections.abc import Sequence

from reader.models import Sentence
from reader.text.mentions import Mention, MentionFinder

PAGE = 500
"""Sentences whose mentions are found together."""

CONTEXT = 500
"""Sentences read before a page whose previous page has not been read."""


class ArticleMentions:
    """The mentions of each sentence of one article, found on demand."""

    def __init__(self, finder: MentionFinder, sentences: Sequence[Sentence]) -> None:
        self._finder = finder
        self._sentences = sentences
        self._pages: dict[int, list[list[Mention]]] = {}
        self._introduced: dict[int, set[int]] = {}
        """The people introduced by the end of each page found in order."""

    def of(self, sentence: Sentence) -> list[Mention]:
        """The mentions in ``sentence``, a sentence of this article."""
        index = sentence.position
        if not 0 <= index < len(self._sentences) or self._sentences[index].id != sentence.id:
            return self._finder.find(sentence.text)
        number = index // PAGE
        page = self._pages.get(number)
        if page is None:
            page = self._find(number)
        return page[index % PAGE]

    def _find(self, number: int) -> list[list[Mention]]:
        first = number * PAGE
        texts = [s.text for s in self._sentences[first : first + PAGE]]
        carried = self._introduced.get(number - 1)
        if number == 0 or carried is not None:
            introduced = set(carried or ())
        else:
            introduced = set()
            before = self._sentences[max(0, first - CONTEXT) : first]
            self._finder.find_in_article([s.text for s in before], introduced)
        page = self._finder.find_in_article(texts, introduced)
        self._pages[number] = page
        if number == 0 or carried is not None:
            self._introduced[number] = introduced
        return page
