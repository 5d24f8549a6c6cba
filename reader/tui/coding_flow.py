"""The coding loop's questions as plain state: which actor, which stance, toward which target.

A coder answers these many times a minute, faster than a screen can be pushed and composed, so
they are not screens. A flow is a stack of steps; each step is a titled list with an optional
typed filter and numbered rows. Keys change the state at once (``type``, ``backspace``, ``move``,
``pick``, ``accept``, ``back``), in the order they were typed, and what a step needs from the
database (a new actor, a new target) or the finished codes come back as an outcome for the screen
to write. The picker widget only draws ``Flow.view``.

Nothing here imports Textual: the rules of the loop are tested on their own.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field
from typing import Literal

from reader.models import ACTOR_KINDS, Actor, Annotation, Stance, Target
from reader.text.fuzzy import normalize, rank

MAX_NUMBERED = 9
"""Rows reachable with a single digit key."""


# -- what the picker draws ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Row:
    """One line of a step's list."""

    label: str
    """Text from the data (a name, a key): the widget shows it literally."""
    detail: str = ""
    """Muted text after the label (an actor's kind, the alias that matched)."""
    number: int | None = None
    """The digit that picks the row, if any."""
    kind: Literal["item", "create", "none", "heading"] = "item"
    """``create``: a "+ New …" row; ``none``: "(no target)"; ``heading``: a group's title."""


@dataclass(frozen=True, slots=True)
class View:
    """Everything the picker shows for the current step."""

    title: str
    """The step's question: "Actor", "Stance", "Target", "Note", ..."""
    chosen: tuple[str, ...]
    """What this flow has chosen so far, shown beside the title ("Japan", "Support")."""
    filter: str | None
    """What the coder typed; None for a step that takes no typing."""
    rows: tuple[Row, ...]
    highlight: int | None
    """Index into ``rows`` of the highlighted row."""
    hint: str
    """The keys this step answers."""


# -- what the screen must do -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Codes:
    """A finished annotation's codes (and, for an edit, the annotation they replace)."""

    actor: Actor
    stance: Stance
    target: Target | None
    annotation: Annotation | None = None
    speaker: Actor | None = None
    """Who voiced the claim, when the coder named a speaker (``s`` at the stance)."""


@dataclass(frozen=True, slots=True)
class CreateActor:
    """Add this actor to the codebook, then hand it to ``Flow.created``."""

    name: str
    kind: str
    parent_id: int | None


@dataclass(frozen=True, slots=True)
class CreateTarget:
    """Add this target to the codebook, then hand it to ``Flow.created``."""

    name: str


@dataclass(frozen=True, slots=True)
class Chosen:
    """A flow that picks one value (an annotation to edit, say) ended with it."""

    value: object


@dataclass(frozen=True, slots=True)
class NoteText:
    """A note flow ended with this text."""

    text: str


@dataclass(frozen=True, slots=True)
class Confirmed:
    """A yes/no flow ended with yes."""


@dataclass(frozen=True, slots=True)
class Cancelled:
    """The coder backed out of the first step: nothing is written."""


Outcome = Codes | CreateActor | CreateTarget | Chosen | NoteText | Confirmed | Cancelled


# -- steps -------------------------------------------------------------------------------------


@dataclass
class Step:
    """A titled list with an optional filter; subclasses supply the rows and what they mean."""

    title: str
    hint: str
    filterable: bool = False
    text: str = ""
    highlight: int | None = 0
    rows: list[Row] = field(default_factory=list)
    values: list[object] = field(default_factory=list)
    """The value behind each row (None for headings)."""

    def refill(self, keep: object = None) -> None:
        """Rebuild the rows for the filter text; highlight ``keep`` if listed, else the first
        row that can be chosen."""
        rows, values = self.build(self.text)
        self.rows, self.values = rows, values
        choosable = [i for i, row in enumerate(rows) if row.kind != "heading"]
        wanted = next((i for i, v in enumerate(values) if keep is not None and v == keep), None)
        self.highlight = wanted if wanted is not None else (choosable[0] if choosable else None)

    def build(self, text: str) -> tuple[list[Row], list[object]]:
        raise NotImplementedError

    def numbered(self, number: int) -> int | None:
        """The row a digit picks, while nothing is typed."""
        if self.text:
            return None
        return next((i for i, row in enumerate(self.rows) if row.number == number), None)


