"""What the coding screen has open, and how it redraws after a change.

The coding screen is split by concern: this base holds the open article, its annotations and the
codebook lookups, and knows how to redraw exactly what one committed change touched; the moving
keys (``navigation``) and the coding keys (``coding``) build on it, and ``main`` puts them together
with the layout and the key table. Every part reaches the same state through ``self``, so a change
made by any key is redrawn the same way.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from contextlib import suppress
from typing import TypeVar

from textual.screen import Screen
from textual.timer import Timer
from textual.widget import Widget

from reader.models import Annotation, Article, Codebook, Sentence
from reader.store import Store, StoreError
from reader.store.article_pages import ArticleSentences
from reader.text.mentions import MentionFinder
from reader.tui.article_mentions import ArticleMentions
from reader.tui.coding_flow import Flow
from reader.tui.widgets import (
    AnnotationPanel,
    ArticleList,
    Badge,
    CodingPicker,
    LiteralInput,
    PanelItem,
    SentenceView,
    StatusBar,
)

T = TypeVar("T")

READ_AHEAD_EVERY = 0.02
"""Seconds between two chunks of a long article's text read ahead (``_read_ahead``)."""

POSITION_KEY = "position"
"""ui_state key holding "article_id:sentence_id", the coder's place, saved on every move."""


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
                # Best effort: a read-only or busy database must not stop the reading.
                with suppress(StoreError):
                    self.store.set_state(POSITION_KEY, place)
                self._saved_place = place

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
        """Read the codebook and rebuild the lookups and the mention finder that depend on it."""
        self.codebook: Codebook = self.store.codebook()
        self.actor_names = {actor.id: actor.name for actor in self.codebook.actors}
        self.stance_labels = {stance.id: stance.label for stance in self.codebook.stances}
        self.target_names = {target.id: target.name for target in self.codebook.targets}
        self.finder = MentionFinder(self.codebook.actors)
        self._find_mentions()

    def _codebook_changed(self) -> None:
        """After an edit, merge or undone merge of the codebook: new names, aliases and mentions
        everywhere the open article shows them."""
        self._load_codebook()
        if self.article is not None:
            self.open_article(self.article.id, self.current_sentence_id)
        else:
            self._show_panel()

    def _find_mentions(self) -> None:
        self.mentions = ArticleMentions(self.finder, self.sentences)
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
