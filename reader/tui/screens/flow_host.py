"""A screen that asks the coding loop's questions in an always-mounted picker.

The coding screen and the review screen both ask through ``CodingPicker``: a flow of
``reader.tui.coding_flow`` is shown in the picker, in place of a widget it hides meanwhile, and
its keys are priority bindings (and, for printable keys, ``ReaderApp.on_event``) handled on the
app's own task as they arrive, so nothing typed ahead is lost or misapplied.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widget import Widget

from reader.tui.coding_flow import (
    Cancelled,
    CreateActor,
    CreateTarget,
    Flow,
    Outcome,
)
from reader.tui.widgets import CodingPicker

Handler = Callable[[Outcome], None]
"""What the screen does with a flow's final outcome."""

FLOW_BINDINGS: list[BindingType] = [
    Binding("escape", "flow_back", "Back", priority=True, id="pick.back"),
    Binding("enter", "flow_accept", "Choose", priority=True, id="pick.choose"),
    Binding("down", "flow_move(1)", "Down", show=False, priority=True, id="pick.down"),
    Binding("up", "flow_move(-1)", "Up", show=False, priority=True, id="pick.up"),
    Binding("pagedown", "flow_move(8)", "Page down", show=False, priority=True,
            id="pick.page-down"),
    Binding("pageup", "flow_move(-8)", "Page up", show=False, priority=True, id="pick.page-up"),
    Binding("backspace", "flow_erase", "Erase", show=False, priority=True, id="pick.erase"),
    Binding("ctrl+u", "flow_clear", "Clear", show=False, priority=True, id="pick.clear"),
    *(
        Binding(str(n), f"flow_pick({n})", f"Pick {n}", show=False, priority=True,
                id=f"pick.{n}")
        for n in range(10)
    ),
]  # fmt: skip
"""The keys of an open question; a screen lists them in its BINDINGS."""

FLOW_ACTIONS = frozenset(
    ("flow_back", "flow_accept", "flow_move", "flow_erase", "flow_clear", "flow_pick")
)
"""The actions that answer the open question; the others wait until it is answered."""


class FlowHost(Screen[None]):
    """Runs one flow at a time in ``picker``, hiding ``asked_over`` while it is open."""

    flow: Flow | None = None
    """The question on screen, if any; keys answer it until it ends."""
    picker: CodingPicker
    asked_over: Widget
    """The widget the picker stands in for while a question is open (the panel)."""
    _handler: Handler | None = None
    FLOW_BINDINGS: ClassVar[list[BindingType]] = FLOW_BINDINGS

    def flow_check(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """``check_action`` for the flow's keys (None: not a flow key, decide elsewhere)."""
        flow = self.flow
        if action in FLOW_ACTIONS:
            if flow is None:
                return False
            if action == "flow_pick":
                return isinstance(parameters[0], int) and flow.takes_digit(parameters[0])
            return True
        if flow is not None:
            return False  # every other key waits until the question is answered
        return None

    def flow_changed(self) -> None:
        """A question opened or closed: the keys that apply changed (the key bar follows)."""
        self.refresh_bindings()

    # -- running a flow ---------------------------------------------------------------------

    def start_flow(self, flow: Flow, handler: Handler) -> None:
        """Show a flow's first question in the picker; ``handler`` gets its final outcome."""
        self.flow, self._handler = flow, handler
        self.picker.show(flow.view)
        self.picker.display = True
        self.asked_over.display = False
        self.flow_changed()

    def end_flow(self) -> None:
        self.flow, self._handler = None, None
        self.picker.display = False
        self.asked_over.display = True
        self.picker.show(None)
        self.flow_changed()

    def _after(self, outcome: Outcome | None) -> None:
        """Redraw after a key; hand a final outcome over, or create what the flow asked for."""
        flow = self.flow
        if flow is None:
            return
        while isinstance(outcome, CreateActor | CreateTarget):
            outcome = self._create(flow, outcome)
        if outcome is None:
            self.picker.show(flow.view)
            return
        handler = self._handler
        self.end_flow()
        if handler is not None and not isinstance(outcome, Cancelled):
            handler(outcome)

    def type_into_flow(self, text: str) -> None:
        """Printable keys while a flow is open (routed here by ``ReaderApp.on_event``)."""
        if self.flow is not None:
            self._after(self.flow.type(text))

    def action_flow_back(self) -> None:
        if self.flow is not None:
            self._after(self.flow.back())

    def action_flow_accept(self) -> None:
        if self.flow is not None:
            self._after(self.flow.accept())

    def action_flow_pick(self, number: int) -> None:
        if self.flow is not None:
            self._after(self.flow.pick(number))

    def action_flow_move(self, delta: int) -> None:
        if self.flow is not None:
            self.flow.move(delta)
            self.picker.show(self.flow.view)

    def action_flow_erase(self) -> None:
        if self.flow is not None:
            self.flow.backspace()
            self.picker.show(self.flow.view)

    def action_flow_clear(self) -> None:
        if self.flow is not None:
            self.flow.clear()
            self.picker.show(self.flow.view)

    def _create(self, flow: Flow, wanted: CreateActor | CreateTarget) -> Outcome | None:
        """Create what a flow asked for and carry on with it (the screen knows the Store)."""
        return None
