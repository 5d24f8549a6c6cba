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
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace

from reader.models import Actor
from reader.text.clauses import (
    GENERIC_SOURCE_WORDS,
    SUBJECT_ROLES,
    Anaphor,
    Role,
    affiliates,
    anaphoric_subjects,
    coordinated,
    inside,
    is_possessive,
    joined_by_and,
    joined_by_conjunction,
    modifies,
    opens_sentence,
    preceding_role,
    predicate,
    quotation_spans,
    relative_clause,
    subordinate,
    unattributed_quotation,
)

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


ADDED_GROUP = 64
"""Terms ``MentionFinder.add`` compiles into one pattern before it starts another: adding an
actor compiles at most this many terms, and a scan searches one more pattern per group."""


def _leftmost_longest(match: re.Match[str]) -> tuple[int, int]:
    return match.start(), -match.end()


def _full_terms(actor: Actor) -> Iterator[str]:
    """The spellings of an actor's name and aliases matched as they are: a person's one-word
    aliases are surnames (``_surname_terms``), which count only once the person is introduced."""
    for number, term in enumerate((actor.name, *actor.aliases)):
        term = term.strip()
        if term and not (number and actor.kind == "person" and " " not in term):
            yield from _variants(term)


def _surname_terms(actor: Actor) -> list[str]:
    """A person's one-word aliases and the last word of a name of several (if over two
    letters); nothing for anyone else."""
    if actor.kind != "person":
        return []
    words = actor.name.split()
    last = [words[-1]] if len(words) > 1 and len(words[-1]) > 2 else []
    return [t for t in (*(a.strip() for a in actor.aliases if " " not in a.strip()), *last) if t]


class MentionFinder:
    """A matcher compiled once for a codebook; each text is one scan of one regular expression."""

    def __init__(self, actors: Sequence[Actor]) -> None:
        self.actors = {actor.id: actor for actor in actors}
        self._by_term: dict[str, int | None] = {}
        """Full names and aliases (and place phrases, mapped to None) -> actor id."""
        self._surnames: dict[str, list[int]] = {}
        """A person's one-word name -> the persons it may stand for, in codebook order."""
        for actor in actors:
            for variant in _full_terms(actor):
                self._by_term.setdefault(variant, actor.id)
        for phrase in PLACE_PHRASES:
            self._by_term.setdefault(phrase, None)
        for actor in actors:
            for term in _surname_terms(actor):
                if term not in self._by_term:
                    ids = self._surnames.setdefault(term, [])
                    if actor.id not in ids:
                        ids.append(actor.id)
        terms = [*self._by_term, *self._surnames]
        self._patterns: list[re.Pattern[str]] = [re.compile(_trie_regex(terms))] if terms else []
        """The codebook's pattern, then those of the terms ``add`` took in, a group each."""
        self._added: list[str] = []
        """The terms of the last group ``add`` compiled, which grows up to ``ADDED_GROUP``."""

    def add(self, actor: Actor) -> None:
        """Take in an actor just added to the codebook, without compiling the codebook's pattern
        again (over a second for 5,000 actors): its new names join a small pattern of the names
        added before it (a new one is started every ``ADDED_GROUP`` terms), and a scan takes
        the leftmost, longest match of the patterns, as one pattern would find it. A name
        that was a person's surname until now becomes the new actor's, as a rebuild makes it.

        The one difference from a finder built anew: where the new actor shares a spelling or
        a surname with an actor already here, the one already here comes first.
        """
        if actor.id in self.actors:
            return
        self.actors[actor.id] = actor
        new: list[str] = []
        for variant in _full_terms(actor):
            if variant in self._by_term:
                continue
            if self._surnames.pop(variant, None) is None:
                new.append(variant)
            self._by_term[variant] = actor.id
        for term in _surname_terms(actor):
            if term in self._by_term:
                continue
            if term not in self._surnames:
                new.append(term)
            ids = self._surnames.setdefault(term, [])
            if actor.id not in ids:
                ids.append(actor.id)
        if not new:
            return
        if self._added and len(self._added) < ADDED_GROUP:
            self._patterns.pop()
        else:
            self._added = []
        self._added.extend(dict.fromkeys(new))
        self._patterns.append(re.compile(_trie_regex(self._added)))

    def _matches(self, text: str) -> Iterator[re.Match[str]]:
        """The matches of every pattern, leftmost first, the longest of those at one place,
        none overlapping: what one pattern of all the terms would find."""
        patterns = self._patterns
        if len(patterns) < 2:
            for pattern in patterns:
                yield from pattern.finditer(text)
            return
        added = [(p, m) for p in patterns[1:] if (m := p.search(text)) is not None]
        if not added:  # the usual case: no name added since the start is in this text
            yield from patterns[0].finditer(text)
            return
        first = patterns[0].search(text)
        found = [(patterns[0], first), *added] if first is not None else added
        while found:
            match = min((m for _, m in found), key=_leftmost_longest)
            yield match
            end = match.end()
            found = [
                (pattern, m)
                for pattern, last in found
                if (m := last if last.start() >= end else pattern.search(text, end)) is not None
            ]

    def _scan(self, text: str, introduced: set[int] | None) -> list[Mention]:
        """Mentions in ``text``; ``introduced`` (updated) holds the persons named so far, or None
        to accept every surname."""
        found: list[Mention] = []
        for match in self._matches(text):
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

    def find_in_article(
        self, sentences: Sequence[str], introduced: set[int] | None = None
    ) -> list[list[Mention]]:
        """The mentions of each sentence of an article, in order.

        A bare surname counts only after the article named the person in full (or by title and
        surname), earlier in the same sentence or before it: a lone "Lee" or "Wu" in a story that
        never introduced them is more likely someone else.

        ``introduced`` carries that memory across calls, for an article read in pieces: the
        set the call for the sentences before left (it is updated in place).
        """
        if introduced is None:
            introduced = set()
        return [self._scan(sentence, introduced) for sentence in sentences]


