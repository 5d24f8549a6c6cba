"""``reader.text.visible``: every control character gets its placeholder, nothing else changes."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from reader.text.visible import (
    CONTROLS,
    cell_width,
    fit_cells,
    same_length,
    shown_offsets,
    visible,
)

C0 = [chr(code) for code in range(0x20) if chr(code) not in "\t\n"]
C1 = [chr(code) for code in range(0x80, 0xA0)]
BIDI = [chr(code) for code in (*range(0x202A, 0x202F), *range(0x2066, 0x206A))]

ANY = st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=80)
WITH_CONTROLS = st.text(
    alphabet=st.sampled_from([*C0, "\t", "\n", "\x7f", *C1, *BIDI, "a", "é", "日", " "]),
    max_size=40,
)


def test_each_c0_control_and_del_is_its_control_picture() -> None:
    """C0 (but tab and newline) and DEL: one Control Picture each, ␛ for ESC, ␡ for DEL."""
    for char in C0:
        assert visible(char) == chr(0x2400 + ord(char))
    assert visible("\x1b]0;title\x07") == "␛]0;title␇"
    assert visible("\x7f") == "␡"


def test_tab_and_newline_are_kept_unless_one_line() -> None:
    assert visible("a\tb\nc") == "a\tb\nc"
    assert visible("a\tb\nc\r\n", one_line=True) == "a␉b␊c␍␊"


def test_c1_and_bidi_controls_show_their_code_point() -> None:
    """C1 and bidi controls have no picture: their code point, ⟨U+XXXX⟩."""
    assert visible("\x9b2J") == "⟨U+009B⟩2J"
    assert visible("\x85") == "⟨U+0085⟩"
    assert visible("abc\u202edef\u2069") == "abc⟨U+202E⟩def⟨U+2069⟩"
    for char in [*C1, *BIDI]:
        assert visible(char) == f"⟨U+{ord(char):04X}⟩"


def test_markup_and_ordinary_text_are_left_alone() -> None:
    """Brackets are not this module's business (the TUI never reads data as markup)."""
    text = "[b]Kim[/b] [link=file:///etc/passwd]x[/link] 日本 e\u0301 \u200b"
    assert visible(text) == text


@settings(max_examples=200, deadline=None)
@given(ANY)
def test_visible_leaves_no_control_character(text: str) -> None:
    assert not CONTROLS.intersection(visible(text, one_line=True))
    assert not CONTROLS.intersection(same_length(text, one_line=True))
    assert CONTROLS.intersection(visible(text)) <= {"\t", "\n"}
    if not CONTROLS.intersection(text):
        assert visible(text, one_line=True) == text


@settings(max_examples=200, deadline=None)
@given(WITH_CONTROLS)
def test_offsets_follow_the_longer_placeholders(text: str) -> None:
    """``shown_offsets`` maps every offset of the stored text to the same place once shown;
    ``same_length`` keeps every offset where it was."""
    shown = visible(text)
    assert len(same_length(text)) == len(text)
    offsets = shown_offsets(text)
    if offsets is None:
        assert len(shown) == len(text)
        return
    assert len(offsets) == len(text) + 1
    for i in range(len(text) + 1):
        assert offsets[i] == len(visible(text[:i]))
        assert shown[offsets[i] :] == visible(text[i:])


def test_cell_width_counts_terminal_cells() -> None:
    assert cell_width("abc") == 3
    assert cell_width("日本") == 4
    assert cell_width("e\u0301") == 1
    assert cell_width("␛⟨U+202E⟩") == 9


def test_fit_cells_cuts_with_an_ellipsis() -> None:
    assert fit_cells("short", 10) == "short"
    assert fit_cells("x" * 10_000, 10) == "x" * 9 + "…"
    assert fit_cells("日本語のテキスト", 7) == "日本語…"
    assert cell_width(fit_cells("日本語のテキスト", 8)) <= 8
    assert fit_cells("abc", 0) == ""
