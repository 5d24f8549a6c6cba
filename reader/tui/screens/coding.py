"""The coding screen's writing keys: annotate, repeat, no claim, edit, delete, undo and redo.

Each flow asks everything first (pickers and dialogs, where escape anywhere writes nothing) and
then makes one Store call; only a committed call is redrawn, through ``ArticleScreen._changed``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual import work

from reader.models import Actor, Annotation, Event, Sentence
from reader.store import StoreError
from reader.store.base import KIND_ROWS, KIND_STATUS
from reader.text.mentions import suggest_actors
from reader.tui.screens.article_screen import ArticleScreen

if TYPE_CHECKING:
    from reader.tui.screens.pickers import NewActor


@dataclass(frozen=True, slots=True)
class Codes:
    """What the pickers chose; a new actor is only created once the whole choice is made."""

    actor: Actor | NewActor
    stance_id: int
    target_id: int | None


class CodingActions(ArticleScreen):
    """Actions that change this coder's annotations and statuses, one committed write each."""

    # -- adding -------------------------------------------------------------------------------

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
        """Ask for actor, stance and target in turn, each preselected from what is likely."""
        from reader.tui.screens.pickers import ActorPicker, NewActor, StancePicker, TargetPicker

        actors = list(self.codebook.actors)
        by_id = {actor.id: actor for actor in actors}
        suggested = suggest_actors(
            sentence.text,
            actors,
            self.store.recent_actor_ids(),
            self.finder,
            mentions=self.mentions.get(sentence.id),
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
            self.notify(str(error), severity="error", markup=False)
            return
        self._changed(sentence.id)
        if not marked:
            # Marking is the end of a sentence's review; unmarking means it is about to be coded.
            self.select(self.reader.cursor + 1)

    # -- changing what is there ---------------------------------------------------------------

    async def _pick_mine(self, sentence: Sentence, verb: str) -> Annotation | None:
        """This coder's one annotation on the sentence, or the one chosen from a list."""
        from reader.tui.screens.dialogs import ChooseAnnotation

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
        from reader.tui.screens.dialogs import NoteDialog

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
            self.notify(str(error), severity="error", markup=False)
            return
        self._changed(sentence.id)
        self.notify(f"Deleted {self._label(annotation)} (u undoes)", markup=False)

    # -- undo and redo ------------------------------------------------------------------------

    def action_undo(self) -> None:
        self._replay(self.store.undo, "Nothing to undo", "Undone")

    def action_redo(self) -> None:
        self._replay(self.store.redo, "Nothing to redo", "Redone")

    def _replay(self, step: Callable[[], Event | None], nothing: str, done: str) -> None:
        """Undo or redo, then show what it changed.

        An annotation or status change shows its sentence (in whichever article). A codebook
        change (an edit, a merge, an import) belongs to no sentence: it renames or restores
        entries and may move annotations between actors, so the codebook is read again and the
        open article redrawn.
        """
        try:
            event = step()
        except StoreError as error:
            self.notify(str(error), severity="error", markup=False)
            return
        if event is None:
            self.notify(nothing, markup=False)
            return
        if event.kind == KIND_ROWS:
            self._codebook_changed()
            self.notify(f"{done}: {event.action} {event.entity}", markup=False)
            return
        if event.sentence_id is not None:
            self._changed(event.sentence_id, event.article_id)
        what = "no claim" if event.kind == KIND_STATUS else "annotation"
        self.notify(f"{done}: {event.action} {what}", markup=False)
