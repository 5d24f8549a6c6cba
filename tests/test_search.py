"""The article filter and its search index: complete results before, during and after indexing."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from reader.db import is_read_only, open_database
from reader.exchange.importing import import_paths
from reader.store import Store, StoreError
from tests.conftest import ANNOTATOR

QUERIES = (
    "Nakasone", "nakas", "U.N. Security", "Japan's", "six-party", "sanction", "Pyongyang missile",
    "Bush", "...", '"unbalanced quote', "zzzz",
)  # fmt: skip


def indexed_ids(store: Store) -> list[int]:
    """The articles the index holds: FTS5 keeps each one's size in its docsize table (reading
    ``articles_fts`` itself would read the articles table behind it)."""
    rows = store.conn.execute("SELECT id FROM articles_fts_docsize ORDER BY id")
    return [row[0] for row in rows]


def fts_is_sound(store: Store) -> bool:
    """FTS5's own check that the index matches the articles it claims to hold."""
    try:
        store.conn.execute("INSERT INTO articles_fts(articles_fts) VALUES ('integrity-check')")
    except sqlite3.DatabaseError:
        return False
    return True


def test_import_leaves_articles_for_the_index_to_catch_up(store: Store) -> None:
    """An import stores articles without indexing them; catching up indexes all of them once."""
    assert store.search_backlog() == 3
    assert indexed_ids(store) == []
    assert store.update_search_index() == 3
    assert store.search_backlog() == 0
    assert indexed_ids(store) == [1, 2, 3]
    assert store.update_search_index() == 0  # nothing left: a second run does nothing
    assert fts_is_sound(store)


@pytest.mark.parametrize("query", QUERIES)
def test_search_gives_the_same_articles_before_and_after_indexing(store: Store, query: str) -> None:
    """Articles not indexed yet are scanned instead, so indexing never changes what a filter
    shows for these queries (whole words, and a last word typed halfway)."""
    before = [s.id for s in store.article_summaries(0, 10, query)]
    count = store.article_count(query)
    store.update_search_index()
    assert [s.id for s in store.article_summaries(0, 10, query)] == before
    assert store.article_count(query) == count == len(before)


def test_filter_values_on_the_seeds(store: Store) -> None:
    """What the seeds give, both ways: a name in one article, words in all three."""
    for _ in range(2):
        assert store.article_count("Nakasone") == 1
        assert store.article_count("U.N. Security") == 3
        assert store.article_count("six-party") == 2
        assert store.article_count("zzzz") == 0
        store.update_search_index()


def test_partly_indexed_corpus_finds_both_parts(store: Store, tmp_path: Path) -> None:
    """Indexed articles come from the index and newer ones from the scan, in one list."""
    store.update_search_index()
    extra = tmp_path / "more"
    extra.mkdir()
    (extra / "a.txt").write_text("Talks resume in Geneva\n\nNakasone arrived on Monday.\n")
    import_paths(store, [extra])
    assert store.search_backlog() == 1
    found = store.article_summaries(0, 10, "Nakasone")
    assert [s.title for s in found][-1] == "Talks resume in Geneva"
    assert [s.id for s in found] == [found[0].id, 4]
    assert store.article_index(4, "Nakasone") == 1
    assert store.adjacent_article_id(4, -1, "Nakasone") == found[0].id


def test_catch_up_runs_in_chunks_and_stops_when_asked(store: Store) -> None:
    """Each chunk is its own transaction; a stop request ends the run after the current one."""
    calls = 0

    def stop_after_first() -> bool:
        nonlocal calls
        calls += 1
        return calls > 1

    assert store.update_search_index(chunk=2, stop=stop_after_first) == 2
    assert store.search_backlog() == 1
    assert indexed_ids(store) == [1, 2]
    assert store.update_search_index(chunk=2) == 1
    assert indexed_ids(store) == [1, 2, 3]


