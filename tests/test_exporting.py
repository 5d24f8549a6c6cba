"""Exports (CSV and JSON Lines), their filters, the all-sentences view, safe file writing and the
actor × stance table."""

from __future__ import annotations

import csv
import errno
import io
import json
import os
import stat
from pathlib import Path
from typing import Any

import pytest

import reader.exchange.exporting as exporting
import reader.exchange.output_files as output_files
from reader.exchange.exporting import (
    ALL_SENTENCES_COLUMNS,
    EXPORT_COLUMNS,
    ExportError,
    escape_formula,
    export_to_path,
    format_for_path,
    read_cell,
    write_export,
)
from reader.store import Store
from reader.store.exports import TRUSTED
from tests.helpers import reference_export

TRICKY_TEXT = (
    'He said, "Peace, now."\n'
    "Second line — über 北朝鮮, naïve.\r\n"
    "Plain words only here\n"
    'A "quoted" word and a comma, too.'
)
TRICKY_NOTE = 'quote "this", and\nthat — ça va? 日本'


def csv_rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text, newline="")))


def export_text(store: Store, **options: object) -> str:
    out = io.StringIO(newline="")
    write_export(store, out, **options)  # type: ignore[arg-type]
    return out.getvalue()


def ids(store: Store) -> tuple[int, int, int]:
    """The ids of a parented actor, the first stance and the first target of the codebook."""
    actor = next(a for a in store.actors() if a.parent_id is not None)
    return actor.id, store.stances()[0].id, store.targets()[0].id


def add_tricky_article(store: Store) -> list[int]:
    """An article whose sentences hold quotes, commas, line breaks and non-ASCII text."""
    conn = store.conn
    cursor = conn.execute(
        "INSERT INTO articles (title, text, source, content_hash, imported_at, published)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        ['Title, with "quotes"', TRICKY_TEXT, "tricky, file.txt", "tricky", "2024", None],
    )
    article_id = int(cursor.lastrowid or 0)
    ends = [TRICKY_TEXT.index("\nSecond") + 1, TRICKY_TEXT.index("Plain"), TRICKY_TEXT.index("A ")]
    bounds = [(0, ends[0]), (ends[0], ends[1]), (ends[1], ends[2]), (ends[2], len(TRICKY_TEXT))]
    sentence_ids = []
    for position, (start, end) in enumerate(bounds):
        cursor = conn.execute(
            'INSERT INTO sentences (article_id, position, start, "end", paragraph)'
            " VALUES (?, ?, ?, ?, ?)",
            [article_id, position, start, end, position],
        )
        sentence_ids.append(int(cursor.lastrowid or 0))
    return sentence_ids


def test_csv_row_has_the_columns_and_values(store: Store) -> None:
    """One annotation gives one CSV row carrying the sentence, codebook and coder fields."""
    actor_id, stance_id, target_id = ids(store)
    sentence = store.sentences(store.first_article_id() or 0)[2]
    added = store.add_annotation(sentence.id, actor_id, stance_id, target_id, note="hedged")
    text = export_text(store)
    assert text.split("\r\n")[0] == ",".join(EXPORT_COLUMNS)
    (row,) = csv_rows(text)
    actor = next(a for a in store.actors() if a.id == actor_id)
    parent = next(a for a in store.actors() if a.id == actor.parent_id)
    stance, target = store.stances()[0], store.targets()[0]
    article = store.article(sentence.article_id)
    assert article is not None
    assert row == {
        "annotation_id": str(added.id),
        "article_id": str(article.id),
        "source": article.source,
        "title": article.title,
        "published": article.published or "",
        "sentence_position": str(sentence.position),
        "start": str(sentence.start),
        "end": str(sentence.end),
        "sentence": article.text[sentence.start : sentence.end],
        "actor": actor.name,
        "actor_kind": actor.kind,
        "parent_actor": parent.name,
        "stance": stance.key,
        "stance_score": str(float(stance.score)),
        "target": target.name,
        "note": "hedged",
        "annotator": "tester",
        "created_at": added.created_at,
        "updated_at": added.updated_at,
        "outlet": "",
        "file": article.source,
        "published_date": "",
        "published_time": "",
        "sentence_number": str(sentence.position + 1),
        "actor_path": f"{actor.name} > {parent.name}",
        "actor_top": parent.name,
        "speaker": "",
        "duplicate_group": "",
    }


