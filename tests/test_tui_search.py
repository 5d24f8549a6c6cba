"""The reader brings the search index up to date in the background, and filters meanwhile."""

from __future__ import annotations

import pytest
from textual.app import App

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
