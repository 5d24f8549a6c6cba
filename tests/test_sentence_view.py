"""The reader pane's scrollbar follows its text in the same frame as the text changes."""

from __future__ import annotations

from reader.store import Store
from reader.tui.widgets import Badge, SentenceView
from tests.helpers import run_reader


async def test_new_badge_line_updates_the_scrollbar_at_once(store: Store) -> None:
    """A badge that adds a line grows the text; the scrollbar's thumb is sized for the new
    height before any layout pass (one more frame later), and removing it shrinks it back."""
    seen: list[tuple[int, int]] = []
    async with run_reader(store) as ui:
        view = ui.app.screen.query_one(SentenceView)
        assert view.show_vertical_scrollbar  # the first seed article overflows 40 rows
        sentence = ui.app.main.sentences[3]
        before = view.virtual_size.height
        view.update_sentence(sentence.id, [Badge("Japan · Support")], no_claim=False)
        seen.append(
            (view.virtual_size.height - before, view.vertical_scrollbar.window_virtual_size)
        )
        view.update_sentence(sentence.id, [], no_claim=False)
        seen.append(
            (view.virtual_size.height - before, view.vertical_scrollbar.window_virtual_size)
        )
        await ui.pilot.pause()
    (grown, thumb_grown), (shrunk, thumb_shrunk) = seen
    assert grown == 1 and shrunk == 0
    assert thumb_grown - thumb_shrunk == 1
