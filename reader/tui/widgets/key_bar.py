"""The bottom line: the keys that apply now, as one repainted line of text.

Textual's ``Footer`` rebuilds one widget per key whenever the bindings change, including each
time a dialog closes; that re-lays out the screen and made saving an annotation visibly slower.
This bar draws the same information into a single line and repaints only when it changed.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.screen import Screen
from textual.widget import Widget

PALETTE_ROOM = 100
"""From this width on, the command palette key is shown at the right end."""


class KeyBar(Widget):
    """``key description`` pairs for the shown, enabled bindings of the focused chain."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {"key-bar--key", "key-bar--description"}

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._pairs: tuple[tuple[str, str], ...] = ()

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)
        self._bindings_changed(self.screen)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    @property
    def pairs(self) -> tuple[tuple[str, str], ...]:
        """(key, description) as shown, left to right."""
        return self._pairs

    def _bindings_changed(self, screen: Screen[object]) -> None:
        if not self.is_attached or screen is not self.screen:
            return
        seen: set[str] = set()
        pairs = []
        for _node, binding, enabled, _tooltip in screen.active_bindings.values():
            if not binding.show or not enabled or binding.action in seen:
                continue
            seen.add(binding.action)
            pairs.append((self.app.get_key_display(binding), binding.description))
        if tuple(pairs) != self._pairs:
            self._pairs = tuple(pairs)
            self.refresh()

    def render(self) -> Text:
        key = self.get_component_rich_style("key-bar--key", partial=True)
        description = self.get_component_rich_style("key-bar--description", partial=True)
        line = Text(no_wrap=True, overflow="ellipsis", end="")
        for shown, text in self._pairs:
            line.append(f" {shown} ", key)
            line.append(f"{text} ", description)
        width = self.size.width
        if width >= PALETTE_ROOM and self.app.ENABLE_COMMAND_PALETTE:
            hint = Text.assemble((" ^p ", key), ("palette ", description))
            gap = width - line.cell_len - hint.cell_len
            if gap > 0:
                line.append(" " * gap)
                line.append_text(hint)
        return line
