"""`nkreader merge`: two coders' databases brought together, whatever order they imported the
articles in; merged once however often; refusals, conflicts and failures that change nothing."""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest
from click.testing import CliRunner

import reader.store.merge_files as merge_files
from reader.cli import cli
from reader.db import DatabaseError, StoreError, open_database, open_to_read
from reader.exchange.codebook_file import load_default_codebook
from reader.exchange.importing import import_paths
from reader.models import MergeReport
from reader.store import Store
from tests.helpers import dump

REPO = Path(__file__).resolve().parent.parent
SEEDS = sorted((REPO / "seeds").glob("*.txt"))

CODES = """SELECT a.content_hash, s.start, s."end", ac.name, st.key, tg.name, x.note, x.annotator,
    x.created_at, x.updated_at FROM annotations x JOIN sentences s ON s.id = x.sentence_id
    JOIN articles a ON a.id = s.article_id JOIN actors ac ON ac.id = x.actor_id
    JOIN stances st ON st.id = x.stance_id LEFT JOIN targets tg ON tg.id = x.target_id"""
"""Every annotation by what it is, not by ids: comparable between databases."""

MARKS = """SELECT a.content_hash, s.start, t.annotator, t.status, t.updated_at
    FROM sentence_status t JOIN sentences s ON s.id = t.sentence_id
    JOIN articles a ON a.id = s.article_id"""

HISTORY = """SELECT e.at, e.annotator, e.action, e.entity, a.content_hash, s.start
    FROM events e JOIN sentences s ON s.id = e.sentence_id JOIN articles a ON a.id = s.article_id
    WHERE e.entity IN ('annotation', 'sentence_status', 'sentence')"""


def rows(conn: sqlite3.Connection, sql: str) -> list[tuple[object, ...]]:
    return sorted(conn.execute(sql).fetchall(), key=repr)


def coder_db(path: Path, coder: str, seeds: list[Path]) -> Store:
    """A coder's own database: the default codebook and the seeds imported in this order."""
    store = Store(open_database(path), coder)
    load_default_codebook(store)
    for seed in seeds:
        import_paths(store, [seed])
    return store


def sentence_ids(store: Store, seed: int) -> list[int]:
    """The sentence ids, in order, of the article imported from ``SEEDS[seed]``."""
    text_hash = store.conn.execute(
        "SELECT content_hash FROM articles WHERE source LIKE ?", [f"%{SEEDS[seed].name}"]
    ).fetchone()[0]
    return [
        int(i)
        for (i,) in store.conn.execute(
            "SELECT s.id FROM sentences s JOIN articles a ON a.id = s.article_id"
            " WHERE a.content_hash = ? ORDER BY s.position",
            [text_hash],
        )
    ]


def code(store: Store, seed: int, positions: list[int], *, stance: int = 0) -> None:
    """Code these sentences of one seed article, with some history: an edit, a delete undone."""
    actor = next(a for a in store.actors() if a.name == "Japan")
    stance_id = store.stances()[stance].id
    ids = sentence_ids(store, seed)
    for position in positions:
        store.add_annotation(ids[position], actor.id, stance_id, None, f"{store.annotator} says")
    first = store.annotations_for_sentence(ids[positions[0]])[0]
    store.update_annotation(first.id, actor_id=actor.id, stance_id=stance_id, target_id=None,
                            note="edited")  # fmt: skip
    store.delete_annotation(first.id)
    store.undo()
    store.set_no_claim(ids[positions[-1] + 1], True)


@pytest.fixture
def alice(tmp_path: Path) -> Iterator[Path]:
    """Alice's database: the seeds in name order, two articles coded."""
    store = coder_db(tmp_path / "alice.db", "alice", SEEDS)
    code(store, 0, [1, 2, 3])
    code(store, 1, [0, 4])
    store.close()
    yield tmp_path / "alice.db"


@pytest.fixture
def bob(tmp_path: Path) -> Iterator[Path]:
    """Bob's database: the seeds in the opposite order (other ids), other codes."""
    store = coder_db(tmp_path / "bob.db", "bob", SEEDS[::-1])
    code(store, 0, [2, 5], stance=1)
    code(store, 2, [1])
    store.close()
    yield tmp_path / "bob.db"


