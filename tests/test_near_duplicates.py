"""Near-duplicate articles: sketches agree with the exact shingle sets, detection against exact
Jaccard on a sample, the import's three modes, groups across imports, and what coders see."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
from click.testing import CliRunner

from reader.cli.commands import cli
from reader.db import open_database
from reader.exchange import importing
from reader.exchange.importing import import_paths, summarize
from reader.store import Store
from reader.text import shingles
from reader.text.shingles import THRESHOLD, hashed_jaccard, jaccard, shingle_set, sketches, unique
from tests.helpers import run_reader

WORDS = [
    "nuclear",
    "missile",
    "test",
    "talks",
    "sanctions",
    "envoy",
    "Seoul",
    "Pyongyang",
    "Tokyo",
    "Beijing",
    "Washington",
    "council",
    "resolution",
    "delegation",
    "ministry",
    "statement",
    "launch",
    "range",
    "kilometres",
    "agency",
    "official",
    "Köln",
    "über",
    "said",
    "would",
    "could",
    "the",
    "a",
    "of",
    "in",
    "on",
    "and",
    "to",
    "that",
    "with",
    "for",
    "by",
    "from",
    "after",
    "before",
    "during",
    "week",
]


def story(rng: random.Random, words: int) -> str:
    """Sentences of random words (so two stories share almost no 5-word run)."""
    out, sentence = [], []
    for _ in range(words):
        sentence.append(rng.choice(WORDS))
        if len(sentence) >= rng.randint(8, 20):
            out.append(" ".join(sentence).capitalize() + ".")
            sentence = []
    out.append(" ".join(sentence).capitalize() + ".")
    return "\n\n".join(" ".join(out[i : i + 4]) for i in range(0, len(out), 4))


def edited(rng: random.Random, text: str, changes: int) -> str:
    """``text`` with ``changes`` words replaced, kept in its paragraphs."""
    words = text.split(" ")
    for _ in range(changes):
        words[rng.randrange(len(words))] = f"edit{rng.randrange(10**6)}"
    return " ".join(words)


def write(folder: Path, name: str, title: str, body: str) -> Path:
    path = folder / name
    path.write_text(f"{title}\n\n{body}", encoding="utf-8")
    return path


# -- the sketches -----------------------------------------------------------------------------


def test_sketches_hash_exactly_the_shingle_sets() -> None:
    """For texts with every kind of space ``str.split`` knows (no-break, ideographic, line
    separators, tabs), upper-case letters outside ASCII, and texts too short for one shingle:
    the hashes are one per distinct shingle, and their Jaccard is the exact one."""
    rng = random.Random(7)
    spaces = [" ", "  ", "\n", "\t", "\u00a0", "\u3000", "\u2009", "\u2028", "\x1f", "\u202f"]
    texts = []
    for _ in range(60):
        words = [
            rng.choice([*WORDS, "ÜBER", "Straße", "ΑΘΗΝΑ", "日本"])
            for _ in range(rng.randint(0, 80))
        ]
        texts.append("".join(word + rng.choice(spaces) for word in words))
    texts += ["", "one two three four", "one two three four five"]
    found = sketches(texts)
    for text, sketch in zip(texts, found, strict=True):
        exact = shingle_set(text)
        assert len(unique(sketch.shingles)) == len(exact)
        assert bool(sketch.bands) == bool(exact)
        assert len(sketch.bands) in (0, shingles.BANDS)
    for a, b in zip(range(0, 60, 2), range(1, 60, 2), strict=True):
        exact = jaccard(shingle_set(texts[a]), shingle_set(texts[b]))
        hashed = hashed_jaccard(unique(found[a].shingles), unique(found[b].shingles))
        assert hashed == pytest.approx(exact)
    # one text alone, or among others: the same keys (they are stored and compared later)
    assert shingles.sketch(texts[5]).bands == found[5].bands


def test_detection_matches_exact_jaccard_on_a_sample(db: Store, tmp_path: Path) -> None:
    """A sample of 120 stories and 240 edited copies spread around the threshold (Jaccard from
    about 0.75 to 1.0): the copies marked against every pair's exact Jaccard; precision and
    recall at least 0.95 (the candidates are confirmed exactly, so precision is 1)."""
    rng = random.Random(2024)
    folder = tmp_path / "sample"
    folder.mkdir()
    texts: list[str] = []
    for _ in range(120):
        base = story(rng, rng.randint(150, 400))
        texts.append(base)
        for _ in range(2):
            texts.append(edited(rng, base, rng.randint(0, max(1, len(base.split()) // 40))))
    order = list(range(len(texts)))
    rng.shuffle(order)
    for place, index in enumerate(order):
        write(folder, f"{place:04d}.txt", f"Story {place}", texts[index])
    results = import_paths(db, [folder])
    assert summarize(results).imported == len(texts)  # titles differ: no two files are equal
    rows = db.conn.execute("SELECT id, title, text FROM articles ORDER BY id").fetchall()
    sets = [shingle_set(shingles.body_text(text, title)) for _, title, text in rows]
    truth = {
        rows[j][0]
        for j in range(len(rows))
        if any(jaccard(sets[i], sets[j]) >= THRESHOLD for i in range(j))
    }
    marked = {row[0] for row in db.conn.execute("SELECT article_id FROM near_duplicates")}
    true_positives = len(truth & marked)
    precision = true_positives / len(marked)
    recall = true_positives / len(truth)
    assert len(truth) > 60  # the sample holds enough copies on both sides of the threshold
    assert precision >= 0.95 and recall >= 0.95, (precision, recall)
    for copy, original, similarity in db.conn.execute("SELECT * FROM near_duplicates"):
        assert original < copy and similarity >= THRESHOLD
        assert db.copy_of(original) is None  # an original is never itself a copy


# -- the import -------------------------------------------------------------------------------


@pytest.fixture
def wire(tmp_path: Path) -> dict[str, Path]:
    """An agency story, two outlets' copies of it (a word changed), and another story."""
    rng = random.Random(5)
    base = story(rng, 300)
    folder = tmp_path / "wire"
    folder.mkdir()
    return {
        "ap": write(folder, "1-ap.txt", "Missiles fired", base),
        "herald": write(folder, "2-herald.txt", "North fires missiles", edited(rng, base, 1)),
        "other": write(folder, "3-other.txt", "Talks resume", story(rng, 300)),
        "times": write(folder, "4-times.txt", "Missile launch", edited(rng, base, 2)),
    }


