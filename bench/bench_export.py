"""Time a one-million-annotation CSV export against the ``sqlite3`` command-line tool.

Usage::

    python bench/bench_export.py [--db bench/out/export.db] [--annotations 1000000] [--runs 3]

Builds (once, then reuses) a database of 20,000 articles made from the seed texts, a generated
codebook of 50 actors, five stances and ten targets, and ``--annotations`` annotations by three
coders. Then, in subprocesses, it times ``export_to_path(..., fmt="csv")`` and ``sqlite3 -csv
-header DB LEGACY_SQL > file``, the query behind the export's first nineteen columns (the
columns exports had before the derived ones, which SQL alone cannot compute: parsed dates, the
actor's whole parent chain), and reads the export's peak memory from ``getrusage(RUSAGE_CHILDREN)``
minus that of a process that only imports the module. Last it checks that both files hold the
same values in those columns. Prints a Markdown table; the targets are a time ratio of at most
2.0 and under 200 MB of memory. Exits 1 when a target or the check fails.

A child's peak memory starts from its parent's (Linux counts the parent's pages until ``exec``),
so this process stays small: the database is built in a subprocess and files are compared only
after the measurements.
"""

from __future__ import annotations

import argparse
import csv
import itertools
import random
import resource
import shutil
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from reader.store.exports import LEGACY_COLUMNS  # noqa: E402

LEGACY_SQL = """SELECT x.id AS annotation_id, s.article_id AS article_id, a.source AS source,
    a.title AS title, a.published AS published, s.position AS sentence_position,
    s.start AS start, s."end" AS "end", substr(a.text, s.start + 1, s."end" - s.start) AS sentence,
    ac.name AS actor, ac.kind AS actor_kind, pa.name AS parent_actor, st.key AS stance,
    st.score AS stance_score, tg.name AS target, x.note AS note, x.annotator AS annotator,
    x.created_at AS created_at, x.updated_at AS updated_at
FROM sentences s
    CROSS JOIN annotations x ON x.sentence_id = s.id
    JOIN articles a ON a.id = s.article_id
    JOIN actors ac ON ac.id = x.actor_id
    LEFT JOIN actors pa ON pa.id = ac.parent_id
    JOIN stances st ON st.id = x.stance_id
    LEFT JOIN targets tg ON tg.id = x.target_id
ORDER BY s.article_id, s.position, x.id"""
"""The export's first columns (``LEGACY_COLUMNS``) in one query, as the export computed them
before it read each article once: the reference the ``sqlite3`` tool runs."""

ARTICLES = 20_000
ACTORS = 50
TARGETS = 10
CODERS = ("ana", "ben", "chloé")
STANCES = (
    ("support", "Support", 1.0),
    ("lean_support", "Lean support", 0.5),
    ("neutral", "Neutral", 0.0),
    ("lean_oppose", "Lean oppose", -0.5),
    ("oppose", "Oppose", -1.0),
)
KINDS = ("state", "organization", "person", "media", "other")
NOTES = ("", "", "", "", "hedged", 'quotes "officials", unnamed', "see next, para.\nsecond line")
MAX_RSS_MB = 200.0
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
BASELINE = "import sqlite3, sys, time\nfrom pathlib import Path\nimport reader.exchange.exporting\n"


def build(path: Path, annotations: int) -> None:
    """Fill a new database at ``path``: bulk inserts, one transaction, no Store overhead."""
    from reader.db import open_database, transaction
    from reader.text.sentences import split_sentences

    seeds = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "seeds").glob("*.txt"))]
    spans = [split_sentences(text) for text in seeds]
    rng = random.Random(20240601)
    start = datetime(2024, 6, 1, tzinfo=UTC)
    stamp = start.isoformat(timespec="milliseconds")
    db = open_database(path)
    conn = db.conn
    with transaction(db):
        conn.executemany(
            "INSERT INTO stances (key, label, score, position) VALUES (?, ?, ?, ?)",
            [(key, label, score, i) for i, (key, label, score) in enumerate(STANCES, 1)],
        )
        conn.executemany(
            "INSERT INTO actors (id, name, kind, parent_id) VALUES (?, ?, ?, ?)",
            [
                (i, f"Actor {i:02d}", KINDS[i % len(KINDS)], (i % 7) + 1 if i > 7 else None)
                for i in range(1, ACTORS + 1)
            ],
        )
        conn.executemany(
            "INSERT INTO targets (id, name) VALUES (?, ?)",
            [(i, f"Target {i}") for i in range(1, TARGETS + 1)],
        )
        conn.executemany(
            "INSERT INTO articles (id, title, text, source, content_hash, imported_at, published)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                (
                    i,
                    seeds[i % 3].split("\n", 1)[0] + f" ({i})",
                    seeds[i % 3],
                    f"bench/{i}.txt",
                    f"bench-{i}",
                    stamp,
                    f"2017-{i % 12 + 1:02d}-{i % 28 + 1:02d}",
                )
                for i in range(1, ARTICLES + 1)
            ),
        )
        sentence_rows = []
        for article in range(1, ARTICLES + 1):
            for position, span in enumerate(spans[article % 3]):
                sentence_rows.append((article, position, span.start, span.end, span.paragraph))
        conn.executemany(
            'INSERT INTO sentences (article_id, position, start, "end", paragraph)'
            " VALUES (?, ?, ?, ?, ?)",
            sentence_rows,
        )
        rows: list[tuple[object, ...]] = []
        for sentence_id in range(1, len(sentence_rows) + 1):
            taken: set[tuple[int, int, int, str]] = set()
            for _ in range(rng.choices(range(6), (15, 15, 20, 20, 15, 15))[0]):
                key = (
                    rng.randrange(1, ACTORS + 1),
                    rng.randrange(1, len(STANCES) + 1),
                    rng.randrange(0, TARGETS + 1),
                    rng.choice(CODERS),
                )
                if key in taken:
                    continue
                taken.add(key)
                note = rng.choice(NOTES)
                at = start + timedelta(seconds=len(rows) * 7, milliseconds=rng.randrange(1000))
                created = at.isoformat(timespec="milliseconds")
                rows.append((sentence_id, key[0], key[1], key[2] or None, note, key[3], created))
                if len(rows) == annotations:
                    break
            if len(rows) == annotations:
                break
        conn.executemany(
            "INSERT INTO annotations (sentence_id, actor_id, stance_id, target_id, note,"
            " annotator, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?7)",
            rows,
        )
        conn.executemany(
            "INSERT INTO sentence_status (sentence_id, annotator, status, updated_at)"
            " VALUES (?, ?, 'no_claim', ?)",
            [(s, CODERS[s % 3], stamp) for s in range(1, len(sentence_rows) + 1, 5)],
        )
    conn.close()