def merge(target: Store, *paths: Path, dry_run: bool = False) -> list[MergeReport]:
    opened = [(path.name, open_to_read(path)) for path in paths]
    try:
        return target.merge_files(opened, dry_run=dry_run)
    finally:
        for _, conn in opened:
            conn.close()


def content(path: Path) -> dict[str, list[tuple[object, ...]]]:
    with closing(sqlite3.connect(path)) as conn:
        return {"codes": rows(conn, CODES), "marks": rows(conn, MARKS),
                "history": rows(conn, HISTORY)}  # fmt: skip


@pytest.mark.parametrize("order", ["alice first", "bob first"])
def test_two_coders_files_merged_in_any_order(
    empty_store: Store, alice: Path, bob: Path, order: str
) -> None:
    """A new database given both files holds every article once and both coders' codes, marks
    and history, with their timestamps, whatever order the files come in or imported in."""
    load_default_codebook(empty_store)
    files = [alice, bob] if order == "alice first" else [bob, alice]
    reports = merge(empty_store, *files)
    assert [r.articles_added for r in reports] == [3, 0]
    assert not any(r.refused or r.codebook_conflicts or r.placement.conflicts for r in reports)
    theirs = [content(alice), content(bob)]
    for key in ("codes", "marks", "history"):
        expected = sorted(theirs[0][key] + theirs[1][key], key=repr)
        assert rows(empty_store.conn, {"codes": CODES, "marks": MARKS, "history": HISTORY}[key]) \
            == expected  # fmt: skip
    added = {coder: n for r in reports for coder, n in r.placement.codes_added}
    assert added == {"alice": 5, "bob": 3}
    assert empty_store.conn.execute("SELECT count(*) FROM articles").fetchone()[0] == 3
    merges = [e for e in empty_store.events() if e.action == "merge"]
    assert [(e.entity, e.kind) for e in merges] == [("file", None), ("file", None)]


def test_merging_into_a_coders_own_database(alice: Path, bob: Path) -> None:
    """Bob's file merged into Alice's: her codes stay, his join them on the same sentences by
    offsets although his article ids differ; the log shows his history under his name."""
    target = Store(open_database(alice), "alice")
    before = rows(target.conn, CODES)
    (report,) = merge(target, bob)
    assert report.articles_added == 0
    assert report.placement.codes_added == (("bob", 3),)
    assert report.placement.marks_added == (("bob", 2),)
    assert rows(target.conn, CODES) == sorted(before + content(bob)["codes"], key=repr)
    logged = [e for e in target.log_entries(annotator="bob")]
    assert [e.action for e in logged][:4] == ["add", "add", "edit", "delete"]
    assert all(e.sentence_position is not None for e in logged)
    assert Store(target.conn, "bob").undo() is None  # his history is for reading only
    assert target.undo() is not None  # her own last change still is hers to undo
    target.close()


def test_merging_the_same_file_twice_adds_nothing(
    empty_store: Store, alice: Path, bob: Path
) -> None:
    """The second merge of the same files changes no row; so does merging a file into a copy of
    itself (the same start), and merging back what came from it."""
    load_default_codebook(empty_store)
    merge(empty_store, alice, bob)
    once = dump(empty_store)
    reports = merge(empty_store, bob, alice)
    assert dump(empty_store) == once
    assert all(not r.changed for r in reports)
    assert sum(r.placement.present for r in reports) == 12  # 8 codes, 4 marks
    copy = alice.with_name("copy.db")
    copy.write_bytes(alice.read_bytes())
    target = Store(open_database(copy), "alice")
    mine = dump(target)
    merge(target, alice)
    assert dump(target) == mine
    team = empty_store.path
    assert team is not None
    (back,) = merge(target, team)
    assert back.placement.codes_added == (("bob", 3),) and back.events_copied == 11
    merged = dump(target)
    merge(target, team)
    assert dump(target) == merged
    target.close()