def mention_roles(text: str, mentions: Sequence[Mention]) -> list[Role]:
    """The role each mention plays in ``text``, by the rules of ``reader.text.clauses``.

    A mention is a subject through the verb after it (``predicate``), by opening the sentence
    ("But China supported"), or by being joined with "and", "or" or a comma to a subject ("Japan
    and China agreed"). The words before it may override that ("according to X", "by X" after a
    participle, "on X", "pressed X": ``preceding_role``), and a mention inside a quotation is the
    speaker's word, never a subject. A name right before another, titles aside ("U.S. President
    George W. Bush", "Chinese foreign ministry spokesman Hong Lei"), takes the other's place in a
    chain and is its affiliation; so is a name in a subject's apposition after "for", "of" or "at"
    ("Hong Lei, a spokesman for the Chinese Foreign Ministry, said").
    """
    return [read.role for read in _read_mentions(text, mentions, quotation_spans(text))]


@dataclass(frozen=True, slots=True)
class _MentionRead:
    role: Role
    plural: bool
    """Joined by "and" to another subject ("Japan and China agreed"), so "they" may follow."""
    subordinate: bool
    """Outside the main clause ("after Seoul spoke", "according to X"): see ``subordinate``."""


def _read_mentions(
    text: str, mentions: Sequence[Mention], quotations: list[tuple[int, int]]
) -> list[_MentionRead]:
    """Each mention's role, whether it is one of several subjects, and whether it stands outside
    the main clause; the steps are those ``mention_roles`` describes, in that order."""
    count = len(mentions)
    if not count:
        return []
    pairs = range(count - 1)
    heads = list(range(count))
    for i in reversed(pairs):
        if modifies(text, mentions[i].end, mentions[i + 1].start):
            heads[i] = heads[i + 1]
    chain_starts = [i for i in range(count) if i == 0 or heads[i - 1] != heads[i]]
    joined = [coordinated(text, mentions[i].end, mentions[i + 1].start) for i in pairs]
    floors = [0, *(m.end for m in mentions)][:count]
    """Where the words before each mention begin: title words never reach into another name."""

    # The verb after each name; a name opening the sentence is a subject even without one.
    verbs = [predicate(text, m.end) for m in mentions]
    found: list[Role | None] = [verb.role if verb else None for verb in verbs]
    if mentions and opens_sentence(text, mentions[0].start):
        head = heads[0]
        if found[head] is None and not is_possessive(text, mentions[head].end):
            found[head] = Role.SUBJECT
    # A list shares the role of its last member: "Japan, the U.S. and Britain pressed".
    plural = [False] * count
    for i in reversed(pairs):
        if joined[i] and found[heads[i + 1]] is not None:
            found[i] = found[heads[i + 1]]
            if joined_by_and(text, mentions[i].end, mentions[i + 1].start):
                plural[i] = plural[heads[i + 1]] = True
    # The words before each name: "according to X", "by X", "on X", "pressed X". A chain takes
    # the source or agent role of its first name ("according to Saudi Arabia's Civil Defense
    # Authority"); a list after a preposition is all objects ("with China, Japan and Russia").
    before = [preceding_role(text, m.start, f) for m, f in zip(mentions, floors, strict=True)]
    for i in chain_starts:
        head = heads[i]
        if head != i and before[i] in SUBJECT_ROLES and before[head] is None and not found[head]:
            before[head] = before[i]
    for i in pairs:
        end, start = mentions[i].end, mentions[i + 1].start
        if (
            before[i] in (Role.OBJECT, Role.MENTIONED)
            and before[i + 1] is None
            and joined[i]
            and (found[heads[i + 1]] is None or joined_by_conjunction(text, end, start))
        ):
            before[i + 1] = before[i]
    for i, mention in enumerate(mentions):
        if before[i] is not None:
            found[i] = before[i]
        if inside(quotations, mention.start) and found[i] != Role.OBJECT:
            found[i] = Role.MENTIONED
    roles = [Role.MENTIONED if role is None else role for role in found]
    # Titles and appositions: the organisation a subject speaks for.
    appositions = [
        (*verb.apposition, not relative_clause(text, verb.apposition[0]))
        for verb, role in zip(verbs, roles, strict=True)
        if verb is not None and verb.apposition is not None and role in SUBJECT_ROLES
    ]
    for i, mention in enumerate(mentions):
        if heads[i] != i:
            if roles[heads[i]] in SUBJECT_ROLES:
                roles[i] = Role.AFFILIATION
            elif roles[i] in SUBJECT_ROLES:
                roles[i] = Role.MENTIONED
        else:
            for start, end, naming in appositions:
                if start <= mention.start < end:
                    roles[i] = _in_apposition(text, mention, floors[i], roles[i], naming)
    # Outside the main clause, carried along lists and chains: "after Seoul and Tokyo spoke".
    clause = [subordinate(text, m.start, f) for m, f in zip(mentions, floors, strict=True)]
    for i in pairs:
        end, start = mentions[i].end, mentions[i + 1].start
        if clause[i] and (heads[i] == heads[i + 1] or joined_by_conjunction(text, end, start)):
            clause[i + 1] = True
    return [_MentionRead(*read) for read in zip(roles, plural, clause, strict=True)]


