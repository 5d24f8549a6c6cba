"""An article of 20,000 sentences: the reader lays out a window of it, and the highlighted
sentence is where the keys put it and on screen, whatever the jump, the window's edges or the
terminal's size."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from rich.text import Text

from reader.exchange.importing import import_paths
from reader.store import Store
from reader.tui.widgets import Badge, SentenceView
from reader.tui.widgets.sentence_view import BEFORE, WHOLE
from tests.helpers import run_reader

SENTENCES = 20_000


def words(index: int) -> str:
    """Sentence ``index`` as written: a number spelt out so that each is unique on screen."""
    return f"Japan urges a new round of talks, report {index:05d} says."


@pytest.fixture
def long_store(store: Store, tmp_path: Path) -> Iterator[Store]:
    """The seeds, then one article of ``SENTENCES`` sentences in paragraphs of three, open."""
    text = "\n\n".join(
        " ".join(words(i) for i in range(first, first + 3)) for first in range(0, SENTENCES, 3)
    )
    path = tmp_path / "long.txt"
    path.write_text(text[: text.index(words(SENTENCES - 1)) + len(words(SENTENCES - 1))] + "\n")
    import_paths(store, [path])
    article = max(store.article_ids())
    store.set_state("position", f"{article}:")
    assert SENTENCES > WHOLE
    yield store


def shown(view: SentenceView) -> str:
    """The reader's lines on screen, without the highlight's gutter, joined into one line."""
    return " ".join(" ".join(line[2:] for line in view.visible_text().splitlines()).split())


async def test_g_shows_the_last_sentence_highlighted(long_store: Store) -> None:
    """``G`` puts the highlight on the last sentence and shows it; ``g`` goes back to the first."""
    async with run_reader(long_store) as ui:
        main = ui.app.main
        assert len(main.sentences) == SENTENCES
        await ui.press("G")
        assert main.reader.cursor == SENTENCES - 1
        assert main.current_sentence is not None
        assert main.current_sentence.text == words(SENTENCES - 1)
        assert words(SENTENCES - 1) in shown(main.reader)
        await ui.press("g")
        assert main.reader.cursor == 0
        assert words(0) in shown(main.reader)


async def test_j_and_k_cross_the_window_edges(long_store: Store) -> None:
    """Moving one sentence at a time past the laid-out window, down and back up, keeps the
    highlighted sentence the one the panel names and on screen at every step."""
    async with run_reader(long_store) as ui:
        main, view = ui.app.main, ui.app.main.reader
        end = view._last  # the first window's end: the sentences after it are not laid out
        main.select(end - 8)
        for index in range(end - 4, end + 12, 4):
            await ui.press(*["j"] * 4)
            assert view.cursor == index
            assert words(index) in shown(view)
        await ui.press("G")
        start = view._first  # the last window's start
        assert start > SENTENCES - BEFORE - 2
        main.select(start + 8)
        for index in range(start + 4, start - 12, -4):
            await ui.press(*["k"] * 4)
            assert main.current_sentence is not None
            assert main.current_sentence.text == words(index)
            assert words(index) in shown(view)


async def test_coding_far_down_stores_that_sentence(long_store: Store) -> None:
    """An annotation made at the last sentence, and at one in the middle, is stored on that
    sentence (its id)."""
    async with run_reader(long_store) as ui:
        main = ui.app.main
        await ui.press("G", "a", "enter", "1", "enter")
        last = main.sentences[SENTENCES - 1]
        found = long_store.annotations_for_sentence(last.id)
        assert [a.sentence_id for a in found] == [last.id]
        main.select(SENTENCES // 2)
        await ui.press("a", "enter", "2", "enter")
        middle = main.sentences[SENTENCES // 2]
        assert middle.text == words(SENTENCES // 2)
        assert [a.sentence_id for a in long_store.annotations_for_sentence(middle.id)] == [
            middle.id
        ]


async def test_resize_keeps_the_current_sentence_on_screen(long_store: Store) -> None:
    """Narrower and wider terminals re-wrap the window; the highlighted sentence, deep in the
    article, stays on screen each time."""
    async with run_reader(long_store) as ui:
        main = ui.app.main
        main.select(12_345)
        await ui.pilot.pause()
        for size in ((80, 24), (150, 50), (60, 20), (120, 40)):
            await ui.pilot.resize_terminal(*size)
            await ui.pilot.pause()
            assert main.reader.cursor == 12_345
            assert words(12_345) in shown(main.reader)


async def test_a_jump_into_the_middle_and_on(long_store: Store) -> None:
    """The reader reopened at a sentence in the middle (as the saved place, the palette or
    ``]`` opens one) shows it highlighted; ``]`` then goes to the next uncoded one and ``k``
    back, across the window."""
    article = max(long_store.article_ids())
    middle = long_store.article_sentences(article)[9_999]
    long_store.set_state("position", f"{article}:{middle.id}")
    long_store.set_no_claim(long_store.article_sentences(article)[10_000].id, True)
    async with run_reader(long_store) as ui:
        main = ui.app.main
        assert main.reader.cursor == 9_999
        assert words(9_999) in shown(main.reader)
        await ui.press("right_square_bracket")
        assert main.reader.cursor == 10_001
        assert words(10_001) in shown(main.reader)
        await ui.press("k", "k")
        assert main.reader.cursor == 9_999
        assert words(9_999) in shown(main.reader)


async def test_scrolling_far_lays_out_what_comes_into_view(long_store: Store) -> None:
    """Scrolling (the wheel, the scrollbar, page keys) to lines far outside the window lays
    out the sentences there: the screen is never blank, and scrolling back shows the start."""
    async with run_reader(long_store) as ui:
        view = ui.app.main.reader
        for y in (view.virtual_size.height // 2, view.max_scroll_y, 0):
            view.scroll_to(y=y, animate=False, immediate=True)
            await ui.pilot.pause()
            assert "Japan urges a new round of talks" in shown(view)
        assert words(0) in shown(view)
        assert view.cursor == 0


async def test_resize_across_the_narrow_edge_reflows_text_and_badges(long_store: Store) -> None:
    """Deep in the article, between 120x40 and 80x24 (the panel moving under the reader and
    back): the highlighted sentence, its neighbours and its badges are shown whole in lines
    of the reader's width, and the panel beside the reader or under it."""
    badges = [Badge(f"Japan · Support · talks {n}") for n in range(3)]
    async with run_reader(long_store) as ui:
        main, view = ui.app.main, ui.app.main.reader
        main.select(12_345)
        view.update_sentence(main.sentences[12_345].id, badges, no_claim=False)
        await ui.pilot.pause()
        for size in ((80, 24), (120, 40), (80, 24), (120, 40)):
            await ui.pilot.resize_terminal(*size)
            await ui.pilot.pause()
            assert view.cursor == 12_345
            lines = view.visible_text().splitlines()
            assert all(len(line) <= view.scrollable_content_region.width for line in lines)
            text = shown(view)
            assert words(12_345) in text
            assert all(badge.text in text for badge in badges)
            assert words(12_344) in text or words(12_346) in text
            panel, reader = main.panel.region, view.region
            if size[0] < main.NARROW:
                assert panel.y >= reader.bottom and panel.width == size[0]
            else:
                assert panel.x >= reader.right and panel.y == reader.y


async def test_a_resize_wraps_a_screen_either_side_once(
    long_store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """After a long read the reader has hundreds of sentences laid out; a resize wraps again
    only those around the highlight (a screen either side), each once, not the whole window."""
    wrapped: list[int] = []
    wrap = SentenceView._wrap

    def counting(view: SentenceView, index: int) -> list[Text]:
        if index not in view._wrapped:
            wrapped.append(index)
        return wrap(view, index)

    async with run_reader(long_store) as ui:
        main, view = ui.app.main, ui.app.main.reader
        for index in range(5_000, 5_600, 20):
            main.select(index)
        await ui.pilot.pause()
        assert view._last - view._first > 500
        monkeypatch.setattr(SentenceView, "_wrap", counting)
        for size in ((100, 40), (120, 40), (80, 24)):
            wrapped.clear()
            await ui.pilot.resize_terminal(*size)
            await ui.pilot.pause()
            assert words(5_580) in shown(view)
            assert len(wrapped) == len(set(wrapped))
            assert len(wrapped) <= 2 * size[1]
