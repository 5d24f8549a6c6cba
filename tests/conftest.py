"""Shared fixtures: temporary databases, empty or holding the seed articles and codebook."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from reader.db import open_database
from reader.store import Store

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO / "seeds"
ANNOTATOR = "tester"


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "annotations.db"


@pytest.fixture
def empty_store(db_path: Path) -> Iterator[Store]:
    """A new database with the schema and nothing else."""
    store = Store(open_database(db_path), ANNOTATOR)
    yield store
    store.close()


def _bootstrap(store: Store) -> None:
    from reader.codebook import load_default_codebook
    from reader.importing import import_seeds

    load_default_codebook(store.db)
    import_seeds(store.db)


@pytest.fixture
def store(db_path: Path) -> Iterator[Store]:
    """A database holding the default codebook and the three seed articles."""
    store = Store(open_database(db_path), ANNOTATOR)
    _bootstrap(store)
    yield store
    store.close()
