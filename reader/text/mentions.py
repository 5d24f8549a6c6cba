"""Find codebook actors mentioned in a sentence, and turn them into picker suggestions.

All names and aliases of a codebook are compiled once into one regular expression shaped as a
trie (a term shares its prefix with every other term that starts the same way), so one scan of the
text finds every mention and Python's ``re`` follows a single path per position instead of trying
thousands of alternatives. Longest match wins: "South Korea" is not also "Korea", "North Korean" is
North Korea.

Matching is case-sensitive because news text capitalises names: "the North" is North Korea, "the
north of the country" is not, "US" never matches "us", and "U.S." keeps its periods. A
lower-case-initial alias ("the North") also matches with a capital at the start of a sentence.

A person's bare surname ("Nakasone said") only counts once the article has introduced the person
by full name or by title and surname ("Foreign Minister Hirofumi Nakasone"): ``find_in_article``
follows the article sentence by sentence, while ``find`` on a lone sentence takes surnames as
already introduced.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from reader.models import Actor

PLACE_PHRASES: tuple[str, ...] = (
    "Sea of Japan",
    "South China Sea",
    "East China Sea",
    "Chinese New Year",
    "North American",
    "South American",
    "Latin American",
)
"""Proper names that contain an actor's name but name something else: matched (so the longest
match takes them) and then dropped, so "the South China Sea" mentions no China."""


def _wordset(words: str) -> frozenset[str]:
    return frozenset(words.split())


SPEECH_VERBS = _wordset(
    """said says say told tells tell stated states added adds noted notes stressed stresses
    emphasized emphasised emphasizes insisted insists warned warns urged urges pressed presses
    demanded demands asked asks called calls announced announces declared declares claimed claims
    argued argues replied responded reiterated repeated commented explained acknowledged admitted
    denied denies accused accuses criticized criticised criticizes condemned condemns"""
)
"""Verbs whose subject is the one who speaks: "Nakasone said", "Japan pressed China"."""

STANCE_VERBS = _wordset(
    """agreed agree agrees supported supports support backed backs opposed opposes oppose rejected
    rejects reject welcomed welcomes hopes hoped hope wants wanted want sought seeks seek seeking
    proposed proposes proposing threatened threatens threatening pledged pledges vowed vows refused
    refuses promised promises plans planned intends intended maintained maintains circulated
    pushed pushing favors favours approved endorsed resisted resists taking met alarmed concerned
    worried"""
)
"""Verbs whose subject takes a position: "China supported", "Japan opposes"."""

GAP_WORDS = _wordset(
    """also later has have had is are was were will would should could can may might must did does
    do not never been then still again now already official officials spokesman spokeswoman
    spokesperson"""
)
"""Words that may stand between a subject and its verb: "Japan later circulated", "Wu did not
say", "a Foreign Ministry official said"."""

OPENERS = _wordset("but yet and meanwhile however otherwise also still so")
"""Words that may open a sentence before its subject: "But China supported ..."."""

PREPOSITIONS = _wordset(
    """in to from with of on at for by against toward towards over about between among into
    than like including"""
)
"""A mention right after one of these is an object ("talks with Pyongyang"), never a subject."""

_WORD = re.compile(r"[\w'’-]+|[^\w\s]")
_APPOSITIVE = re.compile(r"\s*,[^,;\"“”]{1,80},")
_COORDINATION = re.compile(r"\s*(?:,\s*and|,|and|or)\s+(?:the\s+)?")
_POSSESSIVE = ("'s", "’s", "'", "’")
_TITLES = re.compile(r"(?:\s+[A-Z][\w.-]*)*\s+")
_QUOTES = re.compile(r"[\"“”]")


@dataclass(frozen=True, slots=True)
class Mention:
    start: int
    end: int
    actor_id: int


def _variants(term: str) -> Iterable[str]:
    """The spellings of a term in running text.

    "the North" opens a sentence as "The North"; an actor named "The West" is "the West"
    mid-sentence; "Chinese Foreign Ministry" is often written "Chinese foreign ministry". Names and
    aliases are unique ignoring case, so the codebook cannot list these spellings itself. The first
    word keeps its case, so "the north" and "us" still never match.
    """
    yield term
    if term[:1].islower():
        yield term[0].upper() + term[1:]
        return
    first, *rest = term.split(" ")
    if first == "The" and rest:
        yield "t" + term[1:]
    elif rest and any(w[:1].isupper() and w[1:].islower() and w.isalpha() for w in rest):
        yield " ".join(
            [first, *(w.lower() if w.isalpha() and w[1:].islower() else w for w in rest)]
        )


