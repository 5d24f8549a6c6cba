"""The reader pane's scrollbar follows its text in the same frame as the text changes."""

from __future__ import annotations

import asyncio

from reader.store import Store
from reader.tui.app import ReaderApp
from reader.tui.widgets import Badge, SentenceView


def test_new_badge_line_updates_the_scrollbar_at_once(store: Store) -> None:
    """A badge that adds a line grows the text; the scrollbar's thumb is sized for the new
    height before any layout pass (one more frame later), and removing it shrinks it back."""
    seen: list[tuple[int, int]] = []

    async def main() -> None:
        app = ReaderApp(store, db_label="test.db")
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            view = app.screen.query_one(SentenceView)
            assert view.show_vertical_scrollbar  # the first seed article overflows 40 rows
            sentence = app.screen.sentences[3]
            before = view.virtual_size.height
            view.update_sentence(sentence.id, [Badge("Japan · Support")], no_claim=False)
            seen.append(
                (view.virtual_size.height - before, view.vertical_scrollbar.window_virtual_size)
            )
            view.update_sentence(sentence.id, [], no_claim=False)
            seen.append(
                (view.virtual_size.height - before, view.vertical_scrollbar.window_virtual_size)
            )
            await pilot.pause()

    asyncio.run(main())
    (grown, thumb_grown), (shrunk, thumb_shrunk) = seen
    assert grown == 1 and shrunk == 0
    assert thumb_grown - thumb_shrunk == 1
