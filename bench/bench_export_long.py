"""Time the export of one long article against the same text as many 10 KB articles.

Usage::

    python bench/bench_export_long.py [--out bench/out/long] [--megabytes 3] [--runs 3]
                                      [--compare-with /path/to/another/checkout]

Builds (once, then reuses) two databases holding the same ``--megabytes`` of news text (the
seeds, repeated), split into the same sentences, each sentence coded once by one coder with an
actor that has parents: ``long.db`` holds it as one article, ``short.db`` as articles of 10 KB
(300 for 3 MB). Then, alternating, in subprocesses, it times ``export_to_path(..., fmt="csv")``
on each (median of ``--runs``) and checks both files hold the same coded rows. The target: the
long article within 2× the short ones (the baseline, measured in the same run).

``--compare-with DIR`` also times the export of the nkreader checkout in ``DIR`` (an older
version, say) on the same two databases, for the table's "before" column.
"""

from __future__ import annotations

import argparse
import csv
import sqlite3
import statistics
import subprocess
import sys
import time
from contextlib import closing
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CHUNK = 10_000
"""Characters per article of the short database."""
MAX_RATIO = 2.0

CHILD = """
import sqlite3, sys, time
from pathlib import Path
from reader.exchange.exporting import export_to_path
from reader.store import Store
store = Store(sqlite3.connect(sys.argv[1]), "bench")
started = time.perf_counter()
rows = export_to_path(store, Path(sys.argv[2]), fmt="csv", force=True)
print(rows, time.perf_counter() - started)
"""


def chunks(megabytes: float) -> list[str]:
    """Texts of about ``CHUNK`` characters each, whole paragraphs of the seeds (apostrophes
    typographic, as news agencies write them), ``megabytes`` in all."""
    paragraphs = [
        line.strip().replace("'", "\u2019")  # news text is rarely pure ASCII
        for path in sorted((ROOT / "seeds").glob("*.txt"))
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    texts: list[str] = []
    total, index = 0, 0
    while total < megabytes * 1_000_000:
        parts: list[str] = []
        size = 0
        while size < CHUNK:
            paragraph = paragraphs[index % len(paragraphs)]
            index += 1
            parts.append(paragraph)
            size += len(paragraph) + 2
        text = "\n\n".join(parts)
        texts.append(text)
        total += len(text) + 2
    return texts


def build(out: Path, megabytes: float) -> tuple[Path, Path]:
    """``long.db`` and ``short.db`` in ``out``, built unless they exist."""
    from reader.db import open_database, transaction
    from reader.text.sentences import split_sentences

    long_db, short_db = out / "long.db", out / "short.db"
    if long_db.exists() and short_db.exists():
        return long_db, short_db
    texts = chunks(megabytes)
    spans = [split_sentences(text) for text in texts]
    joined = "\n\n".join(texts)
    shifts, at = [], 0
    for text in texts:
        shifts.append(at)
        at += len(text) + 2
    for path, articles in (
        (long_db, [(joined, [(s.start + shift, s.end + shift, s.paragraph)
                             for ss, shift in zip(spans, shifts, strict=True) for s in ss])]),
        (short_db, [(text, [(s.start, s.end, s.paragraph) for s in ss])
                    for text, ss in zip(texts, spans, strict=True)]),
    ):  # fmt: skip
        path.unlink(missing_ok=True)
        db = open_database(path)
        conn = db.conn
        with transaction(db):
            conn.execute("INSERT INTO stances (key, label, score, position) VALUES"
                         " ('support', 'Support', 1.0, 1), ('lean', 'Lean', 2.0/3, 2)")  # fmt: skip
            conn.execute("INSERT INTO actors (id, name, kind, parent_id) VALUES"
                         " (1, 'China', 'state', NULL), (2, 'Foreign Ministry', 'organization', 1),"
                         " (3, 'Hong Lei', 'person', 2)")  # fmt: skip
            conn.execute("INSERT INTO targets (id, name) VALUES (1, 'Sanctions')")
            sentence_id = 0
            for number, (text, sentences) in enumerate(articles, start=1):
                conn.execute(
                    "INSERT INTO articles (id, title, text, source, content_hash, imported_at,"
                    " published, outlet) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    [number, f"Article {number}", text, f"bench/{number}.txt", f"h{number}",
                     "2024-06-01T00:00:00.000+00:00", "March 11, 2024 9:20 AM GMT", "Wire"],
                )  # fmt: skip
                conn.executemany(
                    'INSERT INTO sentences (id, article_id, position, start, "end", paragraph)'
                    " VALUES (?, ?, ?, ?, ?, ?)",
                    [(sentence_id + i + 1, number, i, *s) for i, s in enumerate(sentences)],
                )
                conn.executemany(
                    "INSERT INTO annotations (sentence_id, actor_id, stance_id, target_id, note,"
                    " annotator, created_at, updated_at) VALUES (?, 3, ?, 1, '', 'ana', ?, ?3)",
                    [
                        (
                            sentence_id + i + 1,
                            (sentence_id + i) % 2 + 1,
                            "2024-06-01T00:00:00.000+00:00",
                        )
                        for i in range(len(sentences))
                    ],
                )
                sentence_id += len(sentences)
        conn.close()
    return long_db, short_db


