"""Mention detection and actor suggestions on hand-made codebooks."""

from __future__ import annotations

from reader.mentions import MentionFinder, suggest_actors
from reader.models import Actor

ACTORS = [
    Actor(1, "North Korea", "state", ("Pyongyang", "the North", "North Korean")),
    Actor(2, "South Korea", "state", ("South Korean", "Seoul")),
    Actor(3, "United States", "state", ("U.S.", "US", "Washington", "American")),
    Actor(4, "Japan", "state", ("Japanese", "Tokyo")),
    Actor(5, "Hirofumi Nakasone", "person", ("Nakasone", "Foreign Minister Nakasone"), 4),
    Actor(6, "United Nations", "organization", ("U.N.",)),
    Actor(7, "U.N. Security Council", "organization", ("Security Council",), 6),
]


def names(text: str) -> list[str]:
    finder = MentionFinder(ACTORS)
    by_id = {a.id: a.name for a in ACTORS}
    return [by_id[m.actor_id] for m in finder.find(text)]


def test_longest_match_wins() -> None:
    """ "South Korea" is not also "Korea"; "North Korean" is North Korea; the Council is one."""
    assert names("South Korea and North Korean troops") == ["South Korea", "North Korea"]
    assert names("the U.N. Security Council met") == ["U.N. Security Council"]


def test_acronyms_are_exact() -> None:
    """ "U.S." and "US" match as written; "us" the pronoun does not."""
    assert names("Let us talk to the U.S. and the US.") == ["United States", "United States"]


def test_possessives_and_capitalised_aliases() -> None:
    """ "Japan's" is Japan; "The North" at a sentence start is North Korea; "north" is not."""
    assert names("Japan's envoy met Pyongyang's.") == ["Japan", "North Korea"]
    assert names("The North refused. Rain fell in the north.") == ["North Korea"]


def test_whole_words_only() -> None:
    """An alias inside a longer word is not a mention."""
    assert names("Japanese") == ["Japan"]
    assert names("Japanesque Washingtonian") == []


def test_offsets_cut_the_mention() -> None:
    """Each mention's offsets slice exactly the matched name from the text."""
    text = "Nakasone said the U.N. would lose its authority."
    finder = MentionFinder(ACTORS)
    assert [text[m.start : m.end] for m in finder.find(text)] == ["Nakasone", "U.N."]


def test_suggestions_mentions_then_parents_then_recent() -> None:
    """Mentioned actors first, then the state a person belongs to, then the coder's recent ones."""
    suggested = suggest_actors("Nakasone told Pyongyang to stop.", ACTORS, recent_ids=[3, 1])
    assert [a.name for a in suggested] == [
        "Hirofumi Nakasone",
        "North Korea",
        "Japan",
        "United States",
    ]


def test_empty_codebook_finds_nothing() -> None:
    """No actors: no mentions and no suggestions."""
    assert MentionFinder([]).find("North Korea") == []
    assert suggest_actors("North Korea", [], []) == []