def test_rows_are_ordered_by_article_sentence_and_id(store: Store) -> None:
    """Rows follow article id, sentence position and annotation id, not insertion order."""
    actor_id, stance_id, _ = ids(store)
    first, second = store.sentences(1)[:2]
    later = store.sentences(2)[0]
    store.add_annotation(later.id, actor_id, stance_id)
    store.add_annotation(second.id, actor_id, stance_id)
    store.add_annotation(first.id, actor_id, stance_id)
    store.add_annotation(first.id, actor_id, store.stances()[1].id)
    rows = csv_rows(export_text(store))
    keys = [(int(r["article_id"]), int(r["sentence_position"])) for r in rows]
    assert keys == [(1, first.position)] * 2 + [(1, second.position), (2, later.position)]
    first_ids = [int(r["annotation_id"]) for r in rows[:2]]
    assert first_ids == sorted(first_ids)


def test_csv_round_trips_quotes_commas_newlines_and_non_ascii(store: Store) -> None:
    """Awkward text comes back unchanged through csv.DictReader."""
    sentence_ids = add_tricky_article(store)
    actor_id, stance_id, _ = ids(store)
    for sentence_id in sentence_ids:
        store.add_annotation(sentence_id, actor_id, stance_id, note=TRICKY_NOTE)
    rows = csv_rows(export_text(store))
    assert [r["sentence"] for r in rows] == [
        'He said, "Peace, now."\n',
        "Second line — über 北朝鮮, naïve.\r\n",
        "Plain words only here\n",
        'A "quoted" word and a comma, too.',
    ]
    assert {r["note"] for r in rows} == {TRICKY_NOTE.strip()}
    assert {r["title"] for r in rows} == {'Title, with "quotes"'}
    assert {r["source"] for r in rows} == {"tricky, file.txt"}
    assert {r["published"] for r in rows} == {""}


def escaped(columns: tuple[str, ...], row: tuple[object, ...]) -> list[object]:
    """A row as the export escapes it: text cells a spreadsheet would run get a leading '."""
    return [
        escape_formula(value) if isinstance(value, str) and name not in TRUSTED else value
        for name, value in zip(columns, row, strict=True)
    ]


def test_csv_bytes_equal_what_csv_writer_writes(store: Store, tmp_path: Path) -> None:
    """The fast writer produces exactly the csv module's output for the rows a plain Python
    reading of the database gives, escaped against formulas (and, with the escape off, as
    stored), with and without --all-sentences and --no-text."""
    sentence_ids = add_tricky_article(store)
    actor_id, stance_id, target_id = ids(store)
    store.add_annotation(sentence_ids[0], actor_id, stance_id, target_id, note=TRICKY_NOTE)
    store.add_annotation(sentence_ids[1], actor_id, stance_id, note="")
    store.add_annotation(store.sentences(1)[0].id, actor_id, stance_id, note="plain")
    store.add_annotation(store.sentences(1)[1].id, actor_id, stance_id, note=FORMULAS[0])
    Store(store.db, "other").set_no_claim(sentence_ids[2], True)
    cases = [(False, True, True), (True, True, True), (False, False, True), (True, True, False)]
    for all_sentences, escape, text in cases:
        columns, rows = reference_export(store, all_sentences=all_sentences, text=text)
        expected = io.StringIO(newline="")
        writer = csv.writer(expected)
        writer.writerow(columns)
        for row in rows:
            values = tuple(row[name] for name in columns)
            writer.writerow(escaped(columns, values) if escape else values)
        path = tmp_path / f"all-{all_sentences}-{escape}-{text}.csv"
        export_to_path(
            store, path, fmt="csv", all_sentences=all_sentences, formula_escape=escape, text=text
        )
        assert path.read_bytes() == expected.getvalue().encode("utf-8")


