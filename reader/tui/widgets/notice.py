"""A short message at the bottom right, drawn in the frame of the key that caused it.

Textual's ``notify`` mounts a new toast widget after the key's own frame is drawn, so its text
arrives two frames (about 35 ms) after the change it reports. ``u`` and ``ctrl+r`` are typed in
the coding loop as often as any key, and a coder reads what they undid: ``Notice`` is mounted
once with the screen, on a layer of its own, and only its text and its ``display`` change, so
the message is on screen in the same frame as the undone change and showing or hiding it
repaints only its own region. It looks like an information toast.
"""

from __future__ import annotations

from textual.containers import Container
from textual.content import Content
from textual.timer import Timer
from textual.widget import Widget

from reader.text.visible import visible


class Notice(Widget):
    """One message at a time; a new one replaces the one shown and starts its timeout again."""

    TIMEOUT = 5.0
    """Seconds a message stays, as long as a toast's (``App.NOTIFICATION_TIMEOUT``)."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._content = Content("")
        self._timer: Timer | None = None
        self.display = False

    @property
    def text(self) -> str:
        """The message shown, or ``""`` when none is."""
        return self._content.plain if self.display else ""

    def show(self, message: str) -> None:
        """Show ``message`` (as text, never markup) for ``TIMEOUT`` seconds."""
        self._content = Content(visible(message))
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_timer(self.TIMEOUT, self.hide)
        if self.display:
            self.refresh(layout=True)
        else:
            self.display = True

    def hide(self) -> None:
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        self.display = False

    def render(self) -> Content:
        return self._content


class NoticeRack(Container):
    """The full-width, invisible strip at the bottom that holds a ``Notice`` at its right."""
