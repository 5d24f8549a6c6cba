"""A database on read-only media opens for reading, search and export, saying once that changes
cannot be saved; changes still in a ``-wal`` it cannot read are not silently hidden.

The tests run as root, whom permission bits do not stop, so a read-only mount is simulated the
way SQLite meets one: no file there may be written (``os.access``), and SQLite cannot open a
file there ("unable to open database file") except with ``immutable=1``, or read-only when both
its ``-wal`` and ``-shm`` exist already (it cannot create a ``-shm``). One test mounts a real
read-only tmpfs in a private mount namespace (``unshare -rm``), where the machine allows it.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import closing
from pathlib import Path
from urllib.parse import unquote

import pytest
from click.testing import CliRunner

import reader.db.connection
import reader.tui.app
from reader.cli import cli
from reader.db import StoreError, open_database
from reader.exchange.exporting import write_export
from reader.store import Store
from tests.helpers import dump, run_reader

REPO = Path(__file__).resolve().parent.parent

CRASH_AFTER_WRITE = """
import os, sqlite3, sys
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("PRAGMA wal_autocheckpoint = 0")
conn.execute(sys.argv[2])
os._exit(0)  # no close, no checkpoint: the change lives only in the -wal file
"""

Mount = Callable[[Path], None]


def beside(path: Path) -> list[str]:
    return sorted(p.name for p in path.parent.iterdir())


def snapshot(path: Path) -> tuple[bytes, int]:
    return path.read_bytes(), path.stat().st_mtime_ns


def notes(path: Path) -> list[str]:
    """The annotation notes, read from the main file alone (no -wal read, nothing created)."""
    uri = f"{path.resolve().as_uri()}?immutable=1"
    with closing(sqlite3.connect(uri, uri=True)) as conn:
        return [row[0] for row in conn.execute("SELECT note FROM annotations")]


@pytest.fixture
def coded(tmp_path: Path) -> Path:
    """A checkpointed WAL database in its own folder (nothing beside it): the seeds, the
    codebook and one annotation by alice."""
    folder = tmp_path / "media"
    folder.mkdir()
    path = folder / "coded.db"
    assert CliRunner().invoke(cli, ["import", "--db", str(path)]).exit_code == 0
    store = Store(open_database(path), "alice")
    sentence = store.sentences(1)[1]
    store.add_annotation(sentence.id, store.actors()[0].id, store.stances()[0].id, None, "kept")
    store.close()
    assert beside(path) == ["coded.db"]
    return path


def crash_after(path: Path, sql: str, *, keep_shm: bool) -> None:
    """Leave ``sql``'s change only in ``path``'s -wal, as a crash would (with or without the
    -shm beside it)."""
    subprocess.run([sys.executable, "-c", CRASH_AFTER_WRITE, str(path), sql], check=True)
    assert Path(f"{path}-wal").stat().st_size > 0
    if not keep_shm:
        Path(f"{path}-shm").unlink()


def _file_of(database: object) -> Path:
    """The file a ``sqlite3.connect`` argument names (a path or a ``file:`` URI)."""
    text = str(database)
    if text.startswith("file:"):
        text = unquote(text.removeprefix("file:").partition("?")[0])
    return Path(text).resolve()


@pytest.fixture
def read_only_mount(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[..., None]]:
    """``mount(folder)``: ``folder`` behaves as a read-only mount; ``mount(folder, file_writable=
    True)``: as a read-only folder holding files that are writable themselves."""
    real_access = os.access
    real_connect = sqlite3.connect
    folders: dict[Path, bool] = {}

    def inside(path: Path) -> Path | None:
        return next((folder for folder in folders if path.parent == folder), None)

    def access(path: str | os.PathLike[str], mode: int, **kwargs: object) -> bool:
        resolved = Path(path).resolve()
        folder = resolved if resolved in folders else inside(resolved)
        if folder is not None and mode & os.W_OK:
            return resolved != folder and folders[folder]
        return real_access(path, mode)

    def connect(database: object, *args: object, **kwargs: object) -> sqlite3.Connection:
        path = _file_of(database)
        text = str(database)
        if inside(path) is not None and "immutable=1" not in text:
            has_index = Path(f"{path}-wal").exists() and Path(f"{path}-shm").exists()
            if not (has_index and "mode=ro" in text):
                raise sqlite3.OperationalError("unable to open database file")
        return real_connect(database, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(reader.db.connection.os, "access", access)
    monkeypatch.setattr(sqlite3, "connect", connect)

    def mount(folder: Path, file_writable: bool = False) -> None:
        folders[folder.resolve()] = file_writable

    yield mount


READ_ONLY = "{path} is read-only: changes cannot be saved"


def test_database_on_a_read_only_mount_opens_for_reading(
    coded: Path, read_only_mount: Callable[..., None]
) -> None:
    """A cleanly closed WAL database on a read-only mount: lists, searches and exports, says so
    once, refuses each change in one line; nothing is written or created."""
    read_only_mount(coded.parent)
    before = snapshot(coded)
    store = Store(open_database(coded), "alice")
    assert store.notice == READ_ONLY.format(path=coded)
    assert store.read_only and store.article_count() == 3
    assert [s.title for s in store.article_summaries(0, 10, "Nakasone")] == [
        "Japan Urges China to Take Tough Stance on North Korea"
    ]
    out = io.StringIO()
    assert write_export(store, out) == 1 and "kept" in out.getvalue()
    with pytest.raises(StoreError, match="read-only: changes cannot be saved"):
        store.set_no_claim(store.sentences(1)[2].id, True)
    store.close()
    assert snapshot(coded) == before and beside(coded) == ["coded.db"]


def test_read_only_mount_through_the_commands(
    coded: Path, read_only_mount: Callable[..., None]
) -> None:
    """`articles` and `export` work after one warning line; `import` is refused per file."""
    read_only_mount(coded.parent)
    runner = CliRunner()
    warning = "warning: " + READ_ONLY.format(path=coded)
    listed = runner.invoke(cli, ["articles", "--db", str(coded)])
    assert listed.exit_code == 0, listed.output
    assert listed.stderr.splitlines() == [warning]
    exported = runner.invoke(cli, ["export", "--db", str(coded)])
    assert exported.exit_code == 0 and "kept" in exported.stdout
    assert exported.stderr.splitlines() == [warning]
    news = coded.parent.parent / "news.txt"
    news.write_text("A new story\n\nSomeone said something new today.\n")
    imported = runner.invoke(cli, ["import", str(news), "--db", str(coded)])
    assert imported.exit_code == 1 and "Traceback" not in imported.output
    assert "read-only: changes cannot be saved" in imported.stderr
    assert beside(coded) == ["coded.db"]


def test_changes_in_an_unreadable_wal_are_not_hidden(
    coded: Path, read_only_mount: Callable[..., None]
) -> None:
    """A -wal holding the last change but no -shm, on a read-only mount: SQLite cannot read
    the -wal there, so the file is read as it is, and the one line says that its latest
    changes are not shown."""
    crash_after(coded, "UPDATE annotations SET note = 'only in the wal'", keep_shm=False)
    read_only_mount(coded.parent)
    store = Store(open_database(coded), "alice")
    assert store.notice == (
        f"{coded} is read-only: changes cannot be saved; its latest changes, in coded.db-wal, "
        "cannot be read from here (copy coded.db with coded.db-wal to a folder you can write "
        "to, and open the copy)"
    )
    assert [a.note for a in store.annotations_for_sentence(store.sentences(1)[1].id)] == ["kept"]
    store.close()
    assert beside(coded) == ["coded.db", "coded.db-wal"]


def test_a_wal_with_its_index_is_read_on_a_read_only_mount(
    coded: Path, read_only_mount: Callable[..., None]
) -> None:
    """With both -wal and -shm beside it, a read-only connection reads the -wal's changes."""
    crash_after(coded, "UPDATE annotations SET note = 'only in the wal'", keep_shm=True)
    read_only_mount(coded.parent)
    store = Store(open_database(coded), "alice")
    assert store.notice == READ_ONLY.format(path=coded)
    sentence = store.sentences(1)[1]
    assert [a.note for a in store.annotations_for_sentence(sentence.id)] == ["only in the wal"]
    store.close()


