"""`nkreader import FILE` given an nkreader export: its codes restored onto the articles here,
the whole file or nothing, every row that cannot be placed named by line."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from reader.cli import cli
from reader.db import open_database
from reader.exchange.codebook_file import load_default_codebook
from reader.exchange.codes_file import codes_format, import_codes
from reader.exchange.exporting import export_to_path
from reader.exchange.importing import import_paths
from reader.store import Store
from tests.helpers import dump

REPO = Path(__file__).resolve().parent.parent
SEEDS = sorted((REPO / "seeds").glob("*.txt"))

FORMULA_NOTE = '@note, with "quotes"\nand a second line'
IDS = ("annotation_id", "article_id")
"""Columns that are this database's own numbers, not the code's."""


def tricky_codebook(store: Store) -> None:
    """Names a spreadsheet would run as formulas: the CSV export escapes them."""
    store.add_actor("=SUM(A1)", "other")
    store.add_target("+plus")
    store.add_stance("-neg", "Negative", -1.0)


def sentence_ids(store: Store, seed: int) -> list[int]:
    return [
        int(i)
        for (i,) in store.conn.execute(
            "SELECT s.id FROM sentences s JOIN articles a ON a.id = s.article_id"
            " WHERE a.source LIKE ? ORDER BY s.position",
            [f"%{SEEDS[seed].name}"],
        )
    ]


@pytest.fixture
def coded(store: Store) -> Store:
    """The seeds coded by two coders, with formula-like names and notes and no-claim marks."""
    tricky_codebook(store)
    actor = next(a for a in store.actors() if a.name == "=SUM(A1)")
    japan = next(a for a in store.actors() if a.name == "Japan")
    neg = next(s for s in store.stances() if s.key == "-neg")
    plus = next(t for t in store.targets() if t.name == "+plus")
    first, second = sentence_ids(store, 0), sentence_ids(store, 2)
    store.add_annotation(first[1], actor.id, neg.id, plus.id, FORMULA_NOTE)
    store.add_annotation(first[1], japan.id, store.stances()[0].id, None, "")
    store.add_annotation(second[3], japan.id, neg.id, None, "-minus")
    store.set_no_claim(first[2], True)
    quoted = Store(store.conn, "'quoted")
    quoted.add_annotation(first[1], japan.id, neg.id, plus.id, "'already quoted")
    quoted.set_no_claim(second[0], True)
    return store


@pytest.fixture
def fresh(tmp_path: Path) -> Store:
    """Another database with the same articles imported in the opposite order (other ids) and
    the same codebook."""
    store = Store(open_database(tmp_path / "fresh.db"), "importer")
    load_default_codebook(store)
    for seed in reversed(SEEDS):
        import_paths(store, [seed])
    tricky_codebook(store)
    return store


def exported(store: Store, path: Path, all_sentences: bool = False) -> Path:
    fmt = "csv" if path.suffix == ".csv" else "jsonl"
    export_to_path(store, path, fmt=fmt, force=True, all_sentences=all_sentences)
    return path


def records(path: Path) -> list[dict[str, str]]:
    """An export's rows without this database's ids, in a fixed order."""
    if path.suffix == ".csv":
        found = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))
    else:
        lines = path.read_text(encoding="utf-8").splitlines()
        found = [json.loads(line) for line in lines if line]
    return sorted(({k: v for k, v in row.items() if k not in IDS} for row in found), key=repr)


@pytest.mark.parametrize("all_sentences", [False, True], ids=["codes", "all_sentences"])
@pytest.mark.parametrize("suffix", [".csv", ".jsonl"])
def test_codes_round_trip_through_an_export(
    coded: Store, fresh: Store, tmp_path: Path, suffix: str, all_sentences: bool
) -> None:
    """Export, import into a database with the same articles (other ids), export again: the
    same rows, timestamps, notes and no-claim marks included; only the ids differ."""
    first = exported(coded, tmp_path / f"first{suffix}", all_sentences)
    report = import_codes(fresh, first)
    assert report.problems == () and report.placement.conflicts == ()
    assert report.placement.codes_added == (("'quoted", 1), ("tester", 3))
    if all_sentences:
        assert report.placement.marks_added == (("'quoted", 1), ("tester", 1))
    again = exported(fresh, tmp_path / f"again{suffix}", all_sentences)
    assert records(again) == records(first)


def test_formula_escaped_cells_are_restored_exactly(
    coded: Store, fresh: Store, tmp_path: Path
) -> None:
    path = exported(coded, tmp_path / "codes.csv")
    text = path.read_text(encoding="utf-8")
    assert "'=SUM(A1)" in text and "'+plus" in text and "'-neg" in text and "''quoted" in text
    import_codes(fresh, path)
    stored = fresh.conn.execute(
        "SELECT x.annotator, ac.name, st.key, tg.name, x.note FROM annotations x"
        " JOIN actors ac ON ac.id = x.actor_id JOIN stances st ON st.id = x.stance_id"
        " LEFT JOIN targets tg ON tg.id = x.target_id ORDER BY x.annotator, x.note"
    ).fetchall()
    assert stored == [
        ("'quoted", "Japan", "-neg", "+plus", "'already quoted"),
        ("tester", "Japan", stored[1][2], None, ""),
        ("tester", "Japan", "-neg", None, "-minus"),
        ("tester", "=SUM(A1)", "-neg", "+plus", FORMULA_NOTE),
    ]


def test_rows_that_cannot_be_placed_are_named_by_line_and_nothing_is_written(
    coded: Store, fresh: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An unknown actor, an article not here, a number that is not one: each named with its
    line (a note spanning two lines counted), and nothing of the file restored."""
    monkeypatch.chdir(tmp_path)  # files are named as the user would: relative to here
    rows = list(csv.reader(io.StringIO(exported(coded, tmp_path / "codes.csv").read_text(),
                                       newline="")))  # fmt: skip
    header = rows[0]
    col = {name: header.index(name) for name in header}
    rows[1][col["actor"]] = "Atlantis"  # the row with the two-line note: lines 2-3
    rows[2][col["source"]] = "elsewhere.txt"
    rows[2][col["title"]] = "Not here"
    rows[3][col["start"]] = "twelve"
    bad = tmp_path / "bad.csv"
    with bad.open("w", newline="", encoding="utf-8") as file:
        csv.writer(file).writerows(rows)
    before = dump(fresh)
    report = import_codes(fresh, bad)
    start, end = rows[2][col["start"]], rows[2][col["end"]]
    assert report.problems == (
        "bad.csv:5: start 'twelve' is not a whole number",
        "bad.csv:2: actor 'Atlantis' is not in the codebook here; add it (nkreader codebook"
        " import, or the codebook screen) and import the file again",
        f"bad.csv:4: no article with source 'elsewhere.txt' and offsets {start}-{end} here, nor"
        " one titled 'Not here'; import the articles first",
    )
    assert dump(fresh) == before
    assert report.summary() == (
        "bad.csv: nothing restored: 3 rows cannot be placed here (listed above); fix them and"
        " import the file again"
    )


