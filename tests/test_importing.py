"""Importing files into the database: what ends up in the tables, and every way a file can fail."""

from __future__ import annotations

import json
import os
import random
import sqlite3
import threading
from pathlib import Path

import pytest

from reader.db import open_database, transaction
from reader.exchange import importing
from reader.exchange.importing import (
    ImportResult,
    ImportSummary,
    collect_files,
    import_file,
    import_paths,
    import_seeds,
    seed_dir,
    summarize,
)
from reader.store import Store, article_batches
from tests.helpers import dump

REPO = Path(__file__).resolve().parent.parent
BINARY_MESSAGE = "binary file, not text; skip it or convert it to UTF-8 text"


def write(path: Path, content: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_bytes(content.encode("utf-8"))
    return path


def articles(db: Store) -> list[dict[str, object]]:
    cursor = db.conn.execute("SELECT * FROM articles ORDER BY id")
    names = [column[0] for column in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor]


def sentence_texts(db: Store, article_id: int) -> list[str]:
    rows = db.conn.execute(
        'SELECT substr(a.text, s.start + 1, s."end" - s.start) FROM sentences s'
        " JOIN articles a ON a.id = s.article_id WHERE a.id = ? ORDER BY s.position",
        [article_id],
    ).fetchall()
    return [row[0] for row in rows]


def only(results: list[ImportResult]) -> ImportResult:
    assert len(results) == 1, results
    return results[0]


# -- seeds ----------------------------------------------------------------------------------------


def test_seeds_titles(db: Store) -> None:
    """The seed headlines become titles; the third seed's title comes from its first sentence."""
    results = import_seeds(db)
    assert summarize(results) == ImportSummary(imported=3, skipped=0, failed=0)
    rows = articles(db)
    assert [row["title"] for row in rows[:2]] == [
        "Japan Urges China to Take Tough Stance on North Korea",
        "President Bush, Japan's Prime Minister Agree on Pushing U.N. Sanctions on North Korea",
    ]
    third = str(rows[2]["title"])
    assert third.startswith("China's special representative for the Korean Peninsula, Wu Dawei")
    assert third.endswith("…") and len(third) <= 81
    assert not third[:-1].endswith(" ")


def test_seed_sentences_cut_the_stored_text_exactly(db: Store) -> None:
    """Sentence offsets are tight, ordered, non-overlapping cuts of the stored text."""
    import_seeds(db)
    for article in articles(db):
        text = str(article["text"])
        rows = db.conn.execute(
            'SELECT position, start, "end", paragraph FROM sentences WHERE article_id = ?'
            " ORDER BY position",
            [article["id"]],
        ).fetchall()
        assert [row[0] for row in rows] == list(range(len(rows)))
        assert len(rows) > 10
        previous_end = 0
        for _, start, end, _ in rows:
            piece = text[start:end]
            assert piece and piece == piece.strip()
            assert "\n" not in piece
            assert start >= previous_end
            previous_end = end
        paragraphs = [row[3] for row in rows]
        assert paragraphs == sorted(paragraphs) and paragraphs[0] == 0
        assert text[previous_end:].strip() == ""


def test_seed_title_is_sentence_zero(db: Store) -> None:
    """A headline line is kept in the text as the first sentence, whole."""
    import_seeds(db)
    rows = articles(db)
    for row in rows[:2]:
        assert sentence_texts(db, int(str(row["id"])))[0] == row["title"]
        assert str(row["text"]).startswith(f"{row['title']}\n\n")
    third = sentence_texts(db, int(str(rows[2]["id"])))[0]
    assert third.startswith("China's special representative") and third.endswith("ambitions.")


def test_seed_text_is_stored_as_in_the_file(db: Store) -> None:
    """Stored text is the file's text (trailing whitespace aside); the hash is its sha256."""
    import hashlib

    import_seeds(db)
    files = sorted(seed_dir().glob("*.txt"))
    for row, path in zip(articles(db), files, strict=True):
        assert row["text"] == path.read_text(encoding="utf-8").rstrip()
        assert row["content_hash"] == hashlib.sha256(str(row["text"]).encode()).hexdigest()
        assert str(row["source"]).endswith(path.name)
        assert str(row["imported_at"]).endswith("+00:00")


def test_seed_dir_prefers_local_seeds_then_the_packaged_copy(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """./seeds with .txt files wins; otherwise the copy inside the package is used."""
    monkeypatch.chdir(REPO)
    assert seed_dir() == Path("seeds")
    monkeypatch.chdir(tmp_path)
    (tmp_path / "seeds").mkdir()  # empty: not used
    packaged = seed_dir()
    assert packaged.is_absolute() and len(list(packaged.glob("*.txt"))) == 3


def test_reimport_is_skipped_and_reported(db: Store) -> None:
    """Importing the same content again adds nothing and says which article has it."""
    first = import_seeds(db)
    before = dump(db)
    second = import_seeds(db)
    assert [r.status for r in second] == ["skipped"] * 3
    assert [r.article_id for r in second] == [r.article_id for r in first]
    assert all("already imported as article" in r.message for r in second)
    assert dump(db) == before


# -- files and folders ------------------------------------------------------------------------


def test_changed_file_becomes_new_article_and_old_annotations_stay(db: Store, cwd: Path) -> None:
    """Editing a file and importing it again adds an article; the old one keeps its codes."""
    path = write(cwd / "story.txt", "A Headline\n\nThe minister spoke. Then she left.\n")
    old = only(import_file(db, path))
    sentence_id = db.conn.execute(
        "SELECT id FROM sentences WHERE article_id = ? AND position = 1", [old.article_id]
    ).fetchone()[0]
    db.conn.execute("INSERT INTO actors (id, name) VALUES (1, 'Minister')")
    db.conn.execute("INSERT INTO stances (id, key, label, position) VALUES (1, 's', 'Support', 1)")
    db.conn.execute(
        "INSERT INTO annotations (sentence_id, actor_id, stance_id, annotator, created_at,"
        " updated_at) VALUES (?, 1, 1, 'tester', 'now', 'now')",
        [sentence_id],
    )
    write(path, "A Headline\n\nThe minister spoke. Then she left the room.\n")
    new = only(import_file(db, path))
    assert new.status == "imported" and new.article_id != old.article_id
    rows = articles(db)
    assert [row["source"] for row in rows] == ["story.txt", "story.txt"]
    assert rows[0]["text"] == "A Headline\n\nThe minister spoke. Then she left."
    assert db.conn.execute("SELECT sentence_id FROM annotations").fetchall() == [(sentence_id,)]
    assert sentence_texts(db, int(str(old.article_id)))[1] == "The minister spoke."


def test_folder_is_walked_recursively_in_name_order(db: Store, cwd: Path) -> None:
    """Sub-folders are read, files in name order, hidden files and folders skipped."""
    write(cwd / "news" / "b.txt", "Second story here.")
    write(cwd / "news" / "a.txt", "First story here.")
    write(cwd / "news" / "deeper" / "c.md", "# Markdown Title\n\nThird story, in Markdown.")
    write(cwd / "news" / ".hidden.txt", "Never imported.")
    write(cwd / "news" / ".git" / "d.txt", "Never imported either.")
    write(cwd / "news" / "notes.pdf", "not a supported type")
    seen: list[Path] = []
    results = import_paths(db, [Path("news")], on_file=seen.append)
    assert [row["source"] for row in articles(db)] == [
        "news/a.txt",
        "news/b.txt",
        "news/deeper/c.md",
    ]
    assert [path.name for path in seen] == ["a.txt", "b.txt", "c.md"]
    skipped = [r for r in results if r.status == "skipped"]
    assert [r.message for r in skipped] == [
        "news/notes.pdf: unknown file type; use .txt, .md, .jsonl, .json, .csv, "
        ".docx, .rtf, .doc, .html, .htm, .xml"
    ]
    assert articles(db)[2]["title"] == "Markdown Title"
    assert sentence_texts(db, 3)[0] == "# Markdown Title"


def test_collect_files_reports_missing_paths(cwd: Path) -> None:
    """A missing path is a failure result, not an exception; good paths are still listed."""
    write(cwd / "ok.txt", "Fine.")
    files, problems = collect_files([Path("ok.txt"), Path("gone.txt"), Path("ok.txt")])
    assert files == [Path("ok.txt")]
    assert [(p.status, p.message) for p in problems] == [
        ("failed", "gone.txt: no such file or folder; check the path")
    ]


def test_symlink_loop_and_broken_link_are_reported(db: Store, cwd: Path) -> None:
    """A link back to a parent folder and a dangling link fail alone; the rest is imported."""
    write(cwd / "news" / "a.txt", "A story.")
    os.symlink(cwd / "news", cwd / "news" / "loop")
    os.symlink(cwd / "nowhere.txt", cwd / "news" / "broken.txt")
    os.symlink("self.txt", cwd / "news" / "self.txt")
    results = import_paths(db, [Path("news")])
    messages = sorted(r.message for r in results if r.status == "failed")
    assert messages == [
        "news/broken.txt: broken symbolic link; fix or remove it",
        "news/loop: symbolic link loop; skipped",
        "news/self.txt: symbolic link loop; fix or remove the link",
    ]
    assert [row["source"] for row in articles(db)] == ["news/a.txt"]


def test_unreadable_folder_is_reported(
    db: Store, cwd: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A folder that cannot be listed fails alone (simulated: tests run as root)."""
    write(cwd / "open" / "a.txt", "Readable story.")
    write(cwd / "locked" / "b.txt", "Hidden story.")
    real_scandir = os.scandir

    def scandir(path: Path) -> object:
        if str(path).endswith("locked"):
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    results = import_paths(db, [Path("locked"), Path("open")])
    assert [r.message for r in results if r.status == "failed"] == [
        "locked: permission denied; check its permissions"
    ]
    assert [row["source"] for row in articles(db)] == ["open/a.txt"]


def test_unreadable_file_fails_alone(db: Store, cwd: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A file that cannot be read is reported and does not stop the others."""
    write(cwd / "a.txt", "First readable story.")
    write(cwd / "b.txt", "Locked story.")
    write(cwd / "c.txt", "Second readable story.")
    real_open = os.open

    def deny(path: Path, flags: int, *args: int, **kwargs: int) -> int:
        if Path(path).name == "b.txt":
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, flags, *args, **kwargs)

    monkeypatch.setattr(os, "open", deny)
    results = import_paths(db, [cwd])
    assert [(r.source, r.status) for r in results] == [
        ("a.txt", "imported"),
        ("b.txt", "failed"),
        ("c.txt", "imported"),
    ]
    assert results[1].message == "b.txt: permission denied; check its permissions"


def test_folder_named_like_a_file_is_walked(db: Store, cwd: Path) -> None:
    """A folder called x.txt is a folder: its files are imported, it is not read as text."""
    write(cwd / "x.txt" / "inner.txt", "Inside story.")
    results = import_paths(db, [Path("x.txt")])
    assert [(r.source, r.status) for r in results] == [("x.txt/inner.txt", "imported")]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty file, nothing to import"),
        (b"  \n\t\r\n \n", "only whitespace, nothing to import"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", BINARY_MESSAGE),
        (bytes(range(1, 32)) * 40, BINARY_MESSAGE),
    ],
    ids=["empty", "whitespace", "png", "control-characters"],
)
def test_file_without_text_fails_and_changes_nothing(
    db: Store, cwd: Path, content: bytes, message: str
) -> None:
    """Empty, blank and binary files fail with one line; the database is untouched."""
    import_seeds(db)
    before = dump(db)
    path = write(cwd / "bad.txt", content)
    result = only(import_file(db, path))
    assert (result.status, result.message) == ("failed", f"bad.txt: {message}")
    assert dump(db) == before


def test_failing_file_does_not_stop_the_others(db: Store, cwd: Path) -> None:
    """Good files before and after a bad one are all imported."""
    write(cwd / "1.txt", "First story.")
    write(cwd / "2.txt", b"\x00\x01\x02binary")
    write(cwd / "3.json", "{not json")
    write(cwd / "4.txt", "Fourth story.")
    results = import_paths(db, [cwd])
    assert [r.status for r in results] == ["imported", "failed", "failed", "imported"]
    assert results[2].message.startswith("3.json: invalid JSON (")
    assert [row["source"] for row in articles(db)] == ["1.txt", "4.txt"]


def test_same_text_twice_in_one_run_is_imported_once(db: Store, cwd: Path) -> None:
    """Two files with identical content: the second is skipped, pointing at the first."""
    write(cwd / "a.txt", "Identical story.")
    write(cwd / "b.txt", "Identical story.\n\n")
    results = import_paths(db, [cwd])
    assert [r.status for r in results] == ["imported", "skipped"]
    assert results[1].article_id == results[0].article_id
    assert len(articles(db)) == 1


def test_many_files_span_several_transactions(
    db: Store, cwd: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Batches split across transactions keep every article with its own sentences."""
    monkeypatch.setattr(importing, "_BATCH_ARTICLES", 2)
    for n in range(7):
        write(cwd / f"{n}.txt", f"Story {n}\n\nSentence one of {n}. Sentence two of {n}.")
    results = import_paths(db, [cwd])
    assert [r.status for r in results] == ["imported"] * 7
    for result in results:
        name = result.source.removesuffix(".txt")
        assert result.title == f"Story {name}"
        assert sentence_texts(db, int(str(result.article_id))) == [
            f"Story {name}",
            f"Sentence one of {name}.",
            f"Sentence two of {name}.",
        ]


def test_database_error_fails_the_batch_and_saves_nothing(
    db: Store, cwd: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A refused write (here: a lock) is reported per article, never raised, never half-done."""
    write(cwd / "a.txt", "A story.")
    write(cwd / "b.txt", "Another story.")
    before = dump(db)

    class Locked:
        def __init__(self, db: Store) -> None:
            pass

        def __enter__(self) -> None:
            raise sqlite3.OperationalError("database is locked")

        def __exit__(self, *args: object) -> None:
            pass

    monkeypatch.setattr(article_batches, "transaction", Locked)
    results = import_paths(db, [cwd])
    assert [r.status for r in results] == ["failed", "failed"]
    assert results[0].message == (
        "a.txt: not saved, the database refused the write (database is locked); try again"
    )
    assert dump(db) == before


def writer_threads() -> list[str]:
    return [t.name for t in threading.enumerate() if t.name == "nkreader-import-writer"]


def stored_sentences(db: Store) -> list[tuple[int, int, int, int, int, int]]:
    rows = db.conn.execute(
        'SELECT id, article_id, position, start, "end", paragraph FROM sentences ORDER BY id'
    ).fetchall()
    return [tuple(row) for row in rows]


def test_pipelined_batches_store_what_one_batch_stores(
    db: Store, cwd: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Many batches written by the second thread give the same rows as one batch, repeated
    texts (in one batch, across batches, already stored) included."""
    texts = [f"Story {n}\n\nFirst of {n}. Second of {n}.\n\nThird of {n}." for n in range(9)]
    texts[4] = texts[3]  # same batch of two as its original
    texts[7] = texts[1]  # a later batch
    for n, text in enumerate(texts):
        write(cwd / "news" / f"{n}.txt", text)
    write(cwd / "old.txt", texts[8])
    import_file(db, cwd / "old.txt")
    reference = Store(open_database(tmp_path / "reference.db"), "tester")
    import_file(reference, cwd / "old.txt")
    expected = import_paths(reference, [cwd / "news"])

    seen: list[str] = []
    monkeypatch.setattr(importing, "_BATCH_ARTICLES", 2)
    monkeypatch.setattr(article_batches, "usable_cores", lambda: 2)  # even under taskset -c 0
    results = import_paths(db, [cwd / "news"], on_file=lambda _: seen.extend(writer_threads()))
    assert seen, "the batches were not written by the writer thread"
    assert not writer_threads()
    assert [(r.status, r.article_id, r.message) for r in results] == [
        (r.status, r.article_id, r.message) for r in expected
    ]
    assert [r.status for r in results].count("skipped") == 3
    assert stored_sentences(db) == stored_sentences(reference)
    query = "SELECT id, title, text, source, content_hash FROM articles ORDER BY id"
    assert db.conn.execute(query).fetchall() == reference.conn.execute(query).fetchall()
    reference.conn.close()


def test_on_one_core_every_batch_is_written_on_the_importing_thread(
    db: Store, cwd: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With one usable core no writer thread is started: the same articles and sentences are
    stored, batch by batch, and the connection's cache size is given back afterwards."""
    for n in range(7):
        write(cwd / f"{n}.txt", f"Story {n}\n\nFirst of {n}. Second of {n}.")
    cache = db.conn.execute("PRAGMA cache_size").fetchone()[0]
    seen: list[str] = []
    monkeypatch.setattr(importing, "_BATCH_ARTICLES", 2)
    monkeypatch.setattr(article_batches, "usable_cores", lambda: 1)
    results = import_paths(db, [cwd], on_file=lambda _: seen.extend(writer_threads()))
    assert not seen
    assert [r.status for r in results] == ["imported"] * 7
    assert [len(sentence_texts(db, r.article_id or 0)) for r in results] == [3] * 7
    assert db.conn.execute("PRAGMA cache_size").fetchone()[0] == cache


def test_refused_batch_in_writer_thread_fails_alone(
    db: Store, cwd: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A write refused on the writer thread fails that batch's articles and no others."""
    for n in range(6):
        write(cwd / f"{n}.txt", f"Story number {n}. It has two sentences.")
    calls: list[int] = []
    real = article_batches.transaction

    def refuse_second(conn: sqlite3.Connection) -> object:
        calls.append(1)
        if len(calls) == 2:
            raise sqlite3.OperationalError("disk I/O error")
        return real(conn)

    monkeypatch.setattr(importing, "_BATCH_ARTICLES", 2)
    monkeypatch.setattr(article_batches, "transaction", refuse_second)
    results = import_paths(db, [cwd])
    assert [r.status for r in results] == ["imported"] * 2 + ["failed"] * 2 + ["imported"] * 2
    assert results[2].message == (
        "2.txt: not saved, the database refused the write (disk I/O error); try again"
    )
    assert [row["source"] for row in articles(db)] == ["0.txt", "1.txt", "4.txt", "5.txt"]
    assert not writer_threads()


def test_interrupted_import_stops_the_writer_and_keeps_whole_batches(
    db: Store, cwd: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ctrl-C during a pipelined import: the writer thread ends, every stored batch is whole."""
    for n in range(12):
        write(cwd / f"{n:02d}.txt", f"Story {n}\n\nOne of {n}. Two of {n}.")
    files: list[Path] = []

    def interrupt(path: Path) -> None:
        files.append(path)
        if len(files) == 7:
            raise KeyboardInterrupt

    monkeypatch.setattr(importing, "_BATCH_ARTICLES", 2)
    with pytest.raises(KeyboardInterrupt):
        import_paths(db, [cwd], on_file=interrupt)
    assert not writer_threads()
    stored = articles(db)
    assert len(stored) % 2 == 0 and len(stored) <= 6
    for row in stored:
        assert len(sentence_texts(db, int(str(row["id"])))) == 3
    assert [r.status for r in import_paths(db, [cwd])].count("imported") == 12 - len(stored)


def test_unexpected_writer_error_is_raised_by_the_import(
    db: Store, cwd: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A bug in the writer thread surfaces in the caller instead of vanishing with the thread."""
    for n in range(8):
        write(cwd / f"{n}.txt", f"Story number {n}.")
    real = article_batches.store_batch

    def broken(conn: sqlite3.Connection, batch: object) -> object:
        if articles_count(conn) >= 2:
            raise RuntimeError("writer bug")
        return real(conn, batch)  # type: ignore[arg-type]

    monkeypatch.setattr(importing, "_BATCH_ARTICLES", 2)
    monkeypatch.setattr(article_batches, "store_batch", broken)
    with pytest.raises(RuntimeError, match="writer bug"):
        import_paths(db, [cwd])
    assert not writer_threads()
    assert len(articles(db)) == 2


def test_import_inside_an_open_transaction_stays_on_one_connection(
    db: Store, cwd: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Inside the caller's transaction a second connection would wait for its lock: none is
    opened, every batch joins the caller's transaction and commits with it."""
    for n in range(5):
        write(cwd / f"{n}.txt", f"Story number {n}. Second sentence.")
    monkeypatch.setattr(importing, "_BATCH_ARTICLES", 2)
    with transaction(db.conn):
        results = import_paths(db, [cwd], on_file=lambda _: assert_no_writer())
    assert [r.status for r in results] == ["imported"] * 5
    assert len(articles(db)) == 5


def assert_no_writer() -> None:
    assert not writer_threads()


def articles_count(conn: sqlite3.Connection) -> int:
    return int(conn.execute("SELECT count(*) FROM articles").fetchone()[0])


# -- titles and text --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "title"),
    [
        ("Short Headline\n\nBody sentence one. Two.", "Short Headline"),
        ("Ends with a period.\n\nBody sentence.", "Ends with a period."),
        ("Asks: what next\n\nBody.", "Asks: what next"),
        ("No blank line after\nBody sentence.", "No blank line after"),
        ('He said "no"\n\nBody.', 'He said "no"'),
        ("A " + "very " * 40 + "long first line\n\nBody.", "A " + "very " * 14 + "very…"),
    ],
    ids=["headline", "period", "colon-inside", "no-blank", "quote", "long"],
)
def test_title_rules(db: Store, cwd: Path, text: str, title: str) -> None:
    """Headline when short, unpunctuated and followed by a blank line; else the first sentence."""
    result = only(import_file(db, write(cwd / "t.txt", text)))
    assert result.title == title
    assert articles(db)[0]["title"] == title


def test_headline_with_abbreviation_stays_one_sentence(db: Store, cwd: Path) -> None:
    """A headline the splitter would cut (U.N. or a question mark) is still sentence 0."""
    path = write(cwd / "t.txt", "Why Did the U.N. Act? Nobody Knows\n\nBody sentence here.")
    only(import_file(db, path))
    assert sentence_texts(db, 1) == ["Why Did the U.N. Act? Nobody Knows", "Body sentence here."]


def test_text_is_kept_exactly_apart_from_line_breaks_and_edges(db: Store, cwd: Path) -> None:
    """Inner spacing, tabs and indentation survive; CRLF/CR become LF; blank edges go."""
    raw = b"\r\n\r\nTitle  Line\r\n\r\n  Indented\tline  with  spaces.\rNext line.\r\n\r\n   "
    only(import_file(db, write(cwd / "t.txt", raw)))
    assert articles(db)[0]["text"] == ("Title  Line\n\n  Indented\tline  with  spaces.\nNext line.")
    assert sentence_texts(db, 1) == ["Title  Line", "Indented\tline  with  spaces.", "Next line."]


@pytest.mark.parametrize(
    ("raw", "warning"),
    [
        ("\ufeffTitle\n\nCafé “quoted”.".encode(), None),
        ("Title\n\nCafé “quoted”.".encode("utf-16"), None),
        (b"\xfe\xff" + "Title\n\nCafé “quoted”.".encode("utf-16-be"), None),
        ("Title\n\nCafé “quoted”.".encode("cp1252"), "Windows-1252 (cp1252)"),
    ],
    ids=["utf-8-bom", "utf-16-le-bom", "utf-16-be-bom", "cp1252"],
)
def test_encodings_are_decoded_correctly(
    db: Store, cwd: Path, raw: bytes, warning: str | None
) -> None:
    """BOMs are honoured and removed; undeclared cp1252 is decoded with a warning."""
    result = only(import_file(db, write(cwd / "t.txt", raw)))
    assert result.status == "imported"
    assert articles(db)[0]["text"] == "Title\n\nCafé “quoted”."
    if warning is None:
        assert result.warning is None
    else:
        assert result.warning == (
            f"t.txt: not UTF-8, read as {warning}; convert it to UTF-8 to be sure"
        )


def test_latin1_fallback_when_cp1252_cannot_decode(db: Store, cwd: Path) -> None:
    """Bytes cp1252 leaves undefined fall back to latin-1, with a warning naming it."""
    result = only(import_file(db, write(cwd / "t.txt", b"Na\xefve \x81 story \xe9t\xe9.")))
    assert result.warning is not None and "Latin-1 (ISO-8859-1)" in result.warning
    assert articles(db)[0]["text"] == "Naïve \x81 story été."


KOREAN = "북한은 오늘 평양에서 핵 실험을 했다고 발표했다.\n\n한국 정부는 이를 강하게 비난했다."
JAPANESE = "北朝鮮は本日、平壌で核実験を行ったと発表した。\n\n日本政府は強く非難した。"
CHINESE = "朝鲜今天宣布在平壤进行了核试验。\n\n中国政府表示关切，呼吁各方保持克制。"
RUSSIAN = "Северная Корея заявила о ядерном испытании.\n\nВ Москве призвали к сдержанности."
FRENCH = "Le régime de Pyongyang a annoncé un essai nucléaire.\n\nSéoul s'est dit « très déçu »."
GERMAN = "Nachrichten über Korea\n\nDie Gespräche in Genf wurden für März geplant."


@pytest.mark.parametrize(
    ("text", "codec", "name"),
    [
        (KOREAN, "euc-kr", "Korean EUC-KR (cp949)"),
        (JAPANESE, "shift_jis", "Japanese Shift-JIS (cp932)"),
        (CHINESE, "gb18030", "Chinese GB18030"),
        (RUSSIAN, "cp1251", "Windows-1251 (cp1251)"),
        (FRENCH, "cp1252", "Windows-1252 (cp1252)"),
        (GERMAN, "latin-1", "Windows-1252 (cp1252)"),  # the same text: cp1252 is the superset
        (GERMAN, "utf-16-le", "UTF-16LE"),
        (GERMAN, "utf-16-be", "UTF-16BE"),
        (JAPANESE, "utf-16-le", "UTF-16LE"),  # control bytes, no NUL
        (KOREAN, "utf-16-be", "UTF-16BE"),
    ],
    ids=[
        "euc-kr", "shift-jis", "gb18030", "cp1251", "cp1252", "latin-1", "utf-16-le-latin",
        "utf-16-be-latin", "utf-16-le-japanese", "utf-16-be-korean",
    ],
)  # fmt: skip
def test_undeclared_encodings_are_detected(
    db: Store, cwd: Path, text: str, codec: str, name: str
) -> None:
    """Files in legacy and Asian encodings, and UTF-16 without a byte-order mark, are stored as
    written, with a warning naming the encoding found."""
    result = only(import_file(db, write(cwd / "t.txt", text.encode(codec))))
    assert result.status == "imported", result.message
    assert articles(db)[0]["text"] == text
    assert result.warning == f"t.txt: not UTF-8, read as {name}; convert it to UTF-8 to be sure"


@pytest.mark.parametrize("text", ["naïve", "Café", "Ça va. Très bien.", "Grüße"])
def test_short_western_text_is_read_as_cp1252(db: Store, cwd: Path, text: str) -> None:
    """Detectors guess cp1250 or cp1257 for a few Western words ("naďve"); cp1252 reads them as
    well, so it is preferred."""
    result = only(import_file(db, write(cwd / "t.txt", text.encode("cp1252"))))
    assert result.warning is not None and "Windows-1252 (cp1252)" in result.warning
    assert articles(db)[0]["text"] == text


def test_utf8_file_with_a_stray_byte_stays_utf8(db: Store, cwd: Path) -> None:
    """One bad byte in a UTF-8 JSON Lines file of 1,000 records: every record is read as UTF-8,
    the byte becomes U+FFFD, and one warning names its line."""
    lines = [
        json.dumps({"title": f"Bericht {n}", "text": f"Gespräch Nr. {n} in Genf über „Korea“."},
            ensure_ascii=False).encode()
        for n in range(1, 1001)
    ]  # fmt: skip
    lines[499] = lines[499].replace(b"Genf", b"Ge\xe9nf")
    results = import_file(db, write(cwd / "feed.jsonl", b"\n".join(lines)))
    assert [r.status for r in results] == ["imported"] * 1000
    assert [r.warning for r in results if r.warning] == [
        "feed.jsonl: 1 byte not valid UTF-8 on line 500, replaced with \ufffd; "
        "fix the file and import it again to keep those characters"
    ]
    texts = [row["text"] for row in articles(db)]
    assert texts[499] == "Gespräch Nr. 500 in Ge\ufffdnf über „Korea“."
    assert texts[:499] + texts[500:] == [
        f"Gespräch Nr. {n} in Genf über „Korea“." for n in [*range(1, 500), *range(501, 1001)]
    ]


def test_many_bad_bytes_name_the_first_lines(db: Store, cwd: Path) -> None:
    """Bad bytes on many lines: counted, and the first five lines named."""
    lines = [f"Zeile {n}: Gespräch über Korea.".encode() for n in range(1, 21)]
    for n in (2, 4, 6, 8, 10, 12, 14):
        lines[n - 1] += b"\xff\xfe"
    result = only(import_file(db, write(cwd / "t.txt", b"\n".join(lines))))
    assert result.warning == (
        "t.txt: 14 bytes not valid UTF-8 on lines 2, 4, 6, 8, 10 and 2 more, replaced with "
        "\ufffd; fix the file and import it again to keep those characters"
    )


def test_text_whose_encoding_cannot_be_told_is_refused(db: Store, cwd: Path) -> None:
    """Bytes no encoding reads plausibly are refused, naming --encoding; nothing is stored."""
    rng = random.Random(7)
    noise = bytes(rng.randrange(0x80, 0x100) for _ in range(3000))
    result = only(import_file(db, write(cwd / "t.txt", b"Title\n\n" + noise)))
    assert result.status == "failed"
    assert result.message == (
        "t.txt: cannot tell which encoding this text is in; convert it to UTF-8 "
        "or name the encoding with --encoding (e.g. --encoding cp1252)"
    )
    assert articles(db) == []


def test_encoding_can_be_named(db: Store, cwd: Path) -> None:
    """``encoding`` reads every file in that encoding, with no guess to warn about; bytes it
    cannot decode are replaced and reported."""
    write(cwd / "a.txt", "Ďakujem, že ste prišli.".encode("cp1250"))
    write(cwd / "b.txt", b"Fine words.\n\nThen \x81 here.")
    results = import_paths(db, [cwd], encoding="cp1250")
    assert [r.status for r in results] == ["imported", "imported"]
    assert results[0].warning is None
    assert results[1].warning == (
        "b.txt: 1 byte not valid Windows-1250 (cp1250) on line 3, replaced with \ufffd; "
        "fix the file and import it again to keep those characters"
    )
    assert [row["text"] for row in articles(db)] == [
        "Ďakujem, že ste prišli.",
        "Fine words.\n\nThen \ufffd here.",
    ]
    with pytest.raises(LookupError, match="unknown encoding 'rot13'"):
        import_paths(db, [cwd], encoding="rot13")


# -- record files -----------------------------------------------------------------------------


def test_jsonl_records_metadata_and_a_malformed_line(db: Store, cwd: Path) -> None:
    """Each line is an article; extra fields become metadata; a bad line fails alone."""
    lines = [
        json.dumps(
            {
                "id": "n1",
                "title": "Talks Resume",
                "text": "Diplomats met today. They agreed.",
                "date": "2006-10-01",
                "source": "Kyodo",
                "url": "https://example.org/1",
                "section": "World",
                "words": 5,
            }
        ),
        "{broken json",
        "",
        json.dumps({"body": "A second article without id.", "outlet": "AP"}),
        json.dumps(["not", "an", "object"]),
    ]
    write(cwd / "feed.jsonl", "\n".join(lines))
    results = import_file(db, Path("feed.jsonl"))
    assert [(r.source, r.status) for r in results] == [
        ("feed.jsonl#n1", "imported"),
        ("feed.jsonl:2", "failed"),
        ("feed.jsonl:4", "imported"),
        ("feed.jsonl:5", "failed"),
    ]
    assert results[1].message.startswith("feed.jsonl:2: malformed JSON line (")
    assert results[1].message.endswith("); fix or remove the line")
    assert results[3].message == "feed.jsonl:5: not a JSON object"
    first, second = articles(db)
    assert (first["title"], first["published"], first["outlet"], first["url"]) == (
        "Talks Resume",
        "2006-10-01",
        "Kyodo",
        "https://example.org/1",
    )
    assert json.loads(str(first["metadata"])) == {"section": "World", "words": 5}
    assert first["text"] == "Diplomats met today. They agreed."
    assert sentence_texts(db, int(str(first["id"]))) == ["Diplomats met today.", "They agreed."]
    assert (second["title"], second["outlet"], second["metadata"]) == (
        "A second article without id.",
        "AP",
        None,
    )


def test_json_list_and_single_object(db: Store, cwd: Path) -> None:
    """A JSON list holds one article per item; a JSON object is one article."""
    write(
        cwd / "list.json",
        json.dumps([{"title": "One", "text": "First text."}, {"text": "Second text."}, 7]),
    )
    write(cwd / "one.json", json.dumps({"headline": "Solo", "text": "Only text."}))
    results = import_paths(db, [Path("list.json"), Path("one.json")])
    assert [(r.source, r.status) for r in results] == [
        ("list.json[0]", "imported"),
        ("list.json[1]", "imported"),
        ("list.json[2]", "failed"),
        ("one.json", "imported"),
    ]
    rows = articles(db)
    assert [row["title"] for row in rows] == ["One", "Second text.", "Only text."]
    assert json.loads(str(rows[2]["metadata"])) == {"headline": "Solo"}


def test_csv_with_field_map(db: Store, cwd: Path) -> None:
    """--map points title and text at other columns; quoted multi-line cells are kept."""
    write(
        cwd / "news.csv",
        'headline,content,Date,lang\r\nFirst,"Line one.\r\nLine two.",2006-10-09,en\r\n'
        ",,,\r\nSecond,Other text.,,ja\r\n",
    )
    results = import_file(db, Path("news.csv"), field_map={"title": "headline", "text": "content"})
    assert [(r.source, r.status) for r in results] == [
        ("news.csv:2", "imported"),
        ("news.csv:5", "imported"),
    ]
    first, second = articles(db)
    assert (first["title"], first["text"], first["published"]) == (
        "First",
        "Line one.\nLine two.",
        "2006-10-09",
    )
    assert json.loads(str(first["metadata"])) == {"lang": "en"}
    assert sentence_texts(db, int(str(first["id"]))) == ["Line one.", "Line two."]
    assert json.loads(str(second["metadata"])) == {"Date": "", "lang": "ja"}


def test_csv_semicolons_and_known_column_names(db: Store, cwd: Path) -> None:
    """A semicolon-separated file with Title/Body columns needs no --map; a row with more
    cells than columns (an unquoted delimiter) fails alone instead of losing text."""
    write(
        cwd / "news.csv",
        'Title;Body\nA title;"A body; with a semicolon."\nB title;Cut; here.\n',
    )
    results = import_file(db, Path("news.csv"))
    assert [r.status for r in results] == ["imported", "failed"]
    assert results[1].message == "news.csv:3: 3 cells but 2 columns; quote cells that contain ';'"
    assert (articles(db)[0]["title"], articles(db)[0]["text"]) == (
        "A title",
        "A body; with a semicolon.",
    )


def test_csv_row_without_its_text_says_why(db: Store, cwd: Path) -> None:
    """A row that ends before the text column fails alone, saying so; a quote never closed
    (which swallows the rest of the file into one cell) is named as such, not as a record
    without a text field."""
    write(cwd / "short.csv", "title,text\nA\nB,Kept text.\n")
    write(cwd / "open.csv", 'title,text\nC,"Fine, quoted."\n"D,never closed\nE,lost\n')
    short = import_file(db, Path("short.csv"))
    assert [(r.status, r.message) for r in short if r.status == "failed"] == [
        ("failed", "short.csv:2: 1 cell but 2 columns, no text (the row ends early); "
                   "close the quote or complete the row"),
    ]  # fmt: skip
    opened = import_file(db, Path("open.csv"))
    assert [(r.status, r.message) for r in opened if r.status == "failed"] == [
        ("failed", "open.csv:3: 1 cell but 2 columns, no text (a quote is never closed); "
                   "close the quote or complete the row"),
    ]  # fmt: skip
    assert sorted(str(a["text"]) for a in articles(db)) == ["Fine, quoted.", "Kept text."]


def test_csv_without_text_column(db: Store, cwd: Path) -> None:
    """The failure names the columns found and the --map option; nothing is imported."""
    write(cwd / "news.csv", "headline,content\nA,B\n")
    result = only(import_file(db, Path("news.csv")))
    assert (result.status, result.message) == (
        "failed",
        "news.csv: no text column (columns: headline, content); name it with --map text=COLUMN",
    )
    assert articles(db) == []


def test_record_without_text_field(db: Store, cwd: Path) -> None:
    """A JSON record lacking a text field fails alone and names its fields."""
    write(cwd / "a.jsonl", '{"title": "T", "content": "x"}\n{"text": "Kept."}\n')
    results = import_file(db, Path("a.jsonl"))
    assert results[0].message == (
        "a.jsonl:1: no text field (fields: title, content); name it with --map text=FIELD"
    )
    assert results[1].status == "imported"


def test_record_with_an_empty_text_field_says_so(db: Store, cwd: Path) -> None:
    """A text field that is there but null or empty is named as empty, not as missing."""
    write(cwd / "a.jsonl", '{"title": 5, "text": null}\n{"text": ""}\n{"text": "Kept."}\n')
    results = import_file(db, Path("a.jsonl"))
    assert [r.message for r in results[:2]] == [
        "a.jsonl:1: the 'text' field is empty; give it the text",
        "a.jsonl:2: the 'text' field is empty; give it the text",
    ]
    assert results[2].status == "imported"
    assert db.article_count() == 1


def test_records_with_unusable_values_fail_alone(db: Store, cwd: Path) -> None:
    """Non-text text, a lone surrogate and a blank title never escape as exceptions."""
    lines = [
        '{"text": {"nested": "object"}}',
        '{"text": "Broken \\ud800 character."}',
        '{"title": "   ", "text": "Blank title, derived instead.", "tags": ["a", "b"]}',
    ]
    write(cwd / "odd.jsonl", "\n".join(lines))
    results = import_file(db, Path("odd.jsonl"))
    assert [(r.status, r.message) for r in results[:2]] == [
        ("failed", "odd.jsonl:1: the 'text' field is not text; check --map"),
        ("failed", "odd.jsonl:2: invalid character (unpaired surrogate); fix the record"),
    ]
    assert results[2].title == "Blank title, derived instead."
    assert json.loads(str(articles(db)[0]["metadata"])) == {"tags": ["a", "b"]}


def test_non_utf8_file_name_is_shown_with_replacement_character(db: Store, cwd: Path) -> None:
    """A file name that is not UTF-8 is still imported; its source shows U+FFFD."""
    name = os.fsdecode(b"caf\xe9.txt")
    write(cwd / name, "Story with an odd file name.")
    result = only(import_paths(db, [cwd]))
    assert (result.status, result.source) == ("imported", "caf\ufffd.txt")


def test_unknown_field_in_map_is_refused_up_front(db: Store, cwd: Path) -> None:
    """A typo in --map raises ValueError before any file is read."""
    write(cwd / "a.txt", "Story.")
    with pytest.raises(ValueError, match="unknown field 'txt' in --map"):
        import_paths(db, [cwd], field_map={"txt": "content"})
    assert articles(db) == []
