"""Mention detection and the first actor suggestion, checked by hand on every seed sentence.

The expected lists were written by reading each sentence, not by copying the finder's output:
every actor of the default codebook that a reader sees named in the sentence, in order, once per
mention. A capital stands for its state ("visit Beijing" is China); a place whose name contains an
actor's ("Sea of Japan", "South China Sea") is no mention of it.
"""

from __future__ import annotations

import pytest

from reader.models import Actor
from reader.store import Store
from reader.text.mentions import MentionFinder, suggest_actor_groups, suggest_actors

NK, SK, US, JP, CN, RU, UK = (
    "North Korea",
    "South Korea",
    "United States",
    "Japan",
    "China",
    "Russia",
    "Britain",
)
UN, UNSC = "United Nations", "U.N. Security Council"
JFM, CFM, JDA, SDF = (
    "Japanese Foreign Ministry",
    "Chinese Foreign Ministry",
    "Japan Defense Agency",
    "Japan Self-Defense Forces",
)
SKPO, WPK, RODONG, N38, WEST = (
    "South Korean Presidential Office",
    "Workers' Party of Korea",
    "Rodong Sinmun",
    "38 North",
    "The West",
)
NAKASONE, YANG, WANGQ, KOIZUMI, BUSH = (
    "Hirofumi Nakasone",
    "Yang Jiechi",
    "Wang Qishan",
    "Junichiro Koizumi",
    "George W. Bush",
)
NUKAGA, RUMSFELD, ROH, LEE = (
    "Fukushiro Nukaga",
    "Donald H. Rumsfeld",
    "Roh Moo-hyun",
    "Lee Jong-seok",
)
WU, ISHIKANE, ABE, OBAMA, XI = (
    "Wu Dawei",
    "Kimihiro Ishikane",
    "Shinzo Abe",
    "Barack Obama",
    "Xi Jinping",
)
HONG, KISHIDA, WANGYI = "Hong Lei", "Fumio Kishida", "Wang Yi"

MENTIONS: dict[str, list[list[str]]] = {
    "000_53c36f43767032ce.txt": [
        [JP, CN, NK],
        [JP, CN, NK, UNSC],
        [CN, JFM],
        [JP, CN],
        [],
        [NAKASONE, CN, YANG, UNSC, NK],
        [NAKASONE, UN, NK],
        [NAKASONE, NK],
        [NAKASONE, YANG, CN, NK],
        [YANG, NK],
        [CN, UNSC, JP, SK, NK],
        [JP, US, US],
        [CN],
        [NK, NK],
        [JP, CN, NAKASONE, CN, WANGQ],
        [CN, JP, JP, CN],
        [JP, CN],
        [JP, CN],
    ],
    "002_536a4eab456a5306.txt": [
        [BUSH, JP, UN, NK],
        [JP, KOIZUMI, US, BUSH, UN, NK, JFM],
        [NK],
        [JP, US, UNSC],
        [],
        [UNSC, JP, NK],
        [NK, WEST],
        [JP, US, UK, UNSC, NK, NK, RU, CN],
        [JP, NK],
        [JP, US, NK],
        [JP, NUKAGA, US, RUMSFELD, NK, JDA],
        [NK],
        [NK],
        [],
        [SK, ROH, US, BUSH, NK, SK],
        [LEE, SKPO],
        [UNSC, NK],
        [BUSH, SK],
        [NK],
        [SKPO, CN, JP, RU, NK],
        [LEE, NK],
        [NK],
        [LEE, US, SK, CN, RU, JP],
    ],
    "003_69fcd08b81137b58.txt": [
        [CN, WU, JP, NK],
        [UN, CN],
        [ISHIKANE, JFM, WU, UN, NK],
        [CN, JP, WU],
        [WU, JP, ABE],
        [SK],
        [WU, CN, NK, CN, NK, UNSC],
        [UN, NK, CN],
        [CN, RODONG, WPK, US, NK],
        [N38, US, NK, NK],
        [US, US, OBAMA, CN, XI, UN, JP, US, SK, NK],
        [CN, NK],
        [WU, CFM, HONG, WU],
        [NK, SK, CN, US, RU, JP],
        [WU, ISHIKANE, US, JP, NK],
        [KISHIDA],
        [NK],
        [WU, JP],
        [WU, JP],
        [JP, CN, CN, SDF],
        [SDF],
        [KISHIDA, CN, CN],
        [WU, CN, WANGYI, KISHIDA],
        [],
        [],
    ],
}
"""Per seed file, per sentence: the actors a careful reader finds named, in order."""

MISSED: dict[tuple[str, int], list[str]] = {
    ("003_69fcd08b81137b58.txt", 14): [NK],
}
"""Known misses: "the defiant North" is North Korea, but a bare capitalised "North" is too often
something else ("North Atlantic") to be an alias."""

