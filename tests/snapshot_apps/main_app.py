"""The coding screen on a temporary copy of the seed articles, for snapshots.

Everything shown is fixed: the coder's name, the database label (not the temporary path), and
the coding done before the screen opens.
"""

from __future__ import annotations

import atexit
import tempfile
from pathlib import Path

from reader.db import open_database
from reader.exchange.codebook_file import load_default_codebook
from reader.exchange.importing import import_seeds
from reader.store import Store
from reader.tui.app import ReaderApp

_folder = tempfile.TemporaryDirectory(prefix="nkreader-snapshot-")
atexit.register(_folder.cleanup)


def build() -> ReaderApp:
    """Seeds, the default codebook, and a little coding by two coders on the first article."""
    store = Store(open_database(Path(_folder.name) / "seeds.db"), "ana")
    load_default_codebook(store)
    import_seeds(store)
    first = store.first_article_id()
    assert first is not None
    sentences = store.sentences(first)
    actors = {actor.name: actor.id for actor in store.actors()}
    stances = store.stances()
    targets = {target.name: target.id for target in store.targets()}
    target = next(iter(targets.values()))
    store.set_no_claim(sentences[0].id, True)
    store.add_annotation(sentences[1].id, actors["Japan"], stances[0].id, target)
    store.add_annotation(sentences[2].id, actors["China"], stances[1].id)
    Store(store.conn, "ben").add_annotation(sentences[2].id, actors["Japan"], stances[2].id)
    store.set_state("position", f"{first}:{sentences[2].id}")
    return ReaderApp(store, db_label="seeds.db")


app = build()
