"""What the coding screen has open, and how it redraws after a change.

The coding screen is split by concern: this base holds the open article, its annotations and the
codebook lookups, and knows how to redraw exactly what one committed change touched; the moving
keys (``navigation``) and the coding keys (``coding``) build on it, and ``main`` puts them together
with the layout and the key table. Every part reaches the same state through ``self``, so a change
made by any key is redrawn the same way.
"""

from __future__ import annotations

import bisect
import threading
from collections.abc import Callable, Sequence
from contextlib import suppress
from dataclasses import replace
from typing import TypeVar

from textual.screen import Screen
from textual.timer import Timer
from textual.widget import Widget

from reader.models import Actor, Annotation, Article, Codebook, Sentence, Target
from reader.store import Store, StoreError
from reader.store.article_pages import ArticleSentences
from reader.text.mentions import Mention, MentionFinder
from reader.tui.article_mentions import ArticleMentions
from reader.tui.coding_flow import Flow
from reader.tui.widgets import (
    AnnotationPanel,
    ArticleList,
    Badge,
    CodingPicker,
    LiteralInput,
    Notice,
    PanelItem,
    SentenceView,
    StatusBar,
)

T = TypeVar("T")

BUILD_AT_ONCE = 500
"""Actors up to which the mention finder is built before the first frame (about 0.1 s for 500
actors with aliases); a bigger codebook's is built on a thread (``_build_finder``)."""
READ_AHEAD_EVERY = 0.02
"""Seconds between two chunks of a long article's text read ahead (``_read_ahead``)."""

POSITION_KEY = "position"
"""ui_state key holding "article_id:sentence_id", the coder's place, saved on every move."""


class FinderBuild:
    """A codebook's ``MentionFinder`` compiled on a worker thread, and the actors the coder
    added while it was (taken in with ``MentionFinder.add`` once it is ready)."""

    def __init__(self, actors: Sequence[Actor]) -> None:
        self.actors = actors
        self.added: list[Actor] = []
        self._done = threading.Event()
        self._finder: MentionFinder | None = None

    def run(self) -> None:
        try:
            self._finder = MentionFinder(self.actors)
        finally:
            self._done.set()

    def wait(self) -> MentionFinder:
        """The finder, once built (built here if the thread failed or never started)."""
        if self.started:
            self._done.wait()
        return self._finder or MentionFinder(self.actors)

    started = False
    """Set by the screen when a worker thread runs ``run``."""