SPEAKERS: dict[str, dict[int, str]] = {
    "000_53c36f43767032ce.txt": {
        0: JP, 1: JP, 2: CN, 5: NAKASONE, 6: NAKASONE, 7: NAKASONE, 8: NAKASONE, 9: YANG,
        11: JP, 12: CN, 13: CN, 14: JP, 17: JP,
    },
    "002_536a4eab456a5306.txt": {
        0: BUSH, 1: KOIZUMI, 2: KOIZUMI, 3: KOIZUMI, 5: JP, 6: WEST, 7: JP, 8: JP, 9: JP,
        10: NUKAGA, 11: JDA, 14: ROH, 15: ROH, 17: BUSH, 18: SKPO, 19: SKPO, 20: LEE, 21: LEE,
        22: LEE,
    },
    "003_69fcd08b81137b58.txt": {
        0: WU, 2: WU, 3: WU, 6: CN, 8: RODONG, 9: N38, 10: OBAMA, 11: CN, 12: HONG, 14: US,
        15: KISHIDA, 16: KISHIDA, 17: JP, 18: WU, 19: CN, 21: KISHIDA, 22: WANGYI,
    },
}  # fmt: skip
"""For each sentence that states a position: the actor a careful coder would code as taking it."""

FIRST_SUGGESTION_SHARE = 41 / 49
"""Share of those sentences whose first suggestion (``suggest_actors``, the sentence alone, no
recent actors) is that actor, as measured; the test fails if suggestions get worse. It was 38/49
before subjects, objects, passives and reported positions were told apart."""

FIRST_SUGGESTION_SHARE_IN_ARTICLE = 49 / 49
"""The same share for ``suggest_actor_groups``, which reads each sentence after the ones before
it ("It criticized ...", "An agency spokesman said ...", a quotation continued). The pronoun and
description rules were written while reading the seed misses, so this overstates what they do on
new text; it is pinned so that they keep working here."""


def _seed_sentences(store: Store) -> dict[str, list[str]]:
    by_file: dict[str, list[str]] = {}
    article_id = store.first_article_id()
    while article_id is not None:
        article = store.article(article_id)
        assert article is not None
        by_file[article.source.rsplit("/", 1)[-1]] = [s.text for s in store.sentences(article_id)]
        article_id = store.adjacent_article_id(article_id, 1)
    return by_file


def _found(store: Store) -> dict[str, list[list[str]]]:
    actors = store.actors()
    names = {actor.id: actor.name for actor in actors}
    finder = MentionFinder(actors)
    return {
        name: [[names[m.actor_id] for m in found] for found in finder.find_in_article(sentences)]
        for name, sentences in _seed_sentences(store).items()
    }


def test_seed_sentences_are_split_as_the_lists_expect(store: Store) -> None:
    """The seeds hold the sentences the hand-made lists describe, one list per sentence."""
    sentences = _seed_sentences(store)
    assert {name: len(texts) for name, texts in sentences.items()} == {
        name: len(lists) for name, lists in MENTIONS.items()
    }


@pytest.mark.parametrize("name", sorted(MENTIONS))
def test_every_mention_in_the_seeds_and_no_false_one(store: Store, name: str) -> None:
    """Each seed sentence yields exactly the hand-checked actors, in order (known misses aside)."""
    expected = []
    for position, names in enumerate(MENTIONS[name]):
        names = list(names)
        for missed in MISSED.get((name, position), []):
            names.remove(missed)
        expected.append(names)
    found = _found(store)[name]
    for position, (want, got) in enumerate(zip(expected, found, strict=True)):
        assert (position, got) == (position, want)


def _first_suggestions(store: Store, in_article: bool) -> dict[tuple[str, int], Actor | None]:
    actors = store.actors()
    finder = MentionFinder(actors)
    firsts: dict[tuple[str, int], Actor | None] = {}
    for name, sentences in _seed_sentences(store).items():
        found = finder.find_in_article(sentences)
        for position, mentions in enumerate(found):
            if in_article:
                groups = suggest_actor_groups(sentences, position, actors, [], finder, found)
                suggested = groups.here
            else:
                suggested = suggest_actors(sentences[position], actors, [], finder, mentions)
            firsts[name, position] = suggested[0] if suggested else None
    return firsts


@pytest.mark.parametrize(
    ("in_article", "floor"),
    [(False, FIRST_SUGGESTION_SHARE), (True, FIRST_SUGGESTION_SHARE_IN_ARTICLE)],
    ids=["sentence", "article"],
)
def test_first_suggestion_is_the_coded_actor_often_enough(
    store: Store, in_article: bool, floor: float
) -> None:
    """The first suggestion is the actor a careful coder picks in at least the measured share."""
    firsts = _first_suggestions(store, in_article)
    hits = total = 0
    for name, coded in SPEAKERS.items():
        for position, actor in coded.items():
            first = firsts[name, position]
            total += 1
            hits += first is not None and first.name == actor
    share = hits / total
    print(f"first suggestion = coded actor in {hits}/{total} stance sentences ({share:.0%})")
    assert total == 49
    assert share >= floor