def test_jsonl_holds_what_a_plain_reading_of_the_database_gives(store: Store) -> None:
    """Each JSON line parses to the row a plain Python reading of the database gives, keys in
    column order, with and without --all-sentences and --no-text."""
    sentence_ids = add_tricky_article(store)
    actor_id, stance_id, target_id = ids(store)
    store.add_annotation(sentence_ids[0], actor_id, stance_id, target_id, note=TRICKY_NOTE)
    store.add_annotation(store.sentences(2)[3].id, actor_id, stance_id, note="=1")
    for all_sentences in (False, True):
        for text in (True, False):
            columns, rows = reference_export(store, all_sentences=all_sentences, text=text)
            lines = export_text(
                store, fmt="jsonl", all_sentences=all_sentences, text=text
            ).splitlines()
            assert [json.loads(line) for line in lines] == rows
            assert all(list(json.loads(line)) == list(columns) for line in lines)


FORMULAS = [
    '=HYPERLINK("http://example.com","x")',
    "+1+1",
    "-2+3",
    "@SUM(A1)",
    "\tcmd",
    "\rcmd",
    "'quoted",
    "=cmd|' /C calc'!A0",
]
"""Cell values a spreadsheet would run as formulas (and one that starts with the escape)."""


def test_formula_cells_are_escaped_and_read_back_exactly(store: Store) -> None:
    """Every text column starting with =, +, -, @, tab, CR or ' gets one '; reading the CSV
    back with read_cell gives the stored values; numeric columns (a negative score) stay bare."""
    actor = store.add_actor('=HYPERLINK("http://evil")', "person")
    target = store.add_target("+target")
    stance = store.add_stance("-opp", "@label", -1.0)
    sentences = store.sentences(1)
    for sentence, note in zip(sentences, FORMULAS, strict=False):
        store.add_annotation(sentence.id, actor.id, stance.id, target.id, note=note)
    rows = csv_rows(export_text(store))
    assert len(rows) == len(FORMULAS)
    for row, note in zip(rows, FORMULAS, strict=True):
        stored = note.strip()  # the Store trims notes, so "\tcmd" is stored as "cmd"
        assert row["note"] == ("'" + stored if stored[:1] in ("=", "+", "-", "@", "'") else stored)
        assert row["actor"] == '\'=HYPERLINK("http://evil")'
        assert row["target"] == "'+target" and row["stance"] == "'-opp"
        assert row["stance_score"] == "-1.0"
        assert read_cell(row["note"]) == note.strip()
        assert read_cell(row["actor"]) == actor.name
    for raw in [*FORMULAS, "plain", "", "'", "''x"]:
        assert read_cell(escape_formula(raw)) == raw
        assert escape_formula(raw)[:1] not in ("=", "+", "-", "@", "\t", "\r")


def test_formula_escape_off_and_jsonl_write_text_exactly(store: Store) -> None:
    """--formula-escape off writes cells as stored; JSON Lines is never altered."""
    actor_id, stance_id, _ = ids(store)
    store.add_annotation(store.sentences(1)[0].id, actor_id, stance_id, note="=1+1")
    [row] = csv_rows(export_text(store, formula_escape=False))
    assert row["note"] == "=1+1"
    [line] = export_text(store, fmt="jsonl").splitlines()
    assert json.loads(line)["note"] == "=1+1"


def test_text_stream_and_binary_buffer_get_the_same_output(store: Store) -> None:
    """A StringIO and a UTF-8 text file (written through its buffer) receive identical text."""
    sentence_ids = add_tricky_article(store)
    actor_id, stance_id, _ = ids(store)
    store.add_annotation(sentence_ids[1], actor_id, stance_id, note=TRICKY_NOTE)
    for fmt in ("csv", "jsonl"):
        raw = io.BytesIO()
        wrapper = io.TextIOWrapper(raw, encoding="utf-8", newline="")
        wrapper.write("")
        assert write_export(store, wrapper, fmt=fmt) == 1
        wrapper.flush()
        assert raw.getvalue().decode("utf-8") == export_text(store, fmt=fmt)


def test_jsonl_round_trip(store: Store) -> None:
    """Each JSON line parses to an object with the CSV columns as keys and typed values."""
    sentence_ids = add_tricky_article(store)
    actor_id, stance_id, target_id = ids(store)
    store.add_annotation(sentence_ids[0], actor_id, stance_id, target_id, note=TRICKY_NOTE)
    store.add_annotation(sentence_ids[3], actor_id, stance_id)
    text = export_text(store, fmt="jsonl")
    assert text.endswith("\n")
    assert "日本" in text  # not escaped to \\u sequences
    first, second = (json.loads(line) for line in text.splitlines())
    assert list(first) == list(EXPORT_COLUMNS)
    assert first["sentence"] == 'He said, "Peace, now."\n'
    assert first["note"] == TRICKY_NOTE.strip()
    assert first["stance_score"] == float(store.stances()[0].score)
    assert first["target"] == store.targets()[0].name
    assert second["target"] is None and second["published"] is None
    assert second["sentence"] == 'A "quoted" word and a comma, too.'


