"""Hostile files and places: each gives one clear line, and nothing is modified or lost.

Cases already pinned elsewhere are not repeated here; TESTING.md lists every case with its test.
"""

from __future__ import annotations

import csv
import errno
import io
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

import reader.db
import reader.exchange.exporting
import reader.exchange.output_files
from reader.cli import cli
from reader.db import DatabaseError, StoreError, is_read_only, open_database
from reader.exchange.exporting import write_export
from reader.exchange.formats import NotAFile, format_size, read_file
from reader.exchange.importing import MAX_SIZE, import_paths, parse_size
from reader.store import Store
from tests.helpers import dump

REPO = Path(__file__).resolve().parent.parent


def snapshot(path: Path) -> tuple[bytes, int]:
    return path.read_bytes(), path.stat().st_mtime_ns


def one_line_error(result: Result) -> str:
    """The CLI failed with exit 1 and a single ``Error:`` line, no traceback."""
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), lines
    return lines[0]


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def coded(tmp_path: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A checkpointed database with the seeds, the codebook and one annotation by alice."""
    monkeypatch.chdir(REPO)
    path = tmp_path / "coded.db"
    assert runner.invoke(cli, ["import", "--db", str(path)]).exit_code == 0
    store = Store(open_database(path), "alice")
    sentence = store.sentences(1)[1]
    store.add_annotation(sentence.id, store.actors()[0].id, store.stances()[0].id, None, "kept")
    store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    store.close()
    monkeypatch.chdir(tmp_path)
    return path


# -- files that are not (writable) nkreader databases -------------------------------------------


@pytest.fixture
def read_only(coded: Path, deny_write: Callable[[Path], None]) -> Path:
    """The database as a file nkreader may not write."""
    deny_write(coded)
    return coded


def test_read_only_database_can_be_read_but_refuses_changes(read_only: Path) -> None:
    """A read-only file opens for reading and export; each change is a one-line StoreError."""
    before = snapshot(read_only)
    store = Store(open_database(read_only), "alice")
    assert is_read_only(store.conn) and store.article_count() == 3
    out = io.StringIO()
    assert write_export(store, out) == 1
    assert "kept" in out.getvalue()
    sentence = store.sentences(1)[2]
    message = f"{read_only.resolve()} is read-only: changes cannot be saved"
    with pytest.raises(StoreError, match="^" + message.replace(".", r"\.") + "$"):
        store.add_annotation(sentence.id, store.actors()[0].id, store.stances()[0].id)
    with pytest.raises(StoreError, match="read-only"):
        store.set_no_claim(sentence.id, True)
    assert not store.conn.in_transaction
    store.close()
    assert snapshot(read_only) == before


def test_immutable_file_is_opened_read_only(coded: Path) -> None:
    """A file the kernel refuses to let even root write (``chattr +i``) opens read-only."""
    chattr = shutil.which("chattr")
    if chattr is None or subprocess.run([chattr, "+i", coded], capture_output=True).returncode:
        pytest.skip("chattr +i is not available here")
    try:
        before = snapshot(coded)
        store = Store(open_database(coded), "alice")
        assert is_read_only(store.conn) and store.article_count() == 3
        with pytest.raises(StoreError, match="read-only: changes cannot be saved"):
            store.set_state("position", "1:1")
        store.close()
        assert snapshot(coded) == before
    finally:
        subprocess.run([chattr, "-i", coded], check=True)


def test_read_only_database_through_the_commands(read_only: Path, runner: CliRunner) -> None:
    """`articles` and `export` work on a read-only file; `import` reports the refusal per file."""
    before = snapshot(read_only)
    listed = runner.invoke(cli, ["articles", "--db", str(read_only)])
    assert listed.exit_code == 0, listed.output
    exported = runner.invoke(cli, ["export", "--db", str(read_only)])
    assert exported.exit_code == 0 and "kept" in exported.stdout
    news = read_only.parent / "news.txt"
    news.write_text("A new story\n\nSomeone said something new today.\n")
    imported = runner.invoke(cli, ["import", str(news), "--db", str(read_only)])
    assert imported.exit_code == 1
    assert "Traceback" not in imported.output
    assert "read-only: changes cannot be saved" in imported.stderr
    assert snapshot(read_only) == before


def test_empty_read_only_file_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A read-only empty file holds nothing to read: one line, nothing written."""
    path = tmp_path / "empty.db"
    path.touch()
    monkeypatch.setattr(reader.db.connection.os, "access", lambda p, m, **k: Path(p) != path)
    with pytest.raises(DatabaseError, match="read-only and holds no nkreader data"):
        open_database(path)
    assert path.read_bytes() == b""


def test_empty_file_is_a_new_database(tmp_path: Path, runner: CliRunner) -> None:
    """A 0-byte file (from `touch`) is treated as a new database."""
    path = tmp_path / "touched.db"
    path.touch()
    result = runner.invoke(cli, ["import", "--db", str(path)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT count(*) FROM articles").fetchone() == (3,)
    conn.close()


def test_damaged_database_is_refused_untouched(coded: Path, runner: CliRunner) -> None:
    """A file whose schema page is overwritten: one line pointing at a backup and at `nkreader
    check --recover`; the file as it was, nothing created beside it."""
    data = bytearray(coded.read_bytes())
    data[100:4096] = b"\xa5" * (4096 - 100)
    coded.write_bytes(bytes(data))
    before = snapshot(coded)
    line = one_line_error(runner.invoke(cli, ["articles", "--db", str(coded)]))
    assert line.startswith(f"Error: {coded} is damaged (")
    assert "nothing was written to it" in line and "restore a backup you made" in line
    assert f"nkreader check --db {coded} --recover NEW.db" in line
    assert snapshot(coded) == before
    assert sorted(p.name for p in coded.parent.iterdir()) == ["coded.db"]


CRASH_AFTER_WRITE = """
import os, sqlite3, sys
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("PRAGMA journal_mode = WAL")
conn.execute("PRAGMA wal_autocheckpoint = 0")
conn.execute(sys.argv[2])
os._exit(0)  # no close, no checkpoint: the change lives only in the -wal file
"""


def crash_after(path: Path, sql: str) -> None:
    subprocess.run([sys.executable, "-c", CRASH_AFTER_WRITE, str(path), sql], check=True)
    assert Path(f"{path}-wal").stat().st_size > 0


def test_changes_left_in_a_wal_file_are_recovered(coded: Path) -> None:
    """A database whose last change is only in its -wal (a crash): the change is there."""
    crash_after(coded, "UPDATE annotations SET note = 'only in the wal'")
    store = Store(open_database(coded), "alice")
    assert [a.note for a in store.annotations_for_sentence(store.sentences(1)[1].id)] == [
        "only in the wal"
    ]
    assert store.conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    store.close()


def test_other_applications_wal_database_is_left_alone(tmp_path: Path, runner: CliRunner) -> None:
    """Another app's WAL database with a -wal beside it: refused; neither file is touched."""
    path = tmp_path / "other.db"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE recipes (id INTEGER PRIMARY KEY, name TEXT)")
    conn.close()
    crash_after(path, "INSERT INTO recipes (name) VALUES ('kimchi')")
    wal = Path(f"{path}-wal")
    before = snapshot(path), snapshot(wal)
    line = one_line_error(runner.invoke(cli, ["articles", "--db", str(path)]))
    assert "another application (tables: recipes)" in line
    assert (snapshot(path), snapshot(wal)) == before


def test_database_in_a_read_only_folder_cannot_be_created(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A new database in a folder nkreader may not write: one line, nothing created."""
    folder = tmp_path / "locked"
    folder.mkdir()
    monkeypatch.setattr(reader.db.connection.os, "access", lambda p, m, **k: Path(p) != folder)
    with pytest.raises(DatabaseError, match="read-only folder"):
        open_database(folder / "a.db")
    assert list(folder.iterdir()) == []


# -- hostile input files ------------------------------------------------------------------------


def test_nul_inside_a_json_record_never_corrupts_sentences(coded: Path) -> None:
    """A record whose text holds a NUL (escaped in JSON): every stored sentence is cut right."""
    feed = coded.parent / "feed.jsonl"
    text = "First part of it.\u0000 Hidden after the NUL. Third one here."
    feed.write_text(json.dumps({"title": "NUL", "text": text}) + "\n", encoding="utf-8")
    db = Store(open_database(coded), "tester")
    import_paths(db, [feed])
    cut = db.conn.execute(
        'SELECT substr(a.text, s.start + 1, s."end" - s.start), a.text, s.start, s."end"'
        " FROM sentences s JOIN articles a ON a.id = s.article_id WHERE a.title = 'NUL'"
    ).fetchall()
    db.conn.close()
    for sliced, whole, start, end in cut:
        assert sliced == whole[start:end] and sliced.strip()


def test_nul_byte_in_a_text_file_is_refused(coded: Path) -> None:
    """A .txt with a NUL byte among ordinary text is refused as binary; nothing is written."""
    before = dump(coded)
    bad = coded.parent / "nul.txt"
    bad.write_bytes(b"A story\n\nIt reads normally.\x00 Until here.\n")
    [result] = import_paths(Store(open_database(coded), "tester"), [bad])
    assert result.status == "failed" and "binary file" in result.message
    assert dump(coded) == before


def test_fifty_megabyte_article_is_imported_whole(tmp_path: Path) -> None:
    """One 50 MB article: imported in one piece, every sentence cut exactly."""
    sentence = "North Korea said on Monday that talks with Japan would resume soon. "
    paragraph = sentence * 10 + "\n\n"
    count = 50_000_000 // len(paragraph)
    big = tmp_path / "big.txt"
    big.write_text("A very long article\n\n" + paragraph * count, encoding="utf-8")
    db = Store(open_database(tmp_path / "big.db"), "tester")
    [result] = import_paths(db, [big])
    assert result.status == "imported", result.message
    total, paragraphs = db.conn.execute("SELECT count(*), max(paragraph) FROM sentences").fetchone()
    start, end = db.conn.execute(
        'SELECT start, "end" FROM sentences WHERE position = (SELECT max(position) FROM sentences)'
    ).fetchone()
    [text] = db.conn.execute("SELECT text FROM articles").fetchone()
    last = text[start:end]
    assert total == 1 + 10 * count
    assert paragraphs == count
    assert last == sentence.strip()
    db.conn.close()


def test_ten_thousand_small_files(tmp_path: Path) -> None:
    """A folder of 10,000 files: all imported, in name order, each with its sentences."""
    folder = tmp_path / "many"
    folder.mkdir()
    for n in range(10_000):
        (folder / f"{n:05}.txt").write_text(f"Story {n}\n\nJapan urged China in round {n}.")
    db = Store(open_database(tmp_path / "many.db"), "tester")
    results = import_paths(db, [folder])
    assert [r.status for r in results] == ["imported"] * 10_000
    sources = [row[0] for row in db.conn.execute("SELECT source FROM articles ORDER BY id")]
    assert sources == [str(folder / f"{n:05}.txt") for n in range(10_000)]
    assert db.conn.execute("SELECT count(*) FROM sentences").fetchone() == (20_000,)
    db.conn.close()


def test_names_with_spaces_and_non_ascii(coded: Path, runner: CliRunner) -> None:
    """Folders and files named with spaces and non-ASCII letters import and export by name."""
    folder = coded.parent / "Nachrichten über Korea"
    folder.mkdir()
    (folder / "Ausgabe 1 – Kim.txt").write_text("Erste Meldung\n\nPjöngjang schwieg.\n")
    (folder / "日本 報道.md").write_text("東京の報道\n\n日本は中国に圧力をかけた。\n")
    imported = runner.invoke(cli, ["import", "Nachrichten über Korea", "--db", str(coded)])
    assert imported.exit_code == 0, imported.output
    out = coded.parent / "codes ü.csv"
    exported = runner.invoke(cli, ["export", "--all-sentences", "-o", str(out), "--db", str(coded)])
    assert exported.exit_code == 0, exported.output
    sources = {row["source"] for row in csv.DictReader(out.open(newline="", encoding="utf-8"))}
    assert {
        "Nachrichten über Korea/Ausgabe 1 – Kim.txt",
        "Nachrichten über Korea/日本 報道.md",
    } <= (sources)


# -- files that would hang, exhaust or crash an import ------------------------------------------


def in_thread(work: Callable[[], object], seconds: float = 60) -> object:
    """``work()`` on a daemon thread: the test fails, instead of hanging, when it blocks."""
    done: list[tuple[object, BaseException | None]] = []

    def run() -> None:
        try:
            done.append((work(), None))
        except BaseException as error:
            done.append((None, error))

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(seconds)
    assert done, f"still running after {seconds} s"
    value, error = done[0]
    if error is not None:
        raise error
    return value


def test_fifo_and_device_links_in_a_folder_are_skipped(coded: Path, runner: CliRunner) -> None:
    """A FIFO (which would block ``open`` forever) and a link to /dev/zero (which would be read
    until memory ran out) in a folder are skipped with a reason; the rest is imported."""
    folder = coded.parent / "feed"
    folder.mkdir()
    os.mkfifo(folder / "pipe.txt")
    (folder / "zero.txt").symlink_to("/dev/zero")
    (folder / "story.txt").write_text("A story\n\nIt was imported.\n")
    result = in_thread(lambda: runner.invoke(cli, ["import", "feed", "--db", str(coded)]))
    assert isinstance(result, Result) and result.exit_code == 0, result.output
    assert result.stderr.splitlines() == [
        "skipped: feed/pipe.txt: a named pipe (FIFO), not a regular file; skipped",
        "skipped: feed/zero.txt: a character device, not a regular file; skipped",
        "imported 1, skipped 2, failed 0",
    ]


def test_special_files_named_on_the_command_line_fail(coded: Path, runner: CliRunner) -> None:
    """Named by the user, a FIFO, a device and a .dna file that is no DNA project are failures:
    the exit status is 1, and the other files named are imported."""
    os.mkfifo(coded.parent / "pipe.txt")
    (coded.parent / "study.dna").write_text("GATTACA\n")
    (coded.parent / "story.txt").write_text("A story\n\nIt was imported.\n")
    names = ["pipe.txt", "/dev/zero", "study.dna", "story.txt"]
    result = in_thread(lambda: runner.invoke(cli, ["import", *names, "--db", str(coded)]))
    assert isinstance(result, Result) and result.exit_code == 1, result.output
    assert result.stderr.splitlines() == [
        "error: pipe.txt: a named pipe (FIFO), not a regular file; "
        "save what it holds to a file and import that",
        "error: /dev/zero: a character device, not a regular file; "
        "save what it holds to a file and import that",
        "imported 1, skipped 0, failed 2",
        "error: study.dna: not a DNA project (not an SQLite database); nkreader reads the"
        " projects DNA 3 saves, and articles as .txt, .md, .jsonl, .json, .csv, .docx, .rtf,"
        " .doc, .html, .htm, .xml",
    ]
    alone = runner.invoke(cli, ["import", "study.dna", "--db", str(coded)])
    assert alone.exit_code == 1


def test_file_replaced_by_a_fifo_after_the_walk_is_not_waited_for(tmp_path: Path) -> None:
    """Reading checks again what it opened (without waiting for a writer): a FIFO put where a
    file was found fails at once."""
    os.mkfifo(tmp_path / "late.txt")
    with pytest.raises(NotAFile, match=r"^a named pipe \(FIFO\), not a regular file"):
        in_thread(lambda: read_file(tmp_path / "late.txt"))


def test_files_over_the_size_limit_are_refused(coded: Path, runner: CliRunner) -> None:
    """A file over --max-size fails with a line naming it, its size and the option; a larger
    limit imports it. A file that grew past the limit after the walk is cut off, not read."""
    story = coded.parent / "story.txt"
    story.write_text("A story\n\n" + "It goes on. " * 200)
    before = dump(coded)
    small = runner.invoke(cli, ["import", "story.txt", "--max-size", "1KB", "--db", str(coded)])
    assert small.exit_code == 1
    assert small.stderr.splitlines()[0] == (
        "error: story.txt: 2.4 KB, over the 1 KB limit; pass --max-size 2.5KB or more to import it"
    )
    assert dump(coded) == before
    large = runner.invoke(cli, ["import", "story.txt", "--max-size", "2.5KB", "--db", str(coded)])
    assert large.exit_code == 0, large.output
    with pytest.raises(NotAFile, match="over the 100 bytes limit"):
        read_file(story, max_size=100)
    bad = runner.invoke(cli, ["import", "story.txt", "--max-size", "lots", "--db", str(coded)])
    assert one_line_error(bad) == (
        "Error: --max-size: 'lots' is not a size; write bytes or e.g. 500MB, 2GB, 1.5GiB"
    )


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="needs Linux /proc")
def test_file_that_grows_while_read_is_read_no_further_than_the_limit() -> None:
    """A file larger than its size said when it was opened (/proc files say 0 bytes) is read
    whole under the limit, and cut off at the limit with a line saying it grew."""
    status = Path("/proc/self/status")
    assert status.stat().st_size == 0
    assert read_file(status).startswith(b"Name:")
    with pytest.raises(NotAFile) as refused:
        read_file(status, max_size=100)
    assert str(refused.value) == (
        "grew past the 100 bytes limit while it was read; pass a larger --max-size to import it"
    )


def test_sizes_are_read_and_shown() -> None:
    assert [parse_size(text) for text in ("2GB", "500 mb", "1.5GiB", "123", "4k")] == [
        2_000_000_000, 500_000_000, 1_610_612_736, 123, 4000,
    ]  # fmt: skip
    assert parse_size("1GB") == MAX_SIZE
    with pytest.raises(ValueError, match="too small"):
        parse_size("0")
    assert [format_size(n) for n in (999, 1000, 2_400_000, 1_000_000_000)] == [
        "999 bytes", "1 KB", "2.4 MB", "1 GB",
    ]  # fmt: skip
    assert format_size(1_000_000_001, exact=True) == "1.1GB"


def test_deeply_nested_json_fails_alone(coded: Path, runner: CliRunner) -> None:
    """A JSON file 100,000 lists deep, and one such line of a JSON Lines file, are one line
    each (Python's reader would raise RecursionError); everything else of the run is saved."""
    folder = coded.parent / "deep"
    folder.mkdir()
    (folder / "a.json").write_text("[" * 100_000 + "]" * 100_000)
    lines = [json.dumps({"text": f"Story number {n} was kept."}) for n in range(1, 4)]
    lines[1] = '{"text": "Deep.", "extra": ' + "[" * 100_000 + "]" * 100_000 + "}"
    (folder / "b.jsonl").write_text("\n".join(lines) + "\n")
    (folder / "c.json").write_text('{"text": "Deep but fine.", "x": ' + "[" * 50 + "]" * 50 + "}")
    result = runner.invoke(cli, ["import", "deep", "--db", str(coded)])
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert result.stderr.splitlines() == [
        "error: deep/a.json: JSON nested too deeply to read (lists or objects inside each other "
        "hundreds deep); flatten the file",
        "error: deep/b.jsonl:2: JSON nested too deeply to read (lists or objects inside each "
        "other hundreds deep); flatten or remove the line",
        "imported 3, skipped 0, failed 2",
    ]
    with sqlite3.connect(coded) as conn:
        stored = [row[0] for row in conn.execute("SELECT text FROM articles WHERE id > 3")]
    assert stored == ["Story number 1 was kept.", "Story number 3 was kept.", "Deep but fine."]


def test_unreadable_file_named_on_the_command_line_fails_alone(
    coded: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A named file that cannot be opened (faked: tests run as root) is one line and exit 1;
    the files named after it are imported."""
    for name in ("a.txt", "locked.txt", "c.txt"):
        (coded.parent / name).write_text(f"Story {name}\n\nIt was imported.\n")
    real_open = os.open

    def deny(path: Path, flags: int, *args: int, **kwargs: int) -> int:
        if Path(path).name == "locked.txt":
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, flags, *args, **kwargs)

    monkeypatch.setattr(os, "open", deny)
    result = runner.invoke(cli, ["import", "a.txt", "locked.txt", "c.txt", "--db", str(coded)])
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "error: locked.txt: permission denied; check its permissions",
        "imported 2, skipped 0, failed 1",
    ]


def test_encoding_option(coded: Path, runner: CliRunner) -> None:
    """--encoding reads the files in the encoding named, without a warning; an unknown name is
    one line, before the database is opened."""
    (coded.parent / "sjis.txt").write_bytes(
        "平壌の発表\n\n日本政府は抗議した。".encode("shift_jis")
    )
    result = runner.invoke(
        cli, ["import", "sjis.txt", "--encoding", "shift_jis", "--db", str(coded)]
    )
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines() == ["imported 1, skipped 0, failed 0"]
    missing = coded.parent / "new.db"
    bad = runner.invoke(cli, ["import", "sjis.txt", "--encoding", "nope", "--db", str(missing)])
    assert one_line_error(bad) == (
        "Error: --encoding: unknown encoding 'nope'; use a name such as utf-8, cp1252, latin-1, "
        "shift_jis, euc-kr, gb18030, cp1251 or utf-16"
    )
    assert not missing.exists()


# -- exports that cannot be written -------------------------------------------------------------


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


def test_export_to_an_unwritable_folder(
    coded: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Permission denied: one line naming the folder; no file, no temporary left behind."""
    before = dump(coded)

    def refuse(path: object, *args: object, **kwargs: object) -> object:
        raise PermissionError(errno.EACCES, "Permission denied", str(path))

    monkeypatch.setattr(reader.exchange.output_files, "open", refuse, raising=False)
    out = coded.parent / "out.csv"
    line = one_line_error(runner.invoke(cli, ["export", "-o", str(out), "--db", str(coded)]))
    assert line == (
        f"Error: {out}: cannot write in {out.parent} (permission denied); "
        "choose a folder you can write"
    )
    assert not out.exists() and leftovers(coded.parent) == []
    assert dump(coded) == before


def test_export_on_a_full_disk_keeps_the_old_file(
    coded: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    """ENOSPC while saving: one line; the previous export is intact, no partial file is left."""
    out = coded.parent / "out.csv"
    out.write_text("the previous export")

    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(reader.exchange.output_files.os, "fsync", full)
    line = one_line_error(
        runner.invoke(cli, ["export", "-o", str(out), "--force", "--db", str(coded)])
    )
    assert line == f"Error: {out}: the disk is full; free some space or export to another disk"
    assert out.read_text() == "the previous export"
    assert leftovers(coded.parent) == []


def test_database_full_while_coding_is_a_store_error(
    coded: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SQLite's "database or disk is full" on a change: a one-line StoreError, rolled back."""
    store = Store(open_database(coded), "alice")
    before = dump(coded)
    sentence = store.sentences(1)[3]
    store.conn.execute(
        f"PRAGMA max_page_count = {store.conn.execute('PRAGMA page_count').fetchone()[0]}"
    )
    note = "x" * 200_000  # needs new pages, which max_page_count forbids: SQLITE_FULL
    with pytest.raises(StoreError) as caught:
        store.add_annotation(sentence.id, store.actors()[0].id, store.stances()[0].id, None, note)
    assert str(caught.value) == (
        f"{coded.resolve()}: the disk is full; free some space, then try again"
    )
    assert not store.conn.in_transaction
    store.close()
    assert dump(coded) == before