def test_an_article_split_otherwise_is_refused_by_name(alice: Path, bob: Path) -> None:
    """An article whose sentences differ is refused, named with its id there; the codes of
    the other articles merge."""
    with closing(sqlite3.connect(bob)) as conn, conn:
        article, title = conn.execute(
            "SELECT a.id, a.title FROM articles a WHERE a.source LIKE ?", [f"%{SEEDS[2].name}"]
        ).fetchone()
        last = conn.execute(
            'SELECT id, "end" FROM sentences WHERE article_id = ? ORDER BY position DESC LIMIT 2',
            [article],
        ).fetchall()
        conn.execute('UPDATE sentences SET "end" = ? WHERE id = ?', [last[0][1], last[1][0]])
        conn.execute("DELETE FROM sentences WHERE id = ?", [last[0][0]])
    target = Store(open_database(alice), "alice")
    (report,) = merge(target, bob)
    assert report.refused == (
        f"bob.db: article {title!r} (id {article} there) is split into different sentences"
        " here; its codes were not merged",
    )
    merged = {row[0] for row in rows(target.conn, CODES) if row[7] == "bob"}
    hashes = {row[0] for row in content(bob)["codes"]}
    assert len(merged) == 1 and merged < hashes
    target.close()
    result = CliRunner().invoke(cli, ["merge", str(bob), "--db", str(alice)])
    assert result.exit_code == 1
    assert f"refused: {report.refused[0]}" in result.stderr.replace(str(bob), "bob.db")


def test_codebook_conflicts_are_reported_not_overwritten(alice: Path, bob: Path) -> None:
    """A kind, parent or stance score that differs there is reported and kept as it is here;
    new actors, targets and stances are added; aliases are united, but one naming another
    actor here is reported and left out."""
    other = Store(open_database(bob), "bob")
    japan = next(a for a in other.actors() if a.name == "Japan")
    china = next(a for a in other.actors() if a.name == "China")
    other.update_actor(japan.id, name="JAPAN", kind="person", aliases=[*japan.aliases, "Nippon",
                       "Nihon"], parent_id=china.id)  # fmt: skip
    stance = other.stances()[0]
    other.update_stance(stance.id, key=stance.key, label=stance.label, score=stance.score + 5)
    other.add_actor("Tokyo Court", "organization", ["TC"], parent_id=japan.id)
    other.add_target("Whaling")
    other.add_stance("mixed", "Mixed", 0.0)
    other.close()
    target = Store(open_database(alice), "alice")
    target.add_actor("Nihon", "organization")
    before = {a.name: a for a in target.actors()}
    (report,) = merge(target, bob)
    after = {a.name: a for a in target.actors()}
    assert after["Japan"].kind == before["Japan"].kind
    assert after["Japan"].parent_id == before["Japan"].parent_id
    assert after["Japan"].aliases == (*before["Japan"].aliases, "Nippon")
    assert target.stances()[0].score == stance.score
    assert after["Tokyo Court"].aliases == ("TC",)
    assert after["Tokyo Court"].parent_id == after["Japan"].id
    assert "Whaling" in [t.name for t in target.targets()]
    assert target.stances()[-1].key == "mixed"
    assert (report.actors_added, report.targets_added, report.stances_added) == (1, 1, 1)
    assert report.aliases_added == 1
    lines = "\n".join(report.codebook_conflicts)
    assert f"bob.db: actor 'JAPAN': kind 'person' there, {before['Japan'].kind!r} here" in lines
    assert "bob.db: actor 'JAPAN': parent 'China' there" in lines
    assert "bob.db: actor 'JAPAN': its alias 'Nihon' names 'Nihon' here; not added" in lines
    assert f"bob.db: stance {stance.key!r}:" in lines
    target.close()


def test_dry_run_writes_nothing_and_says_what_the_merge_would(alice: Path, bob: Path) -> None:
    target = Store(open_database(alice), "alice")
    before = dump(target)
    dry = merge(target, bob, dry_run=True)
    assert dump(target) == before
    real = merge(target, bob)
    assert dry == real and real[0].changed
    target.close()
    result = CliRunner().invoke(cli, ["merge", str(bob), "--db", str(alice), "--dry-run"])
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines()[-1] == "dry run: nothing was written"
    assert "would add 0 articles; 0 codes; 0 no-claim marks; 5 already here" in result.stderr


