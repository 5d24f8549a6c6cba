"""How fast ``import_paths`` is compared with the sentence splitter alone.

Usage::

    python bench/bench_import.py [--articles 10000] [--repeat 3] [--gold PATH] [--seeds DIR]
                                 [--keep DIR] [--without-fts]

Builds a corpus of real news sentences (see ``bench/corpus.py``), then in the same run times
(a) ``split_sentences`` over every text, already in memory, and (b) ``import_paths`` of the same
files into a new database file: reading, decoding, hashing, splitting, inserting articles,
sentences and the full-text index, and committing. Splitting is work the import cannot avoid, so
the ratio of the two speeds says how much the rest costs; the target is at least 0.5 (the rest
costs no more than the splitting). Prints a Markdown table and the command line that produced it.

The two stages are timed alternately ``--repeat`` times and the fastest run of each is reported
(shared machines are noisy; the fastest run is the one least disturbed), with the ratio of every
round beside it. The import writes its batches on a second thread while the first one prepares
the next batch: the table says how long that writer thread was busy and how many cores the import
kept busy (process CPU time / wall time). ``--without-fts`` adds a diagnostic row: the same import
into a database whose full-text trigger was dropped, to show what the index costs.
"""

from __future__ import annotations

import argparse
import os
import shlex
import sys
import tempfile
import time
from dataclasses import dataclass
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
    """Wraps the import's batch writer to add up the time spent in it (on whichever thread)."""

    def __init__(self) -> None:
        self.seconds = 0.0
        self.write = importing._write

    def __call__(self, *args: Any) -> Any:
        start = time.perf_counter()
        try:
            return self.write(*args)
        finally:
            self.seconds += time.perf_counter() - start


@dataclass(frozen=True)
class _Import:
    seconds: float
    write_seconds: float
    cpu_seconds: float
    imported: int
    sentences: int


def _import_all(folder: Path, db_path: Path, fts: bool) -> _Import:
    db = open_database(db_path)
    if not fts:
        db.conn.execute("DROP TRIGGER articles_ai")
    timer = _WriteTimer()
    importing._write = timer  # type: ignore[assignment]
    start, cpu = time.perf_counter(), time.process_time()
    try:
        results = import_paths(db, [folder])
    finally:
        importing._write = timer.write  # type: ignore[assignment]
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    summary = summarize(results)
    if summary.failed or summary.skipped:
        print(f"warning: {summary.failed} failed, {summary.skipped} skipped", file=sys.stderr)
    sentences = db.conn.execute("SELECT count(*) FROM sentences").fetchone()[0]
    db.conn.close()
    return _Import(seconds, timer.seconds, cpu, summary.imported, sentences)


def run(
    articles: int, gold: Path, seeds: Path, keep: Path | None, without_fts: bool, repeat: int
) -> float:
    """Build the corpus, time both stages, print the table; the speed ratio is returned."""
    splits: list[float] = []
    imports: list[_Import] = []
    with tempfile.TemporaryDirectory(prefix="nkreader-bench-") as tmp:
        folder = keep or Path(tmp) / "corpus"
        paths = build_corpus(folder, articles, gold, seeds)
        texts = [normalise(path.read_text(encoding="utf-8")) for path in paths]
        for round_ in range(repeat):
            split_seconds, split_count = _split_all(texts)
            splits.append(split_seconds)
            imports.append(_import_all(folder, Path(tmp) / f"bench{round_}.db", fts=True))
        bare = _import_all(folder, Path(tmp) / "bare.db", fts=False) if without_fts else None

    split_seconds = min(splits)
    best = min(imports, key=lambda run: run.seconds)
    split_rate = (articles / split_seconds, split_count / split_seconds)
    import_rate = (best.imported / best.seconds, best.sentences / best.seconds)
    ratio = import_rate[1] / split_rate[1]
    rounds = ", ".join(
        f"{(run.sentences / run.seconds) / (split_count / split):.2f}"
        for split, run in zip(splits, imports, strict=True)
    )
    print(f"`{shlex.join([sys.executable, *sys.argv])}`\n")
    print(f"{os.cpu_count()} CPU cores; fastest of {repeat} alternating rounds per stage.\n")
    print("| stage | articles | sentences | seconds | articles/s | sentences/s | cores busy |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    print(
        f"| split_sentences (in memory) | {articles:,} | {split_count:,} "
        f"| {split_seconds:.2f} | {split_rate[0]:,.0f} | {split_rate[1]:,.0f} | 1 |"
    )
    print(
        f"| import_paths (files to database) | {best.imported:,} | {best.sentences:,} "
        f"| {best.seconds:.2f} | {import_rate[0]:,.0f} | {import_rate[1]:,.0f} "
        f"| {best.cpu_seconds / best.seconds:.2f} |"
    )
    busy = best.write_seconds
    print(f"| … of which the batch writer was busy (overlapped) | | | {busy:.2f} | | | |")
    if bare is not None:
        print(
            f"| import_paths, full-text trigger dropped (diagnostic) | {bare.imported:,} "
            f"| {bare.sentences:,} | {bare.seconds:.2f} | {bare.imported / bare.seconds:,.0f} "
            f"| {bare.sentences / bare.seconds:,.0f} | {bare.cpu_seconds / bare.seconds:.2f} |"
        )
    verdict = "meets" if ratio >= TARGET else "misses"
    print(f"\nimport speed / splitter speed = {ratio:.2f} ({verdict} the target of {TARGET})")
    print(f"ratio in each round: {rounds}")
    return ratio


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=10_000, help="articles to generate")
    parser.add_argument("--repeat", type=int, default=3, help="rounds of both stages")
    parser.add_argument("--gold", type=Path, default=GOLD, help="GUM news gold JSON")
    parser.add_argument("--seeds", type=Path, default=SEEDS, help="folder of seed .txt files")
    parser.add_argument("--keep", type=Path, help="write the corpus here and keep it")
    parser.add_argument(
        "--without-fts", action="store_true", help="also time an import without the FTS trigger"
    )
    args = parser.parse_args()
    run(args.articles, args.gold, args.seeds, args.keep, args.without_fts, max(1, args.repeat))


if __name__ == "__main__":
    main()
