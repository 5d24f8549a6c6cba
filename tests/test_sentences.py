"""Sentence splitting: exact seed splits, abbreviations, offsets and gold-data F1."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reader.text.sentences import SentenceSpan, split_sentences

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO / "seeds"
GOLD = REPO.parent / "shared" / "bench" / "gum_news_gold.json"


def sentences(text: str) -> list[str]:
    return [text[span.start : span.end] for span in split_sentences(text)]


def assert_invariants(text: str, spans: list[SentenceSpan]) -> None:
    """Tight, ordered, non-overlapping spans that cover all visible text."""
    covered = [False] * len(text)
    previous_end = 0
    previous_paragraph = -1
    for span in spans:
        assert previous_end <= span.start < span.end <= len(text)
        piece = text[span.start : span.end]
        assert piece == piece.strip()
        assert "\n" not in piece
        assert span.paragraph in (previous_paragraph, previous_paragraph + 1)
        for index in range(span.start, span.end):
            covered[index] = True
        previous_end = span.end
        previous_paragraph = span.paragraph
    missed = [i for i, char in enumerate(text) if not char.isspace() and not covered[i]]
    assert missed == []
    lines = [line for line in text.split("\n") if line and not line.isspace()]
    assert previous_paragraph == len(lines) - 1


SEED_SENTENCES: dict[str, list[str]] = {
    "000_53c36f43767032ce.txt": [
        "Japan Urges China to Take Tough Stance on North Korea",
        (
            "Japan pressed China Sunday to take a tough stance on North Korea, saying anything "
            'but a "strong" U.N. Security Council resolution in response to last month\'s nuclear '
            "test would send the wrong message to the reclusive communist country."
        ),
        (
            'But China supported a "moderate and balanced" resolution, a Japanese Foreign '
            "Ministry official said on condition of anonymity, citing department policy."
        ),
        (
            "Foreign ministers of Japan and China met on the sidelines of high-level talks held "
            "Sunday by the countries' economic ministers."
        ),
        (
            "Asia's top two economic powers agreed to strengthen cooperation in trade, technology"
            " and other areas."
        ),
        (
            "Foreign Minister Hirofumi Nakasone told his Chinese counterpart, Yang Jiechi, that "
            "the U.N. Security Council should quickly send a message to North Korea that its "
            "underground nuclear test was unacceptable."
        ),
        (
            "Otherwise, Nakasone said, the U.N. would lose its authority and send a wrong message"
            " to the North, the official said."
        ),
        (
            "Nakasone said Pyongyang's nuclear and missile development is a threat to regional "
            "and international peace."
        ),
        (
            "Nakasone told Yang that a tougher stance by China, which is North Korea's closest "
            "ally, would be important."
        ),
        "Yang did not comment publicly Sunday on North Korea.",
        (
            "China and four other veto-wielding Security Council nations, along with Japan and "
            "South Korea, are finishing closed-door negotiations on a resolution on North Korea, "
            "which conducted the nuclear test on May 25, following its first in 2006."
        ),
        (
            "Japan and the U.S. are proposing harsh punishment, with Washington threatening its "
            "own financial sanctions."
        ),
        "China is taking a milder approach.",
        (
            "It criticized North Korea over its nuclear test and subsequent missile launches, but"
            " it has consistently rejected economic sanctions that could destabilize the North's "
            "government."
        ),
        (
            "In their economic dialogue, Japan and China agreed to launch bilateral talks and "
            "cooperation in areas including climate change, energy conservation and technology, "
            "Nakasone and Chinese Vice Premier Wang Qishan told a joint news conference."
        ),
        "China is Japan's largest trade partner, while Japan is a top investor in China.",
        (
            "The countries also agreed to discuss intellectual property rights — an area of "
            "concern for Japanese companies that have found their products, including cars and "
            "appliances, illegally copied and sold in China."
        ),
        (
            "Japan opposes China's planned introduction of a new requirement for foreign "
            "companies to disclose data related to computer security software in products."
        ),
    ],
    "002_536a4eab456a5306.txt": [
        "President Bush, Japan's Prime Minister Agree on Pushing U.N. Sanctions on North Korea",
        (
            "Japan's Prime Minister Junichiro Koizumi and U.S. President George W. Bush have "
            "agreed to cooperate in pushing for U.N. resolutions to impose sanctions on North "
            "Korea, the Foreign Ministry said Thursday."
        ),
        (
            'During a 10-minute telephone conversation earlier Thursday, the two leaders "agreed '
            "that it is important for the intentional community to send a strong message to North"
            ' Korea over its missile launch," the ministry statement said.'
        ),
        (
            '"They also agreed that Japan and the U.S. will stay in close contact and cooperate '
            'to issue a strong message by the U.N. Security Council," it said.'
        ),
        "Click here to visit's Asia center.",
        (
            "In an emergency U.N. Security Council meeting Wednesday, Japan sought condemnation "
            "of the North's launching of several missiles Wednesday, including a long-range "
            "Taepodong-2."
        ),
        (
            "The tests came despite repeated warnings to North Korea from the West and its allies"
            " not to do so."
        ),
        (
            "In New York, Japan, the U.S. and Britain pressed the U.N. Security Council to slap "
            "economic sanctions on North Korea, but faced opposition from Pyongyang allies Russia"
            " and China, who insisted diplomacy was the only way to resolve the crisis."
        ),
        (
            "Japan later circulated a resolution that would ban any country from transferring "
            "funds, material and technology that could be used in North Korea's missile and "
            "weapons of mass destruction programs."
        ),
        (
            "Japanese and U.S. defense chiefs also agreed on Wednesday to cooperate closely over "
            "their response to North Korea's missile tests."
        ),
        (
            "Japan's defense chief Fukushiro Nukaga and U.S. Defense Secretary Donald H. Rumsfeld"
            " agreed during a phone conversation to cooperate closely in intelligence gathering "
            "following Pyongyang's test launches, the Defense Agency said."
        ),
        (
            "An agency spokesman said Thursday that the two countries are still on high level of "
            "alert in case of possible firing of more missile firing by North Korea."
        ),
        (
            "North Korea test-launched a series of missiles including a long-range Taepodong on "
            "Wednesday, violating its own seven-year moratorium on such launches and defying "
            "stern international warnings of retaliation."
        ),
        "The missiles apparently fell harmlessly into the Sea of Japan.",
        (
            "Meanwhile, South Korean President Roh Moo-hyun and U.S. President George W. Bush "
            "agreed to cooperate on the North Korean missile issue in a telephone call, South "
            "Korean officials said."
        ),
        (
            "Unification Minister Lee Jong-seok told the National Assembly that the two spoke "
            "early Thursday, and Roh's office issued a statement said they agreed to cooperate on"
            " diplomatic efforts."
        ),
        (
            "The statement, however, did not mention efforts to prod the U.N. Security Council to"
            " take action against the North."
        ),
        (
            "Bush is seeking a strong international response to the tests, while Roh's government"
            ' has called for "patient dialogue."'
        ),
        (
            "The presidential statement said the two \"shared the view that North Korea's missile "
            'launches are a "grave provocative act" and agreed to closely cooperate to solve the '
            "issue through diplomatic efforts."
        ),
        (
            "Roh's office also stressed the importance of cooperating with China, Japan and "
            "Russia — which also participate in international talks on ending the North's nuclear"
            " program — according to the statement."
        ),
        (
            "That approach was echoed by Lee in his comments before lawmakers, in which he called"
            " for a meeting among the five countries trying to get the North to abandon its "
            "nuclear ambitions through the six-party talks."
        ),
        '"North Korea should quickly return to the six-way talks.',
        (
            'But if it will not be case, it will be considerably useful" to convene the five, Lee'
            " said, referring to the United States, South Korea, China, Russia and Japan."
        ),
    ],
    "003_69fcd08b81137b58.txt": [
        (
            "China's special representative for the Korean Peninsula, Wu Dawei, met with his "
            "Japanese counterpart Tuesday to show a concerted effort to deal with North Korea's "
            "growing nuclear ambitions."
        ),
        (
            "The meeting comes at a time when the efficacy of recent United Nations sanctions "
            "hinges largely on China's thorough implementation of them."
        ),
        (
            "In talks with Kimihiro Ishikane, director-general of the Foreign Ministry's Asian "
            "and Oceanian Affairs Bureau, Wu agreed that they will closely cooperate in "
            "implementing the U.N. resolution, which imposed the toughest sanctions on the North "
            "to date."
        ),
        (
            '"China and Japan agreed that we will have close consultation on this issue," Wu told'
            " reporters after the meeting, which lasted more than 90 minutes."
        ),
        (
            "This is the first time Wu has visited Japan in his official capacity since Prime "
            "Minister Shinzo Abe took office in December 2012."
        ),
        "He also visited South Korea in late February for the first time in almost five years.",
        (
            "Wu's active diplomacy implies that Beijing wants to exert its influence over the "
            "North, though Beijing has to perform a delicate balancing act as both Pyongyang's "
            "biggest economic partner and a permanent seat holder at the U.N. Security Council."
        ),
        (
            "A month after the U.N. resolution was adopted unanimously, Pyongyang's provocative "
            "acts continue, and its attitude toward China has hardened."
        ),
        (
            "In a rare and only slightly veiled criticism of China on Monday, Rodong Sinmun, the "
            "official newspaper of North Korea's Workers' Party, said a big country that values "
            "saving face gave in to the threats and demands of the U.S., abandoning its "
            "friendship with the North."
        ),
        (
            "Also on Monday, 38 North, a U.S. website monitoring North Korea, said recent "
            'satellite imagery showed "suspicious activity" at the country\'s nuclear complex, a '
            "sign Pyongyang might be enriching weapons-grade plutonium from spent nuclear fuel."
        ),
        (
            "During the Nuclear Security Summit, which ended Friday in Washington, U.S. President"
            " Barack Obama and Chinese President Xi Jinping agreed to full implementation of the "
            "U.N. sanctions while Japan, the U.S., and South Korea pledged in their trilateral "
            "meeting to walk in lockstep to counter Pyongyang's nuclear provocations."
        ),
        (
            "Yet China, which shares a border with the impoverished nation, has maintained the "
            "importance of conducting talks with Pyongyang."
        ),
        (
            "Ahead of Wu's visit, Chinese foreign ministry spokesman Hong Lei said on Friday that"
            " Wu planned to discuss the resumption of six-party talks, which are aimed at "
            "denuclearizing the Korean Peninsula."
        ),
        (
            "The talks, which involve North Korea, South Korea, China, the U.S., Russia and "
            "Japan, have been stalled since late 2008."
        ),
        (
            "Wu did not say he and Ishikane discussed the six-party talks, but countries such as "
            "the U.S. and Japan have been reluctant to hold talks with the defiant North unless "
            "it demonstrated a step toward denuclearization."
        ),
        (
            '"I do think the six-party talks are an effective framework," Foreign Minister Fumio '
            "Kishida told reporters Tuesday."
        ),
        (
            '"Yet given the current situation, North Korea should first take positive and '
            'constructive measures toward denuclearization of the Korean Peninsula."'
        ),
        (
            "Meanwhile, Wu's visit also came five days before the Group of Seven foreign "
            "ministers' meeting kicks off in Hiroshima, where Japan hopes to bring up various "
            "issues, including simmering tensions in the South China Sea."
        ),
        (
            'Asked about the nautical disputes, Wu said, "Japan has nothing to do with the South '
            'China Sea."'
        ),
        (
            "Although Japan is not directly involved with the South China Sea, where Beijing is "
            "engaged in land-reclamation projects, China has been alarmed by the actions of "
            "Japan's Self-Defense Forces, which have been loaning defense equipment and providing"
            " capacity-building to Southeast Asian countries."
        ),
        (
            "On Sunday, the Maritime Self-Defense Force training submarine Oyashio made a "
            "goodwill visit to the Philippines for the first time in 15 years together with the "
            "destroyers Ariake and Setogiri."
        ),
        (
            "Despite the underlying tensions, Kishida emphasized that bilateral relations with "
            "China were generally improving, and he still hoped to visit Beijing during the "
            "spring."
        ),
        (
            "Wu said that Chinese Foreign Minister Wang Yi welcomed Kishida's possible visit and "
            "the two countries were working to coordinate it."
        ),
        "With your current subscription plan you can comment on stories.",
        (
            "However, before writing your first comment, please create a display name in the "
            "Profile section of your subscriber account page."
        ),
    ],
}


@pytest.mark.parametrize("name", sorted(SEED_SENTENCES))
def test_seed_articles_split_exactly(name: str) -> None:
    """Each seed article splits as a careful reader would, title line included."""
    text = (SEEDS / name).read_text(encoding="utf-8")
    assert sentences(text) == SEED_SENTENCES[name]


def test_every_seed_file_has_expectations() -> None:
    """A new seed file cannot slip in without its expected sentences."""
    assert sorted(path.name for path in SEEDS.glob("*.txt")) == sorted(SEED_SENTENCES)


@pytest.mark.parametrize("name", sorted(SEED_SENTENCES))
def test_seed_offsets_and_paragraphs(name: str) -> None:
    """Seed spans obey the offset invariants; paragraphs follow non-empty lines."""
    text = (SEEDS / name).read_text(encoding="utf-8")
    spans = split_sentences(text)
    assert_invariants(text, spans)
    first_of_line: dict[int, str] = {}
    for span in spans:
        first_of_line.setdefault(span.paragraph, text[span.start : span.end])
    lines = [line for line in text.split("\n") if line.strip()]
    assert all(lines[p].startswith(first) for p, first in first_of_line.items())


@pytest.mark.parametrize(
    "text",
    [
        "The U.N. Security Council met on Monday.",
        "U.N. Security Council members met on Monday.",
        "U.S. President George W. Bush spoke on Monday.",
        "He met U.S. President George W. Bush on Monday.",
        "He met the U.S. President George W. Bush on Monday.",
        "U.S. Defense Secretary Donald H. Rumsfeld agreed.",
        "They met on Jan. 5 in Tokyo.",
        "It was signed on Feb. 3, Aug. 4, Sept. 5, Oct. 6, Nov. 7 and Dec. 8.",
        "Mr. Smith went to Washington.",
        "Growth was 3.5 percent last year.",
        "Japan and the U.S. are proposing harsh punishment.",
        "Countries such as the U.S. and Japan have been reluctant.",
        "He met Gen. Smith, Sen. Jones, Rep. Brown and Dr. Jones.",
        "Ms. Jones, Mrs. Smith, Prof. Lee, Gov. Brown, Lt. Col. Ahn and Capt. Kirk met.",
        "She flew to St. Louis and visited St. Paul's Cathedral.",
        "Acme Co. and Foo Corp. and Bar Inc. and Baz Ltd. merged.",
        "Shares of Acme Corp. rose 3.5 percent on Jan. 5, the company said.",
        "Author J. K. Rowling and John F. Kennedy met.",
        "He works for the U.S. Army in Washington, D.C. and lives in N.Y. now.",
    ],
)
def test_abbreviations_never_split(text: str) -> None:
    """Standard news abbreviations, initials and decimals do not end a sentence."""
    assert sentences(text) == [text]
    assert sentences(f"It rained. {text}") == ["It rained.", text]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "He moved to the U.S. The rest is history.",
            ["He moved to the U.S.", "The rest is history."],
        ),
        ("He lives on Main St. The house is old.", ["He lives on Main St.", "The house is old."]),
        (
            "Shares of Acme Inc. fell. It said nothing.",
            ["Shares of Acme Inc. fell.", "It said nothing."],
        ),
        ("Prices rose. Inc. magazine said so.", ["Prices rose.", "Inc. magazine said so."]),
        (
            "Was it a U.S. plan? No. It was a U.N. plan!",
            ["Was it a U.S. plan?", "No.", "It was a U.N. plan!"],
        ),
    ],
)
def test_abbreviation_that_really_ends_a_sentence(text: str, expected: list[str]) -> None:
    """An abbreviation at the real end of a sentence still lets the next one start."""
    assert sentences(text) == expected


def test_title_abbreviation_never_ends_a_sentence() -> None:
    """Rule: a title such as Dr. is followed by a name, even one like 'Who'."""
    text = "The series starred Dr. Who and (Dr. Who) again."
    assert sentences(text) == [text]
    assert sentences('"Dr. Who is back," he said.') == ['"Dr. Who is back," he said.']


def test_sentences_inside_a_quotation_are_split() -> None:
    """Rule: a quotation holding several sentences yields one span per sentence."""
    text = '"Cool clock, Ahmed. Want to bring it to the White House? We should inspire kids."'
    assert sentences(text) == [
        '"Cool clock, Ahmed.',
        "Want to bring it to the White House?",
        'We should inspire kids."',
    ]


def test_curly_quotation_is_split_too() -> None:
    """Rule: typographic quotation marks behave like straight ones."""
    text = "\u201cIt is over. We lost,\u201d he said."
    assert sentences(text) == ["\u201cIt is over.", "We lost,\u201d he said."]


def test_closing_quote_stays_with_its_sentence() -> None:
    """Rule: the closing mark after a full stop ends the sentence it closes."""
    text = 'He said "it is over." Then he left. "Go." "Now."'
    assert sentences(text) == ['He said "it is over."', "Then he left.", '"Go."', '"Now."']


def test_quote_ending_in_comma_is_one_sentence() -> None:
    """A quotation closed by a comma and an attribution stays one sentence."""
    text = (
        '"China and Japan agreed that we will have close consultation on this issue,"'
        " Wu told reporters after the meeting."
    )
    assert sentences(text) == [text]


@pytest.mark.parametrize("separator", ["\n", "\n\n", "\n \n\t\n"])
def test_every_line_break_is_a_boundary(separator: str) -> None:
    """Rule: single newlines and blank lines both end a sentence and a paragraph."""
    text = f"A headline without a stop{separator}First sentence. Second one{separator}Last"
    spans = split_sentences(text)
    assert [text[s.start : s.end] for s in spans] == [
        "A headline without a stop",
        "First sentence.",
        "Second one",
        "Last",
    ]
    assert [s.paragraph for s in spans] == [0, 1, 1, 2]


def test_offsets_point_into_the_original_text() -> None:
    """Offsets count characters of the input, leading whitespace and all."""
    text = "  \n\n  Caf\u00e9 — d\u00e9j\u00e0 vu. Next 😀 one.  \n"
    spans = split_sentences(text)
    assert spans == [SentenceSpan(6, 21, 0), SentenceSpan(22, 33, 0)]
    assert sentences(text) == ["Café — déjà vu.", "Next 😀 one."]


@pytest.mark.parametrize("text", ["", " ", "\n", "\n\n\n", " \t \n  \n"])
def test_empty_or_blank_text_has_no_sentences(text: str) -> None:
    """Nothing visible, nothing to split."""
    assert split_sentences(text) == []


def test_text_without_punctuation_is_one_sentence() -> None:
    """A line with no sentence-final mark is still a sentence."""
    assert sentences("  no punctuation here  ") == ["no punctuation here"]


def test_stray_carriage_return_never_enters_a_sentence() -> None:
    """Input is expected to use \\n only; a leftover \\r is trimmed as whitespace."""
    text = "First line.\r\nSecond. Third.\r\n"
    spans = split_sentences(text)
    assert sentences(text) == ["First line.", "Second.", "Third."]
    assert [s.paragraph for s in spans] == [0, 1, 1]


def test_spans_are_frozen_values() -> None:
    """Spans compare by value and cannot be changed in place."""
    span = SentenceSpan(0, 3, 0)
    assert span == SentenceSpan(0, 3, 0)
    with pytest.raises(AttributeError):
        span.start = 1  # type: ignore[misc]


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("aB .?!\"\u201c\u201d'(),\n\t\r;:-U.S.Dr0 é"))))
def test_invariants_hold_for_any_text(text: str) -> None:
    """Offsets stay tight, ordered and complete on arbitrary punctuation soup."""
    assert_invariants(text, split_sentences(text))


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_invariants_hold_for_any_unicode(text: str) -> None:
    """Offsets stay valid for any Unicode text, not only ASCII."""
    assert_invariants(text, split_sentences(text))


def _tight_end(text: str, end: int) -> int:
    while end > 0 and text[end - 1].isspace():
        end -= 1
    return end


@pytest.mark.skipif(not GOLD.exists(), reason="gold data not available")
def test_boundary_f1_on_gold_news() -> None:
    """Boundary F1 on the GUM news gold sentences stays at 0.97 or above."""
    docs = json.loads(GOLD.read_text(encoding="utf-8"))
    hits = predicted = expected = 0
    for doc in docs:
        text = doc["text"]
        gold = {_tight_end(text, end) for _, end in doc["spans"]}
        ours = {span.end for span in split_sentences(text)}
        hits += len(gold & ours)
        predicted += len(ours)
        expected += len(gold)
    precision, recall = hits / predicted, hits / expected
    f1 = 2 * precision * recall / (precision + recall)
    assert f1 >= 0.97, f"F1 {f1:.3f} (precision {precision:.3f}, recall {recall:.3f})"
