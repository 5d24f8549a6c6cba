"""Who does what in a news sentence: the role a name plays, read from the words around it.

The actor picker wants the actor who makes the sentence's claim first, not the one the claim is
about. News prose says who claims what in a few fixed shapes ("X said", "X urged Y to", "Y was
criticized by X", "according to X", '"...," X said'), so light rules on the words next to a name
get most of the way without a parser: a subject stands before its verb, an object after a
transitive verb or a preposition, a passive's agent after "by". Every function here reads plain
text and character offsets, so ``reader.text.mentions`` can apply them to any span it found.

The rules are deliberately local: they look at a handful of words on either side of a name. A
sentence they cannot read leaves a name without a role, and the suggestions then fall back to the
order of mention.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import IntEnum


class Role(IntEnum):
    """What a name does in its sentence, best claimant first: suggestions sort on this."""

    TAKES_POSITION = 0
    """Subject of a verb of position ("agreed", "urged", "criticized", "rejected", "is reluctant
    to"), or a passive's agent ("was criticized by X"): the stance-holder."""
    SUBJECT = 1
    """Subject of a reporting verb ("said", "told"), of an act or plan ("met", "planned"), the
    source in "according to X", or a name opening the sentence: the one who speaks."""
    DECLINES = 2
    """Subject of a withheld statement ("did not say", "declined to comment"): speaks, but states
    no position in this sentence."""
    AFFILIATION = 3
    """A subject's title or apposition ("U.S. President Bush", "Hong, a spokesman for the
    ministry,"): the organisation a speaker speaks for."""
    MENTIONED = 4
    """Named, with no role the rules can read (inside a quotation, after "from")."""
    OBJECT = 5
    """After a transitive verb ("criticized X") or a preposition ("on X", "with X"), or the
    subject of a passive ("X was criticized"): what the claim is about."""


SUBJECT_ROLES = frozenset({Role.TAKES_POSITION, Role.SUBJECT, Role.DECLINES})


def _wordset(words: str) -> frozenset[str]:
    return frozenset(words.split())


REPORTING_VERBS = _wordset(
    """said says say told tells tell stated states added adds noted notes stressed stresses
    emphasized emphasised emphasizes explained explains commented comments comment replied
    responded reiterated repeated acknowledged admitted announced announces declared declares
    spoke speaks confirm confirmed elaborate speculate"""
)
"""Verbs that report speech without taking a side: in "X said Y opposed Z", Y holds the stance
and X passes it on; alone ("X said the talks failed"), X is still the one who speaks."""

ACTION_VERBS = _wordset("""met meets plans planned intends intended circulated visited visits""")
"""Verbs of doing or planning rather than judging: "Hong said Wu planned to discuss the talks"
is Hong's statement about Wu's plans, not Wu's position."""

POSITION_VERBS = _wordset(
    """warned warns urged urges pressed presses demanded demands asked asks called calls claimed
    claims argued argues insisted insists denied denies accused accuses criticized criticised
    criticizes condemned condemns agreed agree agrees supported supports support backed backs
    opposed opposes oppose rejected rejects reject welcomed welcomes hopes hoped hope wants wanted
    want sought seeks seek seeking proposed proposes proposing threatened threatens threatening
    pledged pledges vowed vows refused refuses promised promises maintained maintains pushed
    pushing favors favours approved endorsed resisted resists taking alarmed concerned worried
    praised praises blamed blames denounced denounces"""
)
"""Verbs whose subject takes a position: "China supported", "Japan urged", "Seoul rejected"."""

BASE_FORMS = _wordset(
    """back urge press demand ask call claim argue insist deny accuse criticize criticise condemn
    warn agree welcome propose threaten pledge vow refuse promise maintain push favor favour
    approve endorse resist praise blame denounce"""
)
"""Base forms of verbs of position that are also nouns ("the press", "a call", "U.S. support"):
verbs only after a modal ("Seoul would back", "Tokyo will urge")."""

MODALS = _wordset("will would should could can may might must did does do")

VERBS = REPORTING_VERBS | ACTION_VERBS | POSITION_VERBS

STANCE_ADJECTIVES = _wordset(
    """reluctant unwilling willing ready eager keen skeptical sceptical wary adamant firm cautious
    supportive critical hesitant"""
)
"""After "is", "are", "has been" ...: "the U.S. has been reluctant to", "Seoul is wary of" state
the subject's position as surely as a verb does."""

EXPERIENCER_PARTICIPLES = _wordset(
    """alarmed concerned worried opposed committed determined disappointed dismayed pleased
    satisfied frustrated troubled angered annoyed encouraged heartened outraged prepared
    convinced"""
)
"""Participles that describe the subject's own state of mind: "China has been alarmed by Japan"
and "Seoul is opposed to" are China's and Seoul's positions, not passives done to them."""

IRREGULAR_PARTICIPLES = _wordset(
    "made taken given written drawn sent told sought held brought shown seen led met"
)
"""Past participles without "-ed", for "X was told", "a plan drawn up by Y"."""

TRANSITIVE_VERBS = _wordset(
    """told tells tell urged urges urge pressed presses press asked asks ask accused accuses accuse
    criticized criticised criticizes criticize condemned condemns condemn warned warns warn
    supported supports support backed backs back opposed opposes oppose rejected rejects reject
    welcomed welcomes welcome met meets meet praised praises praise blamed blames blame denounced
    denounces denounce visited visits visit joined joins sanctioned sanctions threatened
    threatens endorsed endorses thanked thanks invited invites persuaded lobbied"""
)
"""Verbs whose next name is their object: "Japan pressed China", "it criticized North Korea"."""

BE_WORDS = _wordset("is are was were be been being")
COPULAS = BE_WORDS | _wordset("remains remained remain seems seemed appears appeared")
NEGATIONS = _wordset("not never n't")
WITHHOLDING_VERBS = _wordset("declined declines refused refuses")
"""With "to" and a reporting verb ("declined to comment"), the subject states nothing."""

GAP_WORDS = _wordset(
    """also later has have had then still again now already officials on monday tuesday wednesday
    thursday friday saturday sunday today yesterday"""
)
"""Words that may stand between a subject and its verb: "Japan later circulated", "Nakasone on
Sunday urged" (and ``MODALS``, ``NEGATIONS``, ``ROLE_NOUNS``: "Wu did not say", "a Foreign
Ministry official said")."""

OPENERS = _wordset("but yet and meanwhile however otherwise also still so")
"""Words that may open a sentence before its subject: "But China supported ..."."""

PREPOSITIONS = _wordset(
    """in to from with of on at for by against toward towards over about between among into
    than like including"""
)
"""A name right after one of these is never a subject ("talks with Pyongyang")."""

SOURCE_PREPOSITIONS = _wordset("from by")
"""Prepositions that name where something comes from or who does it ("warnings from the West",
"a stance by China"): the name is no object, though no subject either."""

AFFILIATING_PREPOSITIONS = _wordset("for of at")
"""In a subject's apposition, a name after one of these is the speaker's organisation: "Hong Lei,
a spokesman for the Chinese Foreign Ministry, said", "the official newspaper of the Party"."""


SUBORDINATORS = _wordset(
    "after before while when as although though because since if unless whereas once until"
)
"""Words that open a subordinate clause: in "After Seoul spoke, Tokyo circulated a draft" the
main clause's subject, Tokyo, is what the sentence is about."""


DETERMINERS = _wordset("the a an his her its their our this that these those both fellow")
"""Words that may stand between a verb or preposition and its object's name: "told his Chinese
counterpart", "with the U.S."."""

ROLE_NOUNS = _wordset(
    """spokesman spokeswoman spokesperson official minister envoy ambassador chief
    representative negotiator secretary director adviser advisor"""
)
"""Lower-case titles between a name and a person's name: "Chinese foreign ministry spokesman
Hong Lei" makes the ministry Hong's affiliation."""

SOURCE_NOUNS = _wordset(
    """spokesman spokeswoman spokesperson official officials statement ministry agency office
    government embassy report newspaper source sources"""
)
"""Heads of an unnamed source: "an agency spokesman said", "the presidential statement said"."""

GENERIC_SOURCE_WORDS = _wordset(
    "spokesman spokeswoman spokesperson official officials statement report source sources"
)
"""Words of a source description that name no particular actor ("the official said")."""

_WORD = re.compile(r"[\w'’-]+|[^\w\s]")
_APPOSITIVE = re.compile(r"\s*,[^,;\"“”]{1,80},")
_COORDINATION = re.compile(r"\s*(?:,\s*and|,|and|or)\s+(?:the\s+)?")
_AND = re.compile(r"\s*(?:,\s*)?and\s+(?:the\s+)?")
_CONJUNCTION = re.compile(r"\s*(?:,\s*)?(?:and|or)\s+(?:the\s+)?")
_POSSESSIVE = ("'s", "’s", "'", "’")
_SKIPPED = frozenset({",", '"', "“", "”", "'", "‘", "’"})
_PRONOUN = re.compile(r"\b(?:[Hh]e|[Ss]he|[Ii]t|[Tt]hey)\b")
_PLURAL = re.compile(
    r"\b(?:[Tt]he two|[Bb]oth)(?:\s+(?:leaders|sides|countries|governments|nations|men|women"
    r"|ministers|officials|presidents|premiers))?\b"
)
_SOURCE = re.compile(
    r"\b(?:[Tt]he|[Aa]n?)(?:\s+(?!(?:"
    + "|".join(sorted(VERBS | DETERMINERS | PREPOSITIONS | BE_WORDS | OPENERS))
    + r")\b)[a-z][\w-]*){0,3}\s+(?:"
    + "|".join(sorted(SOURCE_NOUNS))
    + r")\b"
)
"""A description of a source: a determiner, up to three lower-case words that are no verb,
determiner or preposition, and a source noun, longest first ("the ministry statement")."""
_SOURCE_NOUN = re.compile(r"\b(?:" + "|".join(sorted(SOURCE_NOUNS)) + r")\b")
"""A quick test before ``_SOURCE``: most sentences have no source noun at all."""


def following_words(text: str, end: int, limit: int = 6) -> list[str]:
    """The next ``limit`` words (and punctuation marks) after ``end``, case-folded."""
    return [word.casefold() for word in _WORD.findall(text, end, min(len(text), end + 120))][:limit]


_NOT_TITLE_WORDS = PREPOSITIONS | VERBS | OPENERS | SUBORDINATORS


def _words_before_name(text: str, start: int, floor: int = 0) -> list[str]:
    """The words before a name at ``start`` (and after ``floor``, the end of the name before it),
    case-folded, without the determiners and the up to three capitalised title words just before
    it: "rejected by Prime Minister Boris Johnson" ends in "by"."""
    words = _WORD.findall(text, max(floor, start - 90), start)[-9:]
    titles = 0
    while words:
        word = words[-1]
        folded = word.casefold()
        if folded in DETERMINERS:
            words.pop()
        elif titles < 3 and word[0].isupper() and folded not in _NOT_TITLE_WORDS:
            titles += 1
            words.pop()
        else:
            break
    return [word.casefold() for word in words]


def _adverb(word: str) -> bool:
    return word.endswith("ly") and word.isalpha()


def _participle(word: str) -> bool:
    return (len(word) > 4 and word.endswith("ed")) or word in IRREGULAR_PARTICIPLES


def _verb_role(word: str, negated: bool) -> Role:
    if word in REPORTING_VERBS:
        return Role.DECLINES if negated else Role.SUBJECT
    if word in ACTION_VERBS:
        return Role.SUBJECT
    return Role.TAKES_POSITION


@dataclass(frozen=True, slots=True)
class Predicate:
    """The role the verb after a name gives it, and the apposition skipped to reach that verb."""

    role: Role
    apposition: tuple[int, int] | None = None


def predicate(text: str, end: int) -> Predicate | None:
    """The role that the verb after a name ending at ``end`` gives it, if a verb follows.

    Between the name and its verb may stand one apposition ("X, who hosts the talks, said"),
    auxiliaries, modals, negations, adverbs, weekdays and role nouns ("a ministry official said",
    "the U.S. envoy told"). A reporting verb makes a speaker; negated ("did not say") or declined
    ("declined to comment"), a speaker who states nothing; any other known verb (a bare one only
    after a modal: "would back"), or a stance adjective after "is" ("is reluctant to"), a
    stance-holder. After a form of "be", a past participle is a passive ("X was criticized"): the
    name is its object, unless the participle is a state of mind ("X was alarmed by"). A
    possessive ("Japan's envoy said") is no subject.
    """
    if text.startswith(_POSSESSIVE, end):
        return None
    apposition = None
    appositive = _APPOSITIVE.match(text, end)
    if appositive:
        apposition = (appositive.start(), appositive.end())
        end = appositive.end()
    words = following_words(text, end)
    be = negated = modal = False
    for position, word in enumerate(words):
        if word in BE_WORDS:
            be = True
        elif word in MODALS:
            modal = True
        elif modal and word in BASE_FORMS:
            return Predicate(_verb_role(word, negated), apposition)
        elif word in NEGATIONS:
            negated = True
        elif word in WITHHOLDING_VERBS and words[position + 1 : position + 2] == ["to"]:
            following = words[position + 2 : position + 3]
            if following and following[0] in REPORTING_VERBS:
                return Predicate(Role.DECLINES, apposition)
            return Predicate(Role.TAKES_POSITION, apposition)
        elif be and word in EXPERIENCER_PARTICIPLES:
            return Predicate(Role.TAKES_POSITION, apposition)
        elif be and word in VERBS and _participle(word):
            return Predicate(Role.OBJECT, apposition)
        elif word in VERBS:
            return Predicate(_verb_role(word, negated), apposition)
        elif word in STANCE_ADJECTIVES and be:
            return Predicate(Role.TAKES_POSITION, apposition)
        elif word in COPULAS:
            be = True
        elif not (word in GAP_WORDS or word in ROLE_NOUNS or word in _SKIPPED or _adverb(word)):
            return None
    return None


def preceding_role(text: str, start: int, floor: int = 0) -> Role | None:
    """The role the words before a name starting at ``start`` give it, if any.

    "according to X" makes X the source of the claim. "by X" after a past participle makes X a
    passive's agent ("was criticized by X", "a draft backed by X"), taking the participle's role,
    unless the participle is a state of mind, whose cause is its object ("alarmed by X"). Any other
    preposition ("on X", "against X", "with X") or a transitive verb ("pressed X", "told X") makes
    X an object; "from X" and a "by X" after a noun ("a stance by X") name X without a role.
    Determiners and titles may stand between ("told his Chinese counterpart", "by Prime Minister
    X"); ``floor`` is the end of the name before, which title words never reach past.
    """
    words = _words_before_name(text, start, floor)
    if not words:
        return None
    last = words[-1]
    if last == "to" and words[-2:-1] == ["according"]:
        return Role.SUBJECT
    if last == "by":
        before = [word for word in words[:-1] if not _adverb(word)]
        if before and _participle(before[-1]):
            verb = before[-1]
            if verb in EXPERIENCER_PARTICIPLES:
                return Role.OBJECT
            return _verb_role(verb, False) if verb in VERBS else Role.SUBJECT
        return Role.MENTIONED
    if last in SOURCE_PREPOSITIONS:
        return Role.MENTIONED
    if last in PREPOSITIONS or last in TRANSITIVE_VERBS:
        return Role.OBJECT
    return None


def affiliates(text: str, start: int, floor: int = 0) -> bool:
    """Whether the name at ``start`` follows "for", "of" or "at" (determiners skipped)."""
    words = _words_before_name(text, start, floor)
    return bool(words) and words[-1] in AFFILIATING_PREPOSITIONS


def subordinate(text: str, start: int, floor: int = 0) -> bool:
    """Whether the name at ``start`` stands outside the main clause, so that a main-clause name of
    the same role comes first: it opens a subordinate clause ("while Seoul agreed", not "such as
    X"), it is the source in "according to X" (the sentence's own speaker, if it names one, is
    the one quoted), or it is the agent of a participle with no "is"/"was" ("a plan backed by X
    was rejected by Y": X backs a plan, the sentence is about Y rejecting it)."""
    words = _words_before_name(text, start, floor)
    if not words:
        return False
    last = words[-1]
    if last in SUBORDINATORS:
        return words[-2:-1] != ["such"]
    if last == "to":
        return words[-2:-1] == ["according"]
    if last == "by":
        before = [word for word in words[:-1] if not _adverb(word)]
        return len(before) > 1 and _participle(before[-1]) and before[-2] not in BE_WORDS
    return False


def opens_sentence(text: str, start: int) -> bool:
    """Whether only punctuation and connectives ("But", "Yet", "Meanwhile,") precede ``start``."""
    return all(
        word.casefold() in OPENERS or not word[0].isalnum()
        for word in _WORD.findall(text, 0, start)
    )


def is_possessive(text: str, end: int) -> bool:
    return text.startswith(_POSSESSIVE, end)


_TITLE_WORD = re.compile(r"[\w.-]+")
_NOT_TITLES = VERBS | TRANSITIVE_VERBS | BE_WORDS | PREPOSITIONS | DETERMINERS | OPENERS | {"or"}


def modifies(text: str, end: int, start: int) -> bool:
    """Whether a name ending at ``end`` modifies the name starting at ``start``, only a title
    between: "U.S. President George W. Bush", "Chinese foreign ministry spokesman Hong Lei",
    "Japan's defense chief Fukushiro Nukaga".

    The title is at most five words, none a verb, preposition or determiner, ending in a capital
    or a role noun ("spokesman", "chief"); so the headline "Japan Urges China" is no title.
    """
    gap = text[end:start]
    if gap.startswith(_POSSESSIVE[:2]):
        gap = gap[2:]
    if not gap or not gap[0].isspace() or not gap[-1].isspace():
        return False
    words = gap.split()
    if len(words) > 5 or any(
        not _TITLE_WORD.fullmatch(word) or word.casefold() in _NOT_TITLES for word in words
    ):
        return False
    return not words or words[-1][0].isupper() or words[-1] in ROLE_NOUNS


def coordinated(text: str, end: int, start: int) -> bool:
    """Whether two names are joined by "and", "or" or a comma: "Japan, the U.S. and Britain"."""
    return _COORDINATION.fullmatch(text, end, start) is not None


def joined_by_and(text: str, end: int, start: int) -> bool:
    return _AND.fullmatch(text, end, start) is not None


def joined_by_conjunction(text: str, end: int, start: int) -> bool:
    """Whether two names are joined by "and" or "or", not by a comma alone: "On North Korea,
    Japan said" is no list."""
    return _CONJUNCTION.fullmatch(text, end, start) is not None


_QUOTATION_MARK = re.compile(r'["“”]')


def quotation_spans(text: str) -> list[tuple[int, int]]:
    """The quoted stretches of ``text`` as half-open offsets.

    Curly double quotes say which way they face; a straight one opens at the start of the text
    or after a space, an opening bracket or a dash, and closes elsewhere. A closing mark with
    nothing open ends a quotation begun in an earlier sentence ('...useful" to convene the five,
    Lee said'); an opening mark never closed runs to the end (a quotation continued in the next
    sentence).
    Nested openings ('the view that "X is a "grave act"') count as one quotation. Single quotes
    are left alone: "’" is far more often an apostrophe.
    """
    spans: list[tuple[int, int]] = []
    depth = 0
    began = 0
    for mark in _QUOTATION_MARK.finditer(text):
        index = mark.start()
        char = mark.group(0)
        if char == '"':
            before = text[index - 1] if index else " "
            opening = before.isspace() or before in "([{—–-"
        else:
            opening = char == "“"
        if opening:
            if depth == 0:
                began = index
            depth += 1
        elif depth:
            depth -= 1
            if depth == 0:
                spans.append((began, index + 1))
        elif not spans:
            spans.append((0, index + 1))
    if depth:
        spans.append((began, len(text)))
    return spans


def inside(spans: list[tuple[int, int]], offset: int) -> bool:
    return any(start <= offset < end for start, end in spans)


RELATIVES = _wordset("who whom whose which where when that")


def relative_clause(text: str, start: int) -> bool:
    """Whether the apposition starting at ``start`` (its comma) is a relative clause (", who met
    Pyongyang's envoy,"), not a noun phrase naming what the subject is (", a spokesman for X,")."""
    words = following_words(text, start, 2)
    return len(words) > 1 and words[1] in RELATIVES


def unattributed_quotation(text: str) -> bool:
    """Whether the sentence opens with a quotation mark: with no speaker of its own, it continues
    a quotation whose speaker another sentence names ('"Pyongyang should return to the talks.')."""
    stripped = text.lstrip()
    return stripped[:1] in ('"', "“")


@dataclass(frozen=True, slots=True)
class Anaphor:
    """A subject that names no actor itself: a pronoun, "the two leaders", "the ministry"."""

    start: int
    end: int
    kind: str
    """"person" (he, she), "thing" (it), "plural" (they, the two, both sides) or "source" (a
    description such as "an agency spokesman", "the presidential statement")."""
    words: tuple[str, ...]
    """For a source, its lower-case words ("agency", "presidential"), to match an actor's name."""
    role: Role


_KINDS = {"he": "person", "she": "person", "it": "thing", "they": "plural"}


def anaphoric_subjects(
    text: str, names: list[tuple[int, int]], quotations: list[tuple[int, int]]
) -> list[Anaphor]:
    """The subjects of ``text`` that refer to an actor without naming it.

    Only subjects count: a pronoun or description followed by a verb (``predicate``), outside any
    quotation (a quoted "they" is the speaker's word) and outside the found ``names``, and not
    itself the object of a verb or preposition ("criticized it"). "It is important to" has no
    verb of ours after "It", so an expletive "it" never counts.
    """
    found: list[Anaphor] = []

    def add(start: int, end: int, kind: str, words: tuple[str, ...]) -> None:
        if inside(quotations, start) or any(s < end and start < e for s, e in names):
            return
        if preceding_role(text, start) in (Role.OBJECT, Role.MENTIONED):
            return
        verb = predicate(text, end)
        if verb is not None and verb.role in SUBJECT_ROLES:
            found.append(Anaphor(start, end, kind, words, verb.role))

    for match in _PRONOUN.finditer(text):
        add(match.start(), match.end(), _KINDS[match.group(0).casefold()], ())
    for match in _PLURAL.finditer(text):
        add(match.start(), match.end(), "plural", ())
    for match in _SOURCE.finditer(text) if _SOURCE_NOUN.search(text) else ():
        words = tuple(match.group(0).casefold().split()[1:])
        add(match.start(), match.end(), "source", words)
    found.sort(key=lambda anaphor: anaphor.start)
    return found
