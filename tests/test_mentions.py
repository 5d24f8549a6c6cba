"""Mention detection and actor suggestions on hand-made codebooks."""

from __future__ import annotations

import pytest

from reader.models import Actor
from reader.text import mentions
from reader.text.mentions import (
    MentionFinder,
    mention_roles,
    speakers,
    suggest_actor_groups,
    suggest_actors,
)

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


def test_suggestions_speaker_then_state_then_object_then_recent() -> None:
    """The speaker first, then the state he speaks for, then the object he addressed, then the
    coder's recent actors not already suggested."""
    suggested = suggest_actors("Nakasone told Pyongyang to stop.", ACTORS, recent_ids=[3, 1])
    assert [a.name for a in suggested] == [
        "Hirofumi Nakasone",
        "Japan",
        "North Korea",
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


# --- who makes the claim: sentences written for these tests, not taken from the seeds ----------

WORLD = [
    *ACTORS,
    Actor(8, "China", "state", ("Chinese", "Beijing")),
    Actor(9, "Chinese Foreign Ministry", "organization", (), 8),
    Actor(10, "Hong Lei", "person", ("Hong",), 9),
    Actor(11, "George W. Bush", "person", ("Bush",), 3),
    Actor(12, "Japan Defense Agency", "organization", ("Defense Agency",), 4),
]
NAMES = {actor.id: actor.name for actor in WORLD}
WORLD_FINDER = MentionFinder(WORLD)


def roles(text: str) -> list[tuple[str, str]]:
    """Each mention of ``text`` with the role the rules read for it."""
    found = WORLD_FINDER.find(text)
    read = mention_roles(text, found)
    return [(NAMES[m.actor_id], role.name) for m, role in zip(found, read, strict=True)]


def ranked(text: str) -> list[str]:
    return [a.name for a in suggest_actors(text, WORLD, [], WORLD_FINDER)]


def test_subject_verb_object() -> None:
    """The name before a verb of position takes the position; the name after it is its object."""
    assert roles("Seoul criticized Tokyo over the textbooks.") == [
        ("South Korea", "TAKES_POSITION"),
        ("Japan", "OBJECT"),
    ]
    assert ranked("In a call with Washington, Seoul pressed Tokyo to apologise.")[:3] == [
        "South Korea",
        "United States",
        "Japan",
    ]


def test_an_object_ranks_after_a_name_without_a_role() -> None:
    """With no named subject, a name after a preposition comes after one that is merely named."""
    assert ranked("Talks with Pyongyang stalled and Washington's envoy left.")[:2] == [
        "United States",
        "North Korea",
    ]


@pytest.mark.parametrize(
    ("text", "speaker_role", "other_role"),
    [
        ("Seoul said Tokyo's offer came too late.", "SUBJECT", "MENTIONED"),
        ("Seoul told Tokyo to wait.", "SUBJECT", "OBJECT"),
        ("Seoul urged Tokyo to wait.", "TAKES_POSITION", "OBJECT"),
        ("Seoul called on Tokyo to wait.", "TAKES_POSITION", "OBJECT"),
        ("Seoul warned Tokyo against a test.", "TAKES_POSITION", "OBJECT"),
        ("Seoul pressed Tokyo on the dispute.", "TAKES_POSITION", "OBJECT"),
        ("Seoul criticized Tokyo over the dispute.", "TAKES_POSITION", "OBJECT"),
        ("Seoul welcomed Tokyo's offer.", "TAKES_POSITION", "OBJECT"),
        ("Seoul rejected Tokyo's offer.", "TAKES_POSITION", "OBJECT"),
    ],
)
def test_reporting_verbs(text: str, speaker_role: str, other_role: str) -> None:
    """A reporting verb makes a speaker, a verb of position a stance-holder; what follows the
    verb (or "on", "against") is the object, but a possessive after "said" is a new clause."""
    assert roles(text) == [("South Korea", speaker_role), ("Japan", other_role)]
    assert ranked(f"At the U.N. on Monday, {text}")[0] == "South Korea"


def test_passive_agent_takes_the_position() -> None:
    """ "X was criticized by Y": Y criticizes, X is criticized, whatever the order of mention."""
    assert roles("Tokyo was criticized by Washington for the delay.") == [
        ("Japan", "OBJECT"),
        ("United States", "TAKES_POSITION"),
    ]
    assert ranked("The plan was rejected by Seoul.") == ["South Korea"]
    assert ranked("The warning was echoed by Nakasone in Seoul.")[0] == "Hirofumi Nakasone"


def test_a_state_of_mind_is_no_passive() -> None:
    """ "X was alarmed by Y" is X's position toward Y."""
    assert roles("Seoul was alarmed by Pyongyang's launch.") == [
        ("South Korea", "TAKES_POSITION"),
        ("North Korea", "OBJECT"),
    ]


def test_the_main_passive_before_a_reduced_one() -> None:
    """In "a draft backed by X was rejected by Y", the sentence is about Y rejecting it."""
    assert ranked("A draft backed by Tokyo was rejected by Beijing on Friday.")[:2] == [
        "China",
        "Japan",
    ]


def test_attribution_after_a_quotation() -> None:
    """'"...," Y said': the speaker, not the names inside the quotation."""
    assert ranked('"Pyongyang must stop these launches," Nakasone said.')[0] == "Hirofumi Nakasone"
    assert ranked('"Tokyo and Seoul agree on this," the U.S. envoy told reporters.')[0] == (
        "United States"
    )


def test_attribution_before_a_quotation() -> None:
    """'Y said, "..."': the speaker, not the names inside the quotation."""
    assert roles('Washington said, "Seoul is right to wait."') == [
        ("United States", "SUBJECT"),
        ("South Korea", "MENTIONED"),
    ]


def test_a_quotation_closed_in_this_sentence_was_opened_before_it() -> None:
    """A sentence that starts inside a quotation (its first mark closes it) quotes its start."""
    assert roles('and Seoul agrees with us," Nakasone told reporters.') == [
        ("South Korea", "MENTIONED"),
        ("Hirofumi Nakasone", "SUBJECT"),
    ]


def test_according_to() -> None:
    """ "according to Y" makes Y the source, after a speaker the sentence names with a verb."""
    assert ranked("According to Seoul, Pyongyang fired two missiles.")[0] == "South Korea"
    assert ranked("Two missiles were fired, according to Tokyo.") == ["Japan"]
    assert ranked("According to the U.N., Nakasone said the talks had failed.")[:3] == [
        "Hirofumi Nakasone",
        "United Nations",
        "Japan",
    ]


def test_a_reported_position_belongs_to_its_holder() -> None:
    """ "X said Y opposed Z": Y holds the position X reports; "X said Y planned" is X's news."""
    assert ranked("Nakasone said Seoul opposed the plan.")[0] == "South Korea"
    assert ranked("Nakasone said Seoul planned a visit.")[0] == "Hirofumi Nakasone"


def test_a_speaker_who_says_nothing_comes_after_one_who_does() -> None:
    """ "did not say", "declined to comment": the speaker states no position here."""
    assert ranked("Nakasone did not say whether Washington backed the plan.")[0] == (
        "United States"
    )
    assert ranked("Nakasone declined to comment on Pyongyang.") == [
        "Hirofumi Nakasone",
        "Japan",
        "North Korea",
    ]


def test_apposition_names_the_speakers_organisation() -> None:
    """ "Hong Lei, a spokesman for the Chinese Foreign Ministry, said": Hong, then the ministry
    he speaks for, then its state, then the object."""
    text = (
        "Hong Lei, a spokesman for the Chinese Foreign Ministry, said talks with Pyongyang go on."
    )
    assert ranked(text) == ["Hong Lei", "Chinese Foreign Ministry", "China", "North Korea"]
    assert ranked("Chinese foreign ministry spokesman Hong Lei said the talks would go on.") == [
        "Hong Lei",
        "Chinese Foreign Ministry",
        "China",
    ]


def test_a_relative_clause_is_no_affiliation() -> None:
    """In ", who met Pyongyang's envoy," North Korea is met, not represented; in ", whose
    envoy talked to Seoul's," Seoul is talked to."""
    assert roles("Nakasone, who met Pyongyang's envoy, said talks would resume.") == [
        ("Hirofumi Nakasone", "SUBJECT"),
        ("North Korea", "OBJECT"),
    ]
    assert roles("Tokyo, whose envoy talked to Seoul's, said talks would resume.") == [
        ("Japan", "SUBJECT"),
        ("South Korea", "OBJECT"),
    ]


def test_a_title_between_names() -> None:
    """ "Japan's foreign minister Hirofumi Nakasone" is Nakasone, of Japan; a title-case headline
    verb is no title ("Seoul Presses Tokyo"); the words before a titled name stop at the name
    before it ("Envoy to the U.N. Hirofumi Nakasone said": "to" is not Nakasone's)."""
    assert roles("Japan's foreign minister Hirofumi Nakasone said the talks failed.") == [
        ("Japan", "AFFILIATION"),
        ("Hirofumi Nakasone", "SUBJECT"),
    ]
    assert roles("Seoul Presses Tokyo on Textbooks") == [
        ("South Korea", "TAKES_POSITION"),
        ("Japan", "OBJECT"),
    ]
    assert roles("Envoy to the U.N. Hirofumi Nakasone said the talks failed.") == [
        ("United Nations", "AFFILIATION"),
        ("Hirofumi Nakasone", "SUBJECT"),
    ]


def test_the_main_clause_before_a_subordinate_one() -> None:
    """ "While Seoul agreed, Tokyo rejected the plan": Tokyo's is the sentence's claim."""
    assert ranked("While Seoul agreed, Tokyo rejected the plan.")[:2] == ["Japan", "South Korea"]


def test_sentences_without_a_named_subject() -> None:
    """No pronoun and no named subject: a source ("from Y") before objects ("to X")."""
    assert ranked("The tests came despite warnings to Pyongyang from Washington.") == [
        "United States",
        "North Korea",
    ]
    assert roles("Talks between Seoul and Tokyo resumed on Monday.") == [
        ("South Korea", "OBJECT"),
        ("Japan", "OBJECT"),
    ]


def test_speakers_keeps_mention_order() -> None:
    """``speakers`` still lists the subject mentions in order of mention."""
    text = "Nakasone said Seoul opposed the plan."
    assert speakers(text, WORLD_FINDER.find(text)) == [0, 1]


# --- reading a sentence in its article ---------------------------------------------------------


def in_article(sentences: list[str], recent: list[int] | None = None) -> tuple[list[str], ...]:
    groups = suggest_actor_groups(sentences, len(sentences) - 1, WORLD, recent or [], WORLD_FINDER)
    return [a.name for a in groups.here], [a.name for a in groups.elsewhere]


def test_it_is_the_previous_sentences_subject() -> None:
    """ "It criticized X" after a sentence about Seoul is Seoul's criticism."""
    here, _ = in_article(
        ["Seoul is taking a harder line.", "It criticized Pyongyang over the launch."]
    )
    assert here[:2] == ["South Korea", "North Korea"]
    alone = suggest_actors("It criticized Pyongyang over the launch.", WORLD, [])
    assert [a.name for a in alone] == ["North Korea"]


def test_he_is_the_nearest_person() -> None:
    """ "he" skips a state for the nearest person; "it" skips a person for the nearest state."""
    sentences = ["Seoul protested.", "Hirofumi Nakasone met Hong Lei.", "He warned Pyongyang."]
    assert in_article(sentences)[0][0] == "Hirofumi Nakasone"
    sentences = ["Seoul protested.", "Hirofumi Nakasone answered.", "It warned Pyongyang again."]
    assert in_article(sentences)[0][0] == "South Korea"


def test_an_expletive_it_is_nobody() -> None:
    """ "It is important that ..." has no verb of ours after "It": nothing carries over."""
    here, _ = in_article(["Seoul is firm.", "It is important that Pyongyang returns to talks."])
    assert here[:2] == ["North Korea", "South Korea"]


def test_the_two_leaders_are_the_pair_before() -> None:
    """ "The two leaders", "they": the pair of subjects of the sentence before, not one person
    named in between."""
    sentences = [
        "Foreign Minister Nakasone and George W. Bush agreed to meet.",
        "The two leaders also criticized Pyongyang.",
    ]
    assert in_article(sentences)[0][0] == "Hirofumi Nakasone"
    sentences = [
        "Japan and Seoul agreed on a plan.",
        "Hirofumi Nakasone told reporters they would back it.",
    ]
    assert in_article(sentences)[0][:2] == ["Japan", "Hirofumi Nakasone"]


def test_a_description_names_an_actor_of_the_article() -> None:
    """ "A council spokesman" is the Security Council named before; "the agency" the agency."""
    sentences = [
        "Seoul's plan was put to a vote, the Security Council said.",
        "Pyongyang protested.",
        "A council spokesman said the vote would be held on Friday.",
    ]
    assert in_article(sentences)[0][0] == "U.N. Security Council"
    sentences = ["The Defense Agency reported a launch.", "The agency said Pyongyang fired twice."]
    assert in_article(sentences)[0][0] == "Japan Defense Agency"


def test_an_unnamed_source_carries_the_claim_on() -> None:
    """ "The official said", "it said" with nothing that fits: the previous sentence's claimant."""
    here, _ = in_article(["Tokyo welcomed the offer.", "The official said talks would resume."])
    assert here[0] == "Japan"


def test_a_quotation_without_attribution_is_the_last_speakers() -> None:
    """A sentence that opens with a quotation and names no speaker continues the one before."""
    sentences = [
        '"We will not wait," Hirofumi Nakasone told reporters.',
        '"Pyongyang must return to talks.',
    ]
    assert in_article(sentences)[0][:2] == ["Hirofumi Nakasone", "Japan"]


def test_quoted_pronouns_are_the_speakers_words() -> None:
    """ "They" inside a quotation refers to nobody the picker should suggest."""
    sentences = ["Seoul and Tokyo agreed.", '"They must stop," Hirofumi Nakasone said.']
    assert in_article(sentences)[0][0] == "Hirofumi Nakasone"


def test_groups_the_article_before_recent_actors() -> None:
    """``here``: the sentence, the previous claimant, the article's other actors (nearest first);
    ``elsewhere``: recent actors the article does not name; no actor in both."""
    sentences = [
        "Beijing urged calm.",
        "Seoul is taking a harder line.",
        "Foreign Minister Nakasone told Pyongyang to stop.",
        "Washington said nothing.",
    ]
    groups = suggest_actor_groups(sentences, 2, WORLD, [6, 8, 3], WORLD_FINDER)
    assert [a.name for a in groups.here] == [
        "Hirofumi Nakasone",
        "Japan",
        "North Korea",
        "South Korea",
        "United States",
        "China",
    ]
    assert [a.name for a in groups.elsewhere] == ["United Nations"]


def test_groups_take_the_article_mentions() -> None:
    """Mentions passed in (from ``find_in_article``) are used as given, one list per sentence."""
    sentences = ["Seoul is taking a harder line.", "It criticized Pyongyang."]
    mentions = WORLD_FINDER.find_in_article(sentences)
    groups = suggest_actor_groups(sentences, 1, WORLD, [], mentions=mentions)
    assert [a.name for a in groups.here] == ["South Korea", "North Korea"]


@pytest.mark.parametrize(
    "added",
    [
        Actor(8, "North Korean Army", "organization", ("KPA",)),
        Actor(8, "Korea Strait", "other"),
        Actor(8, "Nakasone", "organization"),
        Actor(8, "Taro Kono", "person", ("Kono", "Minister Kono")),
        Actor(8, "Army", "organization", ("army",)),
    ],
)
def test_an_added_actor_is_found_as_a_rebuilt_finder_finds_it(added: Actor) -> None:
    """``add`` finds what a finder built with the new actor finds: the longest match across the
    two patterns, a surname that becomes a name, a new person's surname once introduced."""
    texts = [
        "The North Korean Army and the KPA marched; North Korea watched.",
        "Ships crossed the Korea Strait near South Korea and Japan.",
        "Nakasone said Tokyo agreed, Foreign Minister Nakasone added.",
        "Minister Kono met Taro Kono; Kono said the army and the Army would not.",
    ]
    grown = MentionFinder(ACTORS)
    grown.add(added)
    rebuilt = MentionFinder([*ACTORS, added])
    for text in texts:
        assert grown.find(text) == rebuilt.find(text), text
    assert grown.find_in_article(texts) == rebuilt.find_in_article(texts)
    assert any(m.actor_id == 8 for m in grown.find(" ".join(texts)))


def test_actors_added_in_several_groups_are_found_as_a_rebuilt_finder_finds_them(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Past ``ADDED_GROUP`` terms a new pattern is started; every pattern is still one scan."""
    monkeypatch.setattr(mentions, "ADDED_GROUP", 2)
    added = [
        Actor(8, "North Korean Army", "organization", ("KPA",)),
        Actor(9, "Korea Strait", "other"),
        Actor(10, "Taro Kono", "person", ("Kono", "Minister Kono")),
        Actor(11, "Army", "organization"),
        Actor(12, "Strait", "other"),
    ]
    grown = MentionFinder(ACTORS)
    for actor in added:
        grown.add(actor)
    rebuilt = MentionFinder([*ACTORS, *added])
    text = (
        "Minister Kono said the North Korean Army, the KPA and the Army crossed the Korea "
        "Strait; the Strait was calm, Kono and Taro Kono said in Seoul."
    )
    assert len(grown._patterns) > 2
    assert grown.find(text) == rebuilt.find(text)
    assert {m.actor_id for m in grown.find(text)} >= {8, 9, 10, 11, 12}