_MODIFYING = re.compile(r" [a-z]")


def _in_apposition(text: str, mention: Mention, floor: int, role: Role, naming: bool) -> Role:
    """The role of a name inside a subject's apposition ("38 North, a U.S. website monitoring
    North Korea, said"): never a subject. In an apposition that says what the subject is (not a
    relative clause: ", who met Pyongyang's envoy,"), a name after "for", "of" or "at", or one
    that modifies a noun ("a U.S. website", "the ministry's spokesman"), is the organisation the
    subject speaks for."""
    if naming and (
        affiliates(text, mention.start, floor)
        or is_possessive(text, mention.end)
        or _MODIFYING.match(text, mention.end)
    ):
        return Role.AFFILIATION
    return Role.MENTIONED if role in SUBJECT_ROLES else role


def speakers(text: str, mentions: Sequence[Mention]) -> list[int]:
    """Indexes of the mentions that are the grammatical subject of the sentence's verbs, in order
    of mention (see ``mention_roles``): stance-holders, speakers, and speakers who declined."""
    return [i for i, role in enumerate(mention_roles(text, mentions)) if role in SUBJECT_ROLES]


@dataclass(frozen=True, slots=True)
class _Subject:
    """A subject of a sentence, named or resolved from a pronoun or description."""

    role: Role
    at: int
    actor_id: int
    plural: bool
    subordinate: bool = False

    def rank(self) -> tuple[Role, bool, int]:
        """Stance-holders first, then speakers, then those who declined; within a role, the main
        clause first; then order of appearance."""
        return (self.role, self.subordinate, self.at)


@dataclass(frozen=True, slots=True)
class _Reading:
    """One sentence read for suggestions: its subjects, then its other names by role."""

    subjects: list[_Subject]
    affiliations: list[int]
    mentioned: list[int]
    objects: list[int]

    @property
    def lead(self) -> _Subject | None:
        """The sentence's first claimant, whom a following "it" or "they" may mean."""
        return min(self.subjects, key=_Subject.rank) if self.subjects else None

    def ranked(self, by_id: dict[int, Actor]) -> list[int]:
        """Subjects, then the organisations they speak for (a title, an apposition, their parents
        in the codebook and those of their title's organisation), then the other names, then
        objects, then the parents of the rest."""
        subjects = [s.actor_id for s in sorted(self.subjects, key=_Subject.rank)]
        speaking_for = [*self.affiliations, *_parents([*subjects, *self.affiliations], by_id)]
        others = [*self.mentioned, *self.objects]
        return list(dict.fromkeys([*subjects, *speaking_for, *others, *_parents(others, by_id)]))


