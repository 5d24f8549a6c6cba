"""A damaged database: one line naming the damage and the way back, nothing written, nothing
created beside it, and `nkreader check --recover` saving every row that can still be read.

The damage is real: a page of the file overwritten with random bytes, as a failing disk or a
copy taken mid-write leaves it. Which page is found through SQLite's ``dbstat`` table.
"""

from __future__ import annotations

import asyncio
import os
import random
import shutil
import sqlite3
import threading
import time
from contextlib import closing
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

import reader.cli
import reader.db.connection
import reader.store.health
import reader.tui.app
from reader.cli import cli
from reader.db import DatabaseError, damage_message, known_migrations, open_database
from reader.exchange.codebook_file import load_default_codebook
from reader.exchange.importing import import_paths, import_seeds
from reader.store import Store, StoreError
from reader.tui.app import ReaderApp
from tests.helpers import Session, dump, run_reader

REPO = Path(__file__).resolve().parent.parent
FIXTURE = REPO / "tests" / "fixtures" / "schema_v1.db"
LONG_ARTICLE_SENTENCES = 1500
"""Enough sentences for the sentences table to span many pages."""


def snapshot(path: Path) -> tuple[bytes, int]:
    return path.read_bytes(), path.stat().st_mtime_ns


def beside(path: Path) -> list[str]:
    """Every file in ``path``'s folder, to see that nothing was created next to it."""
    return sorted(p.name for p in path.parent.iterdir())


def one_line_error(result: Result) -> str:
    """The CLI failed with exit 1 and a single ``Error:`` line, no traceback."""
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), lines
    return lines[0]


def pages(path: Path, table: str, kind: str | None = None) -> list[tuple[int, int]]:
    """The pages of ``table`` in b-tree order (root first), as (page number, cells), only those
    of ``kind`` (``leaf``, ``internal``, ``overflow``) if given."""
    uri = f"{path.resolve().as_uri()}?immutable=1"
    with closing(sqlite3.connect(uri, uri=True)) as conn:
        rows = conn.execute(
            "SELECT pageno, ncell, pagetype FROM dbstat WHERE name = ? ORDER BY path", [table]
        ).fetchall()
    return [(page, cells) for page, cells, pagetype in rows if kind in (None, pagetype)]


def damage(path: Path, page: int, seed: int = 7) -> None:
    """Overwrite page ``page`` (numbered from 1) with random bytes."""
    with closing(sqlite3.connect(f"{path.resolve().as_uri()}?immutable=1", uri=True)) as conn:
        size = conn.execute("PRAGMA page_size").fetchone()[0]
    data = bytearray(path.read_bytes())
    data[(page - 1) * size : page * size] = random.Random(seed).randbytes(size)
    path.write_bytes(bytes(data))


def root(path: Path, table: str) -> int:
    return pages(path, table)[0][0]


def rows(path: Path, tables: tuple[str, ...] | None = None) -> dict[str, list[tuple[object, ...]]]:
    """``dump`` of a file read as immutable: no -wal or -shm appears beside it."""
    uri = f"{path.resolve().as_uri()}?immutable=1"
    with closing(sqlite3.connect(uri, uri=True)) as conn:
        return dump(conn, tables)


@pytest.fixture
def coded(tmp_path: Path) -> Path:
    """A checkpointed WAL database (nothing beside it) with the codebook, the seeds, a long
    article, one annotation by alice and an event log."""
    path = tmp_path / "coded.db"
    store = Store(open_database(path), "alice")
    load_default_codebook(store)
    import_seeds(store)
    long = tmp_path / "long.txt"
    long.write_text(
        "A long report\n\n"
        + " ".join(f"Japan said on day {n} that talks went on." for n in range(1500))
    )
    import_paths(store, [long])
    long.unlink()
    sentence = store.sentences(1)[1]
    store.add_annotation(sentence.id, store.actors()[0].id, store.stances()[0].id, None, "kept")
    store.close()
    assert beside(path) == ["coded.db"]
    return path


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def expected_line(path: Path, reason: str) -> str:
    return "Error: " + damage_message(path, reason)


# -- every command: one line, nothing written ---------------------------------------------------


