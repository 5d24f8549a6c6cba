"""Handlers that read the Store and survive a damaged page.

Keys reach the Store through ``ReaderApp.run_action``, which reports damage and goes on. A
message handler (an article opened from the list, a filter typed, a sentence clicked) is not an
action: damage met there would stop the screen, so the handlers that read wear
``survives_damage``.
"""

from __future__ import annotations

import functools
import sqlite3
from collections.abc import Callable
from typing import Any, TypeVar

from reader.db import is_damage

F = TypeVar("F", bound=Callable[..., Any])


def survives_damage(handler: F) -> F:
    """``handler`` (a method of a screen or widget), turning a damaged page it meets into the
    app's notification (``ReaderApp.report_damage``, which also stops saving)."""

    @functools.wraps(handler)
    def surviving(self: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return handler(self, *args, **kwargs)
        except sqlite3.DatabaseError as error:
            report = getattr(self.app, "report_damage", None)
            if report is None or not is_damage(error):
                raise
            report(error)
            return None

    return surviving  # type: ignore[return-value]
