"""Schema versions: recorded, upgraded with a backup first, and refused when too new.

``fixtures/schema_v1.db`` was written once by ``fixtures/make_schema_v1.py`` with the first
released schema; the tests only copy it.
"""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlite_utils import Database

from reader.cli import cli
from reader.db import DatabaseError, known_migrations, open_database, schema
from reader.store import Store
from tests.helpers import dump

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "schema_v1.db"
TABLES = (
    "articles", "sentences", "actors", "stances", "targets", "annotations", "sentence_status",
    "events", "ui_state",
)  # fmt: skip


def rows(path: Path, table: str) -> list[tuple[object, ...]]:
    """One table's rows, read without writing to the file."""
    return dump(path, [table])[table]


@pytest.fixture
def v1(tmp_path: Path) -> Path:
    """A copy of the first-schema database, with its data."""
    path = tmp_path / "annotations.db"
    shutil.copyfile(FIXTURE, path)
    return path


@pytest.fixture
def future(monkeypatch: pytest.MonkeyPatch) -> Callable[[Callable[[Database], None]], None]:
    """Register one more schema step, as a later nkreader release would."""

    def register(step: Callable[[Database], None]) -> None:
        def m099_future(db: Database) -> None:
            step(db)

        monkeypatch.setattr(schema, "STEPS", (*schema.STEPS, m099_future))

    return register


def add_confidence(db: Database) -> None:
    db.execute("ALTER TABLE annotations ADD COLUMN confidence REAL NOT NULL DEFAULT 1.0")


def test_new_database_records_every_schema_step(tmp_path: Path) -> None:
    """The schema version is the list of applied steps in _sqlite_migrations."""
    db = open_database(tmp_path / "new.db")
    names = [row[0] for row in db.conn.execute("SELECT name FROM _sqlite_migrations")]
    assert names == known_migrations()
    assert names[:3] == [
        "m001_initial",
        "m002_search_index_on_demand",
        "m003_event_kinds_and_coded_view",
    ]
    db.conn.close()


def test_fixture_holds_what_the_upgrade_tests_rely_on() -> None:
    """Two coders' annotations, an edit, a deletion, an undo, a no-claim status: all present."""
    annotations = rows(FIXTURE, "annotations")
    assert len(annotations) == 5
    assert {row[6] for row in annotations} == {"alice", "bob"}
    assert [row[2] for row in rows(FIXTURE, "sentence_status")] == ["no_claim"]
    actions = sorted({row[3] for row in rows(FIXTURE, "events")})
    assert actions == ["add", "delete", "edit", "import", "status", "undo"]
    assert [row[1] for row in rows(FIXTURE, "_sqlite_migrations")] == ["nkreader"]


def test_first_schema_database_opens_with_every_row_intact(v1: Path) -> None:
    """Today's code opens the first-schema file: ids and values of every row are unchanged."""
    before = dump(v1, TABLES)
    store = Store(open_database(v1), "alice")
    for row in before["annotations"]:
        annotation = store.annotation(int(str(row[0])))
        assert annotation is not None
        assert (
            annotation.id, annotation.sentence_id, annotation.actor_id, annotation.stance_id,
            annotation.target_id, annotation.note, annotation.annotator, annotation.created_at,
            annotation.updated_at,
        ) == row  # fmt: skip
    assert store.statuses(1) == {int(str(before["sentence_status"][0][0])): "no_claim"}
    assert store.undo() is not None  # alice's log replays: her last change can be undone
    store.close()
    after = dump(v1, TABLES)
    assert after["articles"] == before["articles"]
    assert after["sentences"] == before["sentences"]
    assert len(list(v1.parent.glob("annotations.db.bak-m001_initial-*"))) == 1


def test_first_schema_events_get_the_kind_undo_reads(v1: Path) -> None:
    """Upgraded events say in a column what they changed; an undo has the kind it reverted;
    the codebook import of the first schema cannot be undone (it kept no rows)."""
    Store(open_database(v1), "alice").close()
    with sqlite3.connect(v1) as conn:
        found = conn.execute("SELECT id, action, entity, reverts, kind FROM events").fetchall()
    conn.close()
    kinds = {row[0]: row[4] for row in found}
    for _, action, entity, reverts, kind in found:
        if reverts is not None:
            assert kind == kinds[reverts]
        elif entity == "annotation":
            assert kind == "annotation"
        elif entity == "sentence_status":
            assert kind == "status"
        else:
            assert (action, entity, kind) == ("import", "codebook", None)


