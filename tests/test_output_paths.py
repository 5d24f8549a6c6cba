"""Nothing a slip of the keyboard can do to the data: exports, codebooks and backups never land
on the database, never replace a device, FIFO or symlink, and never leave half a file."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from textual.widgets import Input, Label

from reader.cli.commands import cli
from reader.db import open_database
from reader.exchange.exporting import ExportError, export_to_path
from reader.store import Store
from tests.helpers import dump, run_reader

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def coded(store: Store, db_path: Path) -> Path:
    """The seeds database with one annotation, closed."""
    sentence = store.sentences(1)[1]
    store.add_annotation(sentence.id, store.actors()[0].id, store.stances()[0].id)
    store.close()
    return db_path


def error_line(result: Result) -> str:
    """The one line a refused command printed (exit status 1 or 2, no traceback)."""
    assert result.exit_code in (1, 2), result.output
    assert "Traceback" not in result.output
    lines = [line for line in result.output.splitlines() if line.startswith("Error")]
    assert len(lines) == 1, result.output
    return lines[0]


def the_database_aliases(db: Path) -> dict[str, Path]:
    """The database under other names: itself, its companions, a symlink and a hard link."""
    link = db.with_name("link.db")
    link.symlink_to(db)
    hard = db.with_name("hard.db")
    os.link(db, hard)
    twisted = db.parent / "." / ".." / db.parent.name / db.name
    return {
        "itself": db,
        "wal": db.with_name(db.name + "-wal"),
        "shm": db.with_name(db.name + "-shm"),
        "symlink": link,
        "hard link": hard,
        "spelled differently": twisted,
    }


COMMANDS = {
    "export": lambda out, db: ["export", "-o", str(out), "--format", "csv", "--db", str(db)],
    "codebook export": lambda out, db: ["codebook", "export", str(out), "--db", str(db)],
    "backup": lambda out, db: ["backup", str(out), "--db", str(db)],
    "network": lambda out, db: ["network", "-o", str(out), "--format", "csv", "--db", str(db)],
}


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_no_output_may_replace_the_database(coded: Path, runner: CliRunner, command: str) -> None:
    """The database, its -wal/-shm, a symlink or hard link to it: refused, --force or not."""
    before = dump(coded)
    for name, alias in the_database_aliases(coded).items():
        for force in ([], ["--force"]):
            result = runner.invoke(cli, [*COMMANDS[command](alias, coded), *force])
            line = error_line(result)
            assert "is the database nkreader is using" in line, (name, line)
    assert dump(coded) == before
    assert runner.invoke(cli, ["articles", "--db", str(coded)]).exit_code == 0


def test_export_to_path_refuses_the_database_it_reads(coded: Path) -> None:
    """The export function itself (what the reader's x calls) refuses the open database."""
    store = Store(open_database(coded), "tester")
    before = dump(store, ("annotations", "articles"))
    with pytest.raises(ExportError, match="is the database nkreader is using"):
        export_to_path(store, coded, fmt="csv", force=True)
    assert dump(store, ("annotations", "articles")) == before
    store.close()


async def test_reader_export_dialog_onto_the_database_is_refused(store: Store) -> None:
    """x, the database's path (or its -wal), enter: the dialog says why and stays open, without
    offering to overwrite; after escape the reader keeps saving to the same file."""
    path = store.path
    assert path is not None
    before = path.stat().st_ino
    async with run_reader(store) as ui:
        for name in (str(path), str(path) + "-wal"):
            await ui.press("x")
            field = ui.app.screen.query_one("#path", Input)
            field.value = name
            await ui.press("enter")
            error = ui.app.screen.query_one("#error", Label)
            assert "is the database nkreader is using" in str(error.content)
            await ui.press("escape")
        await ui.press("space")
    assert store.coded_sentence_count() == 1
    assert path.stat().st_ino == before


@pytest.mark.parametrize("kind", ["fifo", "device", "symlink to a file"])
def test_special_files_are_never_replaced(
    coded: Path, runner: CliRunner, tmp_path: Path, kind: str
) -> None:
    """A FIFO or a device is refused (not replaced by a plain file); a symlink's target is
    written and the link kept."""
    out = tmp_path / "out.csv"
    if kind == "fifo":
        os.mkfifo(out)
    elif kind == "device":
        out.symlink_to("/dev/null")
    else:
        real = tmp_path / "real.csv"
        real.write_text("old")
        out.symlink_to(real)
    result = runner.invoke(cli, [*COMMANDS["export"](out, coded), "--force"])
    if kind == "symlink to a file":
        assert result.exit_code == 0, result.output
        assert out.is_symlink() and "annotation_id" in (tmp_path / "real.csv").read_text()
        return
    line = error_line(result)
    assert "nkreader does not replace it" in line and "give - as the file" in line
    assert out.is_fifo() if kind == "fifo" else out.is_symlink()


def test_dash_writes_to_standard_output(coded: Path, runner: CliRunner, tmp_path: Path) -> None:
    """-o - is standard output: no file named - appears."""
    result = runner.invoke(cli, ["export", "-o", "-", "--db", str(coded)])
    assert result.exit_code == 0
    assert result.stdout.startswith("annotation_id,")
    assert not Path("-").exists()


def test_codebook_export_needs_force_and_is_written_whole(
    coded: Path, runner: CliRunner, tmp_path: Path
) -> None:
    """An existing codebook file is kept without --force; with it, it is replaced whole."""
    book = tmp_path / "book.toml"
    book.write_text("my careful edits")
    line = error_line(runner.invoke(cli, ["codebook", "export", str(book), "--db", str(coded)]))
    assert line == f"Error: {book} exists; pass --force to overwrite"
    assert book.read_text() == "my careful edits"
    forced = runner.invoke(cli, ["codebook", "export", str(book), "--force", "--db", str(coded)])
    assert forced.exit_code == 0
    assert "[[actors]]" in book.read_text()
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []


def test_codebook_export_on_a_full_disk_leaves_nothing(
    coded: Path, runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """ENOSPC while writing the codebook: one line, no half-written TOML, the old file kept."""
    import errno

    import reader.exchange.output_files as output_files

    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(output_files.os, "fsync", full)
    book = tmp_path / "book.toml"
    book.write_text("old")
    args = ["codebook", "export", str(book), "--force", "--db", str(coded)]
    assert "the disk is full" in error_line(runner.invoke(cli, args))
    assert book.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


@pytest.mark.parametrize(
    "args",
    [
        ["export"],
        ["articles"],
        ["stats"],
        ["log"],
        ["codebook", "export", "{tmp}/book.toml"],
        ["codebook", "import", "{tmp}/book.toml"],
        ["backup", "{tmp}/copy.db"],
    ],
)
def test_only_import_creates_a_database(runner: CliRunner, tmp_path: Path, args: list[str]) -> None:
    """Every command but import (and the reader) refuses a missing database, the same way."""
    (tmp_path / "book.toml").write_text('[[targets]]\nname = "T"\n')
    missing = tmp_path / "mistyped.db"
    argv = [a.replace("{tmp}", str(tmp_path)) for a in args]
    line = error_line(runner.invoke(cli, [*argv, "--db", str(missing)]))
    assert line == f"Error: {missing} does not exist: run `nkreader import` to create it"
    assert not missing.exists()
    assert [p.name for p in tmp_path.iterdir()] == ["book.toml"]


@pytest.mark.parametrize(
    "args",
    [
        ["export", "--article", "99999999999999999999"],
        ["export", "--article", "0"],
        ["log", "--article", "-3"],
        ["log", "-n", "99999999999999999999"],
    ],
)
def test_numbers_out_of_range_are_refused(coded: Path, runner: CliRunner, args: list[str]) -> None:
    """Ids and counts are checked on the command line: a usage error, never an OverflowError."""
    result = runner.invoke(cli, [*args, "--db", str(coded)])
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output and "Overflow" not in result.output
    assert "is not in the range" in result.output


def test_unknown_command_suggests_the_nearest(runner: CliRunner, tmp_path: Path) -> None:
    """A typo is named as an unknown command, with the nearest one; nothing is created."""
    result = runner.invoke(cli, ["exprot", "--db", str(tmp_path / "a.db")])
    assert result.exit_code == 2
    assert "no such command 'exprot'; did you mean `nkreader export`?" in result.output
    far = runner.invoke(cli, ["zzzzzz"])
    assert "no such command 'zzzzzz'; see `nkreader --help`" in far.output
    assert not (tmp_path / "a.db").exists()


def test_export_to_a_full_standard_output_is_one_line(coded: Path) -> None:
    """Printing an export onto a full disk (/dev/full) ends with one line, no traceback."""
    if not Path("/dev/full").exists():
        pytest.skip("this system has no /dev/full")
    with open("/dev/full", "w") as full:
        done = subprocess.run(
            [sys.executable, "-m", "reader", "export", "--db", str(coded)],
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, "PYTHONPATH": str(REPO)},
            timeout=60,
        )
    assert done.returncode == 1
    assert done.stderr.strip().splitlines() == [
        "Error: standard output: the disk is full; free some space or export to another disk"
    ]


def test_sigterm_during_an_export_leaves_no_temporary_file(coded: Path, tmp_path: Path) -> None:
    """SIGTERM while an export is being written: the process ends, no hidden temporary file
    and no partial export is left, an existing export is kept."""
    out = tmp_path / "out.csv"
    out.write_text("previous")
    slow = (
        "import time, reader.exchange.exporting as e\n"
        "real = e._write_csv\n"
        "def slow(*a):\n"
        "    print('writing', flush=True)\n"
        "    time.sleep(30)\n"
        "    return real(*a)\n"
        "e._write_csv = slow\n"
        "import sys; from reader.cli import main\n"
        f"sys.argv = ['nkreader', 'export', '-o', {str(out)!r}, '--force',"
        f" '--db', {str(coded)!r}]\n"
        "main()\n"
    )
    process = subprocess.Popen(
        [sys.executable, "-c", slow],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    assert process.stdout is not None
    assert process.stdout.readline().strip() == "writing"
    deadline = time.monotonic() + 10
    while not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]:
        assert time.monotonic() < deadline, "the export never started its temporary file"
        time.sleep(0.01)
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=30) == 128 + signal.SIGTERM
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []
    assert out.read_text() == "previous"