def test_database_in_a_read_only_folder_opens_for_reading(
    coded: Path, read_only_mount: Callable[..., None]
) -> None:
    """A writable file in a folder nkreader cannot write (where SQLite cannot make its -wal and
    -shm): opened for reading, saying why changes cannot be saved."""
    read_only_mount(coded.parent, file_writable=True)
    store = Store(open_database(coded), "alice")
    assert store.notice == f"{coded} is in a read-only folder: changes cannot be saved"
    assert store.article_count() == 3
    store.close()
    assert beside(coded) == ["coded.db"]


async def test_the_reader_says_once_that_changes_cannot_be_saved(
    coded: Path, read_only_mount: Callable[..., None], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The reader shows the one line when its first frame is up; coding keys are refused."""
    read_only_mount(coded.parent)
    monkeypatch.setattr(reader.tui.app, "DAMAGE_CHECK_DELAY", 0.01)
    store = Store(open_database(coded), "alice")
    async with run_reader(store) as ui:
        await ui.pilot.pause(0.05)
        await ui.app.workers.wait_for_complete()  # the background check
        await ui.pilot.pause()
        assert ui.messages("warning") == [READ_ONLY.format(path=coded)]
        assert ui.messages("error") == []  # the background check passed
        await ui.press("space")
        assert ui.messages("error") == [f"{coded.resolve()} is read-only: changes cannot be saved"]
    store.close()
    assert notes(coded) == ["kept"]


# -- a real read-only mount ---------------------------------------------------------------------

MOUNTED = """
import json, os, shutil, subprocess, sys
source, mount = sys.argv[1], sys.argv[2]
subprocess.run(["mount", "-t", "tmpfs", "nkreader-test", mount], check=True)
for name in os.listdir(source):
    shutil.copy2(os.path.join(source, name), mount)
subprocess.run(["mount", "-o", "remount,ro", mount], check=True)
db = os.path.join(mount, "coded.db")
out = {}
for name, args in [("articles", ["articles"]), ("export", ["export"]),
                   ("import", ["import", sys.argv[3]])]:
    ran = subprocess.run([sys.executable, "-m", "reader", "--db", db, *args],
                         capture_output=True, text=True)
    out[name] = [ran.returncode, ran.stdout, ran.stderr]
out["files"] = sorted(os.listdir(mount))
print(json.dumps(out))
"""


def run_on_a_read_only_mount(source: Path, tmp_path: Path) -> dict[str, list[object]]:
    """Copy ``source``'s folder onto a tmpfs, remount it read-only, run the commands there."""
    mount = tmp_path / "mount"
    mount.mkdir()
    probe = f"mount -t tmpfs probe '{mount}' && mount -o remount,ro '{mount}'"
    if (
        shutil.which("unshare") is None
        or subprocess.run(["unshare", "-rm", "sh", "-c", probe], capture_output=True).returncode
    ):
        pytest.skip("no private read-only mount here (unshare -rm, mount -o remount,ro)")
    news = tmp_path / "news.txt"
    news.write_text("A new story\n\nSomeone said something new today.\n")
    script = tmp_path / "mounted.py"
    script.write_text(MOUNTED)
    ran = subprocess.run(
        ["unshare", "-rm", sys.executable, str(script), str(source.parent), str(mount), str(news)],
        capture_output=True,
        text=True,
        cwd=REPO,
    )
    assert ran.returncode == 0, ran.stderr
    result: dict[str, list[object]] = json.loads(ran.stdout)
    return result


@pytest.mark.parametrize("wal", ["none", "with-shm", "without-shm"])
def test_a_real_read_only_mount(coded: Path, tmp_path: Path, wal: str) -> None:
    """On a tmpfs remounted read-only: `articles` and `export` work after one warning line
    (which names the -wal whose changes cannot be read, when there is one without its -shm),
    `import` is refused, and no file appears."""
    if wal != "none":
        crash_after(coded, "UPDATE annotations SET note = 'in the wal'", keep_shm=wal == "with-shm")
    files = beside(coded)
    result = run_on_a_read_only_mount(coded, tmp_path)
    mounted = tmp_path / "mount" / "coded.db"
    warning = f"warning: {mounted} is read-only: changes cannot be saved"
    if wal == "without-shm":
        warning += (
            "; its latest changes, in coded.db-wal, cannot be read from here (copy coded.db with "
            "coded.db-wal to a folder you can write to, and open the copy)"
        )
    code, stdout, stderr = result["articles"]
    assert code == 0 and "Japan Urges China" in str(stdout)
    assert str(stderr).splitlines() == [warning]
    code, stdout, stderr = result["export"]
    note = {"none": "kept", "with-shm": "in the wal", "without-shm": "kept"}[wal]
    assert code == 0 and f",{note}," in str(stdout)
    assert str(stderr).splitlines() == [warning]
    code, _, stderr = result["import"]
    assert code == 1 and "read-only: changes cannot be saved" in str(stderr)
    assert "Traceback" not in str(stderr)
    assert result["files"] == files
    assert dump(coded, ["articles"])["articles"]  # the source folder is still readable
