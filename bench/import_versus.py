"""The import of two checkouts on one core, in alternating rounds, beside the splitter.

Usage::

    python bench/import_versus.py ROUNDS BEFORE_TREE [CORPUS]

Each round runs, as processes pinned to core 0 (``taskset -c 0``): the splitter over the corpus
(``bench_import.py --keep DIR`` writes one), then the import of the corpus into a new database
by the checkout at ``BEFORE_TREE`` and by this one (their order swapped every round), and prints
the CPU seconds of each (every thread counted) and the splitter's CPU seconds divided by them.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SPLIT = """
import pathlib, sys, time
from reader.text.decoding import normalise
from reader.text.sentences import split_sentences
paths = sorted(pathlib.Path(sys.argv[1]).glob('*.txt'))
texts = [normalise(p.read_text(encoding='utf-8')) for p in paths]
began = time.process_time()
[split_sentences(text) for text in texts]
print(time.process_time() - began)
"""
IMPORT = """
import pathlib, sys, time
from reader.db import open_database
from reader.store import Store
from reader.exchange.importing import import_paths
store = Store(open_database(pathlib.Path(sys.argv[2])), 'bench')
began, wall = time.process_time(), time.perf_counter()
import_paths(store, [pathlib.Path(sys.argv[1])])
print(time.process_time() - began, time.perf_counter() - wall)
"""


def run(tree: str, code: str, *args: str) -> list[float]:
    env = {**os.environ, "PYTHONPATH": tree}
    argv = ["taskset", "-c", "0", sys.executable, "-c", code, *args]
    done = subprocess.run(argv, env=env, capture_output=True, text=True, check=True, cwd=tree)
    return [float(x) for x in done.stdout.split()]


def main() -> None:
    rounds, before = int(sys.argv[1]), sys.argv[2]
    corpus = sys.argv[3] if len(sys.argv) > 3 else "/tmp/si/corpus"
    trees = {"before": before, "after": str(ROOT)}
    print(f"`{' '.join([sys.executable, *sys.argv])}`\n")
    print("| round | split CPU s | before CPU s | ratio | after CPU s | ratio | load |")
    print("|---:|---:|---:|---:|---:|---:|---:|")
    with tempfile.TemporaryDirectory() as tmp:
        for number in range(rounds):
            split = run(trees["after"], SPLIT, corpus)[0]
            cpu = {}
            for name in ["before", "after"] if number % 2 == 0 else ["after", "before"]:
                cpu[name] = run(trees[name], IMPORT, corpus, f"{tmp}/{name}{number}.db")[0]
            print(
                f"| {number} | {split:.2f} | {cpu['before']:.2f} | {split / cpu['before']:.2f}"
                f" | {cpu['after']:.2f} | {split / cpu['after']:.2f}"
                f" | {os.getloadavg()[0]:.1f} |",
                flush=True,
            )


if __name__ == "__main__":
    main()
