"""The actor picker of the codebook screen's merge: which actor to fold another one into.

A typed modal that dismisses with the chosen actor, or ``None`` on escape; the caller writes to the
Store. The coding loop's own questions are not screens (``reader.tui.coding_flow``).
"""

from __future__ import annotations

from collections.abc import Sequence

from textual.content import Content
from textual.widgets.option_list import Option

from reader.models import Actor
from reader.text.fuzzy import rank
from reader.text.visible import visible
from reader.tui.screens.list_picker import (
    MAX_NUMBERED,
    NAME_COLUMN,
    ListPicker,
    index_of,
    number_gutter,
)


def _shown_length(actor: Actor) -> int:
    """How long the actor's name is on screen (a control character may show as several)."""
    return len(visible(actor.name, one_line=True))


class ActorPicker(ListPicker[Actor]):
    """Who takes the stance: suggestions first, then everyone, filtered by name or alias."""

    def __init__(
        self,
        actors: Sequence[Actor],
        suggested: Sequence[Actor] = (),
        initial: Actor | None = None,
    ) -> None:
        super().__init__(
            "Actor",
            "↑↓ move · enter choose · 1-9 numbered · esc cancel",
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
        self._rows: list[Actor] = []
        """The actor of each option index."""

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
        rows: list[Actor] = []
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
        self._rows = rows
        highlight = index_of(rows, self._initial) if not typed else 0
        return options, highlight, digits

    def result_for(self, index: int) -> Actor:
        return self._rows[index]
