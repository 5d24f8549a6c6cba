"""The command line through click's CliRunner: exit codes, messages, files and database contents."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from reader.cli import cli

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def count(db: Path, table: str) -> int:
    with sqlite3.connect(db) as conn:
        return int(conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])


def test_import_seeds_then_again_skips(runner: CliRunner, tmp_path: Path) -> None:
    """Importing the seed folder twice stores three articles once and reports the skips."""
    db = tmp_path / "a.db"
    first = runner.invoke(cli, ["import", str(REPO / "seeds"), "--db", str(db)])
    assert first.exit_code == 0, first.output
    assert "imported 3, skipped 0, failed 0" in first.stderr
    second = runner.invoke(cli, ["import", str(REPO / "seeds"), "--db", str(db)])
    assert second.exit_code == 0
    assert "imported 0, skipped 3, failed 0" in second.stderr
    assert count(db, "articles") == 3
    assert count(db, "actors") > 20
    assert count(db, "stances") == 3


def test_import_without_paths_imports_the_seeds(runner: CliRunner, tmp_path: Path) -> None:
    """`nkreader import` alone brings in the bundled seed articles."""
    db = tmp_path / "a.db"
    result = runner.invoke(cli, ["import", "--db", str(db)])
    assert result.exit_code == 0, result.output
    assert count(db, "articles") == 3


def test_nkreader_db_environment_variable(runner: CliRunner, tmp_path: Path) -> None:
    """NKREADER_DB chooses the database when --db is absent."""
    db = tmp_path / "env.db"
    result = runner.invoke(cli, ["import"], env={"NKREADER_DB": str(db)})
    assert result.exit_code == 0, result.output
    assert count(db, "articles") == 3


def test_failed_file_exits_1_after_importing_the_rest(runner: CliRunner, tmp_path: Path) -> None:
    """A bad file is named on one line, the good ones are imported, and the exit code is 1."""
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "good.txt").write_text("A headline\n\nSomeone said something. Then more.\n")
    (folder / "empty.txt").write_text("   \n")
    db = tmp_path / "a.db"
    result = runner.invoke(cli, ["import", str(folder), "--db", str(db)])
    assert result.exit_code == 1
    assert "empty.txt" in result.stderr
    assert "Traceback" not in result.output
    assert count(db, "articles") == 1


def test_import_map_option_rejects_bad_syntax(runner: CliRunner, tmp_path: Path) -> None:
    """--map needs FIELD=COLUMN."""
    result = runner.invoke(
        cli, ["import", "x.csv", "--map", "text", "--db", str(tmp_path / "a.db")]
    )
    assert result.exit_code == 2
    assert "FIELD=COLUMN" in result.output


def test_articles_lists_ids_titles_and_counts(runner: CliRunner, tmp_path: Path) -> None:
    """`nkreader articles` prints one line per article with its sentence count."""
    db = tmp_path / "a.db"
    runner.invoke(cli, ["import", "--db", str(db)])
    result = runner.invoke(cli, ["articles", "--db", str(db)])
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["id", "title", "sentences", "coded"]
    assert len(lines) == 2 + 3
    assert "Japan Urges China to Take Tough Stance on North Korea" in result.stdout


def code_one(db: Path, annotator: str = "alice", note: str = "") -> None:
    """Store one annotation through the data layer, as the reader would."""
    from reader.db import open_database
    from reader.store import Store

    store = Store(open_database(db), annotator)
    article_id = store.first_article_id()
    assert article_id is not None
    sentence = store.sentences(article_id)[1]
    store.add_annotation(sentence.id, store.actors()[0].id, store.stances()[0].id, None, note)
    store.close()


def test_export_to_file_and_stdout(runner: CliRunner, tmp_path: Path) -> None:
    """Export writes a CSV with a header and one row per annotation, to a file or stdout."""
    db = tmp_path / "a.db"
    runner.invoke(cli, ["import", "--db", str(db)])
    code_one(db, note='said "no", then, über')
    out = tmp_path / "out.csv"
    result = runner.invoke(cli, ["export", "-o", str(out), "--db", str(db)])
    assert result.exit_code == 0, result.output
    assert "1 rows written" in result.stderr
    rows = list(csv.DictReader(out.open(newline="", encoding="utf-8")))
    assert len(rows) == 1
    assert rows[0]["note"] == 'said "no", then, über'
    assert rows[0]["annotator"] == "alice"
    stdout = runner.invoke(cli, ["export", "--db", str(db)])
    assert list(csv.DictReader(io.StringIO(stdout.stdout))) == rows


def test_export_refuses_to_overwrite_without_force(runner: CliRunner, tmp_path: Path) -> None:
    """An existing output file is kept unless --force is given."""
    db = tmp_path / "a.db"
    runner.invoke(cli, ["import", "--db", str(db)])
    out = tmp_path / "out.csv"
    out.write_text("keep me")
    result = runner.invoke(cli, ["export", "-o", str(out), "--db", str(db)])
    assert result.exit_code == 1
    assert "--force" in result.stderr
    assert out.read_text() == "keep me"
    forced = runner.invoke(cli, ["export", "-o", str(out), "--force", "--db", str(db)])
    assert forced.exit_code == 0
    assert out.read_text().startswith("annotation_id,")


def test_export_jsonl_by_extension_and_filters(runner: CliRunner, tmp_path: Path) -> None:
    """A .jsonl path selects JSON lines; --annotator keeps one coder's rows."""
    db = tmp_path / "a.db"
    runner.invoke(cli, ["import", "--db", str(db)])
    code_one(db, "alice")
    code_one(db, "bob")
    out = tmp_path / "out.jsonl"
    result = runner.invoke(cli, ["export", "-o", str(out), "--annotator", "bob", "--db", str(db)])
    assert result.exit_code == 0, result.output
    lines = out.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 1
    assert json.loads(lines[0])["annotator"] == "bob"


