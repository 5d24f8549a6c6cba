"""The reader brings the search index up to date in the background, and filters meanwhile."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.app import App

from reader.exchange.importing import import_paths
from reader.store import Store
from reader.tui.screens import navigation
from reader.tui.widgets import ArticleList
from tests.helpers import run_reader


async def settle(app: App[None]) -> None:
    """Wait until the screen's background work (the search index) has finished."""
    await app.workers.wait_for_complete()


async def test_reader_indexes_new_articles_after_it_opens(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Seeds imported just now are not indexed; shortly after the screen opens they are."""
    monkeypatch.setattr(navigation, "SEARCH_INDEX_DELAY", 0.01)
    assert store.search_backlog() == 3
    async with run_reader(store) as ui:
        await ui.pilot.pause(0.1)
        await settle(ui.app)
        assert store.search_backlog() == 0


async def test_filter_before_the_index_caught_up_shows_every_match(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A filter typed at once (index still empty) lists what it lists once indexed."""
    monkeypatch.setattr(navigation, "SEARCH_INDEX_DELAY", 3600)
    expected = store.article_count("Nakasone")
    counts: list[int] = []
    async with run_reader(store) as ui:
        listing = ui.app.screen.query_one(ArticleList)
        await ui.press("slash", *"Nakasone")
        counts.append(listing.count)
        await settle(ui.app)  # `/` started the indexing too
        await ui.press("escape", "slash", *"Nakasone")
        counts.append(listing.count)
    assert store.search_backlog() == 0
    assert counts == [expected, expected] and expected == 1


async def test_the_open_article_stays_in_sight_below_a_kept_filter(
    store: Store, tmp_path: Path
) -> None:
    """With a filter kept (its box left open over the top of the list), ``n`` through 40 matching
    articles and ``p`` back keep the open article's row drawn below the box, never under it:
    the list scrolls for it within the lines the box leaves."""
    folder = tmp_path / "parleys"
    folder.mkdir()
    for number in range(40):
        text = f"Parley round {number}\n\nThe parley went on for day {number}.\n"
        (folder / f"parley-{number:02}.txt").write_text(text, encoding="utf-8")
    import_paths(store, [folder])
    async with run_reader(store, (100, 24)) as ui:
        await ui.press("slash", *"parley", "enter")
        listing = ui.app.main.article_list
        assert listing.count == 40 and listing.gap == 3
        for key in ["n"] * 39 + ["p"] * 39:
            await ui.press(key)
            lines = [listing.render_line(y).text for y in range(listing.size.height)]
            marked = [y for y, line in enumerate(lines) if line.startswith("▶")]
            assert lines[: listing.gap] == [" " * listing.size.width] * listing.gap, key
            assert len(marked) == 1 and marked[0] >= listing.gap, key
            summary = listing.highlighted
            assert summary is not None and summary.id == ui.app.main.current_article_id
            assert lines[marked[0]][2:].startswith(summary.title[:10])