def test_filters_by_annotator_and_article(store: Store) -> None:
    """--annotator and --article keep only the matching rows."""
    other = Store(store.db, "other")
    actor_id, stance_id, _ = ids(store)
    store.add_annotation(store.sentences(1)[0].id, actor_id, stance_id)
    store.add_annotation(store.sentences(2)[0].id, actor_id, stance_id)
    other.add_annotation(store.sentences(2)[1].id, actor_id, stance_id)
    assert len(csv_rows(export_text(store))) == 3
    assert {r["annotator"] for r in csv_rows(export_text(store, annotator="other"))} == {"other"}
    assert len(csv_rows(export_text(store, annotator="tester"))) == 2
    assert {r["article_id"] for r in csv_rows(export_text(store, article_id=2))} == {"2"}
    assert len(csv_rows(export_text(store, article_id=2, annotator="tester"))) == 1
    assert csv_rows(export_text(store, annotator="nobody")) == []


def test_all_sentences_gives_every_sentence_for_every_coder(store: Store) -> None:
    """Rows = sentences × coders + extra annotations, with coded / no_claim / uncoded status."""
    other = Store(store.db, "other")
    actor_id, stance_id, _ = ids(store)
    first, second, third = store.sentences(1)[:3]
    store.add_annotation(first.id, actor_id, stance_id)
    store.add_annotation(first.id, actor_id, store.stances()[1].id)
    store.add_annotation(second.id, actor_id, stance_id)
    store.set_no_claim(third.id, True)
    other.set_no_claim(first.id, True)
    sentences = store.conn.execute("SELECT count(*) FROM sentences").fetchone()[0]
    text = export_text(store, all_sentences=True)
    assert text.split("\r\n")[0] == ",".join(ALL_SENTENCES_COLUMNS)
    rows = csv_rows(text)
    assert len(rows) == sentences * 2 + 1
    status = {(int(r["sentence_position"]), r["article_id"], r["annotator"]): r for r in rows}
    assert status[(third.position, "1", "tester")]["status"] == "no_claim"
    assert status[(first.position, "1", "other")]["status"] == "no_claim"
    assert status[(second.position, "1", "other")]["status"] == "uncoded"
    assert status[(second.position, "1", "other")]["annotation_id"] == ""
    coded = [r for r in rows if r["status"] == "coded"]
    assert len(coded) == 3 and {r["annotator"] for r in coded} == {"tester"}
    assert all(r["actor"] and r["annotation_id"] for r in coded)
    uncoded = [r for r in rows if r["status"] == "uncoded"]
    assert all(r["actor"] == r["stance"] == r["annotation_id"] == "" for r in uncoded)
    assert all(r["sentence"] for r in rows)
    # Sentence order, then coder, then annotation id.
    keys = [(int(r["article_id"]), int(r["sentence_position"]), r["annotator"]) for r in rows]
    assert keys == sorted(keys)


def test_all_sentences_with_filters(store: Store) -> None:
    """Filtered to a coder or an article, the denominator shrinks accordingly."""
    actor_id, stance_id, _ = ids(store)
    Store(store.db, "other").set_no_claim(store.sentences(2)[0].id, True)
    store.add_annotation(store.sentences(1)[0].id, actor_id, stance_id)
    in_article = len(store.sentences(2))
    rows = csv_rows(export_text(store, all_sentences=True, article_id=2))
    assert len(rows) == in_article * 2
    rows = csv_rows(export_text(store, all_sentences=True, article_id=2, annotator="other"))
    assert [r["status"] for r in rows] == ["no_claim"] + ["uncoded"] * (in_article - 1)
    assert {r["annotator"] for r in rows} == {"other"}