def _parents(actor_ids: Iterable[int], by_id: dict[int, Actor]) -> list[int]:
    return [
        parent
        for actor_id in actor_ids
        if (parent := by_id[actor_id].parent_id) is not None and parent in by_id
    ]


@dataclass(frozen=True, slots=True)
class _Context:
    """What the earlier sentences of an article tell about the next one."""

    leads: list[_Subject]
    """The leads of the previous sentences that have one, nearest first (at most three)."""
    earlier: list[Sequence[Mention]]
    """The mentions of every earlier sentence, nearest first."""


def _fits(kind: str, actor: Actor, plural: bool) -> bool:
    """Whether a pronoun of ``kind`` can stand for ``actor``: "he" and "she" for a person, "it"
    for anything else, "they" and "the two" for several subjects or an organisation."""
    if kind == "person":
        return actor.kind == "person"
    if kind == "thing":
        return actor.kind != "person"
    return plural or actor.kind != "person"


def _shares_word(actor: Actor, words: frozenset[str]) -> bool:
    return any(
        word in words
        for term in (actor.name, *actor.aliases)
        for word in term.casefold().replace("'s", " ").split()
    )


def _resolve(
    anaphor: Anaphor,
    subjects: list[_Subject],
    mentions: Sequence[Mention],
    by_id: dict[int, Actor],
    context: _Context | None,
) -> _Subject | None:
    """The actor an unnamed subject stands for, or None.

    A pronoun ("it", "he", "they", "the two leaders") means the nearest subject before it in the
    sentence whose kind fits (``_fits``), else the nearest lead of the previous sentences that
    fits. A description ("an agency spokesman", "the presidential statement") means the nearest
    actor named before it whose name shares one of its words ("Japan Defense Agency", "South
    Korean Presidential Office"). Failing both, the subject is a document or an unnamed source
    ("it said", "the official said"), and the claim carries on from the previous sentence's lead.
    """
    if anaphor.kind == "source":
        words = frozenset(anaphor.words) - GENERIC_SOURCE_WORDS
        earlier = context.earlier if context else []
        candidates = [
            *reversed([m for m in mentions if m.end <= anaphor.start]),
            *(m for sentence in earlier for m in reversed(sentence)),
        ]
        for mention in candidates if words else []:
            if _shares_word(by_id[mention.actor_id], words):
                return _Subject(anaphor.role, anaphor.start, mention.actor_id, False)
    else:
        before = [s for s in subjects if s.at < anaphor.start]
        for subject in [*reversed(before), *(context.leads if context else [])]:
            if _fits(anaphor.kind, by_id[subject.actor_id], subject.plural):
                return _Subject(anaphor.role, anaphor.start, subject.actor_id, subject.plural)
    if context is not None and context.leads:
        lead = context.leads[0]
        return _Subject(anaphor.role, anaphor.start, lead.actor_id, lead.plural)
    return None


def _read(
    text: str,
    mentions: Sequence[Mention],
    by_id: dict[int, Actor],
    context: _Context | None,
) -> _Reading:
    """Read one sentence: its named subjects, the actors its pronouns and descriptions stand for
    (with ``context``, also from earlier sentences), and its other names by role. A sentence that
    opens with a quotation and names no subject continues the previous lead's quotation."""
    if not mentions and context is None:
        return _Reading([], [], [], [])
    quotations = quotation_spans(text)
    reads = _read_mentions(text, mentions, quotations)
    subjects = [
        _Subject(read.role, m.start, m.actor_id, read.plural, read.subordinate)
        for m, read in zip(mentions, reads, strict=True)
        if read.role in SUBJECT_ROLES
    ]
    spans = [(m.start, m.end) for m in mentions]
    # Alone, a sentence's pronouns can only mean its own named subjects.
    unnamed = anaphoric_subjects(text, spans, quotations) if subjects or context else []
    for anaphor in unnamed:
        resolved = _resolve(anaphor, subjects, mentions, by_id, context)
        if resolved is not None:
            subjects.append(replace(resolved, subordinate=subordinate(text, anaphor.start)))
    if not subjects and context is not None and context.leads and unattributed_quotation(text):
        lead = context.leads[0]
        subjects.append(_Subject(Role.SUBJECT, 0, lead.actor_id, lead.plural))

    def having(role: Role) -> list[int]:
        return [m.actor_id for m, read in zip(mentions, reads, strict=True) if read.role == role]

    return _Reading(subjects, having(Role.AFFILIATION), having(Role.MENTIONED), having(Role.OBJECT))


