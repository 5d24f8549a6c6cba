"""The export's added columns through the command, read back from the CSV and JSON Lines it
writes and checked against the database: outlet, file, published_date and published_time,
sentence_number, actor_path and actor_top; Python's floats; --no-text; the day/month order."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from reader.cli import cli
from reader.db import open_database
from reader.exchange.codebook_file import load_default_codebook
from reader.exchange.codes_file import codes_format, import_codes
from reader.exchange.importing import import_paths
from reader.store import Store
from reader.store.exports import (
    ADDED_COLUMNS,
    LEGACY_COLUMNS,
    TEXT_COLUMNS,
    actor_chains,
    source_file,
)

PUBLISHED = {
    1: ("07/03/2024", "Yonhap", None),
    2: ("July 1, 2019 Monday 9:20 AM GMT", "Kyodo", "https://example.org/news/2"),
    3: ("sometime last spring", None, None),
}
"""Each seed article's published string, outlet and URL, as an import would have set them."""


def invoke(db: Path, *args: str) -> Result:
    result = CliRunner().invoke(cli, [*args, "--db", str(db)])
    assert result.exit_code == 0, result.output
    return result


def read(path: Path) -> list[dict[str, Any]]:
    """The rows of a CSV (every cell a string) or JSON Lines file (typed values)."""
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".csv":
        return list(csv.DictReader(io.StringIO(text, newline="")))
    return [json.loads(line) for line in text.splitlines()]


@pytest.fixture
def project(store: Store, db_path: Path) -> Path:
    """The seeds with published dates, outlets and a URL; seven codes by two coders, with Hong
    Lei (under the Chinese Foreign Ministry, under China) and a stance scored 2/3; a no-claim
    mark."""
    for article_id, (published, outlet, url) in PUBLISHED.items():
        store.conn.execute(
            "UPDATE articles SET published = ?, outlet = ?, url = ? WHERE id = ?",
            [published, outlet, url, article_id],
        )
    actors = {a.name: a for a in store.actors()}  # the default codebook's
    china, ministry, hong = (actors[n] for n in ("China", "Chinese Foreign Ministry", "Hong Lei"))
    assert (hong.parent_id, ministry.parent_id) == (ministry.id, china.id)
    lean = store.add_stance("lean_support", "Lean support", 2 / 3)
    target = store.targets()[0]
    other = Store(store.conn, "other")
    for article_id in PUBLISHED:
        sentences = store.sentences(article_id)
        store.add_annotation(sentences[1].id, hong.id, lean.id, target.id, "hedged")
        other.add_annotation(sentences[-1].id, china.id, store.stances()[0].id)
    store.add_annotation(store.sentences(1)[2].id, ministry.id, lean.id, speaker_id=hong.id)
    store.set_no_claim(store.sentences(2)[0].id, True)
    store.close()
    return db_path


def expected(db: Path, day_first: bool = False) -> dict[int | None, dict[str, Any]]:
    """The added columns of each annotation (by id), computed here from the tables."""
    from datetime import date

    dates = {
        1: date(2024, 3, 7) if day_first else date(2024, 7, 3),
        2: date(2019, 7, 1),
        3: None,
    }
    store = Store(open_database(db), "reader")
    found: dict[int | None, dict[str, Any]] = {}
    actors = {a.id: a for a in store.actors()}
    for code_id, article_id, position, actor_id, score, speaker in store.conn.execute(
        "SELECT x.id, s.article_id, s.position, x.actor_id, st.score, x.speaker_id"
        " FROM annotations x"
        " JOIN sentences s ON s.id = x.sentence_id JOIN stances st ON st.id = x.stance_id"
    ).fetchall():
        article = store.article(article_id)
        assert article is not None
        chain = [actors[actor_id]]
        while chain[-1].parent_id is not None:
            chain.append(actors[chain[-1].parent_id])
        published = dates[article_id]
        found[code_id] = {
            "outlet": article.outlet,
            "file": article.url or article.source,
            "published_date": published.isoformat() if published else None,
            "published_time": "09:20+00:00" if article_id == 2 else None,
            "sentence_number": position + 1,
            "actor_path": " > ".join(actor.name for actor in chain),
            "actor_top": chain[-1].name,
            "speaker": actors[speaker].name if speaker is not None else None,
            "duplicate_group": store.duplicate_group(article_id),
            "stance_score": score,
        }
    store.close()
    return found


