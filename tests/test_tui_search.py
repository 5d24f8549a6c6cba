"""The reader brings the search index up to date in the background, and filters meanwhile."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

import pytest
from textual.pilot import Pilot

from reader.store import Store
from reader.tui.app import ReaderApp
from reader.tui.screens import navigation
from reader.tui.widgets import ArticleList

Scenario = Callable[[Pilot[None], ReaderApp], Awaitable[None]]


def run(store: Store, scenario: Scenario) -> None:
    app = ReaderApp(store, db_label="test.db")

    async def main() -> None:
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            await scenario(pilot, app)

    asyncio.run(main())


async def settle(app: ReaderApp) -> None:
    """Wait until the screen's background work (the search index) has finished."""
    await app.workers.wait_for_complete()


def test_reader_indexes_new_articles_after_it_opens(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Seeds imported just now are not indexed; shortly after the screen opens they are."""
    monkeypatch.setattr(navigation, "SEARCH_INDEX_DELAY", 0.01)
    assert store.search_backlog() == 3
    backlog: list[int] = []

    async def scenario(pilot: Pilot[None], app: ReaderApp) -> None:
        await pilot.pause(0.1)
        await settle(app)
        backlog.append(store.search_backlog())

    run(store, scenario)
    assert backlog == [0]


def test_filter_before_the_index_caught_up_shows_every_match(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A filter typed at once (index still empty) lists what it lists once indexed."""
    monkeypatch.setattr(navigation, "SEARCH_INDEX_DELAY", 3600)
    expected = store.article_count("Nakasone")
    counts: list[int] = []

    async def scenario(pilot: Pilot[None], app: ReaderApp) -> None:
        listing = app.screen.query_one(ArticleList)
        await pilot.press("slash", *"Nakasone")
        counts.append(listing.count)
        await settle(app)  # `/` started the indexing too
        await pilot.press("escape", "slash", *"Nakasone")
        counts.append(listing.count)

    run(store, scenario)
    assert store.search_backlog() == 0
    assert counts == [expected, expected] and expected == 1
