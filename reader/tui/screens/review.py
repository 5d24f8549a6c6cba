"""Review: step through the sentences where coders disagree, and decide their final codes.

Each coder's codes for the sentence are shown side by side, numbered; a digit accepts that
coder's codes as final, ``w`` writes other final codes with the coding loop's questions, ``0``
makes the sentence's final codes "no claim", ``m`` gives the decision a reason. ``]`` and ``[``
go to the next and previous disagreement not decided yet, ``v`` chooses which variable a
disagreement is about (all, claim, actor, stance, target, statement, stance_by_actor). Every
decision is one change ``u`` undoes. The only screen that shows every coder's codes, blind coding
or not. The agreement screen opens it on one variable, and on one pair of coders.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import Static

from reader.analysis.disagreement import VARIABLES, Variable, differs
from reader.models import Codebook
from reader.store import Store, StoreError
from reader.store.adjudication import SentenceCodes
from reader.text.visible import visible
from reader.tui.coding_flow import Codes, CodingFlow, NoteFlow, NoteText, Outcome
from reader.tui.screens.flow_host import FLOW_BINDINGS, FlowHost
from reader.tui.widgets import CodingPicker, KeyBar

COLOURS = ("cyan", "magenta", "green", "yellow", "blue", "red")
"""One colour per coder, in the order the coders are numbered."""


class ReviewScreen(FlowHost):
    """Disagreements one at a time, each coder's codes side by side, and the final decision."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("right_square_bracket", "step(1)", "Next disagreement", priority=True,
                id="review.next"),
        Binding("left_square_bracket", "step(-1)", "Previous", priority=True,
                id="review.previous"),
        *(
            Binding(str(n), f"accept({n})", f"Accept coder {n}", show=False, priority=True,
                    id=f"review.accept-{n}")
            for n in range(1, 10)
        ),
        Binding("0", "no_claim", "Final: no claim", show=False, priority=True,
                id="review.no-claim"),
        Binding("w", "write", "Write final codes", priority=True, id="review.write"),
        Binding("m", "reason", "Reason", priority=True, id="review.reason"),
        Binding("v", "variable", "Variable", priority=True, id="review.variable"),
        Binding("u", "undo", "Undo", priority=True, id="review.undo"),
        Binding("escape,q", "close", "Back", priority=True, id="review.close"),
        *FLOW_BINDINGS,
    ]  # fmt: skip

    def __init__(
        self,
        store: Store,
        variable: Variable | None = None,
        coders: Sequence[str] | None = None,
    ) -> None:
        """``variable``: list only the disagreements on it (``v`` changes it); ``coders``: only
        between these coders, whose codes alone are shown (default: every coder)."""
        super().__init__()
        self.store = store
        self.variable: Variable | None = variable
        """The variable a disagreement must be about to be listed; None: any."""
        self.coders: list[str] | None = list(coders) if coders else None
        self.items: list[SentenceCodes] = []
        self.index = 0
        self.codebook: Codebook = store.codebook()
        self.body = Static(id="review-body")
        self.picker = CodingPicker(id="picker")
        self.asked_over = self.body

    def compose(self) -> ComposeResult:
        yield Static(id="review-title")
        yield self.body
        yield self.picker
        yield KeyBar(id="keys")

    def on_mount(self) -> None:
        self._reload()

    # -- what is shown ------------------------------------------------------------------------

    def _reload(self, keep: int | None = None) -> None:
        """Read the disagreements again; stay on sentence ``keep`` if it is still listed."""
        self.codebook = self.store.codebook()
        self.items = self.store.disagreements(self.variable, self.coders)
        ids = [entry.sentence_id for entry in self.items]
        if keep in ids:
            self.index = ids.index(keep)
        self.index = max(0, min(self.index, len(self.items) - 1))
        self._show()

    @property
    def current(self) -> SentenceCodes | None:
        return self.items[self.index] if self.items else None

    def _statement(self, actor: int, stance: int, target: int | None) -> str:
        actors = {a.id: a.name for a in self.codebook.actors}
        stances = {s.id: s.label for s in self.codebook.stances}
        targets = {t.id: t.name for t in self.codebook.targets}
        parts = [actors.get(actor, "?"), stances.get(stance, "?")]
        if target is not None:
            parts.append(targets.get(target, "?"))
        return " · ".join(visible(part, one_line=True) for part in parts)

    def _show(self) -> None:
        title = self.query_one("#review-title", Static)
        waiting = sum(1 for e in self.items if self.store.final_decision(e.sentence_id) is None)
        about = self.variable or "any variable"
        among = ""
        if self.coders:
            among = " between " + visible(", ".join(self.coders), one_line=True)
        title.update(
            Text(
                f"Review  ·  {len(self.items)} disagreements on {about}{among}, "
                f"{waiting} not decided",
                style="bold",
            )
        )
        entry = self.current
        if entry is None:
            on = f" on {self.variable}" if self.variable else ""
            self.body.update(
                Text(f"No disagreements{on}: every sentence the coders share agrees{on}.")
            )
            self.refresh_bindings()
            return
        sentence = self.store.sentence(entry.sentence_id)
        article = self.store.article_heading(entry.article_id)
        text = Text()
        if article is not None:
            text.append(visible(article.title, one_line=True) + "\n", style="bold")
        text.append(f"Sentence {entry.position + 1}  ", style="dim")
        text.append(f"({self.index + 1} of {len(self.items)})\n\n", style="dim")
        text.append((visible(sentence.text) if sentence else "?") + "\n\n")
        differing = [v for v in VARIABLES if differs(v, entry.coders)]
        text.append("They differ on: " + ", ".join(differing) + "\n\n", style="italic")
        for number, coder in enumerate(sorted(entry.coders), start=1):
            colour = COLOURS[(number - 1) % len(COLOURS)]
            text.append(f"{number} ", style=f"bold {colour}")
            text.append(visible(coder, one_line=True) + "\n", style=f"bold {colour}")
            codes = sorted(entry.coders[coder], key=lambda s: (s[0], s[1], s[2] or 0))
            for statement in codes or []:
                text.append(f"    {self._statement(*statement)}\n", style=colour)
            if not codes:
                text.append("    no claim\n", style=f"italic {colour}")
        decision = self.store.final_decision(entry.sentence_id)
        text.append("\nFinal: ", style="bold")
        if decision is None:
            text.append("not decided yet\n", style="italic")
        else:
            finals = sorted(decision.statements, key=lambda s: (s[0], s[1], s[2] or 0))
            shown = "; ".join(self._statement(*s) for s in finals) or "no claim"
            text.append(shown + "\n")
            by = visible(decision.adjudicator, one_line=True)
            if decision.source_coder is not None:
                by += f", {visible(decision.source_coder, one_line=True)}'s codes"
            text.append(f"  decided by {by}", style="dim")
            if decision.reason:
                text.append(f" — {visible(decision.reason, one_line=True)}", style="dim")
            text.append("\n")
        self.body.update(text)
        self.refresh_bindings()

    # -- keys -----------------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        answer = self.flow_check(action, parameters)
        if answer is not None:
            return answer
        entry = self.current
        if action == "accept":
            return (
                entry is not None
                and isinstance(parameters[0], int)
                and (parameters[0] <= len(entry.coders))
            )
        if action in ("no_claim", "write", "reason", "step"):
            return entry is not None
        return True

    def action_step(self, step: int) -> None:
        """The next (or previous) disagreement no adjudicator has decided yet."""
        count = len(self.items)
        for offset in range(1, count + 1):
            index = (self.index + step * offset) % count
            if self.store.final_decision(self.items[index].sentence_id) is None:
                self.index = index
                self._show()
                return
        self.notify("Every disagreement listed has been decided")

    def _decided(self, change: Callable[[], object]) -> None:
        entry = self.current
        if entry is None:
            return
        try:
            change()
        except StoreError as error:
            self.notify(str(error), severity="error", markup=False)
            return
        self._reload(entry.sentence_id)

    def action_accept(self, number: int) -> None:
        entry = self.current
        if entry is not None:
            coder = sorted(entry.coders)[number - 1]
            self._decided(lambda: self.store.accept_codes(entry.sentence_id, coder))

    def action_no_claim(self) -> None:
        entry = self.current
        if entry is not None:
            self._decided(lambda: self.store.write_final(entry.sentence_id, []))

    def action_write(self) -> None:
        """Other final codes: the coding loop's questions, then one statement (``w`` again on
        a decided sentence adds another)."""
        entry = self.current
        if entry is None:
            return
        coded = {actor for codes in entry.coders.values() for actor, _, _ in codes}
        flow = CodingFlow(
            actors=self.codebook.actors, stances=self.codebook.stances,
            targets=self.codebook.targets,
            here=[a for a in self.codebook.actors if a.id in coded], speakers=False,
        )  # fmt: skip
        decision = self.store.final_decision(entry.sentence_id)
        kept = set(decision.statements) if decision and decision.source_coder is None else set()

        def write(outcome: Outcome) -> None:
            if isinstance(outcome, Codes):
                target = outcome.target.id if outcome.target else None
                wanted = {*kept, (outcome.actor.id, outcome.stance.id, target)}
                self._decided(lambda: self.store.write_final(entry.sentence_id, wanted))

        self.start_flow(flow, write)

    def action_reason(self) -> None:
        entry = self.current
        decision = self.store.final_decision(entry.sentence_id) if entry else None
        if entry is None or decision is None:
            self.notify("Decide the sentence first (a digit, 0 or w), then give a reason")
            return

        def save(outcome: Outcome) -> None:
            if not isinstance(outcome, NoteText):
                return
            if decision.source_coder is not None:
                coder = decision.source_coder
                self._decided(
                    lambda: self.store.accept_codes(entry.sentence_id, coder, outcome.text)
                )
            else:
                statements = decision.statements
                self._decided(
                    lambda: self.store.write_final(entry.sentence_id, statements, outcome.text)
                )

        self.start_flow(NoteFlow("Reason for the decision", decision.reason), save)

    def action_variable(self) -> None:
        """Cycle through the variables a listed disagreement must be about."""
        order: list[Variable | None] = [None, *VARIABLES]
        self.variable = order[(order.index(self.variable) + 1) % len(order)]
        entry = self.current
        self._reload(entry.sentence_id if entry else None)

    def action_undo(self) -> None:
        try:
            event = self.store.undo()
        except StoreError as error:
            self.notify(str(error), severity="error", markup=False)
            return
        self.notify(f"Undone: {event.action} {event.entity}" if event else "Nothing to undo",
                    markup=False)  # fmt: skip
        entry = self.current
        self._reload(entry.sentence_id if entry else None)

    def action_close(self) -> None:
        """Back to the screen below, which is told (``pop_screen`` would not call the
        callback it pushed this screen with)."""
        self.dismiss(None)
