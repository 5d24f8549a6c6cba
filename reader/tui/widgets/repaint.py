"""Repainting only what changed: the lines of a line-API widget whose strips differ.

Textual sends every cell of a region it repaints to the terminal, changed or not. A widget that
calls ``refresh()`` after each key press costs its whole area in bytes (over SSH or a browser
session, that is what makes typing feel slow); one that compares its new lines with the ones on
screen and refreshes only those that differ costs the change.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from textual.geometry import Region
from textual.strip import Strip
from textual.widget import Widget


def changed_runs(before: Sequence[Strip], after: Sequence[Strip]) -> Iterator[tuple[int, int]]:
    """``(first line, line count)`` of each run of lines that differ between ``before`` and
    ``after``; a line present in only one of them differs (it becomes blank, or is drawn)."""
    start: int | None = None
    for y in range(max(len(before), len(after))):
        same = y < len(before) and y < len(after) and before[y] == after[y]
        if not same and start is None:
            start = y
        elif same and start is not None:
            yield start, y - start
            start = None
    if start is not None:
        yield start, max(len(before), len(after)) - start


def refresh_changed(widget: Widget, before: Sequence[Strip], after: Sequence[Strip]) -> None:
    """Refresh the lines of ``widget`` (content lines, from its top) that changed."""
    width = widget.size.width
    for start, count in changed_runs(before, after):
        widget.refresh(Region(0, start, width, count))