def _kind_label(actor: Actor) -> str:
    return actor.kind


def _literal_match(typed: str, terms: Sequence[str]) -> bool:
    """Whether the typed words appear as they are in one of the terms (not only as a typo)."""
    query = normalize(typed)
    return bool(query) and any(query in normalize(term) for term in terms)


@dataclass
class ActorStep(Step):
    """Who takes the stance: the sentence's and article's actors numbered first, then actors
    used recently in other articles, then everyone, filtered by name or alias."""

    actors: Sequence[Actor] = ()
    here: Sequence[Actor] = ()
    """Suggested from the sentence and its article, best first (numbered first)."""
    elsewhere: Sequence[Actor] = ()
    """Used recently in other articles (numbered after ``here``, under their own heading)."""
    creatable: bool = True

    def build(self, text: str) -> tuple[list[Row], list[object]]:
        rows: list[Row] = []
        values: list[object] = []
        typed = text.strip()
        if not typed:
            number = 0
            seen: set[int] = set()
            for group, heading in ((self.here, ""), (self.elsewhere, "recent, other articles")):
                group = [a for a in group if a.id not in seen][: MAX_NUMBERED - number]
                if not group:
                    continue
                if heading:
                    rows.append(Row(heading, kind="heading"))
                    values.append(None)
                for actor in group:
                    number += 1
                    seen.add(actor.id)
                    rows.append(Row(actor.name, _kind_label(actor), number))
                    values.append(actor)
            _add_everyone(rows, values, self.actors, seen, creatable=self.creatable)
            return rows, values
        ordered = _typed_actors(typed, self.actors, creatable=self.creatable)
        return [row for row, _ in ordered], [value for _, value in ordered]


_NEW = "new"
"""The value of a "+ New …" row."""


def _add_everyone(
    rows: list[Row],
    values: list[object],
    actors: Sequence[Actor],
    numbered: Collection[int],
    *,
    heading: bool | None = None,
    creatable: bool = True,
) -> None:
    """Below the numbered suggestions: every other actor by name (under "everyone" when
    ``heading``, by default when rows came before), then "+ New actor…"."""
    others = sorted((a for a in actors if a.id not in numbered),
                    key=lambda a: (a.name.casefold(), a.id))  # fmt: skip
    if others and (bool(rows) if heading is None else heading):
        rows.append(Row("everyone", kind="heading"))
        values.append(None)
    for actor in others:
        rows.append(Row(actor.name, _kind_label(actor)))
        values.append(actor)
    if creatable:
        rows.append(Row("+ New actor…", kind="create"))
        values.append(_NEW)


def _typed_actors(
    typed: str, actors: Sequence[Actor], *, creatable: bool = True
) -> list[tuple[Row, object]]:
    """The actors whose name or alias matches what was typed, best first, and "+ New actor"
    (first unless a name or alias is what was typed)."""
    matches = rank(typed, [(a, (a.name, *a.aliases)) for a in actors])
    found: list[tuple[Row, object]] = [
        (Row(a.name, a.kind + (f"  = {hit}" if hit != a.name else "")), a) for a, hit in matches
    ]
    if not creatable:
        return found
    create = (Row(f"+ New actor “{typed}”", kind="create"), _NEW)
    literal = any(_literal_match(typed, (a.name, *a.aliases)) for a in actors)
    return [*found, create] if literal else [create, *found]


_NO_TARGET = "no target"
"""The value of the "(no target)" row."""


