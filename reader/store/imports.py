"""The Store's side of an import: which texts are stored already, and a writer for new ones."""

from __future__ import annotations

from collections.abc import Sequence

from reader.store.article_batches import BatchWriter
from reader.store.base import StoreBase

HASHES_PER_QUERY = 500
"""Hashes asked about in one ``IN (...)`` query, well inside SQLite's limit on parameters."""


class ImportsMixin(StoreBase):
    """Looking texts up by their hash, and storing batches of new articles."""

    def stored_article_ids(self, hashes: Sequence[str]) -> dict[str, int]:
        """The article id of each of these content hashes that is already stored."""
        found: dict[str, int] = {}
        for first in range(0, len(hashes), HASHES_PER_QUERY):
            chunk = hashes[first : first + HASHES_PER_QUERY]
            marks = ",".join("?" * len(chunk))
            sql = f"SELECT content_hash, id FROM articles WHERE content_hash IN ({marks})"
            found.update(self.conn.execute(sql, chunk).fetchall())
        return found

    def article_writer(self) -> BatchWriter:
        """A writer for batches of new articles (``reader.store.article_batches``): each batch
        one transaction, written on a second thread while the next one is prepared."""
        return BatchWriter(self.conn)