def test_a_failure_mid_merge_leaves_the_target_unchanged(
    alice: Path, bob: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A failure after articles, codebook and codes were written rolls all of it back; a
    damaged page met in the other file names that file and leaves this one saving."""
    target = Store(open_database(alice), "alice")
    before = dump(target)

    def broken(self: object) -> None:
        raise RuntimeError("power cut")

    monkeypatch.setattr(merge_files._FileMerge, "_history", broken)
    with pytest.raises(RuntimeError):
        merge(target, bob)
    assert dump(target) == before
    monkeypatch.undo()
    opened = merge_files.OtherDatabase.__init__

    class Damaged:
        """The other file's connection, its event log on a damaged page."""

        def __init__(self, conn: sqlite3.Connection) -> None:
            self.conn = conn

        def execute(self, sql: str, params: object = ()) -> sqlite3.Cursor:
            if "FROM events" in sql:
                raise sqlite3.DatabaseError("database disk image is malformed")
            return self.conn.execute(sql, params)  # type: ignore[arg-type]

    def damaged(self: merge_files.OtherDatabase, conn: sqlite3.Connection, name: str) -> None:
        opened(self, Damaged(conn), name)  # type: ignore[arg-type]

    monkeypatch.setattr(merge_files.OtherDatabase, "__init__", damaged)
    with pytest.raises(StoreError, match=r"^bob\.db is damaged .*nothing was merged from it"):
        merge(target, bob)
    assert dump(target) == before
    assert not target.read_only
    target.close()


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_the_other_file_is_only_read(alice: Path, bob: Path) -> None:
    """The other file and its -wal keep their bytes, with a coder's process still writing in
    it (its last changes only in the -wal, which the merge reads); a closed file gets nothing
    created beside it."""
    writer = Store(open_database(bob), "bob")
    code(writer, 1, [6])
    wal = bob.with_name("bob.db-wal")
    assert wal.stat().st_size > 0
    saved = digest(bob), digest(wal)
    target = Store(open_database(alice), "alice")
    (report,) = merge(target, bob)
    assert ("bob", 4) in report.placement.codes_added
    assert (digest(bob), digest(wal)) == saved
    writer.close()
    assert sorted(p.name for p in bob.parent.iterdir() if p.name.startswith("bob")) == ["bob.db"]
    merge(target, bob)
    assert sorted(p.name for p in bob.parent.iterdir() if p.name.startswith("bob")) == ["bob.db"]
    target.close()


def test_deleted_or_edited_on_one_side_is_not_brought_back(alice: Path) -> None:
    """A coder's file merged into a copy of it (the same start): a code deleted in the copy and
    one edited there stay so; one edited in the coder's file since is reported, and the copy's
    kept. Each is one line."""
    copy = alice.with_name("copy.db")
    copy.write_bytes(alice.read_bytes())
    target = Store(open_database(copy), "alice")
    first, second, third = target.annotations_for_article(1)[:3]
    target.delete_annotation(first.id)
    other = next(s for s in target.stances() if s.id != second.stance_id)
    target.update_annotation(second.id, actor_id=second.actor_id, stance_id=other.id,
                             target_id=second.target_id, note=second.note)  # fmt: skip
    theirs = Store(open_database(alice), "alice")
    other = next(s for s in theirs.stances() if s.id != third.stance_id)
    theirs.update_annotation(third.id, actor_id=third.actor_id, stance_id=other.id,
                             target_id=third.target_id, note=third.note)  # fmt: skip
    theirs.close()
    before = dump(target, ["annotations", "sentence_status", "actors", "articles"])
    (report,) = merge(target, alice)
    assert dump(target, ["annotations", "sentence_status", "actors", "articles"]) == before
    assert report.events_copied == 1  # the edit in alice.db, for the record
    lines = report.placement.conflicts
    assert len(lines) == 3
    assert "was deleted or changed here; not brought back" in lines[0]
    assert "was deleted or changed here; not brought back" in lines[1]
    assert "reads differently here (edited on one side); this database's is kept" in lines[2]
    assert lines[0].startswith("alice.db: article ")
    target.close()


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (
            lambda p: p.write_text("not a database"),
            "{p} is not an nkreader database (not a SQLite file)",
        ),
        (lambda p: None, "{p} does not exist"),
        (
            lambda p: sqlite3.connect(p).execute("CREATE TABLE recipes (id)").connection.commit(),
            "{p} is a SQLite database of another application (tables: recipes)",
        ),
    ],
    ids=["not_sqlite", "missing", "foreign"],
)
def test_a_file_that_cannot_be_merged_is_one_line(
    alice: Path, tmp_path: Path, make: object, message: str
) -> None:
    other = tmp_path / "other.db"
    assert callable(make)
    make(other)
    before = digest(alice)
    result = CliRunner().invoke(cli, ["merge", str(other), "--db", str(alice)])
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [f"Error: {message.format(p=other)}"]
    assert digest(alice) == before


