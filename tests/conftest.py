"""Shared fixtures (temporary databases, empty or holding the seed articles and codebook), and
``async def`` tests run in an event loop of their own."""

from __future__ import annotations

import asyncio
import inspect
import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

import reader.db
from reader.db import open_database
from reader.store import Store

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO / "seeds"
ANNOTATOR = "tester"


def pytest_xdist_auto_num_workers(config: pytest.Config) -> int:
    """Two workers per core for ``-n auto``, at most 16: much of the suite waits rather than
    computes (a pilot waits for the app to go idle, a pty test for the screen to show a count,
    a served test for its websocket), and a second worker per core runs while the first waits.
    On two cores this took the suite from 110 s to 80 s with no test slower to pass."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return max(2, min(16, 2 * (cores or 1)))


@pytest.hookimpl(tryfirst=True)
def pytest_pyfunc_call(pyfuncitem: pytest.Function) -> bool | None:
    """Run an ``async def`` test (the reader's tests drive it with a pilot) to completion in a new
    event loop; no async plugin is installed."""
    test = pyfuncitem.obj
    if not inspect.iscoroutinefunction(test):
        return None
    names = inspect.signature(test).parameters
    asyncio.run(test(**{name: pyfuncitem.funcargs[name] for name in names}))
    return True


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "annotations.db"


@pytest.fixture
def empty_store(db_path: Path) -> Iterator[Store]:
    """A new database with the schema and nothing else."""
    store = Store(open_database(db_path), ANNOTATOR)
    yield store
    store.close()


@pytest.fixture
def db(empty_store: Store) -> Store:
    """``empty_store``, under the name the importing tests give the file they import into."""
    return empty_store


@pytest.fixture
def cwd(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Work in an empty folder, so sources are short relative paths."""
    folder = tmp_path / "work"
    folder.mkdir()
    monkeypatch.chdir(folder)
    return folder


def _bootstrap(store: Store) -> None:
    from reader.exchange.codebook_file import load_default_codebook
    from reader.exchange.importing import import_seeds

    load_default_codebook(store)
    import_seeds(store)


@pytest.fixture
def store(db_path: Path) -> Iterator[Store]:
    """A database holding the default codebook and the three seed articles."""
    store = Store(open_database(db_path), ANNOTATOR)
    _bootstrap(store)
    yield store
    store.close()


@pytest.fixture
def deny_write(monkeypatch: pytest.MonkeyPatch) -> Callable[[Path], None]:
    """``deny_write(path)``: nkreader sees ``path`` as a file it may not write. Faked through
    ``os.access``, because the tests run as root, whom permission bits do not stop."""
    real = os.access
    denied: set[Path] = set()

    def access(path: str | os.PathLike[str], mode: int, **kwargs: object) -> bool:
        if Path(path) in denied and mode & os.W_OK:
            return False
        return real(path, mode)

    monkeypatch.setattr(reader.db.connection.os, "access", access)
    return denied.add