def suggest_actors(
    text: str,
    actors: Sequence[Actor],
    recent_ids: Sequence[int],
    finder: MentionFinder | None = None,
    mentions: Sequence[Mention] | None = None,
) -> list[Actor]:
    """Actors a coder most likely wants for this sentence, best first.

    The mentioned actors that are the sentence's subjects come first (whoever takes a position,
    then whoever only reports one, then whoever declined to comment), then the organisations they
    speak for (a title, an apposition, their parent), then the other mentioned actors, then the
    objects of its verbs and prepositions, then the actors the others belong to, then the coder's
    most recently used actors. Pass ``mentions`` from ``MentionFinder.find_in_article`` to honour
    introduced surnames; ``suggest_actor_groups`` also reads the sentences before it.
    """
    by_id = {actor.id: actor for actor in actors}
    if mentions is None:
        mentions = (finder or MentionFinder(actors)).find(text)
    mentions = [m for m in mentions if m.actor_id in by_id]
    ranked = _read(text, mentions, by_id, None).ranked(by_id)
    ordered = dict.fromkeys([*ranked, *(i for i in recent_ids if i in by_id)])
    return [by_id[actor_id] for actor_id in ordered]


@dataclass(frozen=True, slots=True)
class ActorSuggestions:
    """Suggestions for one sentence in two groups, each best first, no actor in both."""

    here: list[Actor]
    """From the sentence and its article: the sentence's actors as ``suggest_actors`` ranks them
    (with its pronouns and descriptions read against the sentences before), then the actor the
    previous sentences were about, then every other actor the article names, nearest first."""
    elsewhere: list[Actor]
    """The coder's recently used actors that the article does not name, most recent first."""


CONTEXT_SENTENCES = 6
"""How many sentences before the coded one are read for its pronouns: a lead further back than
that no longer decides what "it" or "they" means."""


def suggest_actor_groups(
    sentences: Sequence[str],
    position: int,
    actors: Sequence[Actor],
    recent_ids: Sequence[int],
    finder: MentionFinder | None = None,
    mentions: Sequence[Sequence[Mention]] | None = None,
) -> ActorSuggestions:
    """Suggestions for ``sentences[position]`` read in its article: see ``ActorSuggestions``.

    ``mentions`` are the article's, one list per sentence, as ``MentionFinder.find_in_article``
    returns them (found here when not given). After "China is taking a milder approach.", "It
    criticized North Korea" suggests China first; after "..., the Defense Agency said.", "An
    agency spokesman said" suggests the agency.
    """
    by_id = {actor.id: actor for actor in actors}
    if mentions is None:
        mentions = (finder or MentionFinder(actors)).find_in_article(sentences)
    found: list[Sequence[Mention]] = [
        [m for m in sentence if m.actor_id in by_id] for sentence in mentions
    ]
    leads: list[_Subject] = []
    reading = _Reading([], [], [], [])
    for index in range(max(0, position - CONTEXT_SENTENCES), position + 1):
        context = _Context(leads[:3], found[index - 1 :: -1] if index else [])
        reading = _read(sentences[index], found[index], by_id, context)
        if reading.lead is not None:
            leads.insert(0, reading.lead)
    previous = [lead.actor_id for lead in leads if lead is not reading.lead][:1]
    nearest: dict[int, tuple[int, bool]] = {}
    for index, sentence in enumerate(found):
        for mention in sentence:
            key = (abs(index - position), index > position)
            nearest[mention.actor_id] = min(nearest.get(mention.actor_id, key), key)
    article = sorted(nearest, key=nearest.__getitem__)
    here = list(dict.fromkeys([*reading.ranked(by_id), *previous, *article]))
    elsewhere = [i for i in dict.fromkeys(recent_ids) if i in by_id and i not in here]
    return ActorSuggestions([by_id[i] for i in here], [by_id[i] for i in elsewhere])