def _trie_regex(terms: Iterable[str]) -> str:
    """One regular expression matching any of ``terms`` as a whole word, longest first.

    Every alternative of the outermost group starts with a literal character so that ``re`` can
    skip, with a fast character-set test, the positions where no term starts; the left word
    boundary is a look-behind placed after that first character for the same reason.
    """
    trie: dict[str, dict] = {}  # type: ignore[type-arg]
    for term in terms:
        node = trie
        for char in term:
            node = node.setdefault(char, {})
        node[""] = {}

    def emit(node: dict) -> str:  # type: ignore[type-arg]
        # A run of nodes with one child each is one literal, read in a loop: a name of 10,000
        # letters would otherwise be 10,000 nested calls, past Python's recursion limit.
        run: list[str] = []
        while len(node) == 1 and "" not in node:
            [(char, node)] = node.items()
            run.append(re.escape(char))
        literal = "".join(run)
        branches = [re.escape(char) + emit(child) for char, child in node.items() if char]
        if not branches:
            return literal
        body = branches[0] if len(branches) == 1 else f"(?:{'|'.join(branches)})"
        if "" in node:
            return literal + (f"(?:{body})?" if len(branches) == 1 else f"{body}?")
        return literal + body

    first = [re.escape(char) + r"(?<![\w.].)" + emit(child) for char, child in trie.items()]
    return f"(?:{'|'.join(first)})" + r"(?!\w)"


class MentionFinder:
    """A matcher compiled once for a codebook; each text is one scan of one regular expression."""

    def __init__(self, actors: Sequence[Actor]) -> None:
        self.actors = {actor.id: actor for actor in actors}
        self._by_term: dict[str, int | None] = {}
        """Full names and aliases (and place phrases, mapped to None) -> actor id."""
        self._surnames: dict[str, list[int]] = {}
        """A person's one-word name -> the persons it may stand for, in codebook order."""
        people = [actor for actor in actors if actor.kind == "person"]
        for actor in actors:
            for number, term in enumerate((actor.name, *actor.aliases)):
                term = term.strip()
                if not term or (number and actor.kind == "person" and " " not in term):
                    continue
                for variant in _variants(term):
                    self._by_term.setdefault(variant, actor.id)
        for phrase in PLACE_PHRASES:
            self._by_term.setdefault(phrase, None)
        for actor in people:
            words = actor.name.split()
            last = [words[-1]] if len(words) > 1 and len(words[-1]) > 2 else []
            for term in (*(a.strip() for a in actor.aliases if " " not in a.strip()), *last):
                if term and term not in self._by_term:
                    ids = self._surnames.setdefault(term, [])
                    if actor.id not in ids:
                        ids.append(actor.id)
        terms = [*self._by_term, *self._surnames]
        self._pattern = re.compile(_trie_regex(terms)) if terms else None

    def _scan(self, text: str, introduced: set[int] | None) -> list[Mention]:
        """Mentions in ``text``; ``introduced`` (updated) holds the persons named so far, or None
        to accept every surname."""
        if self._pattern is None:
            return []
        found: list[Mention] = []
        for match in self._pattern.finditer(text):
            term = match.group(0)
            if term in self._by_term:
                actor_id = self._by_term[term]
                if actor_id is None:
                    continue
                if introduced is not None:
                    introduced.add(actor_id)
            else:
                candidates = self._surnames[term]
                if introduced is not None:
                    candidates = [i for i in candidates if i in introduced]
                if not candidates:
                    continue
                actor_id = candidates[0]
            found.append(Mention(match.start(), match.end(), actor_id))
        return found

    def find(self, text: str) -> list[Mention]:
        """Every mention in one sentence, in order, never overlapping; surnames always count."""
        return self._scan(text, None)

    def find_in_article(self, sentences: Sequence[str]) -> list[list[Mention]]:
        """The mentions of each sentence of an article, in order.

        A bare surname counts only after the article named the person in full (or by title and
        surname), earlier in the same sentence or before it: a lone "Lee" or "Wu" in a story that
        never introduced them is more likely someone else.
        """
        introduced: set[int] = set()
        return [self._scan(sentence, introduced) for sentence in sentences]


