"""The coding screen's writing keys: annotate, repeat, no claim, edit, note, delete, undo, redo.

The questions (actor, stance, target; which annotation; a note; yes or no) are flows of
``reader.tui.coding_flow``, shown by the always-mounted ``CodingPicker`` in place of the panel.
Every key of a flow is handled as it arrives, in order, on the app's own task (see
``ReaderApp.on_event`` and the priority bindings in ``main``), so keys typed ahead of the
screen are never lost or applied to the wrong question. A flow's outcome is one Store call; only
a committed call is redrawn, through ``ArticleScreen._changed``.
"""

from __future__ import annotations

from collections.abc import Callable

from reader.models import Actor, Annotation, Event, Sentence, Target
from reader.store import StoreError
from reader.store.base import KIND_ANNOTATION, KIND_ROWS, KIND_STATUS
from reader.text.mentions import suggest_actor_groups
from reader.tui.coding_flow import (
    ChoiceFlow,
    Chosen,
    Codes,
    CodingFlow,
    Confirmed,
    ConfirmFlow,
    CreateActor,
    CreateTarget,
    Flow,
    NoteFlow,
    NoteText,
    Outcome,
)
from reader.tui.screens.article_screen import ArticleScreen
from reader.tui.screens.flow_host import FlowHost

SUGGESTION_CONTEXT = 1_000
"""Sentences before and after the current one that the actor suggestions read."""


