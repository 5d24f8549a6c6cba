"""The pickers a coder answers while coding a sentence: which actor, which stance, which target.

Each is a typed modal that dismisses with the choice, or ``None`` on escape; the caller writes to
the Store. Pickers with a filter keep the focus in the filter input so the coder can type at once,
while the arrow keys move the highlight in the list below; digits take a numbered row at once while
the filter is empty, and are plain text once something has been typed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList
from textual.widgets.option_list import Option

from reader.models import ACTOR_KINDS, Actor, Stance, Target
from reader.text.fuzzy import rank
from reader.text.visible import visible
from reader.tui.screens.list_picker import (
    MAX_NUMBERED,
    NAME_COLUMN,
    ListPicker,
    index_of,
    number_gutter,
)
from reader.tui.widgets import LiteralInput, literal

# --- actors -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class NewActor:
    """An actor the coder names on the spot; the caller adds it to the codebook."""

    name: str
    kind: str
    """One of ``reader.models.ACTOR_KINDS``."""


_NEW = "new"
"""Option id of the "+ New actor" row."""


def _shown_length(actor: Actor) -> int:
    """How long the actor's name is on screen (a control character may show as several)."""
    return len(visible(actor.name, one_line=True))


class ActorPicker(ListPicker[Actor | NewActor]):
    """Who takes the stance: suggestions first, then everyone, filtered by name or alias."""

    def __init__(
        self,
        actors: Sequence[Actor],
        suggested: Sequence[Actor] = (),
        initial: Actor | None = None,
    ) -> None:
        super().__init__(
            "Actor",
            "↑↓ move · enter choose · 1-9 suggestion · esc cancel",
            placeholder="Type a name or alias",
        )
        self._actors = list(actors)
        seen: set[int] = set()
        self._suggested: list[Actor] = []
        for actor in suggested:
            if actor.id not in seen and len(self._suggested) < MAX_NUMBERED:
                seen.add(actor.id)
                self._suggested.append(actor)
        self._others = sorted(
            (a for a in self._actors if a.id not in seen), key=lambda a: (a.name.casefold(), a.id)
        )
        self._initial = initial
        self._rows: list[Actor | None] = []
        """The actor of each option index; ``None`` is the "+ New actor" row."""

    @staticmethod
    def _prompt(actor: Actor, width: int, number: int | None = None, matched: str = "") -> Content:
        """Number, name padded to a column, kind (muted) and the alias that matched (dim)."""
        parts: list[Content | tuple[str, str] | str] = [
            number_gutter(number),
            visible(actor.name, one_line=True).ljust(width),
            ("  " + visible(actor.kind, one_line=True), "$foreground-muted"),
        ]
        if matched and matched != actor.name:
            parts.append((f"  = {visible(matched, one_line=True)}", "dim italic"))
        return Content.assemble(*parts)

    def build(self, query: str) -> tuple[list[Option | None], int, dict[int, int]]:
        options: list[Option | None] = []
        rows: list[Actor | None] = []
        digits: dict[int, int] = {}
        typed = query.strip()
        if not typed:
            listed = [*self._suggested, *self._others]
            width = min(NAME_COLUMN, max((_shown_length(a) for a in listed), default=0))
            for n, actor in enumerate(self._suggested, start=1):
                digits[n] = len(rows)
                options.append(Option(self._prompt(actor, width, n)))
                rows.append(actor)
            if self._suggested and self._others:
                options.append(None)
            for actor in self._others:
                options.append(Option(self._prompt(actor, width)))
                rows.append(actor)
        else:
            items = [(actor, (actor.name, *actor.aliases)) for actor in self._actors]
            matches = rank(typed, items)
            width = min(NAME_COLUMN, max((_shown_length(a) for a, _ in matches), default=0))
            for actor, matched in matches:
                options.append(Option(self._prompt(actor, width, matched=matched)))
                rows.append(actor)
        label = f"+ New actor “{visible(typed, one_line=True)}”…" if typed else "+ New actor…"
        options.append(Option(Content.styled(f"  {label}", "$accent"), id=_NEW))
        rows.append(None)
        self._rows = rows
        highlight = index_of(rows, self._initial) if not typed else 0
        return options, highlight, digits

    def result_for(self, index: int) -> Actor | NewActor | None:
        actor = self._rows[index]
        if actor is not None:
            return actor
        self.app.push_screen(NewActorDialog(self.filter_text.strip()), self._created)
        return None

    def _created(self, new: NewActor | None) -> None:
        """Back from the new-actor dialog: a new actor is the answer, a cancel resumes picking."""
        if new is not None:
            self.dismiss(new)


