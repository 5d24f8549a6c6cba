"""One very long article for benchmarks: real news sentences, a million of them.

Usage::

    python bench/big_article.py OUT.db [--sentences 1000000]

Writes ``OUT.txt`` (the seeds' and GUM's sentences recombined by ``bench/corpus.py``'s pool, in
paragraphs of one to four sentences, deterministic) and imports it, with the seeds and the
default codebook, into ``OUT.db`` with the ``nkreader import`` command, as a user would
(``--max-size`` only if the file is over the default 1 GB limit). Prints the import's time and
the file sizes. A database that exists is kept.
"""

from __future__ import annotations

import argparse
import random
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import GOLD, SEED, SEEDS, sentence_pool

LIMIT = 1_000_000_000
"""``nkreader import``'s default size limit (1 GB): larger files need ``--max-size``."""


def write_text(path: Path, sentences: int) -> int:
    """About ``sentences`` sentences (the splitter may join or cut a few) as one article."""
    pool = sentence_pool(GOLD, SEEDS)
    rng = random.Random(SEED)
    written = 0
    with path.open("w", encoding="utf-8") as out:
        out.write("A very long article of real news sentences\n\n")
        while written < sentences:
            size = min(rng.randint(1, 4), sentences - written)
            out.write(" ".join(rng.choice(pool) for _ in range(size)) + "\n\n")
            written += size
    return path.stat().st_size


def build(db: Path, sentences: int) -> float:
    """Import the article (and the seeds) into ``db``; the import's seconds (0 if kept)."""
    if db.exists():
        return 0.0
    text = db.with_suffix(".txt")
    size = write_text(text, sentences)
    command = [sys.executable, "-m", "reader", "--db", str(db), "import"]
    subprocess.run([*command], check=True, capture_output=True)  # the seeds and the codebook
    limit = [f"--max-size={size}"] if size > LIMIT else []
    started = time.perf_counter()
    subprocess.run([*command, str(text), *limit], check=True)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("db", type=Path)
    parser.add_argument("--sentences", type=int, default=1_000_000)
    args = parser.parse_args()
    seconds = build(args.db, args.sentences)
    text = args.db.with_suffix(".txt")
    print(
        f"{args.db}: import {seconds:.1f} s; text {text.stat().st_size / 1e6:.1f} MB,"
        f" database {args.db.stat().st_size / 1e6:.1f} MB"
    )


if __name__ == "__main__":
    main()
