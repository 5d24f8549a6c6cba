"""The coding screen's moving keys: sentences, articles, the next uncoded sentence, the filter.

Kept apart from the coding keys because none of these writes anything but the coder's place;
they only choose what ``ArticleScreen`` shows.
"""

from __future__ import annotations

import time

from textual import on
from textual.worker import Worker, get_current_worker

from reader.tui.damage import survives_damage
from reader.tui.screens.article_screen import ArticleScreen
from reader.tui.widgets import ArticleList, SentenceView

FILTER_BURST = 1 / 60
"""Seconds after a search within which a letter typed into the filter waits for the letters
that came with it: a frame. Letters typed one by one, however fast a hand types, come further
apart and each filter at once."""

SEARCH_INDEX_DELAY = 1.0
"""Seconds after the screen opens before articles imported since the last session are indexed
for search: the first frame and the first keys go first."""


class NavigationActions(ArticleScreen):
    """Actions and handlers that move the highlight or change which articles are listed."""

    _indexer: Worker[None] | None = None
    _filter_queued = False
    """A search waits for the letters typed with the last one (``_filter_changed``)."""
    _filter_ran = 0.0
    """When the last search ended (``time.monotonic``)."""

    # -- moving -------------------------------------------------------------------------------

    def action_move(self, step: int) -> None:
        self.select(self.reader.cursor + step)

    def action_jump(self, index: int) -> None:
        self.select(index if index >= 0 else len(self.sentences) - 1)

    def action_article(self, step: int) -> None:
        if self.article is None:
            return
        target = self.store.adjacent_article_id(self.article.id, step, self.article_list.query_text)
        if target is None:
            self.notify(
                "No more articles" if step > 0 else "This is the first article", markup=False
            )
            return
        self.open_article(target)

    def action_open_sentence(self, step: int) -> None:
        """Go to the nearest sentence this coder has not coded yet, across articles."""
        sentence = self.current_sentence
        if self.article is None:
            return
        position = sentence.position if sentence else -1
        found = self.store.next_open_sentence(self.article.id, position, step)
        if found is None:
            where = "after" if step > 0 else "before"
            self.notify(f"Every sentence {where} this is coded", markup=False)
            return
        article_id, sentence_id = found
        if article_id == self.article.id:
            index = self.reader.index_of(sentence_id)
            if index is not None:
                self.select(index)
        else:
            self.open_article(article_id, sentence_id)

    @on(ArticleList.Opened)
    @survives_damage
    def _open_from_list(self, event: ArticleList.Opened) -> None:
        self.open_article(event.article_id)
        self.set_focus(self.reader)

    @on(SentenceView.Clicked)
    @survives_damage
    def _select_clicked(self, event: SentenceView.Clicked) -> None:
        self.select(event.index)

    @survives_damage
    def jump_to_article(self, article_id: int) -> None:
        """Open an article chosen elsewhere (the command palette) and give the reader focus."""
        self.open_article(article_id)
        self.set_focus(self.reader)

    def action_other_articles(self) -> None:
        """With assignments: show every article, or only this coder's again."""
        self.store.all_articles = not self.store.all_articles
        done, self.total_sentences = self.store.progress()
        self._apply_filter(self.article_list.query_text)
        self._show_progress(done)
        shown = "every article" if self.store.all_articles else "your articles"
        self.notify(f"The list shows {shown}", markup=False)

    # -- filtering ----------------------------------------------------------------------------

    def on_mount(self) -> None:
        self.set_timer(SEARCH_INDEX_DELAY, self._index_for_search)
        # Not Input.Changed: that message reaches the screen after the box has drawn the letter.
        self.watch(self.filter_box, "value", self._filter_changed, init=False)

    def _index_for_search(self) -> None:
        """Index the articles the search index does not hold yet, in a background thread.

        A filter typed meanwhile is still complete (the store scans the rest), only slower; each
        chunk is a short transaction, so the coder's own writes never wait long.
        """
        if self._indexer is not None and not self._indexer.is_finished:
            return
        job = self.store.search_index_job()
        if job is None:
            return

        def catch_up() -> None:
            worker = get_current_worker()
            job(lambda: worker.is_cancelled)

        self._indexer = self.run_worker(
            catch_up, thread=True, group="search-index", exit_on_error=False
        )

    def action_filter(self) -> None:
        """Open the filter box over the top of the list and give it the keys.

        Shown over the list, the box is no layout change: opening it (and closing it untyped)
        repaints its own rows, the key bar and the reader's highlight, not the list. The list
        makes room for it once a filter is typed (``_apply_filter``), when all of its rows
        change anyway, or kept (``action_filter_done``).
        """
        self._index_for_search()
        box = self.filter_box
        box.display = True
        # Focus now, not after the next refresh: letters typed right after / must filter, not
        # run the coding keys they are bound to.
        self.set_focus(box)
        self._refresh_keys()

    def action_clear_filter(self) -> None:
        box = self.filter_box
        box.display = False
        self._make_room(False)
        box.value = ""
        if self.article_list.query_text:
            # The box was empty already, or its emptying waits for the letters typed before.
            self._apply_filter("")
        self.set_focus(self.reader)

    def action_filter_done(self) -> None:
        """Enter in the search box: the list stays filtered and the reader takes the keys again
        at once, so the letters typed next are commands, not more search."""
        self._make_room()
        self.set_focus(self.reader)
        self._refresh_keys()

    def _make_room(self, room: bool = True) -> None:
        """Move the list's rows down under the open filter box (or back up, ``room=False``)."""
        self.article_list.leave_gap(self._box_lines() if room else 0)

    def _box_lines(self) -> int:
        """The lines the filter box covers at the top of the list."""
        box = self.filter_box
        height = box.styles.height
        cells = height.cells if height is not None else None
        return (cells or 0) + box.styles.margin.height

    @survives_damage
    def _filter_changed(self) -> None:
        """Filter the list within the key that changed the box, so that the letter and the list
        it filters are drawn in one frame.

        Letters that come while a search has only just run (a word typed fast, or pasted) are
        taken together, once the keys already waiting have reached the box: such a word runs
        one or two searches rather than one per letter, so the list follows its last letter
        sooner.
        """
        if self._filter_queued:
            return
        if time.monotonic() - self._filter_ran < FILTER_BURST:
            self._filter_queued = True
            self.call_later(self._filter_typed)
        else:
            self._filter_typed()

    @survives_damage
    def _filter_typed(self) -> None:
        self._filter_queued = False
        typed = self.filter_box.value
        if typed.strip() != self.article_list.query_text:
            self._apply_filter(typed)
            self._filter_ran = time.monotonic()

    def _apply_filter(self, query: str) -> None:
        listing = self.article_list
        room = bool(query.strip()) and self.filter_box.display
        listing.reload(query.strip(), gap=self._box_lines() if room else None)
        index = None
        if self.article is not None:
            index = listing.row_of(self.article.id)
            if index is None:
                index = self.store.article_index(self.article.id, listing.query_text)
        listing.show_open(self.current_article_id, index if index is not None else 0)
        self._refresh_keys()
