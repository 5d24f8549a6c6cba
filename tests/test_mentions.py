"""Mention detection and actor suggestions on hand-made codebooks."""

from __future__ import annotations

from reader.models import Actor
from reader.text.mentions import MentionFinder, suggest_actors

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


def first(text: str) -> str:
    return suggest_actors(text, ACTORS, recent_ids=[])[0].name


def test_speaker_comes_first() -> None:
    """The subject of a speech or stance verb is suggested before actors mentioned earlier."""
    assert first("On North Korea, Japan said the talks must resume.") == "Japan"
    assert first("Otherwise, Nakasone said, the U.N. would lose its authority.") == (
        "Hirofumi Nakasone"
    )


def test_subject_after_an_appositive_or_an_adverb() -> None:
    """ "X, who ..., said" and "X later circulated" make X the subject."""
    assert first("Talks with Seoul: Japan, which hosts them, has rejected the plan.") == "Japan"
    assert first("After Seoul spoke, Tokyo later circulated a draft.") == "Japan"


def test_sentence_opening_mention_is_the_subject() -> None:
    """A mention that opens the sentence (after "But", "Yet" ...) leads, unless possessive."""
    assert first("But Japan, like the U.S., is firm.") == "Japan"
    assert first("Japan's envoy waited; the U.S. said no.") == "United States"


def test_coordinated_subjects_and_title_modifiers() -> None:
    """ "A and B agreed" makes A lead; "U.S. President X" counts as X, so A stays first."""
    assert (
        first("After talks with Pyongyang, Japan and the U.N. Security Council agreed.") == "Japan"
    )
    actors = [*ACTORS, Actor(8, "George W. Bush", "person", ("Bush",), 3)]
    suggested = suggest_actors(
        "After the U.N. meeting, Nakasone and U.S. President George W. Bush agreed.", actors, []
    )
    assert [a.name for a in suggested][:2] == ["Hirofumi Nakasone", "George W. Bush"]


def test_quoted_and_prepositional_mentions_are_not_subjects() -> None:
    """Words inside a quotation are the speaker's; "with Japan" is an object."""
    assert first('"Japan agreed to this," Nakasone told reporters.') == "Hirofumi Nakasone"
    assert first("Talks with Japan resumed as Seoul agreed.") == "South Korea"


def test_place_names_are_not_mentions() -> None:
    """ "Sea of Japan" and "South China Sea" name places, not the states in them."""
    actors = [*ACTORS, Actor(9, "China", "state", ("Chinese",))]
    finder = MentionFinder(actors)
    assert finder.find("Missiles fell into the Sea of Japan near the South China Sea.") == []


def test_spellings_of_multiword_names() -> None:
    """ "The West" is also "the West"; "Chinese Foreign Ministry" also "Chinese foreign ministry";
    "the north" stays unmatched."""
    actors = [
        Actor(1, "The West", "other"),
        Actor(2, "Chinese Foreign Ministry", "organization"),
        Actor(3, "North Korea", "state", ("the North",)),
    ]
    finder = MentionFinder(actors)
    found = finder.find("Warnings from the West; the Chinese foreign ministry spoke; the north.")
    assert [m.actor_id for m in found] == [1, 2]


def test_surname_counts_only_once_introduced() -> None:
    """In an article, "Nakasone" alone counts only after his full name (or title + surname)."""
    finder = MentionFinder(ACTORS)
    sentences = [
        "Nakasone arrived.",
        "Foreign Minister Nakasone spoke.",
        "Later Nakasone left.",
    ]
    found = finder.find_in_article(sentences)
    assert [[m.actor_id for m in s] for s in found] == [[], [5], [5]]
    assert [m.actor_id for m in finder.find("Nakasone arrived.")] == [5]


def test_surname_from_the_last_word_of_a_name() -> None:
    """A person without a surname alias is still found by the last word of the name, once named."""
    finder = MentionFinder([Actor(1, "Kim Jong-un", "person"), Actor(2, "Seoul", "state")])
    found = finder.find_in_article(["Kim Jong-un spoke.", "Jong-un said Seoul lied."])
    assert [[m.actor_id for m in s] for s in found] == [[1], [1, 2]]


def test_introduced_surname_mid_sentence() -> None:
    """A surname after the full name in the same sentence counts."""
    finder = MentionFinder(ACTORS)
    text = "Hirofumi Nakasone spoke; Nakasone then left."
    assert [m.actor_id for m in finder.find_in_article([text])[0]] == [5, 5]


def test_a_name_of_ten_thousand_letters_is_found() -> None:
    """A name without a space, 10,000 letters long (hostile data), builds a matcher and is found;
    its pattern used to nest one group per letter, past Python's recursion limit."""
    long_name = "W" * 10_000
    actors = [Actor(1, long_name, "person"), Actor(2, "W" * 9_999 + "X", "state"), *ACTORS]
    finder = MentionFinder(actors)
    found = finder.find(f"Japan and {long_name} met.")
    assert [(m.start, m.end, m.actor_id) for m in found] == [(0, 5, 4), (10, 10_010, 1)]
