"""Find codebook actors mentioned in a sentence, and turn them into picker suggestions.

All names and aliases are compiled into one regular expression per codebook (longest alternative
first, so "South Korea" wins over "Korea"), and one scan of the text finds every mention. Matching
is case-sensitive because news text capitalises names: "the North" is North Korea, "the north of
the country" is not, and "US" never matches "us". A lower-case-initial alias ("the North") also
matches with a capital at the start of a sentence ("The North").
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from reader.models import Actor


@dataclass(frozen=True, slots=True)
class Mention:
    start: int
    end: int
    actor_id: int


def _variants(term: str) -> Iterable[str]:
    yield term
    if term[:1].islower():
        yield term[0].upper() + term[1:]


class MentionFinder:
    """A matcher compiled once for a codebook; ``find`` is one regex scan of the text."""

    def __init__(self, actors: Sequence[Actor]) -> None:
        self.actors = {actor.id: actor for actor in actors}
        self._by_term: dict[str, int] = {}
        for actor in actors:
            for term in (actor.name, *actor.aliases):
                term = term.strip()
                for variant in _variants(term) if term else ():
                    self._by_term.setdefault(variant, actor.id)
        terms = sorted(self._by_term, key=len, reverse=True)
        if terms:
            alternatives = "|".join(re.escape(term) for term in terms)
            self._pattern: re.Pattern[str] | None = re.compile(
                rf"(?<![\w.])(?:{alternatives})(?![\w])"
            )
        else:
            self._pattern = None

    def find(self, text: str) -> list[Mention]:
        """Every mention in ``text``, in order, never overlapping."""
        if self._pattern is None:
            return []
        return [
            Mention(match.start(), match.end(), self._by_term[match.group(0)])
            for match in self._pattern.finditer(text)
        ]

    def actor_ids(self, text: str) -> list[int]:
        """Actors mentioned in ``text``, each once, in order of first mention."""
        return list(dict.fromkeys(mention.actor_id for mention in self.find(text)))


def suggest_actors(
    text: str,
    actors: Sequence[Actor],
    recent_ids: Sequence[int],
    finder: MentionFinder | None = None,
) -> list[Actor]:
    """Actors a coder most likely wants for this sentence, best first.

    Mentioned actors come first (in order of mention), then the actors they belong to (a minister
    suggests his state), then the coder's most recently used actors.
    """
    finder = finder or MentionFinder(actors)
    by_id = {actor.id: actor for actor in actors}
    mentioned = finder.actor_ids(text)
    parents = [
        parent
        for actor_id in mentioned
        if (parent := by_id[actor_id].parent_id) is not None and parent in by_id
    ]
    ordered = dict.fromkeys([*mentioned, *parents, *(i for i in recent_ids if i in by_id)])
    return [by_id[actor_id] for actor_id in ordered]