def test_importing_again_adds_nothing_and_undo_takes_the_file_back(
    coded: Store, fresh: Store, tmp_path: Path
) -> None:
    path = exported(coded, tmp_path / "all.jsonl", all_sentences=True)
    empty = dump(fresh)
    import_codes(fresh, path)
    once = dump(fresh)
    report = import_codes(fresh, path)
    assert dump(fresh) == once
    assert report.placement.added == 0 and report.placement.present == 6
    undone = fresh.undo()
    assert undone is not None and (undone.action, undone.entity) == ("import", "codes")
    assert {k: v for k, v in dump(fresh).items() if k != "events"} == {
        k: v for k, v in empty.items() if k != "events"
    }


def test_codes_files_are_told_from_files_of_articles(coded: Store, tmp_path: Path) -> None:
    articles = tmp_path / "articles.csv"
    articles.write_text("title,text,source\nA,Some text here.,x\n", encoding="utf-8")
    assert codes_format(articles) is None
    codes = exported(coded, tmp_path / "codes.csv")
    assert codes_format(codes) == "csv"
    assert codes_format(exported(coded, tmp_path / "codes.jsonl", True)) == "jsonl"
    lines = codes.read_bytes().decode("utf-8").split("\r\n")
    more = tmp_path / "more.csv"
    more.write_text("\r\n".join([lines[0] + ",extra", *lines[1:]]), encoding="utf-8")
    assert codes_format(more) is None
    assert codes_format(tmp_path) is None


def test_the_import_command_restores_codes_after_the_articles(store: Store, tmp_path: Path) -> None:
    """Articles and an export in one command: the articles first, then the codes; a file whose
    rows cannot be placed is one line per row and exit 1."""
    japan = next(a for a in store.actors() if a.name == "Japan")
    for sentence_id in sentence_ids(store, 1)[:3]:
        store.add_annotation(sentence_id, japan.id, store.stances()[0].id)
    codes = exported(store, tmp_path / "codes.csv")
    runner = CliRunner()
    target = tmp_path / "new.db"
    done = runner.invoke(cli, ["import", str(REPO / "seeds"), str(codes), "--db", str(target)])
    assert done.exit_code == 0, done.output
    assert "imported 3, skipped 0, failed 0" in done.stderr
    assert done.stderr.splitlines()[-1] == f"{codes}: restored 3 codes (tester 3); 0 no-claim marks"
    again = runner.invoke(cli, ["import", str(codes), "--db", str(target)])
    assert again.exit_code == 0, again.output
    assert again.stderr.splitlines() == [
        f"{codes}: restored 0 codes; 0 no-claim marks; 3 already here"
    ]
    alone = tmp_path / "alone.db"
    refused = runner.invoke(cli, ["import", str(codes), "--db", str(alone)])
    assert refused.exit_code == 1
    lines = refused.stderr.splitlines()
    assert len(lines) == 4 and "imported" not in refused.stderr
    assert lines[0].startswith(f"error: {codes}:2: no article with source ")
    assert lines[0].endswith("; import the articles first")
    assert lines[-1].startswith(f"{codes}: nothing restored: 3 rows cannot be placed here")