class CodingActions(FlowHost, ArticleScreen):
    """Actions that change this coder's annotations and statuses, one committed write each."""

    _suggestions: tuple[int, tuple[Actor, ...], tuple[Actor, ...]] | None = None
    """(sentence id, suggested here, recent elsewhere): kept while the coder stays on the
    sentence, so the digit of each suggestion never changes under the coder's fingers."""

    def _create(self, flow: Flow, wanted: CreateActor | CreateTarget) -> Outcome | None:
        """Add a new actor or target to the codebook now (it stays there, whatever comes
        next), and carry on with it; a refusal (a name already taken) keeps the question."""
        made: Actor | Target | None
        if isinstance(wanted, CreateActor):
            made = self._write(
                lambda: self.store.add_actor(wanted.name, wanted.kind, (), wanted.parent_id)
            )
        else:
            made = self._write(lambda: self.store.add_target(wanted.name))
        if made is None:
            return None
        if isinstance(made, Actor):
            self._actor_added(made)
        else:
            self._target_added(made)
        return flow.created(made)

    # -- adding -------------------------------------------------------------------------------

    def suggestions(self, sentence: Sentence) -> tuple[tuple[Actor, ...], tuple[Actor, ...]]:
        """The numbered actor suggestions for a sentence, read in its article: who makes the
        claim first (the subject, a speaker's organisation, the claimant a pronoun refers back
        to), then the article's other actors, then actors used recently in other articles; the
        same while the coder stays on the sentence."""
        if self._suggestions is not None and self._suggestions[0] == sentence.id:
            return self._suggestions[1], self._suggestions[2]
        position = sentence.position
        if self.mentions is None:
            self.finder  # noqa: B018 - a key that needs the finder waits for the one being built
        if not (0 <= position < len(self.sentences)) or self.mentions is None:
            return (), ()
        # Read in the sentences around it (all of them in an article of news length): the
        # actors a long article names elsewhere are too far away to be what this one means.
        first = max(0, position - SUGGESTION_CONTEXT)
        near = self.sentences[first : position + SUGGESTION_CONTEXT + 1]
        if near[position - first].id != sentence.id:
            return (), ()
        mentions = self.mentions
        groups = suggest_actor_groups(
            [each.text for each in near],
            position - first,
            list(self.codebook.actors),
            self.store.recent_actor_ids(),
            self.finder,
            mentions=[mentions.of(each) for each in near],
        )
        self._suggestions = (sentence.id, tuple(groups.here), tuple(groups.elsewhere))
        return self._suggestions[1], self._suggestions[2]

    def _moved(self) -> None:
        sentence = self.current_sentence
        if self._suggestions is not None and (sentence is None or
                                              sentence.id != self._suggestions[0]):  # fmt: skip
            self._suggestions = None
        super()._moved()

    def _coding_flow(self, sentence: Sentence, editing: Annotation | None = None) -> CodingFlow:
        here, elsewhere = self.suggestions(sentence)
        return CodingFlow(
            actors=self.codebook.actors,
            stances=self.codebook.stances,
            targets=self.codebook.targets,
            here=here,
            elsewhere=elsewhere,
            usual_stance=self.store.usual_stance_id,
            last_target_id=self.store.last_target_id(),
            editing=editing,
            mentioned={mention.actor_id for mention in self.mentions.of(sentence)}
            if self.mentions is not None
            else set(),
        )

    def action_annotate(self) -> None:
        sentence = self.current_sentence
        if sentence is not None:
            self.start_flow(self._coding_flow(sentence), lambda o: self._save(sentence, o))

    def _save(self, sentence: Sentence, outcome: Outcome) -> None:
        if not isinstance(outcome, Codes):
            return
        target_id = outcome.target.id if outcome.target else None
        speaker_id = outcome.speaker.id if outcome.speaker else None
        if outcome.annotation is not None:
            annotation = outcome.annotation
            saved = self._write(
                lambda: self.store.update_annotation(
                    annotation.id, actor_id=outcome.actor.id, stance_id=outcome.stance.id,
                    target_id=target_id, note=annotation.note, speaker_id=speaker_id,
                )
            )  # fmt: skip
        else:
            saved = self._write(
                lambda: self.store.add_annotation(
                    sentence.id, outcome.actor.id, outcome.stance.id, target_id,
                    speaker_id=speaker_id,
                )
            )  # fmt: skip
        if saved is not None:
            self._changed(sentence.id)

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
                sentence.id, last.actor_id, last.stance_id, last.target_id,
                speaker_id=last.speaker_id,
            )
        ):  # fmt: skip
            self._changed(sentence.id)

    def action_no_claim(self) -> None:
        sentence = self.current_sentence
        if sentence is None:
            return
        mine = self.my_annotations(sentence.id)
        if mine:
            count = f"{len(mine)} code{'s' * (len(mine) != 1)}"
            question = f"Replace your {count} here with “no claim”?"

            def replace(outcome: Outcome) -> None:
                if not isinstance(outcome, Confirmed):
                    return
                try:
                    self.store.replace_with_no_claim(sentence.id)
                except StoreError as error:
                    self.notify(str(error), severity="error", markup=False)
                    return
                self._changed(sentence.id)
                self.select(self.reader.cursor + 1)

            self.start_flow(ConfirmFlow(question), replace)
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

    def _with_mine(self, verb: str, then: Callable[[Sentence, Annotation], None]) -> None:
        """Run ``then`` on this coder's one annotation here, or on the one chosen from a list."""
        sentence = self.current_sentence
        if sentence is None:
            return
        mine = self.my_annotations(sentence.id)
        if len(mine) == 1:
            then(sentence, mine[0])
            return
        if not mine:
            return

        def chosen(outcome: Outcome) -> None:
            picked = next(
                (a for a in mine if isinstance(outcome, Chosen) and a.id == outcome.value), None
            )
            if picked is not None:
                then(sentence, picked)

        items = [(a.id, self._label(a)) for a in mine]
        self.start_flow(ChoiceFlow(f"{verb} which annotation?", items), chosen)

    def action_edit(self) -> None:
        """Change the actor, stance and target of one of this coder's annotations here."""

        def edit(sentence: Sentence, annotation: Annotation) -> None:
            flow = self._coding_flow(sentence, editing=annotation)
            self.start_flow(flow, lambda outcome: self._save(sentence, outcome))

        self._with_mine("Edit", edit)

    def action_note(self) -> None:
        """Add or change the note of one of this coder's annotations here."""

        def note(sentence: Sentence, annotation: Annotation) -> None:
            def save(outcome: Outcome) -> None:
                if not isinstance(outcome, NoteText):
                    return
                saved = self._write(
                    lambda: self.store.update_annotation(
                        annotation.id, actor_id=annotation.actor_id,
                        stance_id=annotation.stance_id, target_id=annotation.target_id,
                        note=outcome.text,
                    )
                )  # fmt: skip
                if saved is not None:
                    self._changed(sentence.id)

            title = f"Note on {self._label(annotation)}"
            self.start_flow(NoteFlow(title, annotation.note), save)

        self._with_mine("Note on", note)

    def action_delete(self) -> None:
        def delete(sentence: Sentence, annotation: Annotation) -> None:
            try:
                self.store.delete_annotation(annotation.id)
            except StoreError as error:
                self.notify(str(error), severity="error", markup=False)
                return
            self._changed(sentence.id)
            self.notify(f"Deleted {self._label(annotation)} (u undoes)", markup=False)

        self._with_mine("Delete", delete)

    # -- undo and redo ------------------------------------------------------------------------

    def action_undo(self) -> None:
        self._replay(self.store.undo, "Nothing to undo", "Undone")

    def action_redo(self) -> None:
        self._replay(self.store.redo, "Nothing to redo", "Redone")

    def _replay(self, step: Callable[[], Event | None], nothing: str, done: str) -> None:
        """Undo or redo, then show what it changed (in ``notice``, drawn in the same frame as
        the change; an error is a toast like every other).

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
            self.notice.show(nothing)
            return
        if event.kind == KIND_ROWS:
            self._codebook_changed()
        if event.sentence_id is not None:
            self._changed(event.sentence_id, event.article_id)
        self.notice.show(f"{done}: {self._told(self.store.original_event(event))}")

    @staticmethod
    def _told(change: Event) -> str:
        """A change as the notice names it: "add annotation", "no claim", "merge actor"."""
        if change.kind == KIND_STATUS:
            return "no claim" if change.after else "no claim taken back"
        if change.action == "no_claim":
            return "no claim, your codes replaced"
        what = "annotation" if change.kind == KIND_ANNOTATION else change.entity
        return f"{change.action} {what}"