def test_two_stores_catching_up_index_each_article_once(store: Store, db_path: Path) -> None:
    """A second process catching up at the same time finds the mark moved and skips ahead."""
    other = Store(open_database(db_path), "second")
    assert store.update_search_index(chunk=1, stop=lambda: store.search_backlog() < 2) == 2
    assert other.update_search_index() == 1
    assert store.update_search_index() == 0
    assert indexed_ids(store) == [1, 2, 3]
    assert fts_is_sound(store)
    other.close()


def test_edited_and_deleted_articles_keep_the_index_sound(store: Store) -> None:
    """The triggers update indexed articles and leave unindexed ones to the next catch-up."""
    store.update_search_index(chunk=2, stop=lambda: store.search_backlog() < 3)
    conn = store.conn
    with conn:
        conn.execute("UPDATE articles SET title = 'Quokka summit' WHERE id = 1")  # indexed
        conn.execute("UPDATE articles SET title = 'Wombat summit' WHERE id = 3")  # not yet
    assert store.article_count("Quokka") == 1
    assert store.article_count("Wombat") == 1
    assert fts_is_sound(store)
    store.update_search_index()
    assert store.article_count("Wombat") == 1
    assert fts_is_sound(store)


def test_article_reusing_an_id_at_or_below_the_mark_is_indexed_at_once(store: Store) -> None:
    """SQLite gives the highest id again after that article was deleted (by hand): the insert
    trigger indexes it, since the catch-up only looks past the mark."""
    store.update_search_index()
    conn = store.conn
    with conn:
        conn.execute("PRAGMA foreign_keys = OFF")
        conn.execute("DELETE FROM sentences WHERE article_id = 3")
        conn.execute("DELETE FROM articles WHERE id = 3")
    conn.execute("PRAGMA foreign_keys = ON")
    with conn:
        conn.execute(
            "INSERT INTO articles (title, text, source, content_hash, imported_at)"
            " VALUES ('Platypus', 'Platypus text.', 'x.txt', 'h', 'now')"
        )
    assert conn.execute("SELECT max(id) FROM articles").fetchone()[0] == 3
    assert indexed_ids(store) == [1, 2, 3]
    assert store.article_count("Platypus") == 1
    assert fts_is_sound(store)


def test_read_only_database_searches_without_an_index(
    store: Store, db_path: Path, deny_write: Callable[[Path], None]
) -> None:
    """A file nkreader may not write still filters (by scanning); catching up is refused in one
    line."""
    store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    store.close()
    deny_write(db_path)
    viewer = Store(open_database(db_path), ANNOTATOR)
    assert is_read_only(viewer.conn)
    assert viewer.article_count("Nakasone") == 1
    assert viewer.search_backlog() == 3
    with pytest.raises(StoreError, match="read-only"):
        viewer.update_search_index()
    viewer.close()


def test_indexing_in_the_background_keeps_the_readers_writes_visible(
    store: Store, db_path: Path
) -> None:
    """The background catch-up opens a second connection in the reader's process; after it, and
    after another process has opened and closed the file, what the reader saves still reaches
    the file (its write-ahead log must not have been dropped under it)."""
    peek = (
        "import sqlite3, sys; c = sqlite3.connect(sys.argv[1]);"
        " print(c.execute('SELECT count(*) FROM annotations').fetchone()[0]); c.close()"
    )

    def annotations_seen_elsewhere() -> int:
        done = subprocess.run(
            [sys.executable, "-c", peek, str(db_path)], capture_output=True, text=True, check=True
        )
        return int(done.stdout)

    job = store.search_index_job()
    assert job is not None
    assert job(lambda: False) == 3
    assert annotations_seen_elsewhere() == 0
    sentence = store.sentences(1)[1]
    store.add_annotation(sentence.id, store.actors()[0].id, store.stances()[0].id)
    assert annotations_seen_elsewhere() == 1
    assert db_path.with_name(db_path.name + "-wal").exists()