def test_export_missing_database_is_one_line(runner: CliRunner, tmp_path: Path) -> None:
    """Exporting from a database that does not exist says so and creates nothing."""
    db = tmp_path / "missing.db"
    result = runner.invoke(cli, ["export", "--db", str(db)])
    assert result.exit_code == 1
    assert "does not exist" in result.stderr
    assert not db.exists()


@pytest.mark.parametrize("kind", ["directory", "not_sqlite", "foreign", "no_parent"])
def test_bad_database_paths_are_one_line_errors(
    runner: CliRunner, tmp_path: Path, kind: str
) -> None:
    """A directory, a non-SQLite file, another app's SQLite file or a missing folder: one line."""
    if kind == "directory":
        db = tmp_path / "dir.db"
        db.mkdir()
    elif kind == "not_sqlite":
        db = tmp_path / "notes.db"
        db.write_text("just some text, not a database " * 100)
    elif kind == "foreign":
        db = tmp_path / "other.db"
        with sqlite3.connect(db) as conn:
            conn.execute("CREATE TABLE recipes (id INTEGER PRIMARY KEY, name TEXT)")
    else:
        db = tmp_path / "nowhere" / "a.db"
    before = db.read_bytes() if db.is_file() else None
    result = runner.invoke(cli, ["articles", "--db", str(db)])
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: ")
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.output
    if before is not None:
        assert db.read_bytes() == before


def test_stats_prints_actor_by_stance(runner: CliRunner, tmp_path: Path) -> None:
    """`nkreader stats` prints a header with the stance keys and a row per coded actor."""
    db = tmp_path / "a.db"
    runner.invoke(cli, ["import", "--db", str(db)])
    code_one(db)
    result = runner.invoke(cli, ["stats", "--db", str(db)])
    assert result.exit_code == 0, result.output
    header = result.stdout.splitlines()[0].split()
    assert header == ["actor", "support", "oppose", "neutral", "total"]
    assert len(result.stdout.splitlines()) == 3


