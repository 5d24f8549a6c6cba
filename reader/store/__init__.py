"""The one object the app and the commands talk to: every query and every write.

Each user change is one ``BEGIN IMMEDIATE`` transaction that writes the row and its event-log entry
together, and it has committed before the method returns, so the screen never claims more than the
file holds. Undo and redo are read back from that log, which is why they survive a restart.

``Store`` is put together from one mixin per concern (``articles``, ``coding``, ``codebook``,
``merge``, ``history``) over ``base.StoreBase``; callers import everything from ``reader.store``.
"""

from __future__ import annotations

from reader.store.articles import ArticlesMixin
from reader.store.base import (
    ANNOTATION_COLUMNS,
    CHANGE_ACTIONS,
    EVENT_COLUMNS,
    NO_CLAIM,
    DuplicateAnnotation,
    StoreError,
    fts_query,
    now,
)
from reader.store.codebook import CodebookMixin
from reader.store.coding import CodingMixin
from reader.store.history import HistoryMixin
from reader.store.merge import MergeMixin

__all__ = [
    "ANNOTATION_COLUMNS",
    "CHANGE_ACTIONS",
    "EVENT_COLUMNS",
    "NO_CLAIM",
    "DuplicateAnnotation",
    "Store",
    "StoreError",
    "fts_query",
    "now",
]


class Store(ArticlesMixin, HistoryMixin, CodingMixin, MergeMixin, CodebookMixin):
    """Queries and writes for one coder (``annotator``) on one database."""