@pytest.mark.parametrize(
    ("command", "table"),
    [
        (["articles"], "articles"),
        (["export"], "articles"),
        (["stats"], "annotations"),
        (["log"], "events"),
        (["codebook", "export", "out.toml"], "actors"),
    ],
    ids=["articles", "export", "stats", "log", "codebook-export"],
)
def test_a_read_that_meets_damage_is_one_line(
    coded: Path, runner: CliRunner, command: list[str], table: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each command that reads a damaged page says what is wrong, that nothing was written and
    how to recover; the file keeps its bytes."""
    monkeypatch.chdir(coded.parent)
    damage(coded, root(coded, table))
    before = snapshot(coded)
    line = one_line_error(runner.invoke(cli, [*command, "--db", str(coded)]))
    assert line == expected_line(coded, "database disk image is malformed")
    assert "nothing was written to it" in line
    assert f"nkreader check --db {coded} --recover NEW.db" in line
    assert snapshot(coded) == before


def test_the_message_names_the_latest_automatic_backup(coded: Path, runner: CliRunner) -> None:
    """Backups made before schema upgrades (``NAME.bak-*``) are offered, the newest first; the
    companions of a backup are not."""
    older = coded.with_name("coded.db.bak-m001_initial-20240101T000000Z")
    newer = coded.with_name("coded.db.bak-m002_search_index_on_demand-20250101T000000Z")
    for number, backup in enumerate((older, newer, Path(f"{newer}-wal"))):
        backup.write_bytes(b"")
        os.utime(backup, ns=(10**18 + number, 10**18 + number))
    damage(coded, root(coded, "articles"))
    line = one_line_error(runner.invoke(cli, ["articles", "--db", str(coded)]))
    assert f"the automatic one taken before its last schema upgrade ({newer})" in line
    assert "-wal" not in line


@pytest.mark.parametrize(
    "command",
    [["import", "news.txt"], ["codebook", "import", "codebook.toml"]],
    ids=["import", "codebook-import"],
)
def test_writing_commands_refuse_a_damaged_file_before_writing(
    coded: Path, runner: CliRunner, command: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """`import` and `codebook import` run PRAGMA quick_check first: a page they would never read
    (the event log's) is enough to refuse; the file keeps its bytes and nothing appears beside
    it."""
    monkeypatch.chdir(coded.parent)
    Path("news.txt").write_text("A new story\n\nSomeone said something new today.\n")
    assert (
        runner.invoke(cli, ["codebook", "export", "codebook.toml", "--db", str(coded)]).exit_code
        == 0
    )
    damage(coded, pages(coded, "events", "overflow")[0][0])
    before, files = snapshot(coded), beside(coded)
    result = runner.invoke(cli, [*command, "--db", str(coded)])
    line = one_line_error(result)
    assert line.startswith(f"Error: {coded} is damaged (")
    assert "nothing was written to it" in line and "--recover NEW.db" in line
    assert snapshot(coded) == before
    assert beside(coded) == files


def test_an_older_damaged_file_is_refused_before_its_upgrade(tmp_path: Path) -> None:
    """A first-schema file with a damaged page is neither copied aside nor upgraded."""
    path = tmp_path / "annotations.db"
    shutil.copyfile(FIXTURE, path)
    damage(path, pages(path, "sentences", "leaf")[0][0])
    before = snapshot(path)
    with pytest.raises(DatabaseError, match="is damaged"):
        open_database(path)
    assert snapshot(path) == before
    assert beside(path) == ["annotations.db"]


def test_a_write_that_meets_damage_stops_saving(coded: Path) -> None:
    """A change that meets a damaged page is rolled back as a one-line StoreError, and every
    later change on that connection is refused before it starts."""
    store = Store(open_database(coded), "alice")
    damage(coded, root(coded, "sentence_status"))
    sentence = store.sentences(1)[3]
    with pytest.raises(StoreError, match="is damaged") as first:
        store.set_no_claim(sentence.id, True)
    assert not store.conn.in_transaction
    with pytest.raises(StoreError) as second:
        store.set_state("position", "1:1")
    assert str(second.value) == str(first.value)
    assert store.read_only
    assert store.article_count() == 4  # reading goes on
    store.close()


# -- backup -------------------------------------------------------------------------------------


def test_backup_of_a_damaged_file_is_removed_and_said(coded: Path, runner: CliRunner) -> None:
    """The copy is checked before "backed up": a copy of a damaged page fails, and is removed."""
    damage(coded, pages(coded, "sentences", "leaf")[2][0])
    copy = coded.parent / "copy.db"
    line = one_line_error(runner.invoke(cli, ["backup", str(copy), "--db", str(coded)]))
    assert line.startswith(
        f"Error: {copy}: not backed up: the copy failed its integrity check, so it was removed. "
        f"{coded} is damaged ("
    )
    assert not copy.exists() and not Path(f"{copy}.partial").exists()


# -- nkreader check -----------------------------------------------------------------------------


def test_check_says_ok_for_a_sound_file(coded: Path, runner: CliRunner) -> None:
    """Exit 0 and `PATH: ok`; the file is only read, nothing appears beside it."""
    before = snapshot(coded)
    result = runner.invoke(cli, ["check", "--db", str(coded)])
    assert result.exit_code == 0, result.output
    assert result.stdout == f"{coded}: ok\n"
    assert snapshot(coded) == before and beside(coded) == ["coded.db"]


def test_check_lists_the_problems_of_a_damaged_file(coded: Path, runner: CliRunner) -> None:
    """Each problem on stdout, then one line and exit 1; nothing written, nothing beside."""
    damage(coded, root(coded, "articles"))
    before = snapshot(coded)
    result = runner.invoke(cli, ["check", "--db", str(coded)])
    assert one_line_error(result) == expected_line(coded, "PRAGMA integrity_check found 1 problem")
    assert result.stdout == "table articles: database disk image is malformed\n"
    assert snapshot(coded) == before and beside(coded) == ["coded.db"]


def test_check_refuses_a_file_that_is_not_sqlite(tmp_path: Path, runner: CliRunner) -> None:
    notes = tmp_path / "notes.db"
    notes.write_text("not a database")
    line = one_line_error(runner.invoke(cli, ["check", "--db", str(notes)]))
    assert line == f"Error: {notes} is not a SQLite database; there is nothing to check"


def recovered(runner: CliRunner, source: Path, out: Path, *more: str) -> Result:
    result = runner.invoke(cli, ["check", "--db", str(source), "--recover", str(out), *more])
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    return result


COPIED = ("actors", "stances", "targets", "annotations", "sentence_status", "events", "ui_state")


def test_recover_loses_only_the_rows_of_the_damaged_page(coded: Path, runner: CliRunner) -> None:
    """One damaged leaf of the sentences table: exactly its rows are missing from OUT.db, every
    other row of every table is there, OUT.db is sound and has today's schema, and the damaged
    file is untouched."""
    good = rows(coded)
    page, cells = pages(coded, "sentences", "leaf")[3]
    damage(coded, page)
    before = snapshot(coded)
    out = coded.parent / "rescued.db"
    result = recovered(runner, coded, out)
    assert snapshot(coded) == before
    assert beside(coded) == ["coded.db", "rescued.db"]
    saved = rows(out)
    for table in ("articles", *COPIED):
        assert saved[table] == good[table], table
    lost = sorted(set(good["sentences"]) - set(saved["sentences"]))
    assert len(lost) == cells and set(saved["sentences"]) <= set(good["sentences"])
    first, last = lost[0][0], lost[-1][0]
    assert last - first + 1 == cells  # one run of ids: the page's
    total = len(good["sentences"])
    report = result.stdout
    assert (
        f"sentences: {total - cells} rows saved; rows with ids {first}-{last} could not" in report
    )
    assert f"articles: {len(good['articles'])} rows saved\n" in report
    count = sum(len(saved[table]) for table in ("articles", "sentences", *COPIED))
    assert result.stderr.startswith(
        f"saved {count} rows of {coded} into {out}; some rows could not be read"
    )
    with closing(sqlite3.connect(out)) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        steps = [row[0] for row in conn.execute("SELECT name FROM _sqlite_migrations")]
        assert steps == known_migrations()
    store = Store(open_database(out), "alice")
    store.update_search_index()
    assert [s.title for s in store.article_summaries(0, 10, "long report")] == ["A long report"]
    store.close()


def test_recover_when_a_whole_table_is_unreadable(coded: Path, runner: CliRunner) -> None:
    """The articles table's first page damaged: no article can be read; every other table is
    saved whole, and the saved rows that point at lost articles are counted."""
    good = rows(coded)
    damage(coded, root(coded, "articles"))
    out = coded.parent / "rescued.db"
    result = recovered(runner, coded, out)
    assert "articles: 0 rows saved; none of its rows could be read\n" in result.stdout
    saved = rows(out)
    assert saved["articles"] == []
    for table in ("sentences", *COPIED):
        assert saved[table] == good[table], table
    assert f"saved rows that refer to lost rows: {len(good['sentences'])}" in result.stderr


def test_recover_refuses_to_overwrite_without_force(coded: Path, runner: CliRunner) -> None:
    out = coded.parent / "rescued.db"
    out.write_text("keep me")
    line = one_line_error(runner.invoke(cli, ["check", "--db", str(coded), "--recover", str(out)]))
    assert line == f"Error: {out} exists; pass --force to overwrite it"
    assert out.read_text() == "keep me"
    recovered(runner, coded, out, "--force")
    assert rows(out, ("articles",)) == rows(coded, ("articles",))
    same = one_line_error(
        runner.invoke(cli, ["check", "--db", str(coded), "--recover", str(coded), "--force"])
    )
    assert same == f"Error: {coded}: choose a new file to recover into"


def test_recover_brings_an_older_schema_up_to_date(tmp_path: Path, runner: CliRunner) -> None:
    """A first-schema file is copied into its own schema, then upgraded as opening it would:
    the rows equal those of an upgraded copy (the event kinds filled in by the upgrade)."""
    source = tmp_path / "v1.db"
    shutil.copyfile(FIXTURE, source)
    upgraded = tmp_path / "upgraded.db"
    shutil.copyfile(FIXTURE, upgraded)
    open_database(upgraded).conn.close()
    out = tmp_path / "rescued.db"
    recovered(runner, source, out)
    tables = ("articles", "sentences", *COPIED)
    assert rows(out, tables) == rows(upgraded, tables)


# -- refused files leave nothing behind ---------------------------------------------------------


def wal_file(path: Path, *statements: str) -> Path:
    """A cleanly closed WAL-mode database (no -wal or -shm beside it) made of ``statements``."""
    with closing(sqlite3.connect(path, isolation_level=None)) as conn:
        conn.execute("PRAGMA journal_mode = WAL")
        for statement in statements:
            conn.execute(statement)
    return path


def foreign(tmp_path: Path) -> Path:
    return wal_file(tmp_path / "other.db", "CREATE TABLE recipes (id INTEGER PRIMARY KEY)")


def newer(tmp_path: Path) -> Path:
    path = tmp_path / "newer.db"
    open_database(path).conn.close()
    with closing(sqlite3.connect(path, isolation_level=None)) as conn:
        conn.execute(
            "INSERT INTO _sqlite_migrations (migration_set, name, applied_at)"
            " VALUES ('nkreader', 'm007_from_the_future', '2031-01-01')"
        )
    return path


def damaged_schema(tmp_path: Path) -> Path:
    path = wal_file(tmp_path / "damaged.db", "CREATE TABLE articles (id INTEGER PRIMARY KEY)")
    data = bytearray(path.read_bytes())
    data[100:4096] = b"\xa5" * (4096 - 100)
    path.write_bytes(bytes(data))
    return path


@pytest.mark.parametrize("make", [foreign, newer, damaged_schema])
def test_refused_files_leave_nothing_beside_them(tmp_path: Path, make: object) -> None:
    """Another application's WAL database, one from a newer nkreader, one whose schema page is
    damaged: refused, with no -wal, -shm or -journal created beside them."""
    assert callable(make)
    path = make(tmp_path)
    assert beside(path) == [path.name]
    before = snapshot(path)
    with pytest.raises(DatabaseError):
        open_database(path)
    assert beside(path) == [path.name]
    assert snapshot(path) == before


def test_a_file_changed_while_it_was_inspected_is_looked_at_again(
    coded: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The first look reads the file without locks (nothing is created beside it); a look that
    found damage while another process changed the file is not trusted: it looks once more."""
    calls: list[int] = []
    real = reader.db.connection._inspect_checked

    def inspect(target: Path, conn: sqlite3.Connection, check: bool) -> list[str]:
        calls.append(1)
        if len(calls) == 1:
            os.utime(target, ns=(1, 1))  # another process wrote meanwhile
            raise DatabaseError("torn read")
        return real(target, conn, check)

    monkeypatch.setattr(reader.db.connection, "_inspect_checked", inspect)
    open_database(coded).conn.close()
    assert len(calls) == 2


# -- the reader ---------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def check_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """The reader checks for damage right after its first frame, not a second later."""
    monkeypatch.setattr(reader.tui.app, "DAMAGE_CHECK_DELAY", 0.01)


async def checked(ui: Session[ReaderApp]) -> None:
    """Wait until the reader's background damage check has run and said what it found."""
    await ui.pilot.pause(0.05)
    await ui.app.workers.wait_for_complete()
    await ui.pilot.pause()


async def test_reader_stops_saving_when_its_background_check_finds_damage(coded: Path) -> None:
    """A damaged page the first screen does not read (the event log's): the check that runs
    after the first frame finds it; every change is then refused with that line, the file
    gets no new rows, and reading goes on."""
    damage(coded, pages(coded, "events", "overflow")[0][0])
    store = Store(open_database(coded), "alice")
    async with run_reader(store) as ui:
        await checked(ui)
        [found] = ui.messages("error")
        assert (
            found.startswith(f"{coded.resolve()} is damaged (")
            and "changes are no longer saved" in found
        )
        before = dump(store, ["annotations", "sentence_status"])
        await ui.press("space")
        assert ui.messages("error")[-1] == found
        assert dump(store, ["annotations", "sentence_status"]) == before
        sentence = ui.app.current_sentence_id
        await ui.press("j")
        assert ui.app.current_sentence_id != sentence
    store.close()


async def test_closing_the_reader_stops_its_background_check(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A check still running when the reader closes (seconds on a large file) is interrupted,
    so quitting never waits for it."""
    started, finished = threading.Event(), threading.Event()

    def endless(conn: sqlite3.Connection, pragma: str = "quick_check") -> list[str]:
        conn.create_function("pause", 0, lambda: time.sleep(0.01))
        started.set()
        try:
            conn.execute(  # a minute, unless interrupted
                "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 6000)"
                " SELECT count(pause()) FROM n"
            ).fetchone()
        finally:
            finished.set()
        return []

    monkeypatch.setattr(reader.store.health, "check_problems", endless)
    async with run_reader(store) as ui:
        assert await asyncio.to_thread(started.wait, 10)
        assert not finished.is_set()
        assert ui.messages("error") == []
    assert finished.wait(5)


async def test_a_read_error_while_coding_is_a_notification(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A read that meets damage mid-session (here: opening the next article) is a notification
    and the end of saving, not a crash; the keys go on working."""
    async with run_reader(store) as ui:
        await checked(ui)
        opened = ui.app.current_article_id

        def malformed(article_id: int) -> object:
            raise sqlite3.DatabaseError("database disk image is malformed")

        monkeypatch.setattr(store, "article_sentences", malformed)
        await ui.press("n")
        [notice] = ui.messages("error")
        assert "is damaged (database disk image is malformed); changes are no longer saved" in (
            notice
        )
        assert ui.app.is_running and ui.app.current_article_id in (opened, opened + 1)
        await ui.press("k", "space")
        assert ui.messages("error")[-1] == notice
        await ui.press("shift+tab", "j", "enter")  # opened from the list: a message, not a key
        assert ui.messages("error")[-1] == notice and len(ui.messages("error")) == 3
        assert ui.app.is_running
    assert store.read_only


def test_damage_while_the_screen_is_built_closes_with_one_line(
    coded: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Damage met where no key can catch it (the screen reading the first article's sentences
    as it opens): the reader closes, and `nkreader` prints one line, no traceback."""
    from reader.tui.app import ReaderApp

    damage(coded, root(coded, "sentences"))
    run = ReaderApp.run

    def headless(app: ReaderApp, **options: object) -> None:
        run(app, headless=True, size=(120, 40))

    monkeypatch.setattr(ReaderApp, "run", headless)
    monkeypatch.setattr("sys.argv", ["nkreader", "--db", str(coded)])
    with pytest.raises(SystemExit) as exited:
        reader.cli.main()
    assert exited.value.code == 1
    err = capsys.readouterr().err
    assert err == expected_line(coded, "database disk image is malformed") + "\n"