def _following_words(text: str, end: int, limit: int = 4) -> list[str]:
    return [word.casefold() for word in _WORD.findall(text, end, min(len(text), end + 120))][:limit]


def _verb_after(text: str, end: int) -> bool:
    """Whether a speech or stance verb follows the mention at ``end`` as its predicate."""
    if text.startswith(_POSSESSIVE, end):
        return False
    appositive = _APPOSITIVE.match(text, end)
    if appositive:
        end = appositive.end()
    for word in _following_words(text, end):
        if word in SPEECH_VERBS or word in STANCE_VERBS:
            return True
        if word not in GAP_WORDS and word != "," and not (word.endswith("ly") and word.isalpha()):
            return False
    return False


def _opens_sentence(text: str, start: int) -> bool:
    """Whether only punctuation and connectives ("But", "Yet", "Meanwhile,") precede ``start``."""
    return all(
        word.casefold() in OPENERS or not word[0].isalnum()
        for word in _WORD.findall(text, 0, start)
    )


def _quoted(text: str, start: int) -> bool:
    """Whether ``start`` lies inside a quotation: its words are the speaker's, not its subject's."""
    return len(_QUOTES.findall(text, 0, start)) % 2 == 1


def _after_preposition(text: str, start: int) -> bool:
    words = _WORD.findall(text, max(0, start - 30), start)
    return bool(words) and words[-1].casefold() in PREPOSITIONS


def speakers(text: str, mentions: Sequence[Mention]) -> list[int]:
    """Indexes of the mentions that are the grammatical subject of the sentence's verbs.

    A subject is a mention followed by a speech or stance verb ("Nakasone said", "China, which ...,
    has maintained"), the first mention when it opens the sentence, or a mention joined by "and"
    or a comma to a subject ("Japan and China agreed"). A name right before another, titles aside
    ("U.S. President George W. Bush"), is the other's modifier and takes its place in such a chain.
    Mentions inside a quotation or right after a preposition are never subjects.
    """
    count = len(mentions)
    subject = [_verb_after(text, m.end) for m in mentions]
    if mentions and _opens_sentence(text, mentions[0].start):
        subject[0] = not text.startswith(_POSSESSIVE, mentions[0].end)

    def head(i: int) -> int:
        while i + 1 < count and _TITLES.fullmatch(text, mentions[i].end, mentions[i + 1].start):
            i += 1
        return i

    for i in range(count - 2, -1, -1):
        joined = _COORDINATION.fullmatch(text, mentions[i].end, mentions[i + 1].start)
        if joined and subject[head(i + 1)]:
            subject[i] = True
    for i, mention in enumerate(mentions):
        if _quoted(text, mention.start) or _after_preposition(text, mention.start):
            subject[i] = False
    return [i for i in range(count) if subject[i] and head(i) == i]


def suggest_actors(
    text: str,
    actors: Sequence[Actor],
    recent_ids: Sequence[int],
    finder: MentionFinder | None = None,
    mentions: Sequence[Mention] | None = None,
) -> list[Actor]:
    """Actors a coder most likely wants for this sentence, best first.

    The mentioned actors that are the sentence's subjects come first (the one who speaks or takes
    the position), then the other mentioned actors in order of mention, then the actors they belong
    to (a minister suggests his state), then the coder's most recently used actors. Pass
    ``mentions`` from ``MentionFinder.find_in_article`` to honour introduced surnames.
    """
    by_id = {actor.id: actor for actor in actors}
    if mentions is None:
        mentions = (finder or MentionFinder(actors)).find(text)
    mentions = [m for m in mentions if m.actor_id in by_id]
    first = [mentions[i].actor_id for i in speakers(text, mentions)]
    mentioned = list(dict.fromkeys([*first, *(m.actor_id for m in mentions)]))
    parents = [
        parent
        for actor_id in mentioned
        if (parent := by_id[actor_id].parent_id) is not None and parent in by_id
    ]
    ordered = dict.fromkeys([*mentioned, *parents, *(i for i in recent_ids if i in by_id)])
    return [by_id[actor_id] for actor_id in ordered]
