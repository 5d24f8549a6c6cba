"""How long ``nkreader merge`` takes against importing the same articles.

Usage::

    python bench/bench_merge.py [--articles 10000] [--codes 3000] [--repeat 3] [--gold PATH]
                                [--seeds DIR]

Builds a corpus of real news sentences (``bench/corpus.py``) and two coders' databases of it:
``alice.db`` imports the files in name order, ``bob.db`` the second half first (so the same
article has another id in each), and each coder codes ``--codes`` sentences of their own
(random, seeded; an annotation each, every tenth a "no claim" mark instead, every twentieth
code deleted again and undone, so the history holds more than additions), through the Store as
the reader does. Then, alternating, fastest of ``--repeat`` rounds each, in the same run:

(a) ``import_paths`` of the corpus files into a new database: the baseline;
(b) merging both coders' databases into a new database (``merge_files``, opening the files
    included): every article added once, both coders' codes and history;
(c) merging ``bob.db`` into a copy of ``alice.db``: the usual case, the articles all there.

The target: (b) takes no longer than (a). Prints a Markdown table and the command line.
"""

from __future__ import annotations

import argparse
import os
import random
import shlex
import shutil
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import GOLD, SEEDS, build_corpus  # noqa: E402

from reader.db import open_database, open_to_read  # noqa: E402
from reader.exchange.codebook_file import load_default_codebook  # noqa: E402
from reader.exchange.importing import import_paths, summarize  # noqa: E402
from reader.models import MergeReport  # noqa: E402
from reader.store import Store  # noqa: E402

TARGET = 1.0


def _store(path: Path, annotator: str) -> Store:
    """A new database with the default codebook, as ``nkreader`` makes one."""
    store = Store(open_database(path), annotator)
    load_default_codebook(store)
    return store


def _coder_database(path: Path, paths: list[Path], coder: str, codes: int, seed: int) -> None:
    """Import ``paths`` (in this order) and code ``codes`` random sentences as ``coder``."""
    store = _store(path, coder)
    store.conn.execute("PRAGMA synchronous = OFF")  # building the input, not timed
    for half in (paths[: len(paths) // 2], paths[len(paths) // 2 :]):
        summary = summarize(import_paths(store, half))
        if summary.failed:
            raise SystemExit(f"{path}: {summary.failed} files failed to import")
    rng = random.Random(seed)
    total = int(store.conn.execute("SELECT max(id) FROM sentences").fetchone()[0])
    actors = [actor.id for actor in store.actors()]
    stances = [stance.id for stance in store.stances()]
    targets: list[int | None] = [None, *(target.id for target in store.targets())]
    for number, sentence_id in enumerate(rng.sample(range(1, total + 1), codes)):
        if number % 10 == 9:
            store.set_no_claim(sentence_id, True)
            continue
        added = store.add_annotation(
            sentence_id, rng.choice(actors), rng.choice(stances), rng.choice(targets)
        )
        if number % 20 == 0:
            store.delete_annotation(added.id)
            store.undo()
    store.close()


Timed = tuple[float, float]
"""Wall-clock and CPU seconds (the process's, every thread's)."""


def _import(folder: Path, path: Path) -> Timed:
    store = Store(open_database(path), "bench")
    start, cpu = time.perf_counter(), time.process_time()
    import_paths(store, [folder], near_duplicates="keep")
    timed = time.perf_counter() - start, time.process_time() - cpu
    store.close()
    return timed


def _merge(path: Path, others: list[Path]) -> tuple[Timed, list[MergeReport]]:
    store = _store(path, "lead") if not path.exists() else Store(open_database(path), "lead")
    start, cpu = time.perf_counter(), time.process_time()
    opened = [(other.name, open_to_read(other)) for other in others]
    reports = store.merge_files(opened)
    timed = time.perf_counter() - start, time.process_time() - cpu
    for _, conn in opened:
        conn.close()
    store.close()
    return timed, reports


def _count(path: Path, table: str) -> int:
    with sqlite3.connect(path) as conn:
        return int(conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])


def run(articles: int, codes: int, gold: Path, seeds: Path, repeat: int) -> float:
    """Build the inputs, time the three stages, print the table; (b) / (a) is returned."""
    imports: list[Timed] = []
    both: list[Timed] = []
    usual: list[Timed] = []
    with tempfile.TemporaryDirectory(prefix="nkreader-bench-merge-") as name:
        tmp = Path(name)
        folder = tmp / "corpus"
        paths = build_corpus(folder, articles, gold, seeds)
        alice, bob = tmp / "alice.db", tmp / "bob.db"
        _coder_database(alice, paths, "alice", codes, 1)
        half = len(paths) // 2
        _coder_database(bob, paths[half:] + paths[:half], "bob", codes, 2)
        for round_ in range(repeat):
            imports.append(_import(folder, tmp / f"import{round_}.db"))
            seconds, reports = _merge(tmp / f"both{round_}.db", [alice, bob])
            both.append(seconds)
            copy = tmp / f"usual{round_}.db"
            shutil.copyfile(alice, copy)
            seconds, usual_reports = _merge(copy, [bob])
            usual.append(seconds)
        merged = tmp / "both0.db"
        sentences = _count(merged, "sentences")
        annotations, events = _count(merged, "annotations"), _count(merged, "events")

    ratio = min(both)[0] / min(imports)[0]
    print(f"`{shlex.join([sys.executable, *sys.argv])}`\n")
    print(f"{os.cpu_count()} CPU cores; fastest of {repeat} alternating rounds per stage.\n")
    print("| stage | seconds | CPU seconds | rounds (seconds) |")
    print("|---|---:|---:|---|")
    for label, times in (
        (f"(a) import {articles:,} article files into a new database", imports),
        ("(b) merge alice.db and bob.db into a new database", both),
        ("(c) merge bob.db into a copy of alice.db", usual),
    ):
        rounds = ", ".join(f"{seconds:.2f}" for seconds, _ in times)
        wall, cpu = min(times)
        print(f"| {label} | {wall:.2f} | {cpu:.2f} | {rounds} |")
    print()
    for report in [*reports, *usual_reports]:
        print(f"- {report.summary()}")
    print(
        f"\nThe merged database: {sentences:,} sentences, {annotations:,} annotations, "
        f"{events:,} events."
    )
    verdict = "meets" if ratio <= TARGET else "misses"
    print(f"\nmerge (b) / import (a) = {ratio:.2f} ({verdict} the target of {TARGET})")
    rounds = ", ".join(f"{b[0] / a[0]:.2f}" for a, b in zip(imports, both, strict=True))
    print(f"(b) / (a) in each round: {rounds}")
    print(f"CPU seconds, (b) / (a): {min(both)[1] / min(imports)[1]:.2f}")
    print(f"(c) / (a) = {min(usual)[0] / min(imports)[0]:.2f}")
    return ratio


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=10_000, help="articles per database")
    parser.add_argument("--codes", type=int, default=3_000, help="sentences each coder codes")
    parser.add_argument("--repeat", type=int, default=3, help="rounds of each stage")
    parser.add_argument("--gold", type=Path, default=GOLD, help="GUM news gold JSON")
    parser.add_argument("--seeds", type=Path, default=SEEDS, help="folder of seed .txt files")
    args = parser.parse_args()
    run(args.articles, args.codes, args.gold, args.seeds, max(1, args.repeat))


if __name__ == "__main__":
    main()
