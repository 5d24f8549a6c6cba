"""Opening a database for the reader or a command, and running the reader on it.

Shared by the two ways in (``reader.cli``, which opens the reader without click, and the click
commands in ``reader.cli.commands``), and free of click itself, so that the first of them stays so.
"""

from __future__ import annotations

import gc
import sqlite3
import sys
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

if TYPE_CHECKING:
    from reader.store import Store

__all__ = ["default_annotator", "open_reader_store", "run_reader"]


def default_annotator() -> str:
    """The login name, which identifies a coder when no ``--annotator`` is given."""
    import getpass

    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "anonymous"


def open_reader_store(
    db_path: Path | None,
    annotator: str | None = None,
    *,
    create: bool = True,
    check: bool = False,
) -> Store:
    """Open the database for the reader or a command; a new database gets the default codebook.

    A file that cannot be used raises ``DatabaseError`` (``reader.cli.commands.group.open_store``
    turns it into click's one-line error). ``check``, for commands about to write, refuses a
    damaged file (``PRAGMA quick_check``) before anything is written. The Store sits on a bare
    connection, so opening an up-to-date database for the reader does not import sqlite-utils.
    """
    from reader.db import open_connection, resolve_path
    from reader.store import Store, StoreError

    path = resolve_path(db_path)
    new = not path.exists() or path.stat().st_size == 0
    store = Store(
        open_connection(path, create=create, check=check), annotator or default_annotator()
    )
    if new or not store.stances():
        from reader.exchange.codebook_file import load_default_codebook

        try:
            load_default_codebook(store)
        except StoreError as error:  # read-only or busy: browsing still works
            print(f"warning: default codebook not loaded: {error}", file=sys.stderr)
    return store


def run_reader(db_path: Path | None, annotator: str | None, *, review: bool = False) -> None:
    """Open the database (importing the seed articles into an empty one) and run the reader
    (``review``: on the screen of the coders' disagreements).

    A file that cannot be used raises ``DatabaseError`` before the screen changes; so does one
    found damaged before the reader could show it, or after it had to close (``ReaderApp.damage``:
    damage met where the reader could not just say so and go on). Everything made on the way in
    (modules, classes, the Store, the screens) lives as long as the reader, so the cycle
    collector is paused until the first frame is on screen (``ReaderApp.on_ready`` resumes it)
    and leaves those objects alone from then on (``gc.freeze``): collecting while they were made
    freed a few hundred objects and took about a twentieth of the start. Cycles made while
    coding are collected as usual.
    """
    from reader.db import resolve_path

    collecting = gc.isenabled()
    gc.disable()
    try:
        try:
            store = open_reader_store(db_path, annotator)
            if store.article_count() == 0:
                from reader.exchange.importing import import_seeds

                import_seeds(store)
        except sqlite3.DatabaseError as error:
            _raise_damage(db_path, error)
        from reader.tui.app import ReaderApp

        app = ReaderApp(store, db_label=str(resolve_path(db_path)), review=review)
        gc.freeze()
        app.run()  # collects again once its first frame is on screen (ReaderApp.on_ready)
        if app.damage is not None:
            from reader.db import DatabaseError

            raise DatabaseError(app.damage)
    finally:
        gc.unfreeze()
        (gc.enable if collecting else gc.disable)()


def _raise_damage(db_path: Path | None, error: sqlite3.DatabaseError) -> NoReturn:
    """A damaged page met while opening, or a change refused then: one line
    (``DatabaseError``); other errors as they are."""
    from reader.db import DatabaseError, StoreError, damage_message, is_damage, resolve_path

    if isinstance(error, StoreError):
        raise DatabaseError(str(error)) from None
    if not is_damage(error):
        raise error
    raise DatabaseError(damage_message(resolve_path(db_path), error)) from None
