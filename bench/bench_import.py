"""How fast ``import_paths`` is compared with the sentence splitter alone.

Usage::

    python bench/bench_import.py [--articles 10000] [--gold PATH] [--seeds DIR] [--keep DIR]
                                 [--without-fts]

Builds a corpus of real news sentences (see ``bench/corpus.py``), then in the same run times
(a) ``split_sentences`` over every text, already in memory, and (b) ``import_paths`` of the same
files into a new database file: reading, decoding, hashing, splitting, inserting articles,
sentences and the full-text index, and committing. Splitting is work the import cannot avoid, so
the ratio of the two speeds says how much the rest costs; the target is at least 0.5 (the rest
costs no more than the splitting). Prints a Markdown table and the command line that produced it.

The import row also says how much of its time went into the database writes (inserts, the
full-text index trigger, commits). ``--without-fts`` adds a diagnostic row: the same import into a
database whose full-text trigger was dropped, to show what the index costs.
"""

from __future__ import annotations

import argparse
import shlex
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import GOLD, SEEDS, build_corpus  # noqa: E402

from reader import importing  # noqa: E402
from reader.db import open_database  # noqa: E402
from reader.decoding import normalise  # noqa: E402
from reader.importing import import_paths, summarize  # noqa: E402
from reader.sentences import split_sentences  # noqa: E402

TARGET = 0.5


def _split_all(texts: list[str]) -> tuple[float, int]:
    start = time.perf_counter()
    sentences = sum(len(split_sentences(text)) for text in texts)
    return time.perf_counter() - start, sentences


class _WriteTimer:
    """Wraps the import's batch writer to add up the time spent in it."""

    def __init__(self) -> None:
        self.seconds = 0.0
        self.write = importing._write

    def __call__(self, *args: Any) -> Any:
        start = time.perf_counter()
        try:
            return self.write(*args)
        finally:
            self.seconds += time.perf_counter() - start


def _import_all(folder: Path, db_path: Path, fts: bool) -> tuple[float, float, int, int]:
    db = open_database(db_path)
    if not fts:
        db.conn.execute("DROP TRIGGER articles_ai")
    timer = _WriteTimer()
    importing._write = timer  # type: ignore[assignment]
    start = time.perf_counter()
    try:
        results = import_paths(db, [folder])
    finally:
        importing._write = timer.write  # type: ignore[assignment]
    seconds = time.perf_counter() - start
    summary = summarize(results)
    if summary.failed or summary.skipped:
        print(f"warning: {summary.failed} failed, {summary.skipped} skipped", file=sys.stderr)
    sentences = db.conn.execute("SELECT count(*) FROM sentences").fetchone()[0]
    db.conn.close()
    return seconds, timer.seconds, summary.imported, sentences


def run(articles: int, gold: Path, seeds: Path, keep: Path | None, without_fts: bool) -> float:
    """Build the corpus, time both stages, print the table; the speed ratio is returned."""
    with tempfile.TemporaryDirectory(prefix="nkreader-bench-") as tmp:
        folder = keep or Path(tmp) / "corpus"
        paths = build_corpus(folder, articles, gold, seeds)
        texts = [normalise(path.read_text(encoding="utf-8")) for path in paths]
        split_seconds, split_sentences_count = _split_all(texts)
        import_seconds, write_seconds, imported, stored = _import_all(
            folder, Path(tmp) / "bench.db", fts=True
        )
        bare = _import_all(folder, Path(tmp) / "bare.db", fts=False) if without_fts else None

    split_rate = (articles / split_seconds, split_sentences_count / split_seconds)
    import_rate = (imported / import_seconds, stored / import_seconds)
    ratio = import_rate[1] / split_rate[1]
    print(f"`{shlex.join([sys.executable, *sys.argv])}`\n")
    print("| stage | articles | sentences | seconds | articles/s | sentences/s |")
    print("|---|---:|---:|---:|---:|---:|")
    print(
        f"| split_sentences (in memory) | {articles:,} | {split_sentences_count:,} "
        f"| {split_seconds:.2f} | {split_rate[0]:,.0f} | {split_rate[1]:,.0f} |"
    )
    print(
        f"| import_paths (files to database) | {imported:,} | {stored:,} "
        f"| {import_seconds:.2f} | {import_rate[0]:,.0f} | {import_rate[1]:,.0f} |"
    )
    print(f"| … of which database writes | | | {write_seconds:.2f} | | |")
    if bare is not None:
        print(
            f"| import_paths, full-text trigger dropped (diagnostic) | {bare[2]:,} | {bare[3]:,} "
            f"| {bare[0]:.2f} | {bare[2] / bare[0]:,.0f} | {bare[3] / bare[0]:,.0f} |"
        )
        print(f"| … of which database writes | | | {bare[1]:.2f} | | |")
    verdict = "meets" if ratio >= TARGET else "misses"
    print(f"\nimport speed / splitter speed = {ratio:.2f} ({verdict} the target of {TARGET})")
    return ratio


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=10_000, help="articles to generate")
    parser.add_argument("--gold", type=Path, default=GOLD, help="GUM news gold JSON")
    parser.add_argument("--seeds", type=Path, default=SEEDS, help="folder of seed .txt files")
    parser.add_argument("--keep", type=Path, help="write the corpus here and keep it")
    parser.add_argument(
        "--without-fts", action="store_true", help="also time an import without the FTS trigger"
    )
    args = parser.parse_args()
    run(args.articles, args.gold, args.seeds, args.keep, args.without_fts)


if __name__ == "__main__":
    main()