def as_csv(values: dict[str, Any]) -> dict[str, str]:
    """Values as the CSV writes them: blank for nothing, numbers as Python writes them."""
    return {name: "" if value is None else str(value) for name, value in values.items()}


@pytest.mark.parametrize("suffix", [".csv", ".jsonl"])
def test_added_columns_hold_what_the_database_says(project: Path, suffix: str) -> None:
    """Every added column of every row, in CSV and JSON Lines, is what the tables give: the
    outlet, the URL or else the file, the date and time read month first, the sentence counted
    from 1, the actor's whole chain, and 2/3 written as Python writes it."""
    out = project.parent / f"codes{suffix}"
    result = invoke(project, "export", "-o", str(out))
    rows = read(out)
    want = expected(project)
    assert len(rows) == len(want) == 7
    for row in rows:
        cells = {name: row[name] for name in (*ADDED_COLUMNS, "stance_score")}
        code = want[int(row["annotation_id"])]
        assert cells == (as_csv(code) if suffix == ".csv" else code)
        assert int(row["sentence_number"]) == int(row["sentence_position"]) + 1
    lean = [row for row in rows if row["stance"] == "lean_support"]
    assert {str(row["stance_score"]) for row in lean} == {"0.6666666666666666"}
    path = "Hong Lei > Chinese Foreign Ministry > China"
    assert {row["actor_top"] for row in rows if row["actor_path"] == path} == {"China"}
    header = list(rows[0])
    assert header == [*LEGACY_COLUMNS, *ADDED_COLUMNS]
    warnings = [line for line in result.stderr.splitlines() if line.startswith("warning:")]
    assert warnings == [
        "warning: 1 article's published date could not be read: 'sometime last spring'"
        " (article 3); published_date and published_time are blank there;"
        " see README, Published dates"
    ]


def test_day_first_comes_from_the_project_setting_or_the_option(project: Path) -> None:
    """config dates day-first reads 07/03/2024 as 7 March for every export; --month-first and
    --day-first override the setting for one export."""
    out = project.parent / "codes.csv"
    invoke(project, "config", "dates", "day-first")
    assert invoke(project, "config", "dates").stdout == "dates\tday-first\n"
    invoke(project, "export", "-o", str(out), "--force")
    first = {row["published_date"] for row in read(out) if row["article_id"] == "1"}
    assert first == {"2024-03-07"}
    invoke(project, "export", "-o", str(out), "--force", "--month-first")
    assert {row["published_date"] for row in read(out) if row["article_id"] == "1"} == {
        "2024-07-03"
    }
    invoke(project, "config", "dates", "month-first")
    invoke(project, "export", "-o", str(out), "--force", "--day-first")
    rows = read(out)
    want = expected(project, day_first=True)
    assert all(row["published_date"] == (want[int(row["annotation_id"])]["published_date"]
                                         or "") for row in rows)  # fmt: skip


def test_config_dates_refuses_other_values(project: Path) -> None:
    """A value the setting does not know is a usage error naming the choices; nothing is kept."""
    result = CliRunner().invoke(cli, ["config", "dates", "european", "--db", str(project)])
    assert result.exit_code == 2
    assert "'day-first'" in result.output and "'month-first'" in result.output
    assert invoke(project, "config", "dates").stdout == "dates\tmonth-first\n"


def test_a_warning_suggests_the_other_order_when_it_reads_every_date(project: Path) -> None:
    """Dates that only read day first (25/12/2023) are blank month first, and the warning says
    which setting reads them."""
    conn = open_database(project).conn
    conn.execute("UPDATE articles SET published = '25/12/2023' WHERE id IN (1, 3)")
    conn.close()
    result = invoke(project, "export", "-o", str(project.parent / "codes.csv"))
    [warning] = [line for line in result.stderr.splitlines() if line.startswith("warning:")]
    assert warning.startswith("warning: 2 articles' published dates could not be read:")
    assert "they read as day-first dates: nkreader config dates day-first" in warning
    assert invoke(project, "export", "--day-first").stderr == ""


