"""The codebook screen: browse and edit actors, stances and targets without leaving the app.

Coders meet a missing alias or a duplicate actor in the middle of coding; fixing it here (rather
than exporting, editing and re-importing the TOML) keeps mention detection and suggestions right for
the rest of the session. The screen writes through the Store, which checks every change and logs
it; it dismisses with ``True`` when anything changed so the caller recomputes mentions.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen, Screen
from textual.widgets import Footer, Input, Label, OptionList
from textual.widgets.option_list import Option

from reader.models import ACTOR_KINDS, MAX_STANCES, Actor, Stance, Target
from reader.store import Store, StoreError
from reader.text.fuzzy import rank
from reader.text.visible import visible
from reader.tui.coding_flow import format_score
from reader.tui.screens.dialogs import ConfirmDialog
from reader.tui.screens.pickers import ActorPicker
from reader.tui.widgets import LiteralInput, literal


@dataclass(frozen=True)
class ActorForm:
    """What the actor dialog answers; the screen turns it into a Store call."""

    name: str
    kind: str
    aliases: tuple[str, ...]
    parent_id: int | None


@dataclass(frozen=True)
class EntryForm:
    """What the target and stance dialogs answer (``score`` only for stances)."""

    name: str
    label: str = ""
    score: float = 0.0


def best_parent(typed: str, actors: Sequence[Actor]) -> Actor | None:
    """The actor a typed parent name means: an exact name first, else the best fuzzy match."""
    typed = typed.strip()
    if not typed:
        return None
    for actor in actors:
        if actor.name.casefold() == typed.casefold():
            return actor
    matches = rank(typed, [(actor, (actor.name, *actor.aliases)) for actor in actors])
    return matches[0][0] if matches else None


class ActorDialog(ModalScreen[ActorForm | None]):
    """Name, kind, aliases (comma-separated) and parent (by name, fuzzy) of an actor."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="actor-form.cancel"),
        Binding("enter", "save", "Save", priority=True, id="actor-form.save"),
    ]

    def __init__(self, actors: Sequence[Actor], actor: Actor | None = None) -> None:
        super().__init__()
        self._actor = actor
        self._others = [a for a in actors if actor is None or a.id != actor.id]
        self._parent_name = next(
            (a.name for a in actors if actor is not None and a.id == actor.parent_id), ""
        )

    def compose(self) -> ComposeResult:
        actor = self._actor
        with Vertical(classes="dialog actor-form"):
            yield Label("Edit actor" if actor else "New actor", classes="dialog-title")
            yield LiteralInput(actor.name if actor else "", placeholder="Name", id="name")
            yield Label("Kind (↑↓)", classes="dialog-label")
            yield OptionList(*(Option(kind, id=kind) for kind in ACTOR_KINDS), id="kind")
            yield LiteralInput(
                ", ".join(actor.aliases) if actor else "",
                placeholder="Aliases, comma-separated",
                id="aliases",
            )
            yield LiteralInput(
                self._parent_name, placeholder="Parent (type a name; empty: none)", id="parent"
            )
            yield Label("", id="parent-match", classes="dialog-label")
            yield Label("tab next field · enter save · esc cancel", classes="dialog-hint")

    def on_mount(self) -> None:
        kind = self._actor.kind if self._actor else "person"
        self.query_one("#kind", OptionList).highlighted = ACTOR_KINDS.index(kind)
        self._show_parent(self._parent_name)
        self.query_one("#name", Input).focus()

    @on(Input.Changed, "#parent")
    def _parent_changed(self, event: Input.Changed) -> None:
        self._show_parent(event.value)

    def _show_parent(self, typed: str) -> None:
        parent = best_parent(typed, self._others)
        text = f"Parent: {parent.name}" if parent else ("Parent: none" if not typed.strip() else "")
        self.query_one("#parent-match", Label).update(literal(text or "Parent: no match"))

    def action_save(self) -> None:
        name = " ".join(self.query_one("#name", LiteralInput).stored.split())
        if not name:
            self.notify("Type the actor's name first.", severity="error")
            return
        typed = self.query_one("#parent", LiteralInput).stored
        parent = best_parent(typed, self._others)
        if typed.strip() and parent is None:
            self.notify(
                f"No actor matches the parent {typed.strip()!r}.", severity="error", markup=False
            )
            return
        highlighted = self.query_one("#kind", OptionList).highlighted or 0
        typed_aliases = self.query_one("#aliases", LiteralInput).stored
        aliases = tuple(a.strip() for a in typed_aliases.split(","))
        self.dismiss(
            ActorForm(name, ACTOR_KINDS[highlighted], tuple(a for a in aliases if a),
                      parent.id if parent else None)
        )  # fmt: skip

    def action_cancel(self) -> None:
        self.dismiss(None)


