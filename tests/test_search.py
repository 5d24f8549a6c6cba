"""The article filter and its search index: complete results before, during and after indexing."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reader.db import is_read_only, open_database, transaction
from reader.exchange.importing import import_paths
from reader.store import Store, StoreError
from reader.store.tokenizer import words
from reader.text.words import Words
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


@pytest.mark.parametrize("assigned", [False, True], ids=["every article", "assigned articles"])
def test_counts_pages_and_positions_agree_with_the_list_itself(
    store: Store, tmp_path: Path, assigned: bool
) -> None:
    """For each query, over a corpus half in the index and half scanned: the count, every
    window, every article's position and its neighbours are those of the whole list read at
    once, for a coder who sees every article and for one who sees their assigned ones."""
    store.update_search_index()
    extra = tmp_path / "more"
    extra.mkdir()
    texts = ["Nakasone met Bush on Monday.", "Pyongyang fired a missile.", "No one spoke.",
             "Sanctions on Pyongyang, said Nakasone."]  # fmt: skip
    for n, text in enumerate(texts):
        (extra / f"{n}.txt").write_text(f"More talks {n}\n\n{text}\n")
    import_paths(store, [extra])
    assert store.search_backlog() == 4
    every = store.article_ids()
    if assigned:
        store.assign([ANNOTATOR, "someone else"], overlap=0.0, seed=3)
        store.forget_scope()
        assert store.mine_only() and 0 < store.article_count() < len(every)
    for query in ("", "Nakasone", "Pyongyang missile", "n", "talks", "zzzz"):
        listed = [s.id for s in store.article_summaries(0, 100, query)]
        assert store.article_count(query) == len(listed), query
        for offset in range(len(listed) + 1):
            window = [s.id for s in store.article_summaries(offset, 2, query)]
            assert window == listed[offset : offset + 2], (query, offset)
        for article_id in every:
            position = listed.index(article_id) if article_id in listed else None
            assert store.article_index(article_id, query) == position, (query, article_id)
            later = [i for i in listed if i > article_id]
            earlier = [i for i in listed if i < article_id]
            assert store.adjacent_article_id(article_id, 1, query) == (later or [None])[0]
            assert store.adjacent_article_id(article_id, -1, query) == (earlier or [None])[-1]


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


# -- one meaning before and after indexing --------------------------------------------------------

SPECIAL = (
    "éÉèüÜöÖßİıŞşØøÆæŒœÅåñÑ"  # Latin letters with diacritics, and ones without a plain form
    "ΣσςΑάКиевПХЕНЬЯН평양北朝鮮日本語ﬁ①²Ⅻ½ＡａＺ"  # other scripts, ligatures, numbers, fullwidth
    "\u0301\u0308\u0327\u00ad\u200b\u200d\ufeff\u00a0"  # combining marks, joiners, spaces
    "_-'’“”—–…«»·/.,;:!?()[]#@$%&*+="  # punctuation
    "\ue000\U000f0000\u0378\u1c90\U0001f600\U0001d400"  # private use, unassigned, new letters
)  # fmt: skip
"""Characters where a tokenizer and a guess at it part ways: diacritics, folds without a plain
form, combining marks, joiners, punctuation inside words, private use, code points unassigned
in SQLite's Unicode version or added after it, emoji and mathematical letters."""
CHARS = st.one_of(
    st.sampled_from(SPECIAL),
    st.sampled_from("abcdefghijklmnopqrstuvwxyzABCXYZ0123456789    \n"),
    st.characters(exclude_categories=("Cs",), exclude_characters="\x00"),
)
TEXTS = st.text(alphabet=CHARS, max_size=60)


def fts5_words(texts: list[str]) -> list[list[str]]:
    """The words FTS5 itself makes of each text with the articles' tokenizer, in order."""
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE VIRTUAL TABLE t USING fts5(x, detail=full)")
    conn.execute("CREATE VIRTUAL TABLE v USING fts5vocab(t, instance)")
    conn.executemany("INSERT INTO t(rowid, x) VALUES (?, ?)", enumerate(texts))
    found: list[list[str]] = [[] for _ in texts]
    for term, row in conn.execute("SELECT term, doc FROM v ORDER BY doc, offset"):
        if term:
            found[row].append(term)
    conn.close()
    return found


@settings(max_examples=300, deadline=None)
@given(texts=st.lists(TEXTS, min_size=1, max_size=8))
def test_words_are_cut_and_folded_as_fts5_does(texts: list[str]) -> None:
    """The scan's words of any text are the words FTS5 indexes for it."""
    assert words().fast
    assert [words().fold(text).decode().split() for text in texts] == fts5_words(texts)


@st.composite
def corpus_and_queries(draw: st.DrawFn) -> tuple[list[tuple[str, str]], list[str]]:
    """Articles with titles, and queries: any text, and pieces of the articles' own words cut
    anywhere (so that many queries find something, and some find part of a word)."""
    articles = draw(st.lists(st.tuples(TEXTS, TEXTS), min_size=1, max_size=6))
    queries = draw(st.lists(TEXTS, max_size=3))
    for _ in range(draw(st.integers(min_value=1, max_value=6))):
        title, text = draw(st.sampled_from(articles))
        source = title + " " + text
        start = draw(st.integers(min_value=0, max_value=len(source)))
        end = draw(st.integers(min_value=start, max_value=min(len(source), start + 25)))
        queries.append(source[start:end])
    return articles, queries