@dataclass
class SpeakerStep(Step):
    """Who voiced the claim (optional, opened with ``s`` at the stance): 0 is "(no speaker)",
    1-9 the suggestions (see ``speaker_suggestions``); typing filters every actor, and a name
    that matches none offers to create it."""

    actors: Sequence[Actor] = ()
    suggested: Sequence[Actor] = ()

    def build(self, text: str) -> tuple[list[Row], list[object]]:
        typed = text.strip()
        none = Row("(no speaker)", number=None if typed else 0, kind="none")
        if not typed:
            rows: list[Row] = [none]
            values: list[object] = [_NO_TARGET]
            numbered = {a.id for a in self.suggested}
            for number, actor in enumerate(self.suggested, start=1):
                rows.append(Row(actor.name, _kind_label(actor), number))
                values.append(actor)
            _add_everyone(rows, values, self.actors, numbered, heading=bool(self.suggested))
            return rows, values
        ordered = [*_typed_actors(typed, self.actors), (none, _NO_TARGET)]
        return [row for row, _ in ordered], [value for _, value in ordered]


def speaker_suggestions(
    suggested: Sequence[Actor],
    actor: Actor | None,
    mentioned: Collection[int] = (),
    limit: int = MAX_NUMBERED,
) -> list[Actor]:
    """The speakers to number, never the actor itself: those the sentence names first, then
    the other suggestions, persons first in each (a speaker is most often a named person)."""
    seen: set[int] = set() if actor is None else {actor.id}
    ordered: list[Actor] = []
    named = [a for a in suggested if a.id in mentioned]
    rest = [a for a in suggested if a.id not in mentioned]
    persons = [a for group in (named, rest) for a in group if a.kind == "person"]
    for each in [*(a for a in persons if a.id in mentioned), *named, *persons, *rest]:
        if each.id not in seen:
            seen.add(each.id)
            ordered.append(each)
    return ordered[:limit]


@dataclass
class KindStep(Step):
    """The kind of an actor created on the spot; a named person is the most common."""

    def build(self, text: str) -> tuple[list[Row], list[object]]:
        rows = [Row(kind, number=n) for n, kind in enumerate(ACTOR_KINDS, start=1)]
        return rows, list(ACTOR_KINDS)


@dataclass
class ParentStep(Step):
    """An optional parent for a new actor (the state of a minister): enter alone means none."""

    actors: Sequence[Actor] = ()

    def build(self, text: str) -> tuple[list[Row], list[object]]:
        none = (Row("(no parent)", number=None if text.strip() else 0, kind="none"), None)
        if not text.strip():
            return [none[0]], [_NO_TARGET]
        matches = rank(text.strip(), [(a, (a.name, *a.aliases)) for a in self.actors])
        rows = [Row(a.name, a.kind) for a, _ in matches] + [none[0]]
        return rows, [*(a for a, _ in matches), _NO_TARGET]


@dataclass
class StanceStep(Step):
    """Which stance: a digit picks in codebook order."""

    stances: Sequence[Stance] = ()

    def build(self, text: str) -> tuple[list[Row], list[object]]:
        rows = [
            Row(s.key, format_score(s.score) + (f"  {s.label}" if s.label != s.key else ""),
                i + 1 if i < MAX_NUMBERED else None)
            for i, s in enumerate(self.stances)
        ]  # fmt: skip
        return rows, list(self.stances)


@dataclass
class TargetStep(Step):
    """Toward which target: 0 is "(no target)", 1-9 the codebook's first targets; typing filters,
    and a name that matches no target offers to create it."""

    targets: Sequence[Target] = ()

    def build(self, text: str) -> tuple[list[Row], list[object]]:
        typed = text.strip()
        if not typed:
            rows = [Row("(no target)", number=0, kind="none")]
            values: list[object] = [_NO_TARGET]
            for i, target in enumerate(self.targets):
                rows.append(Row(target.name, number=i + 1 if i < MAX_NUMBERED else None))
                values.append(target)
            return rows, values
        matches = rank(typed, [(t, (t.name,)) for t in self.targets])
        exact = any(normalize(t.name) == normalize(typed) for t in self.targets)
        found: list[tuple[Row, object]] = [(Row(t.name), t) for t, _ in matches]
        none = (Row("(no target)", kind="none"), _NO_TARGET)
        if exact:
            return [r for r, _ in [*found, none]], [v for _, v in [*found, none]]
        create = (Row(f"+ New target “{typed}”", kind="create"), _NEW)
        literal = any(_literal_match(typed, (t.name,)) for t in self.targets)
        ordered = [*found, create, none] if literal else [create, *found, none]
        return [row for row, _ in ordered], [value for _, value in ordered]