def test_codebook_round_trip(runner: CliRunner, tmp_path: Path) -> None:
    """The codebook exported from one database and imported into another exports the same."""
    first, second = tmp_path / "a.db", tmp_path / "b.db"
    runner.invoke(cli, ["import", "--db", str(first)])
    book = tmp_path / "book.toml"
    assert runner.invoke(cli, ["codebook", "export", str(book), "--db", str(first)]).exit_code == 0
    empty = tmp_path / "nothing"
    empty.mkdir()
    assert runner.invoke(cli, ["import", str(empty), "--db", str(second)]).exit_code == 0
    result = runner.invoke(cli, ["codebook", "import", str(book), "--db", str(second)])
    assert result.exit_code == 0, result.output
    again = tmp_path / "again.toml"
    runner.invoke(cli, ["codebook", "export", str(again), "--db", str(second)])
    assert again.read_text() == book.read_text()


def test_codebook_import_error_is_one_line(runner: CliRunner, tmp_path: Path) -> None:
    """A malformed TOML file is named in a one-line error and changes nothing."""
    db = tmp_path / "a.db"
    runner.invoke(cli, ["import", "--db", str(db)])
    actors = count(db, "actors")
    bad = tmp_path / "bad.toml"
    bad.write_text("[[actors]\nname = 'x'\n")
    result = runner.invoke(cli, ["codebook", "import", str(bad), "--db", str(db)])
    assert result.exit_code == 1
    assert "bad.toml" in result.stderr
    assert count(db, "actors") == actors


def test_help_lists_commands_with_examples(runner: CliRunner) -> None:
    """Every command's help carries an example."""
    for command in (["import"], ["export"], ["articles"], ["stats"], ["codebook", "import"]):
        result = runner.invoke(cli, [*command, "--help"])
        assert result.exit_code == 0
        assert "Example:" in result.output


def test_log_shows_changes_with_filters(runner: CliRunner, tmp_path: Path) -> None:
    """`nkreader log` lists each change with its coder; --annotator narrows it."""
    db = tmp_path / "a.db"
    runner.invoke(cli, ["import", "--db", str(db)])
    code_one(db, "alice")
    code_one(db, "bob")
    result = runner.invoke(cli, ["log", "--db", str(db)])
    assert result.exit_code == 0, result.output
    adds = [line for line in result.stdout.splitlines() if "\tadd\tannotation" in line]
    assert len(adds) == 2
    only_bob = runner.invoke(cli, ["log", "--annotator", "bob", "--db", str(db)])
    assert [line.split("\t")[2] for line in only_bob.stdout.splitlines()] == ["bob"]


def test_backup_copies_a_database_in_use(runner: CliRunner, tmp_path: Path) -> None:
    """A backup taken while another connection holds the database open matches it."""
    from reader.db import open_database
    from reader.store import Store

    db = tmp_path / "a.db"
    runner.invoke(cli, ["import", "--db", str(db)])
    code_one(db)
    live = Store(open_database(db), "carol")
    copy = tmp_path / "copy.db"
    result = runner.invoke(cli, ["backup", str(copy), "--db", str(db)])
    assert result.exit_code == 0, result.output
    for table in ("articles", "sentences", "annotations", "actors", "events"):
        assert count(copy, table) == count(db, table)
    with sqlite3.connect(copy) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    again = runner.invoke(cli, ["backup", str(copy), "--db", str(db)])
    assert again.exit_code == 1 and "--force" in again.stderr
    live.close()


# -- --db and --annotator before the command ------------------------------------------------------