def article_ids(store: Store, query: str) -> tuple[list[int], int]:
    return [s.id for s in store.article_summaries(0, 100, query)], store.article_count(query)


@settings(max_examples=150, deadline=None)
@given(case=corpus_and_queries())
def test_search_means_the_same_before_and_after_indexing(
    case: tuple[list[tuple[str, str]], list[str]],
) -> None:
    """For any articles and queries, the articles found with an empty index (all scanned) are
    those found once every article is indexed: same case folding, same diacritics, same word
    boundaries, the last word a prefix."""
    articles, queries = case
    with tempfile.TemporaryDirectory() as folder:
        store = Store(open_database(Path(folder) / "a.db"), ANNOTATOR)
        with transaction(store.conn):
            store.conn.executemany(
                "INSERT INTO articles (title, text, source, content_hash, imported_at)"
                " VALUES (?, ?, 'x', ?, 'now')",
                [(title, text, str(n)) for n, (title, text) in enumerate(articles)],
            )
        assert store.search_backlog() == len(articles)
        before = [article_ids(store, query) for query in queries]
        store.update_search_index()
        assert store.search_backlog() == 0
        after = [article_ids(store, query) for query in queries]
        store.close()
    assert after == before


@pytest.mark.parametrize(
    ("query", "found"),
    [("pyongyang", [1]), ("über", [2]), ("uber", [2]), ("nuclear", []), ("antinuc", [3])],
)
def test_reported_differences_before_and_after_indexing_are_gone(
    store: Store, query: str, found: list[int]
) -> None:
    """The cases found by hand: a diacritic the scan did not fold (Pyŏngyang), an upper-case
    letter outside ASCII it did not lower (ÜBER), a word found inside another (antinuclear)."""
    with transaction(store.conn):
        store.conn.execute("DELETE FROM sentences")
        store.conn.execute("DELETE FROM articles")
        store.conn.executemany(
            "INSERT INTO articles (id, title, text, source, content_hash, imported_at)"
            " VALUES (?, ?, ?, 'x', ?, 'now')",
            [
                (1, "Talks in Pyŏngyang", "They resumed.", "a"),
                (2, "Deutsche Presse", "BERICHT ÜBER KOREA.", "b"),
                (3, "Protest", "An antinuclear march.", "c"),
            ],
        )
        store.conn.execute("UPDATE search_index SET indexed_through = 0")
    assert article_ids(store, query) == (found, len(found))
    store.update_search_index()
    assert article_ids(store, query) == (found, len(found))


def test_remembered_answers_follow_changed_articles(store: Store) -> None:
    """The scan remembers its last query's answers by article, and asks again when the
    article's title or content hash has changed (by hand: nkreader never edits an article) or
    its id was given to another article."""
    conn = store.conn
    assert store.article_count("wombat") == 0
    with transaction(conn):
        conn.execute("UPDATE articles SET title = 'Wombat summit' WHERE id = 3")
    assert store.article_count("wombat") == 1
    with transaction(conn):
        conn.execute("UPDATE articles SET text = 'Quokka.', content_hash = 'q' WHERE id = 2")
    assert store.article_count("quokka") == 1
    assert store.article_count("quokka") == 1
    with transaction(conn):
        conn.execute("PRAGMA defer_foreign_keys = ON")
        conn.execute("DELETE FROM sentences WHERE article_id = 2")
        conn.execute("DELETE FROM articles WHERE id = 2")
        conn.execute(
            "INSERT INTO articles (id, title, text, source, content_hash, imported_at)"
            " VALUES (2, 'Other', 'Nothing here.', 'x', 'n', 'now')"
        )
    assert store.article_count("quokka") == 0


def test_query_words_are_cut_as_the_index_cuts_them() -> None:
    """An underscore or a hyphen separates words (a phrase of two would be refused by an index
    without positions); accents alone are no word; the last word is a prefix."""
    query = words().query("nuclear_test six-party Cafe\u0301 \u0301 Ünï")
    assert query is not None
    assert query.typed == ("nuclear", "test", "six", "party", "Cafe\u0301", "Ünï")
    assert query.folded == "nuclear test six party cafe uni"
    assert query.fts() == '"nuclear" "test" "six" "party" "Cafe\u0301" "Ünï"*'
    assert words().query(" .,;\u0301 ") is None


def test_words_without_the_fast_paths_give_the_same_answers() -> None:
    """A tokenizer table whose folds change again (a -> b, b -> c) is folded in one pass, as
    the tokenizer does it, character by character."""
    table = {" ": " ", ".": " ", "A": "a", "a": "b", "b": "c", "é": "e", "\u0301": ""}
    table.update({chr(c): chr(c).lower() for c in range(ord("B"), ord("Z") + 1)})
    slow = Words(table)
    assert slow.fold("Ab. é e\u0301") == b"ac  e e"
    assert slow.matches("bc e", None, "xx Ab.") is False
    assert slow.matches("ac", "Ab", None) is True
    assert slow.matches("bc e", "ab", "to é") is True


def test_articles_index_uses_the_tokenizer_the_scan_learns(store: Store) -> None:
    """``reader.store.tokenizer`` learns FTS5's default tokenizer; the articles' index must use
    it (a ``tokenize=`` option would need the same option there)."""
    [sql] = store.conn.execute("SELECT sql FROM sqlite_master WHERE name = 'articles_fts'")
    assert "fts5(" in sql[0] and "tokenize" not in sql[0]
