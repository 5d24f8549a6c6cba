"""The coding screen: article list, reader and annotation panel, and every key that codes.

The screen is the only part of the interface that talks to the Store. Each change is one Store
call that has committed when it returns; only then does the screen redraw what the change touched
(that sentence's badges, the panel, the list row, the progress line), so what is on screen is
always what is on disk.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar, TypeVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Input

from reader.mentions import MentionFinder, suggest_actors
from reader.models import Actor, Annotation, Article, Codebook, Event, Sentence
from reader.store import Store, StoreError
from reader.widgets import (
    AnnotationPanel,
    ArticleList,
    Badge,
    KeyBar,
    PanelItem,
    SentenceView,
    StatusBar,
)

if TYPE_CHECKING:
    from reader.screens.pickers import NewActor

T = TypeVar("T")

POSITION_KEY = "position"
"""ui_state key holding "article_id:sentence_id", the coder's place, saved on every move."""


@dataclass(frozen=True, slots=True)
class Codes:
    """What the pickers chose; a new actor is only created once the whole choice is made."""

    actor: Actor | NewActor
    stance_id: int
    target_id: int | None


class MainScreen(Screen[None]):
    """Where coders spend their day: read a sentence, code it, move on."""

    AUTO_FOCUS = "SentenceView"
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (110, "-wide")]  # noqa: RUF012
    """Below 110 columns the annotation panel moves under the reader (see reader.tcss)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j,down", "move(1)", "Next sentence", show=False, id="nav.next-sentence"),
        Binding("k,up", "move(-1)", "Previous sentence", show=False, id="nav.previous-sentence"),
        Binding("g,home", "jump(0)", "First sentence", show=False, id="nav.first-sentence"),
        Binding("G,end", "jump(-1)", "Last sentence", show=False, id="nav.last-sentence"),
        Binding("right_square_bracket", "open_sentence(1)", "Next uncoded", id="nav.next-open"),
        Binding(
            "left_square_bracket",
            "open_sentence(-1)",
            "Previous uncoded",
            show=False,
            id="nav.previous-open",
        ),
        Binding("n", "article(1)", "Next article", show=False, id="nav.next-article"),
        Binding("p", "article(-1)", "Previous article", show=False, id="nav.previous-article"),
        Binding("slash", "filter", "Filter", show=False, id="nav.filter"),
        Binding("escape", "clear_filter", "Clear filter", id="nav.clear-filter"),
        Binding("a", "annotate", "Annotate", id="code.annotate"),
        Binding("full_stop", "repeat", "Repeat last", show=False, id="code.repeat"),
        Binding("space", "no_claim", "No claim", id="code.no-claim"),
        Binding("e", "edit", "Edit", id="code.edit"),
        Binding("d", "delete", "Delete", id="code.delete"),
        Binding("u", "undo", "Undo", id="code.undo"),
        Binding("ctrl+r", "redo", "Redo", show=False, id="code.redo"),
        Binding("s", "stats", "Statistics", show=False, id="view.stats"),
        Binding("x", "export", "Export", show=False, id="view.export"),
    ]

    def __init__(self, store: Store, db_label: str = "") -> None:
        super().__init__()
        self.store = store
        self.db_label = db_label
        self.article: Article | None = None
        self.sentences: list[Sentence] = []
        self.annotations: dict[int, list[Annotation]] = {}
        """Every coder's annotations on the open article, by sentence id."""
        self.no_claim: set[int] = set()
        """Sentences of the open article this coder marked "no claim"."""
        self.total_sentences = 0
        self._applicable: tuple[bool, ...] = ()
        self._saved_place = ""
        self._load_codebook()
        # The screen's parts, made here so that every handler (and check_action, which Textual
        # may call while the screen is still mounting) reaches them without a DOM query.
        self.status_bar = StatusBar(id="status-bar")
        self.filter_box = Input(placeholder="Filter: words in title or text", id="filter")
        self.article_list = ArticleList(store, id="articles")
        self.reader = SentenceView(id="reader")
        self.reader.finder = self.finder
        self.panel = AnnotationPanel(id="panel")

    # -- layout -------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        # The breakpoint class Textual would set on the first resize, set before the first
        # styling pass: switching it afterwards restyles every widget once more.
        self.add_class(self._breakpoint_class(self.app.size.width))
        yield self.status_bar
        with Horizontal(id="body"):
            with Vertical(id="list-pane"):
                yield self.filter_box
                yield self.article_list
            yield self.reader
            yield self.panel
        yield KeyBar(id="keys")

    def _breakpoint_class(self, width: int) -> str:
        return next(name for edge, name in reversed(self.HORIZONTAL_BREAKPOINTS) if width >= edge)

    def on_mount(self) -> None:
        self.article_list.reload()
        done, self.total_sentences = self.store.progress()
        self._show_progress(done)
        article_id, sentence_id = self._saved_position()
        if article_id is None:
            article_id = self.store.first_article_id()
        if article_id is not None:
            self.open_article(article_id, sentence_id)
        else:
            self.reader.load(None, [], {}, set())
            self._show_panel()

    def _saved_position(self) -> tuple[int | None, int | None]:
        saved = self.store.get_state(POSITION_KEY) or ""
        article, _, sentence = saved.partition(":")
        if not article.isdigit() or self.store.article(int(article)) is None:
            return None, None
        return int(article), int(sentence) if sentence.isdigit() else None

    # -- the open article and sentence --------------------------------------------------------

    @property
    def current_sentence(self) -> Sentence | None:
        if not self.sentences:
            return None
        return self.sentences[min(self.reader.cursor, len(self.sentences) - 1)]

    @property
    def current_article_id(self) -> int | None:
        return self.article.id if self.article else None

    @property
    def current_sentence_id(self) -> int | None:
        sentence = self.current_sentence
        return sentence.id if sentence else None

    def my_annotations(self, sentence_id: int) -> list[Annotation]:
        return [
            a for a in self.annotations.get(sentence_id, []) if a.annotator == self.store.annotator
        ]

    def open_article(
        self, article_id: int, sentence_id: int | None = None, *, at_end: bool = False
    ) -> None:
        """Show an article with the highlight on ``sentence_id`` (else its first or last)."""
        article = self.store.article(article_id)
        if article is None:
            return
        self.article = article
        self.sentences = self.store.sentences(article_id)
        self.annotations = {}
        for annotation in self.store.annotations_for_article(article_id):
            self.annotations.setdefault(annotation.sentence_id, []).append(annotation)
        self.no_claim = set(self.store.statuses(article_id))
        index = len(self.sentences) - 1 if at_end else 0
        for position, sentence in enumerate(self.sentences):
            if sentence.id == sentence_id:
                index = position
        badges = {sid: self._badges(sid) for sid in self.annotations}
        self.reader.load(article, self.sentences, badges, self.no_claim, index)
        listing = self.article_list
        listing.show_open(article_id, self.store.article_index(article_id, listing.query_text))
        self._moved()

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
                self.store.set_state(POSITION_KEY, place)
                self._saved_place = place

    # -- what the widgets show ----------------------------------------------------------------

    def _load_codebook(self) -> None:
        self.codebook: Codebook = self.store.codebook()
        self.actor_names = {actor.id: actor.name for actor in self.codebook.actors}
        self.stance_labels = {stance.id: stance.label for stance in self.codebook.stances}
        self.target_names = {target.id: target.name for target in self.codebook.targets}
        self.finder = MentionFinder(self.codebook.actors)
        if hasattr(self, "reader"):
            self.reader.finder = self.finder

    def _label(self, annotation: Annotation) -> str:
        parts = [
            self.actor_names.get(annotation.actor_id, "?"),
            self.stance_labels.get(annotation.stance_id, "?"),
        ]
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
            )
            for a in self.annotations.get(sentence.id, [])
        ]
        status = "no claim" if sentence.id in self.no_claim else ""
        heading = f"Sentence {self.reader.cursor + 1} of {len(self.sentences)}"
        panel.show(heading, status, items)

    def _show_progress(self, done: int | None = None) -> None:
        if done is None:
            done = self.store.coded_sentence_count()
        self.status_bar.show(self.db_label, self.store.annotator, done, self.total_sentences)

    def _changed(self, sentence_id: int, article_id: int | None = None) -> None:
        """Redraw what a committed change to one sentence touched, and nothing else."""
        if article_id is not None and article_id != self.current_article_id:
            self.open_article(article_id, sentence_id)
        elif self.article is not None and (index := self.reader.index_of(sentence_id)) is not None:
            self.annotations[sentence_id] = self.store.annotations_for_sentence(sentence_id)
            self.no_claim = set(self.store.statuses(self.article.id))
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
            self.notify(str(error), severity="error")
            return None

    # -- which keys apply now -----------------------------------------------------------------

    def _refresh_keys(self) -> None:
        """Rebuild the footer only when the set of keys that apply has changed.

        Rebuilding it re-lays out the screen, which would double the cost of every key press.
        """
        sentence = self.current_sentence
        applicable = (
            sentence is not None,
            sentence is not None and bool(self.my_annotations(sentence.id)),
            self.article is not None,
            bool(self.article_list.query_text) or bool(self.filter_box.display),
        )
        if applicable != self._applicable:
            self._applicable = applicable
            self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        sentence = self.current_sentence
        if action in ("move", "jump", "annotate", "repeat", "no_claim"):
            return sentence is not None
        if action in ("edit", "delete"):
            return sentence is not None and bool(self.my_annotations(sentence.id))
        if action == "clear_filter":
            return bool(self.article_list.query_text) or self.filter_box.display
        if action in ("article", "open_sentence"):
            return self.article is not None
        return True

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
            self.notify("No more articles" if step > 0 else "This is the first article")
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
            self.notify("Every sentence " + ("after" if step > 0 else "before") + " this is coded")
            return
        article_id, sentence_id = found
        if article_id == self.article.id:
            index = self.reader.index_of(sentence_id)
            if index is not None:
                self.select(index)
        else:
            self.open_article(article_id, sentence_id)

    @on(ArticleList.Opened)
    def _open_from_list(self, event: ArticleList.Opened) -> None:
        self.open_article(event.article_id)
        self.set_focus(self.reader)

    @on(SentenceView.Clicked)
    def _select_clicked(self, event: SentenceView.Clicked) -> None:
        self.select(event.index)

    def jump_to_article(self, article_id: int) -> None:
        """Open an article chosen elsewhere (the command palette) and give the reader focus."""
        self.open_article(article_id)
        self.set_focus(self.reader)

    # -- filtering ----------------------------------------------------------------------------

    def action_filter(self) -> None:
        box = self.filter_box
        box.display = True
        # Focus now, not after the next refresh: letters typed right after / must filter, not
        # run the coding keys they are bound to.
        self.set_focus(box)
        self._refresh_keys()

    def action_clear_filter(self) -> None:
        box = self.filter_box
        box.value = ""
        box.display = False
        self._apply_filter("")
        self.set_focus(self.article_list)

    @on(Input.Changed, "#filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        self._apply_filter(event.value)

    @on(Input.Submitted, "#filter")
    def _filter_done(self) -> None:
        self.set_focus(self.article_list)

    def _apply_filter(self, query: str) -> None:
        listing = self.article_list
        listing.reload(query.strip())
        index = None
        if self.article is not None:
            index = self.store.article_index(self.article.id, listing.query_text)
        listing.show_open(self.current_article_id, index if index is not None else 0)
        self._refresh_keys()

    # -- coding -------------------------------------------------------------------------------

    def action_annotate(self) -> None:
        sentence = self.current_sentence
        if sentence is not None:
            self._annotate(sentence)

    @work(exclusive=True, group="coding")
    async def _annotate(self, sentence: Sentence) -> None:
        """actor → stance → target, then one committed write; escape anywhere writes nothing."""
        codes = await self._choose_codes(sentence, None)
        if codes is None:
            return
        actor_id = self._actor_id(codes.actor)
        if actor_id is None:
            return
        if self._write(
            lambda: self.store.add_annotation(
                sentence.id, actor_id, codes.stance_id, codes.target_id
            )
        ):
            self._changed(sentence.id)

    async def _choose_codes(self, sentence: Sentence, initial: Annotation | None) -> Codes | None:
        from reader.screens.pickers import ActorPicker, NewActor, StancePicker, TargetPicker

        actors = list(self.codebook.actors)
        by_id = {actor.id: actor for actor in actors}
        suggested = suggest_actors(
            sentence.text, actors, self.store.recent_actor_ids(), self.finder
        )
        first_actor = by_id.get(initial.actor_id) if initial else None
        actor = await self.app.push_screen_wait(ActorPicker(actors, suggested, first_actor))
        if actor is None:
            return None
        stance_id = initial.stance_id if initial else None
        if stance_id is None and not isinstance(actor, NewActor):
            stance_id = self.store.usual_stance_id(actor.id)
        stances = list(self.codebook.stances)
        first_stance = next((s for s in stances if s.id == stance_id), None)
        stance = await self.app.push_screen_wait(StancePicker(stances, first_stance))
        if stance is None:
            return None
        targets = list(self.codebook.targets)
        if not targets:
            return Codes(actor, stance.id, None)
        target_id = initial.target_id if initial else self.store.last_target_id()
        first_target = next((t for t in targets if t.id == target_id), None)
        choice = await self.app.push_screen_wait(TargetPicker(targets, first_target))
        if choice is None:
            return None
        return Codes(actor, stance.id, choice.target.id if choice.target else None)

    def _actor_id(self, actor: Actor | NewActor) -> int | None:
        """The chosen actor's id, creating a new actor first (only now that coding is done)."""
        if isinstance(actor, Actor):
            return actor.id
        created = self._write(lambda: self.store.add_actor(actor.name, actor.kind))
        if created is None:
            return None
        self._load_codebook()
        return created.id

    def action_repeat(self) -> None:
        sentence = self.current_sentence
        last = self.store.last_annotation()
        if sentence is None:
            return
        if last is None:
            self.notify("Nothing to repeat yet: annotate a sentence with a first")
            return
        if self._write(
            lambda: self.store.add_annotation(
                sentence.id, last.actor_id, last.stance_id, last.target_id
            )
        ):
            self._changed(sentence.id)

    def action_no_claim(self) -> None:
        sentence = self.current_sentence
        if sentence is None:
            return
        if self.my_annotations(sentence.id):
            self.notify(
                "This sentence has your annotations: delete them before marking it no claim",
                severity="warning",
            )
            return
        marked = sentence.id in self.no_claim
        try:
            self.store.set_no_claim(sentence.id, not marked)
        except StoreError as error:
            self.notify(str(error), severity="error")
            return
        self._changed(sentence.id)
        if not marked:
            # Marking is the end of a sentence's review; unmarking means it is about to be coded.
            self.select(self.reader.cursor + 1)

    async def _pick_mine(self, sentence: Sentence, verb: str) -> Annotation | None:
        from reader.screens.dialogs import ChooseAnnotation

        mine = self.my_annotations(sentence.id)
        if len(mine) <= 1:
            return mine[0] if mine else None
        items = [(a.id, self._label(a)) for a in mine]
        chosen = await self.app.push_screen_wait(
            ChooseAnnotation(items, f"{verb} which annotation?")
        )
        return next((a for a in mine if a.id == chosen), None)

    def action_edit(self) -> None:
        sentence = self.current_sentence
        if sentence is not None:
            self._edit(sentence)

    @work(exclusive=True, group="coding")
    async def _edit(self, sentence: Sentence) -> None:
        from reader.screens.dialogs import NoteDialog

        annotation = await self._pick_mine(sentence, "Edit")
        if annotation is None:
            return
        codes = await self._choose_codes(sentence, annotation)
        if codes is None:
            return
        note = await self.app.push_screen_wait(NoteDialog(annotation.note))
        if note is None:
            return
        actor_id = self._actor_id(codes.actor)
        if actor_id is None:
            return
        if self._write(
            lambda: self.store.update_annotation(
                annotation.id,
                actor_id=actor_id,
                stance_id=codes.stance_id,
                target_id=codes.target_id,
                note=note,
            )
        ):
            self._changed(sentence.id)

    def action_delete(self) -> None:
        sentence = self.current_sentence
        if sentence is not None:
            self._delete(sentence)

    @work(exclusive=True, group="coding")
    async def _delete(self, sentence: Sentence) -> None:
        annotation = await self._pick_mine(sentence, "Delete")
        if annotation is None:
            return
        try:
            self.store.delete_annotation(annotation.id)
        except StoreError as error:
            self.notify(str(error), severity="error")
            return
        self._changed(sentence.id)
        self.notify(f"Deleted {self._label(annotation)} (u undoes)")

    def action_undo(self) -> None:
        self._replay(self.store.undo, "Nothing to undo", "Undone")

    def action_redo(self) -> None:
        self._replay(self.store.redo, "Nothing to redo", "Redone")

    def _replay(self, step: Callable[[], Event | None], nothing: str, done: str) -> None:
        """Undo or redo, then show the sentence it changed (in whichever article)."""
        try:
            event = step()
        except StoreError as error:
            self.notify(str(error), severity="error")
            return
        if event is None:
            self.notify(nothing)
            return
        if event.sentence_id is not None:
            self._changed(event.sentence_id, event.article_id)
        what = "no claim" if event.entity == "sentence_status" else "annotation"
        self.notify(f"{done}: {event.action} {what}")

    # -- views --------------------------------------------------------------------------------

    def action_stats(self) -> None:
        from reader.exporting import stance_table
        from reader.screens.stats import StatsScreen

        keys, rows = stance_table(self.store.conn, annotator=self.store.annotator)
        self.app.push_screen(
            StatsScreen(keys, rows, title=f"Stances by actor — {self.store.annotator}")
        )

    def action_export(self) -> None:
        from reader.screens.export import ExportDialog, ExportRequest

        def export(request: ExportRequest | None) -> None:
            if request is not None:
                self.export(request.path, request.fmt, request.all_sentences, request.force)

        self.app.push_screen(ExportDialog(), export)

    def export(self, path: str, fmt: str, all_sentences: bool, force: bool) -> None:
        """Write the export file and say how many rows went where (or why none did)."""
        from pathlib import Path

        from reader.exporting import ExportError, export_to_path

        try:
            rows = export_to_path(
                self.store.conn, Path(path), fmt=fmt, force=force, all_sentences=all_sentences
            )
        except ExportError as error:
            self.notify(str(error), severity="error")
            return
        self.notify(f"{rows} rows written to {path}")

    def key_bindings(self) -> Sequence[BindingType]:
        """This screen's bindings, for the help screen and the command palette."""
        return self.BINDINGS
