"""Bare ``nkreader`` opens the reader without click, and behaves exactly as through click.

``main`` recognises the reader's own command line and skips click; these tests pin what it
accepts, that everything else still reaches click, and that both ways open the same database as
the same coder and fail with the same one-line messages and exit statuses.
"""

from __future__ import annotations

import gc
import os
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from reader import cli as cli_module
from reader.cli import cli, main, reader_arguments
from reader.store import Store
from reader.tui.app import ReaderApp
from tests.helpers import run_reader


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No database or coder from the environment, and ./annotations.db in a scratch folder."""
    for name in ("NKREADER_DB", "NKREADER_ANNOTATOR", "_NKREADER_COMPLETE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)


@pytest.fixture
def opened(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """Instead of taking over the terminal, the reader records what it was opened on."""
    runs: list[dict[str, Any]] = []

    def run(app: ReaderApp) -> None:
        runs.append(
            {
                "annotator": app.store.annotator,
                "label": app.db_label,
                "articles": app.store.article_count(),
                "collecting": gc.isenabled(),
            }
        )

    monkeypatch.setattr(ReaderApp, "run", run)
    return runs


def run_main(monkeypatch: pytest.MonkeyPatch, *args: str) -> int:
    """``main()`` as the console script calls it; the exit status."""
    monkeypatch.setattr(sys, "argv", ["nkreader", *args])
    try:
        main()
    except SystemExit as done:
        return done.code if isinstance(done.code, int) else 1
    return 0


@pytest.mark.parametrize(
    ("args", "values"),
    [
        ([], {}),
        (["--db", "a.db"], {"--db": "a.db"}),
        (["--db=a.db", "--annotator=alice"], {"--db": "a.db", "--annotator": "alice"}),
        (["--annotator", "alice", "--db", "a.db"], {"--db": "a.db", "--annotator": "alice"}),
        (["tui"], {}),
        (["--db", "a.db", "tui", "--db", "b.db"], {"--db": "b.db"}),
        (["--db", "a.db", "--db", "b.db"], {"--db": "b.db"}),
        (["--db", "tui"], {"--db": "tui"}),
    ],
)
def test_reader_command_lines_are_recognised(args: list[str], values: dict[str, str]) -> None:
    """Bare ``nkreader`` with --db / --annotator, before or after ``tui``; a later value wins."""
    assert reader_arguments(args) == values


@pytest.mark.parametrize(
    "args",
    [
        ["--help"],
        ["--version"],
        ["import"],
        ["--db", "a.db", "articles"],
        ["--db"],
        ["--db="],
        ["--db", ""],
        ["--db", "-x"],
        ["--bogus"],
        ["tui", "tui"],
        ["tui", "extra"],
        ["--annotator", "alice", "--help"],
    ],
)
def test_other_command_lines_are_left_to_click(args: list[str]) -> None:
    """Commands, help, missing, empty or odd values and unknown options all go to click."""
    assert reader_arguments(args) is None


def test_reader_starts_without_importing_click(store: Store, db_path: Path) -> None:
    """The console script's way into the reader, on an up-to-date database, loads no click.

    (A new database is made with sqlite-utils, which imports click itself.)
    """
    store.close()
    code = (
        "import sys\n"
        "from reader.tui.app import ReaderApp\n"
        "ReaderApp.run = lambda app: print(app.store.annotator, app.store.article_count())\n"
        "from reader.cli import main\n"
        f"sys.argv = ['nkreader', '--db', {str(db_path)!r}, '--annotator', 'alice']\n"
        "main()\n"
        "print(sorted(name for name in sys.modules if name.startswith('click')))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.splitlines() == ["alice 3", "[]"]


def test_reader_opens_a_new_database_with_the_seeds(
    monkeypatch: pytest.MonkeyPatch, db_path: Path, opened: list[dict[str, Any]]
) -> None:
    """A new database gets the codebook and the seed articles before the reader opens on it."""
    assert run_main(monkeypatch, "--db", str(db_path), "--annotator", "alice") == 0
    assert opened == [
        {"annotator": "alice", "label": str(db_path), "articles": 3, "collecting": False}
    ]
    with sqlite3.connect(db_path) as conn:
        assert conn.execute("SELECT count(*) FROM stances").fetchone()[0] > 0
    conn.close()


def test_collector_is_restored_after_the_reader(
    monkeypatch: pytest.MonkeyPatch, db_path: Path, opened: list[dict[str, Any]]
) -> None:
    """The collector, paused while the reader starts, runs again afterwards, nothing frozen."""
    assert gc.isenabled()
    run_main(monkeypatch, "--db", str(db_path))
    assert opened and gc.isenabled() and gc.get_freeze_count() == 0


def test_environment_names_database_and_coder(
    monkeypatch: pytest.MonkeyPatch, db_path: Path, opened: list[dict[str, Any]]
) -> None:
    """$NKREADER_DB and $NKREADER_ANNOTATOR apply, and options typed win over them."""
    other = db_path.with_name("other.db")
    monkeypatch.setenv("NKREADER_DB", str(db_path))
    monkeypatch.setenv("NKREADER_ANNOTATOR", "bob")
    run_main(monkeypatch)
    run_main(monkeypatch, "tui", "--db", str(other), "--annotator", "carol")
    assert [(run["label"], run["annotator"]) for run in opened] == [
        (str(db_path), "bob"),
        (str(other), "carol"),
    ]


def test_fast_and_click_ways_open_the_same(
    monkeypatch: pytest.MonkeyPatch, db_path: Path, opened: list[dict[str, Any]]
) -> None:
    """`nkreader --db X --annotator Y` opens the same reader whether or not click parses it."""
    args = ["--db", str(db_path), "--annotator", "alice"]
    run_main(monkeypatch, *args)
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert opened[0] == opened[1]


@pytest.mark.parametrize("kind", ["directory", "not_sqlite", "foreign", "no_parent", "newer"])
def test_refused_database_fails_as_through_click(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    opened: list[dict[str, Any]],
    kind: str,
) -> None:
    """A database the reader refuses: the same one line on stderr and exit status 1 both ways."""
    db = tmp_path / "a.db"
    if kind == "directory":
        db.mkdir()
    elif kind == "not_sqlite":
        db.write_text("just some text, not a database " * 100)
    elif kind == "foreign":
        with sqlite3.connect(db) as conn:
            conn.execute("CREATE TABLE recipes (id INTEGER PRIMARY KEY, name TEXT)")
        conn.close()
    elif kind == "newer":
        CliRunner().invoke(cli, ["import", "--db", str(db)])
        with sqlite3.connect(db) as conn:
            conn.execute(
                "INSERT INTO _sqlite_migrations (migration_set, name, applied_at)"
                " VALUES ('nkreader', 'm999_from_the_future', '2099-01-01')"
            )
        conn.close()
    else:
        db = tmp_path / "nowhere" / "a.db"
    status = run_main(monkeypatch, "--db", str(db))
    fast = capsys.readouterr()
    through_click = [
        CliRunner().invoke(cli, args) for args in (["--db", str(db)], ["tui", "--db", str(db)])
    ]
    assert not opened
    assert status == 1 and fast.out == ""
    assert fast.err.startswith("Error: ") and len(fast.err.splitlines()) == 1
    for result in through_click:
        assert (result.exit_code, result.stderr) == (status, fast.err)


def test_help_version_and_commands_still_reach_click(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], db_path: Path
) -> None:
    """`--help`, `--version` and commands print what click prints, as before."""
    assert run_main(monkeypatch, "--version") == 0
    assert capsys.readouterr().out == "nkreader, version 0.1.0\n"
    assert run_main(monkeypatch, "--help") == 0
    assert "Commands:" in capsys.readouterr().out
    assert run_main(monkeypatch, "--db", str(db_path), "import") == 0
    assert "imported 3" in capsys.readouterr().err
    assert run_main(monkeypatch, "--bogus") == 2
    assert "No such option '--bogus'" in capsys.readouterr().err


def test_shell_completion_reaches_click(tmp_path: Path) -> None:
    """A shell asking for completions of bare `nkreader` gets them instead of the reader."""
    script = Path(sys.executable).with_name("nkreader")
    if not script.exists():
        pytest.skip("the nkreader console script is not installed beside this Python")
    env = {
        **os.environ,
        "_NKREADER_COMPLETE": "bash_complete",
        "COMP_WORDS": "nkreader --",
        "COMP_CWORD": "1",
    }
    result = subprocess.run(
        [str(script)], capture_output=True, text=True, env=env, cwd=tmp_path, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert "plain,--db" in result.stdout.splitlines()
    assert not (tmp_path / "annotations.db").exists()


def test_cli_group_is_the_commands_group() -> None:
    """`reader.cli.cli` is the click group of `reader.cli.commands`, loaded on first use."""
    from reader.cli import commands

    assert cli_module.cli is commands.cli is cli


async def test_the_first_frame_resumes_the_collector_with_what_the_start_made_frozen(
    store: Store,
) -> None:
    """Paused by the launcher, the cycle collector runs again once the first frame is on screen,
    and what the start made (the coding screen among it) is out of its reach from then on, so
    that a full collection in the middle of a key looks only at what coding made since."""
    gc.disable()
    try:
        async with run_reader(store) as ui:
            await ui.pilot.pause()
            assert gc.isenabled() and gc.get_freeze_count() > 0
            assert all(found is not ui.app.main for found in gc.get_objects())
    finally:
        gc.unfreeze()
        gc.enable()
