"""Properties over arbitrary Unicode: what goes in through import comes out of export unchanged.

The splitter's own invariants (ordered, non-overlapping, tight spans covering every non-space
character) are properties in test_sentences.py; these tests check the path around it.
"""

from __future__ import annotations

import csv
import json
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from reader.db import open_database
from reader.exchange.exporting import export_to_path, read_cell
from reader.exchange.importing import import_paths
from reader.store import Store

TEXT = st.text(
    alphabet=st.characters(exclude_categories=("Cs",), exclude_characters="\x00"),
    min_size=1,
    max_size=400,
)
"""Any text SQLite can hold intact (a NUL is a separate, known case: see test_hostile.py)."""
NOTE = st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=60)
SETTINGS = settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.filter_too_much]
)


def round_trip(folder: Path, source: Path, pick: int, note: str) -> None:
    """Import ``source``, annotate one sentence with ``note``, export CSV, compare what is read
    back (taking off the quote that escapes cells a spreadsheet would run as formulas)."""
    store = Store(open_database(folder / "a.db"), "tester")
    results = import_paths(store, [source])
    assume(len(results) == 1 and results[0].status == "imported")
    actor = store.add_actor("Japan", "state")
    stance = store.add_stance("support")
    article = store.article(int(str(results[0].article_id)))
    assert article is not None
    sentences = store.sentences(article.id)
    assert sentences, "an imported article has at least one sentence"
    sentence = sentences[pick % len(sentences)]
    assert sentence.text == article.text[sentence.start : sentence.end]
    store.add_annotation(sentence.id, actor.id, stance.id, None, note)
    out = folder / "out.csv"
    assert export_to_path(store, out, fmt="csv") == 1
    store.close()
    with out.open(newline="", encoding="utf-8") as handle:
        [raw] = list(csv.DictReader(handle))
    row = {column: read_cell(value) for column, value in raw.items()}  # undo formula escapes
    assert row["sentence"] == article.text[sentence.start : sentence.end]
    assert (int(row["start"]), int(row["end"])) == (sentence.start, sentence.end)
    assert row["note"] == note.strip()
    assert row["title"] == article.title
    assert row["actor"] == "Japan" and row["stance"] == "support"


@SETTINGS
@given(text=TEXT, pick=st.integers(min_value=0, max_value=200), note=NOTE)
def test_text_file_round_trips_through_import_and_csv_export(
    text: str, pick: int, note: str
) -> None:
    """A .txt of any text: the exported sentence is the stored slice, the note is kept."""
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        source = folder / "article.txt"
        source.write_text(text, encoding="utf-8", newline="")
        round_trip(folder, source, pick, note)


@SETTINGS
@given(
    title=st.text(max_size=40).filter(lambda t: "\x00" not in t),
    text=TEXT,
    pick=st.integers(min_value=0, max_value=200),
    note=NOTE,
)
def test_jsonl_record_round_trips_through_import_and_csv_export(
    title: str, text: str, pick: int, note: str
) -> None:
    """A JSON Lines record of any text: the exported sentence is the stored slice."""
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        source = folder / "feed.jsonl"
        record = {"title": title, "text": text}
        source.write_text(json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8")
        round_trip(folder, source, pick, note)