def test_a_damaged_other_file_is_one_line_naming_it(alice: Path, bob: Path) -> None:
    with closing(sqlite3.connect(f"{bob.resolve().as_uri()}?immutable=1", uri=True)) as conn:
        page = conn.execute("SELECT pageno FROM dbstat WHERE name = 'annotations'").fetchone()[0]
    data = bytearray(bob.read_bytes())
    data[(page - 1) * 4096 : page * 4096] = b"\xa5" * 4096
    bob.write_bytes(bytes(data))
    with pytest.raises(DatabaseError, match=r"^\S*bob\.db is damaged \("):
        open_to_read(bob)
    result = CliRunner().invoke(cli, ["merge", str(bob), "--db", str(alice)])
    assert result.exit_code == 1
    (line,) = result.stderr.splitlines()
    assert line.startswith(f"Error: {bob} is damaged (") and "--recover" in line


def test_the_command_merges_reports_and_refuses_itself(alice: Path, bob: Path) -> None:
    runner = CliRunner()
    team = alice.with_name("team.db")
    result = runner.invoke(cli, ["merge", str(alice), str(bob), "--db", str(team)])
    assert result.exit_code == 0, result.output
    lines = result.stderr.splitlines()
    assert lines[0].startswith(f"{alice}: added 3 articles; 5 codes (alice 5); 2 no-claim marks")
    assert lines[1].startswith(f"{bob}: added 0 articles; 3 codes (bob 3); 2 no-claim marks")
    log = runner.invoke(cli, ["log", "--db", str(team), "--annotator", "bob"])
    assert log.stdout.count("\tbob\t") == 11
    itself = runner.invoke(cli, ["merge", str(team), "--db", str(team)])
    assert itself.exit_code == 1
    assert itself.stderr.splitlines() == [f"Error: {team} is the database being merged into"]
    usage = runner.invoke(cli, ["merge", "--db", str(team)])
    assert usage.exit_code == 2


def test_a_file_of_the_first_schema_is_merged_as_it_is(empty_store: Store, tmp_path: Path) -> None:
    """A file from the first nkreader (no event kinds) is read without being upgraded: its two
    coders' codes, mark and history come in, and its bytes stay as they were."""
    old = tmp_path / "v1.db"
    old.write_bytes((REPO / "tests" / "fixtures" / "schema_v1.db").read_bytes())
    saved = digest(old)
    load_default_codebook(empty_store)
    (report,) = merge(empty_store, old)
    assert digest(old) == saved
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("v1")) == ["v1.db"]
    with closing(sqlite3.connect(old)) as conn:
        theirs = {"codes": rows(conn, CODES), "marks": rows(conn, MARKS)}
        events = conn.execute("SELECT count(*) FROM events WHERE sentence_id IS NOT NULL")
        history = events.fetchone()[0]
    assert rows(empty_store.conn, CODES) == theirs["codes"]
    assert rows(empty_store.conn, MARKS) == theirs["marks"]
    assert report.events_copied == history > 0