def coded(path: Path) -> list[tuple[str, ...]]:
    """The rows of an export that do not depend on how the text was cut into articles."""
    with open(path, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    keep = ("sentence", "actor", "actor_path", "stance", "stance_score", "target",
            "published_date", "published_time", "outlet")  # fmt: skip
    return [tuple(row.get(name, "") for name in keep) for row in rows]


def run(checkout: Path, db: Path, out: Path) -> tuple[int, float]:
    """(rows, seconds) of one export of ``db`` by the nkreader in ``checkout``."""
    env = {"PYTHONPATH": str(checkout), "PATH": "/usr/bin:/bin", "PYTHONDONTWRITEBYTECODE": "1"}
    done = subprocess.run(
        [sys.executable, "-c", CHILD, str(db), str(out)],
        check=True,
        env=env,
        cwd=out.parent,  # not a checkout: ``python -c`` looks for ``reader`` here first
        capture_output=True,
        text=True,
    )
    rows, seconds = done.stdout.split()
    return int(rows), float(seconds)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out" / "long")
    parser.add_argument("--megabytes", type=float, default=3.0)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--compare-with", type=Path, default=None)
    args = parser.parse_args()
    out = args.out / f"{args.megabytes:g}mb"
    out.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    long_db, short_db = build(out, args.megabytes)
    print(f"databases ready in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    checkouts = [("this checkout", ROOT)]
    if args.compare_with is not None:
        checkouts.append((str(args.compare_with), args.compare_with.resolve()))
    times: dict[tuple[str, str], list[float]] = {}
    rows: dict[str, int] = {}
    for _ in range(args.runs):
        for label, checkout in checkouts:
            for name, db in (("long", long_db), ("short", short_db)):
                count, seconds = run(checkout, db, out / f"{name}-{checkout.name}.csv")
                times.setdefault((label, name), []).append(seconds)
                rows[name] = count
    same = coded(out / f"long-{ROOT.name}.csv") == coded(out / f"short-{ROOT.name}.csv")
    with closing(sqlite3.connect(long_db)) as conn:
        length, sentences = conn.execute(
            "SELECT length(text), (SELECT count(*) FROM sentences) FROM articles"
        ).fetchone()
    with closing(sqlite3.connect(short_db)) as conn:
        short_articles = conn.execute("SELECT count(*) FROM articles").fetchone()
    print(f"{length:,} characters, {sentences:,} sentences, one annotation each; "
          f"short: {short_articles[0]} articles of about {CHUNK:,} characters")  # fmt: skip
    print()
    print("| export of | " + " | ".join(label for label, _ in checkouts) + " |")
    print("|---|" + "---:|" * len(checkouts))
    for name, what in (("long", "one article"), ("short", f"{short_articles[0]} articles")):
        cells = [f"{statistics.median(times[(label, name)]):.2f} s" for label, _ in checkouts]
        print(f"| {what} ({rows[name]:,} rows) | " + " | ".join(cells) + " |")
    ratios = [
        statistics.median(times[(label, "long")]) / statistics.median(times[(label, "short")])
        for label, _ in checkouts
    ]
    print("| ratio long / short | " + " | ".join(f"**{r:.2f}**" for r in ratios) + " |")
    print()
    print(f"Same coded rows in both exports: {'yes' if same else 'NO'}; target ratio "
          f"≤ {MAX_RATIO} (this checkout); medians of {args.runs} runs, alternating.")  # fmt: skip
    command = f"python bench/bench_export_long.py --megabytes {args.megabytes:g}"
    if args.compare_with is not None:
        command += f" --compare-with {args.compare_with}"
    print(f"Command: `{command}`")
    sys.exit(0 if same and rows["long"] == rows["short"] and ratios[0] <= MAX_RATIO else 1)


if __name__ == "__main__":
    main()