@dataclass
class ListStep(Step):
    """A numbered choice among given labels (which annotation to edit, say)."""

    items: Sequence[tuple[object, str]] = ()

    def build(self, text: str) -> tuple[list[Row], list[object]]:
        rows = [
            Row(label, number=n if n <= MAX_NUMBERED else None)
            for n, (_, label) in enumerate(self.items, start=1)
        ]
        return rows, [value for value, _ in self.items]


@dataclass
class TextStep(Step):
    """A line of text (a note): what is typed is the answer."""

    def build(self, text: str) -> tuple[list[Row], list[object]]:
        return [], []


@dataclass
class ConfirmStep(Step):
    """A yes or no question answered with one key."""

    def build(self, text: str) -> tuple[list[Row], list[object]]:
        return [], []


def format_score(score: float) -> str:
    """A stance score as the coder reads it: "+1", "0", "-0.5"."""
    return "0" if score == 0 else f"{score:+g}"


FILTER_HINT = "type to filter · ↑↓ move · enter choose · esc back"


# -- flows -------------------------------------------------------------------------------------


class Flow:
    """A stack of steps answered in turn; ``esc`` goes back one step and cancels from the first."""

    def __init__(self) -> None:
        self.steps: list[Step] = []

    @property
    def step(self) -> Step:
        return self.steps[-1]

    def push(self, step: Step, keep: object = None) -> None:
        step.refill(keep)
        self.steps.append(step)

    def chosen(self) -> tuple[str, ...]:
        """What the flow has chosen so far, for the picker's title line."""
        return ()

    @property
    def view(self) -> View:
        step = self.step
        return View(
            step.title,
            self.chosen(),
            step.text if step.filterable or isinstance(step, TextStep) else None,
            tuple(step.rows),
            step.highlight,
            step.hint,
        )

    # -- keys --

    def takes_text(self) -> bool:
        """Whether printable keys are typed into this step (else they do nothing here)."""
        return self.step.filterable or isinstance(self.step, TextStep | ConfirmStep)

    def takes_digit(self, number: int) -> bool:
        """Whether a digit picks a row now (else, in a filter, it is text)."""
        return self.step.numbered(number) is not None

    def type(self, text: str) -> Outcome | None:
        step = self.step
        if isinstance(step, ConfirmStep):
            return self.confirm() if text.strip().lower() in ("y", "") else None
        if step.filterable or isinstance(step, TextStep):
            step.text += text
            step.refill()
        return None

    def backspace(self) -> None:
        step = self.step
        if step.text:
            step.text = step.text[:-1]
            step.refill()

    def clear(self) -> None:
        """Empty the filter (ctrl+u)."""
        if self.step.text:
            self.step.text = ""
            self.step.refill()

    def move(self, delta: int) -> None:
        """Move the highlight by ``delta`` rows, skipping headings, stopping at the ends."""
        step = self.step
        choosable = [i for i, row in enumerate(step.rows) if row.kind != "heading"]
        if not choosable:
            return
        current = step.highlight if step.highlight in choosable else choosable[0]
        position = choosable.index(current) + delta
        step.highlight = choosable[max(0, min(position, len(choosable) - 1))]

    def pick(self, number: int) -> Outcome | None:
        index = self.step.numbered(number)
        if index is None:
            return None
        self.step.highlight = index
        return self.accept()

    def accept(self) -> Outcome | None:
        step = self.step
        if isinstance(step, TextStep):
            return self.answer(step.text)
        if isinstance(step, ConfirmStep):
            return self.confirm()
        if step.highlight is None or step.highlight >= len(step.values):
            return None
        return self.answer(step.values[step.highlight])

    def back(self) -> Outcome | None:
        """Back one step; from the first, the flow is cancelled."""
        if len(self.steps) <= 1:
            return Cancelled()
        self.steps.pop()
        return None

    def answer(self, value: object) -> Outcome | None:
        raise NotImplementedError

    def confirm(self) -> Outcome | None:
        return Confirmed()

    def created(self, value: Actor | Target) -> Outcome | None:
        """The screen has created what a ``CreateActor`` or ``CreateTarget`` asked for."""
        return None