def compare(ours: Path, theirs: Path) -> tuple[int, int, int]:
    """(rows in ours, rows in theirs, rows that differ once parsed), headers excluded.

    The two tools quote differently (``sqlite3`` also quotes fields with spaces and empty
    strings) but the parsed fields of ``LEGACY_COLUMNS`` must be equal.
    """
    width = len(LEGACY_COLUMNS)
    counts = [0, 0, 0]
    with (
        open(ours, encoding="utf-8", newline="") as a,
        open(theirs, encoding="utf-8", newline="") as b,
    ):
        for left, right in itertools.zip_longest(csv.reader(a), csv.reader(b)):
            counts[0] += left is not None
            counts[1] += right is not None
            counts[2] += (left or [])[:width] != (right or [])[:width]
    return counts[0] - 1, counts[1] - 1, counts[2]


def max_rss_mb() -> float:
    """The largest resident size of any finished child so far (Linux reports kilobytes)."""
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def sqlite3_version() -> str:
    import sqlite3

    return sqlite3.sqlite_version


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", type=Path, default=ROOT / "bench" / "out" / "export.db")
    parser.add_argument("--annotations", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--build-only", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--measure", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.build_only:
        build(args.db, args.annotations)
        return
    sqlite3_tool = shutil.which("sqlite3")
    if sqlite3_tool is None:
        sys.exit("the sqlite3 command-line tool is not installed")
    out = args.db.parent
    out.mkdir(parents=True, exist_ok=True)
    if not args.measure:
        if not args.db.exists():
            started = time.perf_counter()
            command = [sys.executable, __file__, "--build-only", "--db", str(args.db)]
            subprocess.run([*command, "--annotations", str(args.annotations)], check=True)
            print(f"built {args.db} in {time.perf_counter() - started:.1f} s", file=sys.stderr)
        # Measure in a fresh process: RUSAGE_CHILDREN would still remember the build.
        measure = [sys.executable, __file__, "--measure", "--db", str(args.db)]
        sys.exit(subprocess.run([*measure, "--runs", str(args.runs)]).returncode)
    ours, theirs = out / "export-nkreader.csv", out / "export-sqlite3.csv"
    env = {"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"}
    python = [sys.executable, "-c"]
    subprocess.run([*python, BASELINE], check=True, env=env)
    baseline = max_rss_mb()
    with open(args.db, "rb") as handle:  # warm the page cache for both sides
        while handle.read(1 << 20):
            pass
    export_times: list[float] = []
    tool_times: list[float] = []
    rows = 0
    peak = 0.0
    for run in range(args.runs):
        started = time.perf_counter()
        done = subprocess.run(
            [*python, CHILD, str(args.db), str(ours)],
            check=True,
            env=env,
            capture_output=True,
            text=True,
        )
        export_times.append(time.perf_counter() - started)
        rows = int(done.stdout.split()[0])
        if run == 0:
            peak = max_rss_mb()  # before any sqlite3 child could raise the maximum
        started = time.perf_counter()
        with open(theirs, "wb") as handle:
            command = [sqlite3_tool, "-csv", "-header", str(args.db), LEGACY_SQL]
            subprocess.run(command, check=True, stdout=handle)
        tool_times.append(time.perf_counter() - started)
    ours_rows, theirs_rows, differ = compare(ours, theirs)
    export_s, tool_s = statistics.median(export_times), statistics.median(tool_times)
    ratio = export_s / tool_s
    memory = peak - baseline
    print("| measure | value | target |")
    print("|---|---|---|")
    print(f"| rows reported by `export_to_path` | {rows:,} | |")
    print(f"| CSV rows: nkreader / sqlite3 | {ours_rows:,} / {theirs_rows:,} | equal |")
    print(f"| rows whose first {len(LEGACY_COLUMNS)} columns differ once parsed | {differ:,} | 0 |")
    print(f'| `export_to_path(fmt="csv")`, median of {args.runs} | {export_s:.2f} s | |')
    print(f"| `sqlite3 -csv -header DB LEGACY_SQL`, median of {args.runs} | {tool_s:.2f} s | |")
    print(f"| ratio | {ratio:.2f} | ≤ {MAX_RATIO} |")
    print(f"| export peak RSS − import-only baseline | {memory:.1f} MB | < {MAX_RSS_MB:.0f} MB |")
    print(f"| (peak RSS / baseline) | {peak:.1f} / {baseline:.1f} MB | |")
    print()
    print(f"Command: `python bench/bench_export.py --db {args.db}` (sqlite3 {sqlite3_version()})")
    ok = ours_rows == theirs_rows == rows and not differ
    ok = ok and ratio <= MAX_RATIO and memory < MAX_RSS_MB
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
