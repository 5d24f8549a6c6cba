"""How fast ``import_paths`` is compared with the sentence splitter alone.

Usage::

    python bench/bench_import.py [--articles 10000] [--repeat 3] [--gold PATH] [--seeds DIR]
                                 [--keep DIR]

Builds a corpus of real news sentences (see ``bench/corpus.py``), then in the same run times
(a) ``split_sentences`` over every text, already in memory, and (b) ``import_paths`` of the same
files into a new database file: reading, decoding, hashing, splitting, inserting articles and
sentences, and committing. Splitting is work the import cannot avoid, so
the ratio of the two speeds says how much the rest costs; the target is at least 0.5 (the rest
costs no more than the splitting). Prints a Markdown table and the command line that produced it.

The two stages are timed alternately ``--repeat`` times and the fastest run of each is reported
(shared machines are noisy; the fastest run is the one least disturbed), with the ratio of every
round beside it. The import writes its batches on a second thread while the first one prepares
the next batch: the table says how long that writer thread was busy and how many cores the import
kept busy (process CPU time / wall time).

The import runs with ``--near-duplicates keep`` unless told otherwise: finding near-duplicates
(the default of ``nkreader import``) has its own benchmark, ``bench_near_duplicates.py``.

Articles enter the search index after the import (the reader indexes them in the background,
and a search scans those not indexed yet): each round also times that catch-up,
``update_search_index``, on the database the import wrote, and the table shows what the ratio
would be if the import did it too.
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

from reader.db import open_database  # noqa: E402
from reader.exchange.importing import import_paths, summarize  # noqa: E402
from reader.store import Store, article_batches  # noqa: E402
from reader.text.decoding import normalise  # noqa: E402
from reader.text.sentences import split_sentences  # noqa: E402

TARGET = 0.5


def _split_all(texts: list[str]) -> tuple[float, int, float]:
    """Seconds, sentences, CPU seconds."""
    start, cpu = time.perf_counter(), time.process_time()
    sentences = sum(len(split_sentences(text)) for text in texts)
    return time.perf_counter() - start, sentences, time.process_time() - cpu


class _WriteTimer:
    """Wraps the import's batch writer to add up the time spent in it (on whichever thread)."""

    def __init__(self) -> None:
        self.seconds = 0.0
        self.write = article_batches.write_batch

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
    index_seconds: float
    """The search index's catch-up afterwards (``update_search_index``)."""


def _import_all(folder: Path, db_path: Path, near_duplicates: str = "keep") -> _Import:
    db = Store(open_database(db_path), "bench")
    timer = _WriteTimer()
    article_batches.write_batch = timer  # type: ignore[assignment]
    start, cpu = time.perf_counter(), time.process_time()
    try:
        results = import_paths(db, [folder], near_duplicates=near_duplicates)  # type: ignore[arg-type]
    finally:
        article_batches.write_batch = timer.write  # type: ignore[assignment]
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    summary = summarize(results)
    if summary.failed or summary.skipped:
        print(f"warning: {summary.failed} failed, {summary.skipped} skipped", file=sys.stderr)
    sentences = db.conn.execute("SELECT count(*) FROM sentences").fetchone()[0]
    start = time.perf_counter()
    indexed = Store(db.conn, "bench").update_search_index()
    index_seconds = time.perf_counter() - start
    if indexed != summary.imported:
        print(f"warning: {indexed} articles indexed of {summary.imported}", file=sys.stderr)
    db.conn.close()
    return _Import(seconds, timer.seconds, cpu, summary.imported, sentences, index_seconds)


def run(
    articles: int,
    gold: Path,
    seeds: Path,
    keep: Path | None,
    repeat: int,
    near_duplicates: str = "keep",
) -> float:
    """Build the corpus, time both stages, print the table; the speed ratio is returned."""
    splits: list[float] = []
    split_cpus: list[float] = []
    imports: list[_Import] = []
    with tempfile.TemporaryDirectory(prefix="nkreader-bench-") as tmp:
        folder = keep or Path(tmp) / "corpus"
        paths = build_corpus(folder, articles, gold, seeds)
        texts = [normalise(path.read_text(encoding="utf-8")) for path in paths]
        for round_ in range(repeat):
            split_seconds, split_count, split_cpu = _split_all(texts)
            splits.append(split_seconds)
            split_cpus.append(split_cpu)
            db_path = Path(tmp) / f"bench{round_}.db"
            imports.append(_import_all(folder, db_path, near_duplicates))

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
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    load = f", load average {os.getloadavg()[0]:.1f}" if hasattr(os, "getloadavg") else ""
    print(
        f"{cores} CPU core(s) allowed of {os.cpu_count()}{load};"
        f" fastest of {repeat} alternating rounds per stage.\n"
    )
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
    index = min(run.index_seconds for run in imports)
    print(
        f"| search index catch-up afterwards (`update_search_index`) | {best.imported:,} | "
        f"| {index:.2f} | {best.imported / index:,.0f} | | 1 |"
    )
    verdict = "meets" if ratio >= TARGET else "misses"
    print(f"\nimport speed / splitter speed = {ratio:.2f} ({verdict} the target of {TARGET})")
    print(f"ratio in each round: {rounds}")
    cpu_rounds = ", ".join(
        f"{split / run.cpu_seconds:.2f}" for split, run in zip(split_cpus, imports, strict=True)
    )
    print(
        "CPU seconds, splitter ÷ import (what one core does when nothing else runs on it):"
        f" {min(split_cpus) / min(run.cpu_seconds for run in imports):.2f}"
        f" (rounds: {cpu_rounds})"
    )
    with_index = (split_count / split_seconds) / (best.sentences / (best.seconds + index))
    print(
        f"if the import also indexed for search: {1 / with_index:.2f} "
        f"(import {best.seconds:.2f} s + index {index:.2f} s)"
    )
    return ratio


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=10_000, help="articles to generate")
    parser.add_argument("--repeat", type=int, default=3, help="rounds of both stages")
    parser.add_argument("--gold", type=Path, default=GOLD, help="GUM news gold JSON")
    parser.add_argument("--seeds", type=Path, default=SEEDS, help="folder of seed .txt files")
    parser.add_argument("--keep", type=Path, help="write the corpus here and keep it")
    parser.add_argument(
        "--near-duplicates",
        choices=["keep", "mark", "skip"],
        default="keep",
        help="the import's mode (default keep: no near-duplicate detection, whose cost "
        "bench_near_duplicates.py measures)",
    )
    args = parser.parse_args()
    run(args.articles, args.gold, args.seeds, args.keep, max(1, args.repeat), args.near_duplicates)


if __name__ == "__main__":
    main()