def test_first_schema_database_keeps_its_search_index(v1: Path) -> None:
    """The first schema indexed every article as it was inserted; after the upgrade the index
    counts as complete, searches still find them, and new articles are indexed on demand."""
    store = Store(open_database(v1), "alice")
    assert store.search_backlog() == 0
    count = store.article_count()
    word = store.article(1).title.split()[0]
    assert store.article_count(word) >= 1
    fts = store.conn.execute(
        "SELECT count(*) FROM articles_fts WHERE articles_fts MATCH ?", [f'"{word}"']
    ).fetchone()[0]
    assert fts == store.article_count(word)  # the index alone answers: nothing was re-scanned
    # rebuilt with the one- and two-letter prefixes (m010), and sound
    prefix = f'"{word[0]}"*'
    indexed = store.conn.execute(
        "SELECT count(*) FROM articles_fts WHERE articles_fts MATCH ?", [prefix]
    ).fetchone()[0]
    assert indexed == store.article_count(word[0]) >= 1
    store.conn.execute("INSERT INTO articles_fts(articles_fts) VALUES ('integrity-check')")
    assert count == store.conn.execute("SELECT count(*) FROM articles").fetchone()[0]
    store.close()


def test_upgrade_takes_a_backup_first_and_keeps_all_data(
    v1: Path, future: Callable[[Callable[[Database], None]], None]
) -> None:
    """A pending step on a database with data: a backup beside it, then the upgrade."""
    before = dump(v1, TABLES)
    future(add_confidence)
    db = open_database(v1)
    [backup] = v1.parent.glob("annotations.db.bak-m001_initial-*")
    assert dump(backup, TABLES) == before
    assert [r[2] for r in rows(backup, "_sqlite_migrations")] == ["m001_initial"]
    with sqlite3.connect(backup) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    conn.close()
    steps = [row[0] for row in db.conn.execute("SELECT name FROM _sqlite_migrations")]
    assert steps == [*known_migrations()[:-1], "m099_future"]
    upgraded = db.conn.execute(
        "SELECT id, sentence_id, actor_id, stance_id, target_id, note, annotator, created_at,"
        " updated_at, confidence FROM annotations ORDER BY id"
    ).fetchall()
    assert upgraded == [(*row, 1.0) for row in before["annotations"]]
    for table in ("articles", "sentences", "sentence_status", "actors", "ui_state"):
        assert rows(v1, table) == before[table]
    assert [row[:-1] for row in rows(v1, "events")] == before["events"]  # one column more: kind
    db.conn.close()
    open_database(v1).conn.close()  # up to date now: no second backup
    assert len(list(v1.parent.glob("*.bak-*"))) == 1


def test_failed_upgrade_changes_nothing(
    v1: Path, future: Callable[[Callable[[Database], None]], None]
) -> None:
    """A step that fails is rolled back: a one-line error, the data and version as they were."""
    before = dump(v1, TABLES)

    def broken(db: Database) -> None:
        add_confidence(db)
        db.execute("INSERT INTO no_such_table VALUES (1)")

    future(broken)
    with pytest.raises(DatabaseError, match="cannot write the database"):
        open_database(v1)
    assert dump(v1, TABLES) == before
    assert [r[2] for r in rows(v1, "_sqlite_migrations")] == ["m001_initial"]
    assert "confidence" not in {
        r[1] for r in sqlite3.connect(v1).execute("PRAGMA table_info(annotations)")
    }


def test_new_database_gets_no_backup(
    tmp_path: Path, future: Callable[[Callable[[Database], None]], None]
) -> None:
    """An empty new file has nothing to lose: every step is applied, no backup is written."""
    future(add_confidence)
    open_database(tmp_path / "fresh.db").conn.close()
    assert list(tmp_path.glob("*.bak-*")) == []


def test_newer_database_is_refused_untouched(v1: Path) -> None:
    """A file written by a newer nkreader: one line saying to upgrade, and the file unchanged."""
    with sqlite3.connect(v1) as conn:
        conn.execute(
            "INSERT INTO _sqlite_migrations (migration_set, name, applied_at)"
            " VALUES ('nkreader', 'm007_from_the_future', '2031-01-01')"
        )
    conn.close()
    content = v1.read_bytes()
    with pytest.raises(DatabaseError) as caught:
        open_database(v1)
    assert str(caught.value) == (
        f"{v1} was written by a newer nkreader (schema m007_from_the_future); "
        "upgrade nkreader to open it"
    )
    result = CliRunner().invoke(cli, ["articles", "--db", str(v1)])
    assert result.exit_code == 1
    assert result.stderr.strip().splitlines() == [f"Error: {caught.value}"]
    assert v1.read_bytes() == content
    assert sorted(p.name for p in v1.parent.iterdir()) == ["annotations.db"]