@pytest.mark.parametrize("suffix", [".csv", ".jsonl"])
def test_no_text_leaves_out_title_and_sentence(project: Path, suffix: str) -> None:
    """--no-text drops the title and sentence columns and nothing else, in either format, and
    with --all-sentences and --final too."""
    out = project.parent / f"shared{suffix}"
    full = project.parent / f"full{suffix}"
    for extra in ([], ["--all-sentences"], ["--final"]):
        invoke(project, "export", "-o", str(full), "--force", *extra)
        invoke(project, "export", "-o", str(out), "--force", "--no-text", *extra)
        with_text, without = read(full), read(out)
        assert len(without) == len(with_text) > 0
        for row, kept in zip(with_text, without, strict=True):
            assert list(kept) == [name for name in row if name not in TEXT_COLUMNS]
            assert kept == {k: v for k, v in row.items() if k not in TEXT_COLUMNS}
    text = out.read_text(encoding="utf-8")
    store = Store(open_database(project), "reader")
    for article_id in PUBLISHED:
        article = store.article(article_id)
        assert article is not None and article.title not in text
    store.close()


def test_all_sentences_and_final_have_the_added_columns(project: Path) -> None:
    """--all-sentences puts the added columns after status, blank where nobody coded; --final
    appends them after its own and gives a statement the values the coders' export gives it."""
    out = project.parent / "all.csv"
    invoke(project, "export", "-o", str(out), "--all-sentences")
    rows = read(out)
    assert list(rows[0]) == [*LEGACY_COLUMNS, "status", *ADDED_COLUMNS]
    uncoded = [row for row in rows if row["status"] == "uncoded"]
    assert uncoded and all(row["actor_path"] == row["actor_top"] == "" for row in uncoded)
    assert all(row["sentence_number"] == str(int(row["sentence_position"]) + 1) for row in rows)
    assert {row["outlet"] for row in rows if row["article_id"] == "2"} == {"Kyodo"}
    final = project.parent / "final.csv"
    invoke(project, "export", "-o", str(final), "--final")
    finals = read(final)
    assert list(finals[0])[-len(ADDED_COLUMNS) :] == list(ADDED_COLUMNS)
    coded = {
        (row["article_id"], row["start"], row["actor"]): row
        for row in rows
        if row["status"] == "coded"
    }
    assert finals
    for row in finals:
        same = coded[(row["article_id"], row["start"], row["actor"])]
        for name in (*ADDED_COLUMNS, "stance_score"):
            assert row[name] == same[name], name


def test_final_jsonl_writes_floats_and_numbers_as_the_coders_export(project: Path) -> None:
    """--final in JSON Lines: stance_score 2/3 and sentence_number as numbers."""
    out = project.parent / "final.jsonl"
    invoke(project, "export", "-o", str(out), "--final")
    rows = read(out)
    lean = [row for row in rows if row["stance"] == "lean_support"]
    assert lean and {row["stance_score"] for row in lean} == {2 / 3}
    assert all(isinstance(row["sentence_number"], int) for row in rows)


def test_exports_with_the_added_columns_or_without_text_are_restored(
    project: Path, tmp_path: Path
) -> None:
    """nkreader import knows an export with the added columns, one written with --no-text and
    one with only the columns of earlier versions, and restores each onto a fresh database."""
    out = tmp_path / "out"
    out.mkdir()
    files = {}
    for name, extra in (("full", []), ("notext", ["--no-text"])):
        files[name] = out / f"{name}.csv"
        invoke(project, "export", "-o", str(files[name]), *extra)
    legacy = out / "legacy.csv"
    rows = read(files["full"])
    with legacy.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, LEGACY_COLUMNS, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    seeds = Path(__file__).resolve().parent.parent / "seeds"
    for name, path in (*files.items(), ("legacy", legacy)):
        assert codes_format(path) == "csv", name
        fresh = Store(open_database(tmp_path / f"{name}.db"), "importer")
        load_default_codebook(fresh)
        fresh.add_stance("lean_support", "Lean support", 2 / 3)
        import_paths(fresh, sorted(seeds.glob("*.txt")))
        report = import_codes(fresh, path)
        assert report.problems == (), name
        assert sum(count for _, count in report.placement.codes_added) == 7, name
        fresh.close()