def test_all_sentences_without_any_coder(store: Store) -> None:
    """A database nobody has coded gives one uncoded row per sentence, annotator empty."""
    sentences = store.conn.execute("SELECT count(*) FROM sentences").fetchone()[0]
    rows = csv_rows(export_text(store, all_sentences=True))
    assert len(rows) == sentences
    assert {(r["annotator"], r["status"]) for r in rows} == {("", "uncoded")}
    lines = export_text(store, all_sentences=True, fmt="jsonl").splitlines()
    assert json.loads(lines[0])["annotator"] is None and len(lines) == sentences


def test_export_leaves_the_connection_as_it_was(store: Store) -> None:
    """The connection still returns str after an export, including a failed one."""
    export_text(store)
    with pytest.raises(ExportError, match="xml"):
        export_text(store, fmt="xml")
    assert store.conn.execute("SELECT 'x'").fetchone()[0] == "x"


def test_export_to_path_refuses_existing_file_without_force(store: Store, tmp_path: Path) -> None:
    """An existing file is kept as it was unless --force; with it, it is replaced."""
    actor_id, stance_id, _ = ids(store)
    store.add_annotation(store.sentences(1)[0].id, actor_id, stance_id)
    path = tmp_path / "codes.csv"
    path.write_text("keep me", encoding="utf-8")
    with pytest.raises(ExportError) as caught:
        export_to_path(store, path, fmt="csv")
    assert str(caught.value) == f"{path} exists; pass --force to overwrite"
    assert path.read_text(encoding="utf-8") == "keep me"
    assert export_to_path(store, path, fmt="csv", force=True) == 1
    assert len(csv_rows(path.read_text(encoding="utf-8"))) == 1
    assert [name for name in os.listdir(tmp_path) if "codes" in name] == ["codes.csv"]


def test_export_to_path_missing_folder(store: Store, tmp_path: Path) -> None:
    """A folder that does not exist is named in a one-line error."""
    path = tmp_path / "missing" / "codes.csv"
    with pytest.raises(ExportError) as caught:
        export_to_path(store, path, fmt="csv")
    message = str(caught.value)
    assert "\n" not in message and str(tmp_path / "missing") in message
    assert "does not exist" in message
    assert not path.parent.exists()


def test_export_to_path_into_a_folder_name(store: Store, tmp_path: Path) -> None:
    """Naming a folder instead of a file is refused."""
    with pytest.raises(ExportError, match="is a folder"):
        export_to_path(store, tmp_path, fmt="csv")