class EntryDialog(ModalScreen[EntryForm | None]):
    """A target (name) or a stance (key, label, score): a few one-line fields."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="entry-form.cancel"),
        Binding("enter", "save", "Save", priority=True, id="entry-form.save"),
    ]

    def __init__(self, title: str, fields: Sequence[tuple[str, str, str]]) -> None:
        """``fields``: (id, placeholder, value) for each input, the first being required."""
        super().__init__()
        self._title = title
        self._fields = list(fields)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog entry-form"):
            yield Label(self._title, classes="dialog-title")
            for field_id, placeholder, value in self._fields:
                yield LiteralInput(value, placeholder=placeholder, id=field_id)
            yield Label("tab next field · enter save · esc cancel", classes="dialog-hint")

    def on_mount(self) -> None:
        self.query_one(f"#{self._fields[0][0]}", Input).focus()

    def action_save(self) -> None:
        values = [self.query_one(f"#{f[0]}", LiteralInput).stored.strip() for f in self._fields]
        if not values[0]:
            field = self._fields[0][1].lower()
            self.notify(f"Type the {field} first.", severity="error", markup=False)
            return
        score = 0.0
        if len(values) > 2:
            try:
                score = float(values[2] or 0)
            except ValueError:
                self.notify(
                    f"The score {values[2]!r} is not a number.", severity="error", markup=False
                )
                return
        self.dismiss(EntryForm(values[0], values[1] if len(values) > 1 else "", score))

    def action_cancel(self) -> None:
        self.dismiss(None)


class CodebookScreen(Screen[bool]):
    """Actors grouped by kind, then stances, then targets, in one list; keys act on the row."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Close", id="codebook.close"),
        Binding("a", "add_actor", "Add actor", id="codebook.add-actor"),
        Binding("e", "edit", "Edit", id="codebook.edit"),
        Binding("m", "merge", "Merge into…", id="codebook.merge"),
        Binding("d,delete", "delete", "Delete", id="codebook.delete"),
        Binding("t", "add_target", "Add target", id="codebook.add-target"),
        Binding("s", "add_stance", "Add stance", id="codebook.add-stance"),
    ]

    def __init__(self, store: Store) -> None:
        super().__init__()
        self.store = store
        self.changed = False
        """Whether anything was written; the dismiss value, so mentions get recomputed."""
        self._actors: list[Actor] = []
        self._stances: list[Stance] = []
        self._targets: list[Target] = []

    def compose(self) -> ComposeResult:
        yield Label("Codebook", id="codebook-title", classes="dialog-title")
        yield OptionList(id="codebook-entries")
        yield Footer()

    def on_mount(self) -> None:
        self.refresh_entries()
        self.query_one("#codebook-entries", OptionList).focus()

    def refresh_entries(self, keep: str | None = None) -> None:
        """Reload the codebook and redraw the list, keeping the highlight on ``keep`` if given."""
        entries = self.query_one("#codebook-entries", OptionList)
        keep = keep or self._highlighted_id()
        codebook = self.store.codebook()
        self._actors, self._stances = list(codebook.actors), list(codebook.stances)
        self._targets = list(codebook.targets)
        names = {a.id: a.name for a in self._actors}
        options: list[Option] = []
        for kind in ACTOR_KINDS:
            group = [a for a in self._actors if a.kind == kind]
            options.append(_header(f"{kind.capitalize()} actors ({len(group)})"))
            for actor in group:
                extra = ", ".join(actor.aliases)
                parent = f"  ⊂ {names[actor.parent_id]}" if actor.parent_id in names else ""
                options.append(
                    Option(
                        Content.assemble(
                            literal(f"  {actor.name}"),
                            (visible(parent, one_line=True), "$foreground-muted"),
                            (visible(f"  {extra}", one_line=True), "dim"),
                        ),
                        id=f"actor:{actor.id}",
                    )
                )
        options.append(_header(f"Stances ({len(self._stances)})"))
        for n, stance in enumerate(self._stances, 1):
            text = f"  {n} {stance.key} ({format_score(stance.score)})  {stance.label}"
            options.append(Option(literal(text), id=f"stance:{stance.id}"))
        options.append(_header(f"Targets ({len(self._targets)})"))
        for target in self._targets:
            options.append(Option(literal(f"  {target.name}"), id=f"target:{target.id}"))
        entries.set_options(options)
        index = next((i for i, o in enumerate(options) if keep and o.id == keep), None)
        if index is None:
            index = next((i for i, o in enumerate(options) if not o.disabled), None)
        entries.highlighted = index

    def _highlighted_id(self) -> str | None:
        entries = self.query_one("#codebook-entries", OptionList)
        if entries.highlighted is None or not entries.option_count:
            return None
        return entries.get_option_at_index(entries.highlighted).id

    def _highlighted(self) -> Actor | Stance | Target | None:
        option_id = self._highlighted_id()
        if not option_id:
            return None
        table, _, raw = option_id.partition(":")
        pools: dict[str, Sequence[Actor | Stance | Target]] = {
            "actor": self._actors,
            "stance": self._stances,
            "target": self._targets,
        }
        pool = pools[table]
        return next((entry for entry in pool if entry.id == int(raw)), None)

    def _write(self, change: Callable[[], object], keep: str | None = None) -> bool:
        """Run one Store change; a refusal becomes a one-line error, a success redraws the list."""
        try:
            change()
        except StoreError as error:
            self.notify(str(error), severity="error", markup=False)
            return False
        self.changed = True
        self.refresh_entries(keep)
        return True

    # -- actors ---------------------------------------------------------------------------------

    def action_add_actor(self) -> None:
        def save(form: ActorForm | None) -> None:
            if form is not None:
                self._write(
                    lambda: self.store.add_actor(form.name, form.kind, form.aliases, form.parent_id)
                )

        self.app.push_screen(ActorDialog(self._actors), save)

    def action_edit(self) -> None:
        entry = self._highlighted()
        if isinstance(entry, Actor):
            self._edit_actor(entry)
        elif isinstance(entry, Stance):
            self._edit_stance(entry)
        elif isinstance(entry, Target):
            self._edit_target(entry)

    def _edit_actor(self, actor: Actor) -> None:
        def save(form: ActorForm | None) -> None:
            if form is not None:
                self._write(
                    lambda: self.store.update_actor(
                        actor.id, name=form.name, kind=form.kind, aliases=form.aliases,
                        parent_id=form.parent_id,
                    ),
                    f"actor:{actor.id}",
                )  # fmt: skip

        self.app.push_screen(ActorDialog(self._actors, actor), save)

    def action_merge(self) -> None:
        source = self._highlighted()
        if not isinstance(source, Actor):
            self.notify("Highlight an actor to merge it into another.", severity="error")
            return
        others = [a for a in self._actors if a.id != source.id]

        def picked(target: object) -> None:
            if not isinstance(target, Actor):
                return
            used = self.store.actor_usage(source.id)
            question = (
                f"Merge “{source.name}” into “{target.name}”? Its {used} annotation(s) move to"
                f" “{target.name}” and its names become aliases. Undo reverts it."
            )

            def confirmed(yes: bool | None) -> None:
                if yes:
                    self._write(
                        lambda: self.store.merge_actors(source.id, target.id), f"actor:{target.id}"
                    )

            self.app.push_screen(ConfirmDialog(question), confirmed)

        self.app.push_screen(ActorPicker(others), picked)

    def action_delete(self) -> None:
        actor = self._highlighted()
        if not isinstance(actor, Actor):
            self.notify("Only actors can be deleted here.", severity="error")
            return
        used = self.store.actor_usage(actor.id)
        if used:
            self.notify(
                f"“{actor.name}” is used by {used} annotation(s); merge it (m) into another actor"
                " instead.",
                severity="error",
                markup=False,
            )
            return

        def confirmed(yes: bool | None) -> None:
            if yes:
                self._write(lambda: self.store.delete_actor(actor.id))

        self.app.push_screen(ConfirmDialog(f"Delete the actor “{actor.name}”?"), confirmed)

    # -- stances and targets --------------------------------------------------------------------

    def action_add_target(self) -> None:
        def save(form: EntryForm | None) -> None:
            if form is not None:
                self._write(lambda: self.store.add_target(form.name, form.label))

        fields = [("name", "Name", ""), ("description", "Description", "")]
        self.app.push_screen(EntryDialog("New target", fields), save)

    def _edit_target(self, target: Target) -> None:
        def save(form: EntryForm | None) -> None:
            if form is not None:
                self._write(
                    lambda: self.store.update_target(
                        target.id, name=form.name, description=form.label
                    ),
                    f"target:{target.id}",
                )

        fields = [("name", "Name", target.name), ("description", "Description", target.description)]
        self.app.push_screen(EntryDialog("Edit target", fields), save)

    def action_add_stance(self) -> None:
        if len(self._stances) >= MAX_STANCES:
            self.notify(
                f"The codebook already has {MAX_STANCES} stances, all the digit keys 1-9 can pick.",
                severity="error",
                markup=False,
            )
            return

        def save(form: EntryForm | None) -> None:
            if form is not None:
                self._write(lambda: self.store.add_stance(form.name, form.label, form.score))

        fields = [("key", "Key", ""), ("label", "Label", ""), ("score", "Score", "0")]
        self.app.push_screen(EntryDialog("New stance", fields), save)

    def _edit_stance(self, stance: Stance) -> None:
        def save(form: EntryForm | None) -> None:
            if form is not None:
                self._write(
                    lambda: self.store.update_stance(
                        stance.id, key=form.name, label=form.label, score=form.score,
                        description=stance.description,
                    ),
                    f"stance:{stance.id}",
                )  # fmt: skip

        fields = [
            ("key", "Key", stance.key),
            ("label", "Label", stance.label),
            ("score", "Score", format_score(stance.score)),
        ]
        self.app.push_screen(EntryDialog("Edit stance", fields), save)

    def action_close(self) -> None:
        self.dismiss(self.changed)


def _header(text: str) -> Option:
    return Option(Content.styled(text, "bold $accent"), disabled=True)