def test_mark_groups_copies_with_the_first_stored(db: Store, wire: dict[str, Path]) -> None:
    """Across two imports and within one: every copy marked as a copy of the first stored; the
    result and summary say so; ``duplicate_group`` in the export."""
    first = import_paths(db, [wire["ap"]])
    results = import_paths(db, [wire["herald"], wire["other"], wire["times"]])
    assert [r.near_copy for r in first + results] == [False, True, False, True]
    assert results[0].message.endswith("; a near-copy of article 1 (similarity 0.97)")
    assert summarize(results).near_copies == 2
    assert [(s.id, s.copy_of) for s in db.article_summaries(0, 10)] == [
        (1, None), (2, 1), (3, None), (4, 1),
    ]  # fmt: skip
    (group,) = db.duplicate_groups()
    assert (group.id, [copy.id for copy in group.copies]) == (1, [2, 4])
    assert [db.duplicate_group(i) for i in (1, 2, 3, 4)] == [1, 1, None, 1]


def test_copies_within_one_batch_and_across_batches(
    db: Store, wire: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Batches of one article: the copy's original is in a batch the writer thread may not have
    written yet; the same groups as one batch gives."""
    monkeypatch.setattr(importing, "_BATCH_ARTICLES", 1)
    import_paths(db, [wire["ap"].parent])
    assert dict(db.conn.execute("SELECT article_id, original_id FROM near_duplicates")) == {
        2: 1,
        4: 1,
    }


def test_skip_leaves_copies_out_and_keep_leaves_them_unmarked(
    db_path: Path, tmp_path: Path, wire: dict[str, Path]
) -> None:
    """``skip``: the copies are reported as skipped, naming their original, and not stored;
    ``keep``: imported as ordinary articles; a later ``mark`` import still finds copies of the
    articles ``keep`` stored (the index catches up)."""
    store = Store(open_database(db_path), "t")
    results = import_paths(store, [wire["ap"].parent], near_duplicates="skip")
    assert [r.status for r in results] == ["imported", "skipped", "imported", "skipped"]
    assert results[1].message.endswith(
        "2-herald.txt: a near-copy of article 1 (similarity 0.97); skipped (--near-duplicates skip)"
    )
    assert store.article_count() == 2
    store.close()
    kept = Store(open_database(tmp_path / "keep.db"), "t")
    results = import_paths(kept, [wire["ap"], wire["herald"]], near_duplicates="keep")
    assert summarize(results).imported == 2 and kept.near_copy_count() == 0
    assert kept.near_duplicate_index_through() == 0
    import_paths(kept, [wire["times"]])
    assert kept.copy_of(3) == 1
    kept.close()


def test_bracket_passes_over_copies(db: Store, wire: dict[str, Path]) -> None:
    """``]`` from the original's last sentence goes to the next article that is not a copy."""
    import_paths(db, [wire["ap"].parent])
    last = db.sentences(1)[-1]
    found = db.next_open_sentence(1, last.position, 1)
    assert found is not None and found[0] == 3