def test_db_before_the_command_applies_to_it(runner: CliRunner, tmp_path: Path) -> None:
    """`nkreader --db X import`, `articles`, `codebook export` all use X."""
    db = tmp_path / "a.db"
    imported = runner.invoke(cli, ["--db", str(db), "import"])
    assert imported.exit_code == 0, imported.output
    assert count(db, "articles") == 3
    listed = runner.invoke(cli, ["--db", str(db), "articles"])
    assert listed.exit_code == 0, listed.output
    assert len(listed.stdout.splitlines()) == 2 + 3
    book = tmp_path / "book.toml"
    exported = runner.invoke(cli, ["--db", str(db), "codebook", "export", str(book)])
    assert exported.exit_code == 0, exported.output
    assert "[[stances]]" in book.read_text(encoding="utf-8")


def test_db_after_the_command_wins(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A command's own --db beats one before it, which beats $NKREADER_DB."""
    first, second, from_env = tmp_path / "a.db", tmp_path / "b.db", tmp_path / "env.db"
    monkeypatch.setenv("NKREADER_DB", str(from_env))
    runner.invoke(cli, ["--db", str(first), "import", "--db", str(second)])
    runner.invoke(cli, ["--db", str(first), "import"])
    assert (first.exists(), second.exists(), from_env.exists()) == (True, True, False)
    runner.invoke(cli, ["import"])
    assert from_env.exists()


def test_annotator_before_a_filtering_command_filters(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`nkreader --annotator bob export` exports bob's codes; $NKREADER_ANNOTATOR never filters."""
    db = tmp_path / "a.db"
    runner.invoke(cli, ["import", "--db", str(db)])
    code_one(db, "alice")
    code_one(db, "bob", note="bob's")
    typed = runner.invoke(cli, ["--annotator", "bob", "--db", str(db), "export"])
    assert typed.exit_code == 0, typed.output
    assert [row["annotator"] for row in csv.DictReader(io.StringIO(typed.stdout))] == ["bob"]
    monkeypatch.setenv("NKREADER_ANNOTATOR", "bob")
    everyone = runner.invoke(cli, ["--db", str(db), "export"])
    rows = csv.DictReader(io.StringIO(everyone.stdout))
    assert sorted(row["annotator"] for row in rows) == ["alice", "bob"]


def test_annotator_before_codebook_import_is_the_coder(runner: CliRunner, tmp_path: Path) -> None:
    """The coder named before `codebook import` is the one its changes are logged under."""
    db = tmp_path / "a.db"
    runner.invoke(cli, ["import", "--db", str(db)])
    book = tmp_path / "book.toml"
    book.write_text('[[actors]]\nname = "Brand New Actor"\nkind = "person"\n', encoding="utf-8")
    result = runner.invoke(
        cli, ["--annotator", "dana", "--db", str(db), "codebook", "import", str(book)]
    )
    assert result.exit_code == 0, result.output
    with sqlite3.connect(db) as conn:
        coders = {
            row[0] for row in conn.execute("SELECT annotator FROM events WHERE entity = 'codebook'")
        }
    conn.close()
    assert "dana" in coders


def test_options_alone_open_the_reader(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`nkreader --db X --annotator Y` (no command) opens the reader on X as Y, as `tui` does."""
    from reader.tui.app import ReaderApp

    opened: list[tuple[str, str]] = []
    monkeypatch.setattr(
        ReaderApp, "run", lambda app: opened.append((app.db_label, app.store.annotator))
    )
    db = tmp_path / "a.db"
    for args in (
        ["--db", str(db), "--annotator", "eve"],
        ["--db", str(db), "tui", "--annotator", "eve"],
    ):
        result = runner.invoke(cli, args)
        assert result.exit_code == 0, result.output
    assert opened == [(str(db), "eve")] * 2


def test_group_help_lists_db_and_annotator(runner: CliRunner) -> None:
    """`nkreader --help` documents the options that apply to every command."""
    result = runner.invoke(cli, ["--help"])
    assert result.exit_code == 0
    assert "--db PATH" in result.output and "--annotator TEXT" in result.output