def test_export_to_path_permission_denied(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A folder that cannot be written gives a one-line error naming path and folder."""
    folder = tmp_path / "locked"
    folder.mkdir()

    def refuse(*args: object, **kwargs: object) -> None:
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(output_files, "open", refuse, raising=False)
    path = folder / "codes.csv"
    with pytest.raises(ExportError) as caught:
        export_to_path(store, path, fmt="csv")
    message = str(caught.value)
    assert str(path) in message and "permission denied" in message and "\n" not in message
    assert os.listdir(folder) == []


def test_export_to_path_read_only_folder(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A read-only folder (mode 0o500) gives the permission error, not a traceback, and no file."""
    folder = tmp_path / "locked"
    folder.mkdir()
    folder.chmod(0o500)
    # Root, who runs the tests, writes through permission bits; this open honours the folder's
    # bits as the kernel does for anyone else.
    real_open = open

    def open_honouring_bits(
        file: str | os.PathLike[str], mode: str = "r", *args: Any, **kwargs: Any
    ) -> Any:
        if set(mode) & set("wxa+") and not Path(file).parent.stat().st_mode & stat.S_IWUSR:
            raise PermissionError(errno.EACCES, "Permission denied", str(file))
        return real_open(file, mode, *args, **kwargs)

    monkeypatch.setattr(output_files, "open", open_honouring_bits, raising=False)
    path = folder / "codes.csv"
    try:
        with pytest.raises(ExportError) as caught:
            export_to_path(store, path, fmt="csv")
    finally:
        folder.chmod(0o700)
    message = str(caught.value)
    assert str(path) in message and "permission denied" in message and "\n" not in message
    assert os.listdir(folder) == []


@pytest.mark.parametrize("existing", [False, True])
def test_disk_full_leaves_no_partial_file(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, existing: bool
) -> None:
    """ENOSPC half-way removes the temporary file and leaves any existing file untouched."""
    actor_id, stance_id, _ = ids(store)
    store.add_annotation(store.sentences(1)[0].id, actor_id, stance_id)
    folder = tmp_path / "out"
    folder.mkdir()
    path = folder / "codes.csv"
    if existing:
        path.write_text("old export", encoding="utf-8")

    def full(batches: object, write: object, names: object, *rest: object) -> int:
        write(b"annotation_id,partial\r\n")  # type: ignore[operator]
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(exporting, "_write_csv", full)
    with pytest.raises(ExportError) as caught:
        export_to_path(store, path, fmt="csv", force=True)
    message = str(caught.value)
    assert str(path) in message and "disk is full" in message
    if existing:
        assert os.listdir(folder) == ["codes.csv"]
        assert path.read_text(encoding="utf-8") == "old export"
    else:
        assert os.listdir(folder) == []


def test_export_to_path_jsonl(store: Store, tmp_path: Path) -> None:
    """export_to_path writes JSON Lines too, returning the number of rows."""
    actor_id, stance_id, _ = ids(store)
    first, second = store.sentences(1)[:2]
    store.add_annotation(second.id, actor_id, stance_id)
    store.add_annotation(first.id, actor_id, stance_id)
    path = tmp_path / "codes.jsonl"
    assert export_to_path(store, path, fmt="jsonl") == 2
    lines = path.read_text(encoding="utf-8").splitlines()
    assert [json.loads(line)["sentence_position"] for line in lines] == [
        first.position,
        second.position,
    ]


@pytest.mark.parametrize(
    ("name", "explicit", "expected"),
    [
        ("codes.csv", None, "csv"),
        ("CODES.CSV", None, "csv"),
        ("codes.jsonl", None, "jsonl"),
        ("codes.ndjson", None, "jsonl"),
        ("codes.json", None, "jsonl"),
        ("codes.txt", "csv", "csv"),
        ("codes.csv", "JSONL", "jsonl"),
    ],
)
def test_format_for_path(name: str, explicit: str | None, expected: str) -> None:
    """The extension picks the format unless one is given explicitly."""
    assert format_for_path(Path(name), explicit) == expected


def test_format_for_path_errors() -> None:
    """Unknown extensions and formats name the culprit and the choices."""
    with pytest.raises(ExportError) as caught:
        format_for_path(Path("codes.xlsx"), None)
    assert "'.xlsx'" in str(caught.value) and ".csv" in str(caught.value)
    assert ".jsonl" in str(caught.value)
    with pytest.raises(ExportError, match="without extension"):
        format_for_path(Path("codes"), None)
    with pytest.raises(ExportError, match=r"'xml'.*csv, jsonl"):
        format_for_path(Path("codes.csv"), "xml")


def test_stance_table_counts(store: Store) -> None:
    """Stances in codebook order as columns; actors by total then name; optional coder filter."""
    stances = store.stances()
    actors = sorted(store.actors(), key=lambda a: a.name)[:3]
    sentences = store.sentences(1)
    other = Store(store.db, "other")
    for sentence in sentences[:3]:
        store.add_annotation(sentence.id, actors[0].id, stances[0].id)
    store.add_annotation(sentences[0].id, actors[0].id, stances[1].id)
    store.add_annotation(sentences[0].id, actors[1].id, stances[2].id)
    store.add_annotation(sentences[0].id, actors[2].id, stances[2].id)
    other.add_annotation(sentences[0].id, actors[2].id, stances[1].id)
    keys, rows = store.stance_table()
    assert keys == [s.key for s in stances]
    zeros = [0] * len(stances)

    def counts(pairs: dict[int, int]) -> list[int]:
        row = list(zeros)
        for index, value in pairs.items():
            row[index] = value
        return row

    assert rows == [
        (actors[0].name, counts({0: 3, 1: 1}), 4),
        (actors[2].name, counts({1: 1, 2: 1}), 2),
        (actors[1].name, counts({2: 1}), 1),
    ]
    _, mine = store.stance_table(annotator="tester")
    assert [(name, total) for name, _, total in mine] == [
        (actors[0].name, 4),
        (actors[1].name, 1),
        (actors[2].name, 1),
    ]
    assert store.stance_table(annotator="nobody")[1] == []