def test_actor_path_stops_where_a_parent_chain_comes_back(project: Path) -> None:
    """A cycle in the parents (as a file merged from elsewhere may hold) ends the path before
    the repeat instead of looping."""
    conn = open_database(project).conn
    ids = dict(conn.execute("SELECT name, id FROM actors").fetchall())
    conn.execute("PRAGMA foreign_keys = OFF")
    conn.execute("UPDATE actors SET parent_id = ? WHERE id = ?", [ids["Hong Lei"], ids["China"]])
    conn.close()
    rows = read_export(project)
    paths = {row["actor_path"] for row in rows if row["actor"] == "Hong Lei"}
    assert paths == {"Hong Lei > Chinese Foreign Ministry > China"}
    assert actor_chains([(1, "a", 2), (2, "b", 1), (3, "c", 3)]) == {
        1: ("a", "b"),
        2: ("b", "a"),
        3: ("c",),
    }


def read_export(db: Path) -> list[dict[str, Any]]:
    out = db.parent / "codes.csv"
    invoke(db, "export", "-o", str(out), "--force")
    return read(out)


def test_file_is_the_path_each_kind_of_import_read(tmp_path: Path) -> None:
    """file names the file an article was read from, whatever record of it (line, index, id)
    the source adds; the URL when the record has one."""
    folder = tmp_path / "in #1: news.csv"
    folder.mkdir()
    (folder / "a.txt").write_text("One sentence here. And another one.\n", encoding="utf-8")
    (folder / "b.jsonl").write_text(
        json.dumps({"text": "From a line."}) + "\n"
        + json.dumps({"text": "With an id.", "id": "x:7#2"}) + "\n"
        + json.dumps({"text": "With a link.", "url": "https://example.org/a?b=1"}) + "\n",
        encoding="utf-8",
    )  # fmt: skip
    (folder / "c.csv").write_text("text\nA CSV row.\n", encoding="utf-8")
    (folder / "d.json").write_text(json.dumps([{"text": "A JSON item."}]), encoding="utf-8")
    store = Store(open_database(tmp_path / "f.db"), "t")
    import_paths(store, [folder])
    found = {
        text.split(".")[0]: (source, source_file(source, url))
        for text, source, url in store.conn.execute("SELECT text, source, url FROM articles")
    }
    store.close()
    assert {key: file for key, (_, file) in found.items()} == {
        "One sentence here": str(folder / "a.txt"),
        "From a line": str(folder / "b.jsonl"),
        "With an id": str(folder / "b.jsonl"),
        "With a link": "https://example.org/a?b=1",
        "A CSV row": str(folder / "c.csv"),
        "A JSON item": str(folder / "d.json"),
    }
    assert found["With an id"][0] == f"{folder / 'b.jsonl'}#x:7#2"


def test_csv_with_the_added_columns_opens_in_pandas(project: Path) -> None:
    """pandas reads the export as the README shows: one column per export column, numbers as
    numbers, published_date as dates, blanks as missing."""
    pd = pytest.importorskip("pandas")
    out = project.parent / "codes.csv"
    invoke(project, "export", "-o", str(out), "--all-sentences")
    frame = pd.read_csv(out, parse_dates=["published_date"])
    assert list(frame.columns) == [*LEGACY_COLUMNS, "status", *ADDED_COLUMNS]
    assert len(frame) == len(read(out))
    assert str(frame["sentence_number"].dtype) == "int64"
    assert str(frame["stance_score"].dtype) == "float64"
    assert frame["published_date"].dt.year.dropna().astype(int).tolist().count(2024) > 0
    lean = frame[frame["stance"] == "lean_support"]
    assert (lean["stance_score"] == 2 / 3).all()
    assert frame.loc[frame["article_id"] == 3, "published_date"].isna().all()