class NewActorDialog(ModalScreen[NewActor | None]):
    """Name and kind of an actor that is not in the codebook yet."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="new-actor.cancel"),
        Binding("enter", "save", "Save", priority=True, id="new-actor.save"),
        Binding("down", "kind('cursor_down')", "Next kind", show=False, id="new-actor.down"),
        Binding("up", "kind('cursor_up')", "Previous kind", show=False, id="new-actor.up"),
        *(
            Binding(
                str(n), f"pick_kind({n})", kind, show=False, priority=True, id=f"new-actor.{kind}"
            )
            for n, kind in enumerate(ACTOR_KINDS, start=1)
        ),
    ]

    DEFAULT_KIND = "person"
    """Preselected kind: an actor missing from the codebook is most often a named person."""

    def __init__(self, name: str = "") -> None:
        super().__init__()
        self._name = name

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog new-actor"):
            yield Label("New actor", classes="dialog-title")
            yield LiteralInput(self._name, placeholder="Name", id="name", select_on_focus=False)
            yield Label("Kind", classes="dialog-label")
            yield OptionList(
                *(
                    Option(Content.assemble(number_gutter(n), kind), id=kind)
                    for n, kind in enumerate(ACTOR_KINDS, start=1)
                ),
                id="kinds",
            )
            yield Label("", id="error", classes="dialog-error")
            yield Label(
                "↑↓ kind · tab then 1-5 kind · enter save · esc cancel", classes="dialog-hint"
            )

    def on_mount(self) -> None:
        kinds = self.query_one("#kinds", OptionList)
        if self.DEFAULT_KIND in ACTOR_KINDS:
            kinds.highlighted = ACTOR_KINDS.index(self.DEFAULT_KIND)
        self.query_one("#name", Input).focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Digits choose the kind only outside the name input, where they would be text."""
        if action == "pick_kind":
            return not isinstance(self.focused, Input)
        return True

    def action_kind(self, how: str) -> None:
        getattr(self.query_one("#kinds", OptionList), f"action_{how}")()

    def action_pick_kind(self, number: int) -> None:
        self.query_one("#kinds", OptionList).highlighted = number - 1

    @on(OptionList.OptionSelected, "#kinds")
    def _clicked(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.action_save()

    def action_save(self) -> None:
        name = " ".join(self.query_one("#name", Input).value.split())
        if not name:
            error = self.query_one("#error", Label)
            error.update("Type the actor's name first.")
            error.add_class("-shown")
            self.query_one("#name", Input).focus()
            return
        highlighted = self.query_one("#kinds", OptionList).highlighted
        kind = ACTOR_KINDS[highlighted if highlighted is not None else 0]
        self.dismiss(NewActor(name, kind))

    def action_cancel(self) -> None:
        self.dismiss(None)


# --- stances ------------------------------------------------------------------------------------


def format_score(score: float) -> str:
    """A stance score as the coder reads it: "+1", "0", "-0.5"."""
    return "0" if score == 0 else f"{score:+g}"


class StancePicker(ListPicker[Stance]):
    """Which stance: a digit picks in codebook order at once."""

    HAS_FILTER = False

    def __init__(self, stances: Sequence[Stance], initial: Stance | None = None) -> None:
        super().__init__("Stance", "1-9 or ↑↓ enter choose · esc cancel")
        self._stances = list(stances)
        self._initial = initial

    def build(self, query: str) -> tuple[list[Option | None], int, dict[int, int]]:
        options: list[Option | None] = []
        digits: dict[int, int] = {}
        for i, stance in enumerate(self._stances):
            number = i + 1 if i < MAX_NUMBERED else None
            if number is not None:
                digits[number] = i
            options.append(
                Option(
                    Content.assemble(
                        number_gutter(number),
                        literal(stance.key),
                        (f" ({format_score(stance.score)})", "$foreground-muted"),
                        (
                            f"  {visible(stance.label, one_line=True)}"
                            if stance.label != stance.key
                            else "",
                            "dim",
                        ),
                    )
                )
            )
        return options, index_of(self._stances, self._initial), digits

    def result_for(self, index: int) -> Stance:
        return self._stances[index]


# --- targets ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TargetChoice:
    """The coder's answer to "toward what?"; wrapping it tells "no target" apart from a cancel."""

    target: Target | None
    """``None`` means the stance has no target."""


class TargetPicker(ListPicker[TargetChoice]):
    """Toward which target: "(no target)" is key 0, targets are 1-9, typing filters."""

    def __init__(self, targets: Sequence[Target], initial: Target | None = None) -> None:
        super().__init__("Target", "↑↓ move · enter choose · 0 none · 1-9 target · esc cancel")
        self._targets = list(targets)
        self._initial = initial
        self._rows: list[Target | None] = []

    def build(self, query: str) -> tuple[list[Option | None], int, dict[int, int]]:
        typed = query.strip()
        none_row = Option(
            Content.assemble(number_gutter(None if typed else 0), ("(no target)", "italic"))
        )
        options: list[Option | None] = []
        rows: list[Target | None] = []
        digits: dict[int, int] = {}
        if not typed:
            options.append(none_row)
            rows.append(None)
            digits[0] = 0
            for i, target in enumerate(self._targets):
                number = i + 1 if i < MAX_NUMBERED else None
                if number is not None:
                    digits[number] = len(rows)
                options.append(
                    Option(Content.assemble(number_gutter(number), literal(target.name)))
                )
                rows.append(target)
        else:
            # Filtered: the best match comes first and "(no target)" last, so enter takes a match.
            items = [(target, (target.name,)) for target in self._targets]
            for target, _ in rank(typed, items):
                options.append(Option(Content.assemble(number_gutter(None), literal(target.name))))
                rows.append(target)
            options.append(none_row)
            rows.append(None)
        self._rows = rows
        highlight = index_of(rows, self._initial) if not typed else 0
        return options, highlight, digits

    def result_for(self, index: int) -> TargetChoice:
        return TargetChoice(self._rows[index])
