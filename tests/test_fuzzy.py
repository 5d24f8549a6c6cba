"""The forgiving filter behind the pickers: literal matches first, then close misspellings."""

from __future__ import annotations

from reader.text.fuzzy import normalize, rank

ACTORS: list[tuple[str, tuple[str, ...]]] = [
    ("kor-n", ("North Korea", "DPRK", "Pyongyang")),
    ("kor-s", ("South Korea", "ROK", "Seoul")),
    ("naka", ("Hirofumi Nakasone",)),
    ("kim", ("Kim Jong-un", "Kim Jong Un")),
    ("japan", ("Japan", "Tokyo")),
    ("jpost", ("Japan Post",)),
    ("un", ("United Nations", "UN")),
]


def keys(query: str) -> list[str]:
    return [key for key, _ in rank(query, ACTORS)]


def test_empty_query_keeps_order_and_pairs_first_string() -> None:
    """No query lists everything as given, each with its name."""
    assert rank("  ", ACTORS) == [(key, strings[0]) for key, strings in ACTORS]


def test_alias_match_reports_the_alias() -> None:
    """Typing an alias finds the actor and says which alias matched."""
    assert rank("pyongyang", ACTORS) == [("kor-n", "Pyongyang")]


def test_case_accents_and_punctuation_are_ignored() -> None:
    """ "kim jong un", "KIM JONG-UN" and an accented spelling all meet the stored name."""
    assert keys("KIM JONG-UN") == ["kim"]
    assert keys("Pyŏngyang") == ["kor-n"]
    assert normalize("Kim  Jong-un") == "kim jong un"


def test_exact_beats_prefix_beats_word_prefix_beats_substring() -> None:
    """A whole-name match outranks a name that starts with the query, then a word, then inside."""
    items = [
        ("inside", ("Bajapanese",)),
        ("word", ("Greater Japan",)),
        ("start", ("Japan Post",)),
        ("exact", ("Japan",)),
    ]
    assert [key for key, _ in rank("japan", items)] == ["exact", "start", "word", "inside"]


def test_words_in_any_order() -> None:
    """Every query word prefixing some word matches, whatever the order."""
    assert keys("nakasone hiro") == ["naka"]


def test_typo_in_surname_is_forgiven() -> None:
    """A dropped letter still finds the person, and the name is reported as the match."""
    assert rank("Nakasne", ACTORS) == [("naka", "Hirofumi Nakasone")]


def test_typo_in_partly_typed_name() -> None:
    """A misspelt beginning of a long word still finds it."""
    assert "naka" in keys("nakss")


def test_literal_matches_rank_above_typos() -> None:
    """A substring hit comes before a misspelling of another actor."""
    items = [("typo", ("Korae",)), ("literal", ("North Korea",))]
    assert [key for key, _ in rank("korea", items)] == ["literal", "typo"]


def test_short_queries_are_not_guessed() -> None:
    """Two letters only match literally; unrelated names are left out."""
    assert keys("zq") == []
    assert keys("un") == ["un", "kim"]


def test_nonsense_matches_nothing() -> None:
    """A query unlike every name returns nothing rather than a random guess."""
    assert keys("xylophone") == []