class ArticleScreen(Screen[None]):
    """The open article and its codes; the only part of the interface that talks to the Store.

    Each change is one Store call that has committed when it returns; only then does the screen
    redraw what the change touched (that sentence's badges, the panel, the list row, the progress
    line), so what is on screen is always what is on disk.
    """

    flow: Flow | None = None
    """The coding question on screen, if any (``coding``); keys answer it until it ends."""

    def __init__(self, store: Store, db_label: str = "") -> None:
        super().__init__()
        self.store = store
        self.db_label = db_label
        self.article: Article | None = None
        self.sentences: Sequence[Sentence] = ()
        """The open article's sentences, fetched from the Store by window as they are read."""
        self.annotations: dict[int, list[Annotation]] = {}
        """Every coder's annotations on the open article, by sentence id."""
        self.no_claim: set[int] = set()
        """Sentences of the open article this coder marked "no claim"."""
        self.mentions: ArticleMentions | None = None
        """Actor mentions of the open article's sentences, found a page at a time in the
        article's context, so that a bare surname counts only after the article introduced
        the person."""
        self.total_sentences = 0
        self._applicable: tuple[bool, ...] = ()
        self._saved_place = ""
        """The coder's place as stored, or about to be (``_save_place``)."""
        self._place_pending = False
        self._reading: Timer | None = None
        # The screen's parts, made here so that every handler (and check_action, which Textual
        # may call while the screen is still mounting) reaches them without a DOM query.
        self.status_bar = StatusBar(id="status-bar")
        self.filter_box = LiteralInput(placeholder="Filter: words in title or text", id="filter")
        self.article_list = ArticleList(store, id="articles")
        self.reader = SentenceView(id="reader")
        self.panel = AnnotationPanel(id="panel")
        self.picker = CodingPicker(id="picker")
        """Shown in the panel's place while a coding question is open (``coding``)."""
        self.notice = Notice(id="notice")
        """What ``u`` and ``ctrl+r`` changed, drawn with the change itself."""
        self.asked_over: Widget = self.panel
        self.blind = store.blind
        """The project's rule that each coder sees only their own codes (``nkreader config``)."""
        self._load_codebook()

    # -- the open article and sentence --------------------------------------------------------

    @property
    def current_sentence(self) -> Sentence | None:
        count = len(self.sentences)
        if not count:
            return None
        return self.sentences[min(self.reader.cursor, count - 1)]

    @property
    def current_article_id(self) -> int | None:
        return self.article.id if self.article else None

    @property
    def current_sentence_id(self) -> int | None:
        sentence = self.current_sentence
        return sentence.id if sentence else None

    def _shown(self, annotations: list[Annotation]) -> list[Annotation]:
        """The annotations this coder may see: their own only when the project codes blind."""
        if not self.blind:
            return annotations
        return [a for a in annotations if a.annotator == self.store.annotator]

    def my_annotations(self, sentence_id: int) -> list[Annotation]:
        return [
            a for a in self.annotations.get(sentence_id, []) if a.annotator == self.store.annotator
        ]

    def open_article(
        self, article_id: int, sentence_id: int | None = None, *, at_end: bool = False
    ) -> None:
        """Show an article with the highlight on ``sentence_id`` (else its first or last)."""
        article = self.store.article_heading(article_id)
        if article is None:
            return
        self.article = article
        self.sentences = sentences = self.store.article_sentences(article_id)
        self._read_ahead(sentences)
        self._find_mentions()
        self.annotations = {}
        for annotation in self._shown(self.store.annotations_for_article(article_id)):
            self.annotations.setdefault(annotation.sentence_id, []).append(annotation)
        self.no_claim = set(self.store.statuses(article_id))
        index = len(self.sentences) - 1 if at_end else 0
        if sentence_id is not None:
            found = self.store.sentence_position(sentence_id, article_id)
            if found is not None:
                index = found
        badges = {sid: self._badges(sid) for sid in self.annotations}
        self.reader.load(article, self.sentences, badges, self.no_claim, index)
        listing = self.article_list
        listing.show_open(article_id, self.store.article_index(article_id, listing.query_text))
        self._moved()

    def _read_ahead(self, sentences: ArticleSentences) -> None:
        """Read the rest of a long article's text a chunk at a time while the coder reads
        (a few milliseconds each), so that a jump far into it (``G``) finds it read."""
        if self._reading is not None:
            self._reading.stop()
            self._reading = None
        if sentences.text.complete:
            return

        def step() -> None:
            done = sentences is not self.sentences or not sentences.text.read_ahead()
            if done and self._reading is not None:
                self._reading.stop()
                self._reading = None

        self._reading = self.set_interval(READ_AHEAD_EVERY, step)

    def select(self, index: int) -> None:
        """Highlight the sentence at ``index`` of the open article."""
        if not self.sentences:
            return
        self.reader.cursor = max(0, min(index, len(self.sentences) - 1))
        self._moved()

    def _moved(self) -> None:
        """After every move: the panel follows, the keys update and the place is saved."""
        self._show_panel()
        self._refresh_keys()
        sentence = self.current_sentence
        if self.article is not None:
            place = f"{self.article.id}:{sentence.id if sentence else ''}"
            if place != self._saved_place:
                self._saved_place = place
                if not self._place_pending:
                    # Saved once the move is on screen: the commit (a disk flush) must not
                    # delay the frame, and keys typed meanwhile are saved as one place.
                    self._place_pending = True
                    self.call_after_refresh(self._save_place)

    def _save_place(self) -> None:
        """Store the coder's place (``_saved_place``) if a move left it unsaved."""
        if not self._place_pending:
            return
        self._place_pending = False
        # Best effort: a read-only or busy database must not stop the reading.
        with suppress(StoreError):
            self.store.set_state(POSITION_KEY, self._saved_place)

    def on_unmount(self) -> None:
        self._save_place()  # a move just before quitting

    def _refresh_keys(self) -> None:
        """Rebuild the key bar only when the set of keys that apply has changed.

        Rebuilding it re-lays out the screen, which would double the cost of every key press.
        """
        sentence = self.current_sentence
        applicable = (
            sentence is not None,
            sentence is not None and bool(self.my_annotations(sentence.id)),
            self.article is not None,
            bool(self.article_list.query_text) or bool(self.filter_box.display),
            self.flow is not None,
            self.focused is self.filter_box,
        )
        if applicable != self._applicable:
            self._applicable = applicable
            self.refresh_bindings()

    # -- the codebook -------------------------------------------------------------------------

    def _load_codebook(self) -> None:
        """Read the codebook and rebuild the lookups and the mention finder that depend on it.

        A small codebook's finder is built at once (about 10 ms for 50 actors). A big one takes
        seconds to compile (5,000 actors with their aliases: 29,000 names), so it is built on a
        thread, after the first frame when the reader starts (``on_mount``): the sentences show
        their mentions when it is ready, and a key that needs it first (``finder``) waits.
        """
        self.codebook: Codebook = self.store.codebook()
        self._codebook_lookups()
        self._finder: MentionFinder | None = None
        self._finder_build: FinderBuild | None = None
        if len(self.codebook.actors) <= BUILD_AT_ONCE:
            self._finder = MentionFinder(self.codebook.actors)
        elif self.is_mounted:
            self._build_finder()
        self._find_mentions()

    def _codebook_lookups(self) -> None:
        self.actor_names = {actor.id: actor.name for actor in self.codebook.actors}
        self.stance_labels = {stance.id: stance.label for stance in self.codebook.stances}
        self.target_names = {target.id: target.name for target in self.codebook.targets}

    def _actor_added(self, actor: Actor) -> None:
        """A new actor the coder just made in the picker: into the codebook, the lookups and
        the mention finder (``MentionFinder.add``) without reading or compiling the whole
        codebook again, and the open article's mentions found anew."""
        actors = self.codebook.actors
        place = bisect.bisect(actors, actor.name.casefold(), key=lambda a: a.name.casefold())
        self.codebook = replace(self.codebook, actors=(*actors[:place], actor, *actors[place:]))
        self.actor_names[actor.id] = actor.name
        if self._finder is None and self._finder_build is not None:
            self._finder_build.added.append(actor)
        else:
            self.finder.add(actor)
        self._find_mentions()

    def _target_added(self, target: Target) -> None:
        """A new target made in the picker: last in the codebook's targets (ordered by id)."""
        self.codebook = replace(self.codebook, targets=(*self.codebook.targets, target))
        self.target_names[target.id] = target.name

    def on_mount(self) -> None:
        if self._finder is None and self._finder_build is None:
            self.call_after_refresh(self._build_finder)

    def _build_finder(self) -> None:
        """Compile the codebook's mention finder on a thread; ``_finder_built`` takes it."""
        if self._finder is not None or self._finder_build is not None:
            return
        build = self._finder_build = FinderBuild(self.codebook.actors)

        def run() -> None:
            build.run()
            self.app.call_from_thread(self._finder_built, build)

        build.started = True
        self.run_worker(run, thread=True, group="mention-finder", exit_on_error=False)

    def _finder_built(self, build: FinderBuild) -> None:
        """A finder built on a thread is ready: the open article's mentions are shown, unless
        the codebook changed meanwhile (a later build is on its way) or a key took it first."""
        if build is self._finder_build and self._finder is None:
            self._use(build.wait())
            if self.article is not None:
                self.open_article(self.article.id, self.current_sentence_id)

    @property
    def finder(self) -> MentionFinder:
        """The codebook's mention finder, waiting for the one being built on a thread if it is
        not ready yet (only a key pressed in the first seconds of a big codebook's start)."""
        if self._finder is None:
            build = self._finder_build
            self._use(build.wait() if build is not None else MentionFinder(self.codebook.actors))
            self._find_mentions()
        assert self._finder is not None
        return self._finder

    def _use(self, finder: MentionFinder) -> None:
        self._finder = finder
        build, self._finder_build = self._finder_build, None
        for actor in build.added if build is not None else ():
            finder.add(actor)

    def _codebook_changed(self) -> None:
        """After an edit, merge or undone merge of the codebook: new names, aliases and mentions
        everywhere the open article shows them."""
        self._load_codebook()
        if self.article is not None:
            self.open_article(self.article.id, self.current_sentence_id)
        else:
            self._show_panel()

    def _find_mentions(self) -> None:
        """The open article's mentions, found a page at a time (``ArticleMentions``); none
        while the finder is still being built."""
        finder = self._finder
        if finder is None:
            self.mentions = None
            self.reader.mentions = _no_mentions_yet
        else:
            self.mentions = ArticleMentions(finder, self.sentences)
            self.reader.mentions = self.mentions.of

    # -- what the widgets show ----------------------------------------------------------------

    def _label(self, annotation: Annotation) -> str:
        actor = self.actor_names.get(annotation.actor_id, "?")
        if annotation.speaker_id is not None:
            actor += f" (said by {self.actor_names.get(annotation.speaker_id, '?')})"
        parts = [actor, self.stance_labels.get(annotation.stance_id, "?")]
        if annotation.target_id is not None:
            parts.append(self.target_names.get(annotation.target_id, "?"))
        return " · ".join(parts)

    def _badges(self, sentence_id: int) -> list[Badge]:
        me = self.store.annotator
        return [
            Badge(
                self._label(a) if a.annotator == me else f"{self._label(a)} ({a.annotator})",
                a.annotator == me,
            )
            for a in self.annotations.get(sentence_id, [])
        ]

    def _show_panel(self) -> None:
        panel = self.panel
        sentence = self.current_sentence
        if sentence is None:
            panel.show("No sentence", "", [])
            return
        me = self.store.annotator
        items = [
            PanelItem(
                self.actor_names.get(a.actor_id, "?"),
                self.stance_labels.get(a.stance_id, "?"),
                self.target_names.get(a.target_id) if a.target_id is not None else None,
                a.note,
                a.annotator,
                a.annotator == me,
                self.actor_names.get(a.speaker_id, "?") if a.speaker_id is not None else None,
            )
            for a in self.annotations.get(sentence.id, [])
        ]
        status = "no claim" if sentence.id in self.no_claim else ""
        heading = f"Sentence {self.reader.cursor + 1} of {len(self.sentences)}"
        panel.show(heading, status, items)

    def _show_progress(self, done: int | None = None) -> None:
        if done is None:
            done = self.store.coded_sentence_count()
        self.status_bar.show(
            self.db_label, self.store.annotator, done, self.total_sentences,
            blind=self.blind, mine=self.store.mine_only(),
        )  # fmt: skip

    # -- after a change -----------------------------------------------------------------------

    def _changed(self, sentence_id: int, article_id: int | None = None) -> None:
        """Redraw what a committed change to one sentence touched, and nothing else."""
        if article_id is not None and article_id != self.current_article_id:
            self.open_article(article_id, sentence_id)
        elif self.article is not None and (index := self.reader.index_of(sentence_id)) is not None:
            self.annotations[sentence_id] = self._shown(
                self.store.annotations_for_sentence(sentence_id)
            )
            if self.store.status(sentence_id) is None:
                self.no_claim.discard(sentence_id)
            else:
                self.no_claim.add(sentence_id)
            self.reader.update_sentence(
                sentence_id, self._badges(sentence_id), sentence_id in self.no_claim
            )
            if index != self.reader.cursor:
                self.reader.cursor = index
            self._moved()
        changed_article = article_id or self.current_article_id
        if changed_article is not None:
            summary = self.store.article_summary(changed_article)
            if summary is not None:
                self.article_list.update_summary(summary)
        self._show_progress()

    def _write(self, change: Callable[[], T]) -> T | None:
        """Run one Store change; a refusal becomes a one-line error instead of a traceback."""
        try:
            return change()
        except StoreError as error:
            self.notify(str(error), severity="error", markup=False)
            return None


def _no_mentions_yet(sentence: Sentence) -> Sequence[Mention]:
    """A sentence's mentions while the codebook's finder is still being built: none shown."""
    return ()