async def test_article_list_says_copy_of(db: Store, wire: dict[str, Path]) -> None:
    """The list's progress line of a copy ends "copy of #1"."""
    import_paths(db, [wire["ap"], wire["herald"]])
    async with run_reader(db, (80, 24)) as ui:
        from tests.helpers import screen_text

        shown = screen_text(ui.app)
    assert "copy of #1" in shown
    assert shown.count("copy of #") == 1


def test_commands(db_path: Path, wire: dict[str, Path]) -> None:
    """``import --near-duplicates``, ``articles`` with its copy column, ``duplicates`` as a table
    and CSV, and the export's ``duplicate_group``."""
    runner = CliRunner()
    folder = str(wire["ap"].parent)
    result = runner.invoke(cli, ["--db", str(db_path), "import", folder])
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines()[-1] == (
        "imported 4 (2 marked as near-copies: nkreader duplicates), skipped 0, failed 0"
    )
    listing = runner.invoke(cli, ["--db", str(db_path), "articles"]).stdout.splitlines()
    assert listing[0].split() == ["id", "title", "sentences", "coded", "copy"]
    assert listing[3].endswith("copy of #1") and not listing[4].endswith("#1")
    table = runner.invoke(cli, ["--db", str(db_path), "duplicates"])
    assert [line.split()[:3] for line in table.stdout.splitlines()[2:]] == [
        ["1", "1", "original"], ["1", "2", "copy"], ["1", "4", "copy"],
    ]  # fmt: skip
    assert table.stderr.strip() == "1 group, 2 copies"
    csv_out = runner.invoke(cli, ["--db", str(db_path), "duplicates", "--format", "csv"]).stdout
    assert csv_out.splitlines()[0] == "group,article_id,role,similarity,title,source"
    store = Store(open_database(db_path), "t")
    sentence = store.sentences(2)[0]
    store.add_annotation(sentence.id, store.actors()[0].id, store.stances()[0].id)
    store.close()
    out = runner.invoke(cli, ["--db", str(db_path), "export", "--format", "jsonl"]).stdout
    assert json.loads(out.splitlines()[0])["duplicate_group"] == 1


def test_an_older_database_is_indexed_by_the_next_import(tmp_path: Path) -> None:
    """A file of the first schema (its articles never keyed) upgraded, then an import of a
    near-copy of one of its seed articles: the index catches up first and the copy is marked."""
    import shutil

    from tests.conftest import REPO

    path = tmp_path / "old.db"
    shutil.copy(REPO / "tests" / "fixtures" / "schema_v1.db", path)
    store = Store(open_database(path), "t")
    assert store.near_duplicate_index_through() == 0
    title, text = store.conn.execute("SELECT title, text FROM articles WHERE id = 1").fetchone()
    words = shingles.body_text(text, title).split(" ")
    words[len(words) // 2] = "changed"
    copy = write(tmp_path, "copy.txt", "Another headline", " ".join(words))
    (result,) = import_paths(store, [copy])
    assert store.near_duplicate_index_through() == store.article_count()
    assert result.near_copy and store.copy_of(result.article_id or 0) == 1
    store.close()