class CodingFlow(Flow):
    """Actor, then stance, then target: an annotation's codes, or an edit of one's codes."""

    def __init__(
        self,
        *,
        actors: Sequence[Actor],
        stances: Sequence[Stance],
        targets: Sequence[Target],
        here: Sequence[Actor] = (),
        elsewhere: Sequence[Actor] = (),
        usual_stance: Callable[[int], int | None] = lambda actor_id: None,
        last_target_id: int | None = None,
        editing: Annotation | None = None,
        speakers: bool = True,
        mentioned: Collection[int] = (),
    ) -> None:
        """``speakers``: whether ``s`` at the stance asks for a speaker (the review's final
        codes have none); ``mentioned``: the actors the sentence names, numbered first there."""
        super().__init__()
        self.actors = list(actors)
        self.stances = list(stances)
        self.targets = list(targets)
        self.usual_stance = usual_stance
        self.last_target_id = last_target_id
        self.editing = editing
        self.actor: Actor | None = None
        self.stance: Stance | None = None
        self.pending_name = ""
        self.pending_kind = "person"
        self.suggested = [*here, *elsewhere]
        """The actor suggestions, from which the speaker step numbers its own."""
        self.speakers = speakers
        self.mentioned = frozenset(mentioned)
        by_id = {a.id: a for a in self.actors}
        self.speaker: Actor | None = (
            by_id.get(editing.speaker_id) if editing and editing.speaker_id else None
        )
        """Who voiced the claim; an edit starts with the annotation's speaker."""
        self.creating_speaker = False
        """Whether the actor being created (kind, parent) is the speaker."""
        keep = by_id.get(editing.actor_id) if editing else None
        hint = "1-9 suggestion · type to filter · ↑↓ enter choose · esc cancel"
        self.push(
            ActorStep("Actor", hint, filterable=True, actors=self.actors, here=here,
                      elsewhere=elsewhere),
            keep,
        )  # fmt: skip

    def chosen(self) -> tuple[str, ...]:
        parts: list[str] = []
        if self.actor is not None and not isinstance(self.step, ActorStep):
            parts.append(self.actor.name)
        if self.speaker is not None and not isinstance(self.step, ActorStep | SpeakerStep):
            parts.append(f"said by {self.speaker.name}")
        if self.pending_name and isinstance(self.step, KindStep | ParentStep):
            parts.append(f"new actor {self.pending_name}")
        if self.stance is not None and isinstance(self.step, TargetStep):
            parts.append(self.stance.label)
        return tuple(parts)

    def type(self, text: str) -> Outcome | None:
        """``s`` at the stance asks who voiced the claim; other keys as in every flow."""
        if isinstance(self.step, StanceStep) and self.speakers and text in ("s", "S"):
            self._ask_speaker()
            return None
        return super().type(text)

    def _ask_speaker(self) -> None:
        hint = "0 none · 1-9 suggestion · type to filter or create · enter · esc back"
        suggested = speaker_suggestions(self.suggested, self.actor, self.mentioned)
        # enter alone takes the speaker already chosen, else the first suggestion
        keep: object = self.speaker or (suggested[0] if suggested else _NO_TARGET)
        step = SpeakerStep("Speaker", hint, filterable=True, actors=self.actors,
                           suggested=suggested)  # fmt: skip
        self.push(step, keep)

    def back(self) -> Outcome | None:
        outcome = super().back()
        if isinstance(self.step, ActorStep):
            self.actor, self.stance = None, None
        elif isinstance(self.step, StanceStep):
            self.stance = None
        elif isinstance(self.step, SpeakerStep):
            self.creating_speaker = False
        return outcome

    def answer(self, value: object) -> Outcome | None:
        step = self.step
        if isinstance(step, ActorStep):
            if value == _NEW:
                self.pending_name = " ".join(step.text.split())
                if not self.pending_name:
                    return None  # "+ New actor…" needs a name typed first
                self.push(KindStep("Kind of the new actor", "1-5 or ↑↓ enter · esc back"),
                          "person")  # fmt: skip
                return None
            assert isinstance(value, Actor)
            return self._to_stance(value)
        if isinstance(step, SpeakerStep):
            if value == _NEW:
                self.pending_name = " ".join(step.text.split())
                if not self.pending_name:
                    return None
                self.creating_speaker = True
                self.push(KindStep("Kind of the new actor", "1-5 or ↑↓ enter · esc back"),
                          "person")  # fmt: skip
                return None
            self.speaker = value if isinstance(value, Actor) else None
            self.steps.pop()  # back to the stance, which the speaker was asked from
            return None
        if isinstance(step, KindStep):
            self.pending_kind = str(value)
            hint = "enter: no parent · type to find one · esc back"
            self.push(ParentStep("Parent (optional)", hint, filterable=True, actors=self.actors))
            return None
        if isinstance(step, ParentStep):
            parent_id = value.id if isinstance(value, Actor) else None
            return CreateActor(self.pending_name, self.pending_kind, parent_id)
        if isinstance(step, StanceStep):
            assert isinstance(value, Stance)
            self.stance = value
            if not self.targets and self.editing is None:
                return self._finish(None)
            initial: object = _NO_TARGET
            wanted = self.editing.target_id if self.editing else self.last_target_id
            initial = next((t for t in self.targets if t.id == wanted), _NO_TARGET)
            hint = "0 none · 1-9 target · type to filter or create · enter · esc back"
            self.push(TargetStep("Target", hint, filterable=True, targets=self.targets), initial)
            return None
        if isinstance(step, TargetStep):
            if value == _NEW:
                name = " ".join(step.text.split())
                return CreateTarget(name) if name else None
            return self._finish(value if isinstance(value, Target) else None)
        return None

    def _to_stance(self, actor: Actor) -> Outcome | None:
        self.actor = actor
        wanted = self.editing.stance_id if self.editing else self.usual_stance(actor.id)
        initial = next((s for s in self.stances if s.id == wanted), None)
        hint = "1-9 or ↑↓ enter choose · s speaker · esc back"
        if not self.speakers:
            hint = "1-9 or ↑↓ enter choose · esc back"
        self.push(StanceStep("Stance", hint, stances=self.stances), initial)
        return None

    def _finish(self, target: Target | None) -> Codes:
        assert self.actor is not None and self.stance is not None
        return Codes(self.actor, self.stance, target, self.editing, self.speaker)

    def created(self, value: Actor | Target) -> Outcome | None:
        if isinstance(value, Actor) and self.creating_speaker:
            self.actors.append(value)
            while not isinstance(self.step, StanceStep):
                self.steps.pop()
            self.speaker, self.creating_speaker, self.pending_name = value, False, ""
            return None
        if isinstance(value, Actor):
            self.actors.append(value)
            while not isinstance(self.step, ActorStep):
                self.steps.pop()
            self.step.text = ""
            return self._to_stance(value)
        self.targets.append(value)
        return self._finish(value)


class ChoiceFlow(Flow):
    """One numbered choice among labelled values (which of my annotations to edit, say)."""

    def __init__(self, title: str, items: Sequence[tuple[object, str]]) -> None:
        super().__init__()
        self.push(ListStep(title, "1-9 or ↑↓ enter choose · esc cancel", items=items))

    def answer(self, value: object) -> Outcome | None:
        return Chosen(value)


class NoteFlow(Flow):
    """A note typed on one line: enter keeps it, esc leaves the old one."""

    def __init__(self, title: str, note: str = "") -> None:
        super().__init__()
        step = TextStep(title, "type the note · enter save · esc cancel")
        step.text = note
        self.push(step)

    def answer(self, value: object) -> Outcome | None:
        return NoteText(str(value))


class ConfirmFlow(Flow):
    """A yes or no question: ``space``, ``y`` or ``enter`` says yes, ``esc`` no."""

    def __init__(self, question: str) -> None:
        super().__init__()
        self.push(ConfirmStep(question, "space/y yes · esc no"))

    def answer(self, value: object) -> Outcome | None:
        return Confirmed()
