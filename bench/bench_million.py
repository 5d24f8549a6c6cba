"""The reader on a million short articles against the same on 100,000, in the same run.

Usage::

    python bench/bench_million.py [--out /tmp/nkreader-million] [--runs 5] [--presses 10]
        [--sizes 100000,1000000] [--build-only]

For each size, builds once (and keeps in ``--out``) a folder of short articles made by
``bench/corpus.py``'s sentence pool (a headline and one to three paragraphs of one to three real
news sentences: a news brief), imports it with the ``nkreader import`` command as a user would
(timed; the database size reported), then lets the search index catch up
(``update_search_index``, timed), as the reader does in the background after its first session.
Then, on each database in turns: start-up (``bench/tui_pty.py``'s ``time_process``, median of
``--runs``), and the keys ``j``, ``n``, ``]`` across an article boundary and ``/``, timed in the
real app in a pty, one session per database (``session``; only the coder's saved place is
written, and removed after). Prints a Markdown table with the ratio of each figure at
the largest size to the smallest; the target is ≤ 1.5.
"""

from __future__ import annotations

import argparse
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import GOLD, SEED, SEEDS, _headline, sentence_pool

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def brief(rng: random.Random, pool: list[str]) -> str:
    """A headline, a blank line, one to three paragraphs of one to three sentences."""
    paragraphs = [
        " ".join(rng.choice(pool) for _ in range(rng.randint(1, 3)))
        for _ in range(rng.randint(1, 3))
    ]
    return _headline(rng, pool) + "\n\n" + "\n\n".join(paragraphs) + "\n"


def write_briefs(folder: Path, n: int) -> None:
    """``n`` briefs as ``folder/DDD/NNNNNNN.txt`` (a thousand per folder), the same every run."""
    pool = sentence_pool(GOLD, SEEDS)
    rng = random.Random(SEED)
    for index in range(n):
        sub = folder / f"{index // 1000:04d}"
        if index % 1000 == 0:
            sub.mkdir(parents=True, exist_ok=True)
        (sub / f"{index:07d}.txt").write_text(brief(rng, pool), encoding="utf-8")


def build(out: Path, n: int) -> tuple[Path, dict[str, float]]:
    """The database of ``n`` briefs (with the seeds and the default codebook), built once;
    the import's and the index's seconds and the sizes, as measured when it was built."""
    db = out / f"briefs-{n}.db"
    facts = out / f"briefs-{n}.facts"
    if db.exists() and facts.exists():
        pairs = (line.split() for line in facts.read_text().splitlines() if line)
        return db, {key: float(value) for key, value in pairs}
    folder = out / f"briefs-{n}"
    started = time.perf_counter()
    write_briefs(folder, n)
    written = time.perf_counter() - started
    command = [sys.executable, "-m", "reader", "--db", str(db), "import"]
    subprocess.run(command, check=True, capture_output=True)  # the seeds and the codebook
    started = time.perf_counter()
    subprocess.run([*command, str(folder)], check=True, capture_output=True)
    imported = time.perf_counter() - started
    from reader.db import connect
    from reader.store import Store

    store = Store(connect(db), "bench")
    started = time.perf_counter()
    store.update_search_index()
    indexed = time.perf_counter() - started
    sentences = store._int("SELECT count(*) FROM sentences")
    store.close()
    text_mb = sum(p.stat().st_size for p in folder.rglob("*.txt")) / 1e6
    result = {
        "written": written,
        "import": imported,
        "index": indexed,
        "sentences": float(sentences),
        "text_mb": text_mb,
        "db_mb": db.stat().st_size / 1e6,
    }
    facts.write_text("".join(f"{k} {v}\n" for k, v in result.items()))
    return db, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=Path("/tmp/nkreader-million"))
    parser.add_argument("--sizes", default="100000,1000000")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--presses", type=int, default=10)
    parser.add_argument("--build-only", action="store_true")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    sizes = [int(s) for s in args.sizes.split(",")]
    built = {n: build(args.out, n) for n in sizes}
    print("| articles | sentences | text | database | import | index catch-up |")
    print("|---:|---:|---:|---:|---:|---:|")
    for n, (_, f) in built.items():
        print(
            f"| {n:,} | {int(f['sentences']):,} | {f['text_mb']:.0f} MB | {f['db_mb']:.0f} MB"
            f" | {f['import']:.1f} s | {f['index']:.1f} s |"
        )
    if args.build_only:
        return
    from bench_tui import READER_APP, READER_READY, reader_argv
    from tui_every_key import forget_coder
    from tui_pty import time_process

    for n in sizes:
        forget_coder(built[n][0])
    starts: dict[int, list[float]] = {n: [] for n in sizes}
    for _ in range(args.runs):
        for n in sizes:
            starts[n].append(time_process(READER_APP, READER_READY, str(built[n][0])) * 1000)
    keys = {n: session(built[n][0], args.presses, reader_argv, READER_READY) for n in sizes}
    small, large = sizes[0], sizes[-1]
    rows = [("start-up", statistics.median(starts[small]), statistics.median(starts[large]))]
    for name in ("j", "n", "]", "/"):
        rows.append((f"`{name}`", keys[small][name].median(), keys[large][name].median()))
    print(
        f"\n`python bench/bench_million.py --runs {args.runs} --presses {args.presses}"
        f" --sizes {args.sizes}` (medians; keys to the last frame of their answer)\n"
    )
    print(f"| measure | {small:,} articles | {large:,} articles | ratio |")
    print("|---|---:|---:|---:|")
    for label, a, b in rows:
        print(f"| {label} | {a:.1f} ms | {b:.1f} ms | **{b / a:.2f}** |")


def session(path: Path, presses: int, argv: Any, ready: tuple[bytes, ...]) -> dict[str, Any]:
    """``j`` (then ``k``), ``n`` (then ``p``), ``]`` from an article's last sentence into the
    next article (then ``[``), ``/`` (then escape and tab back), timed in one session on
    ``path``; the coder's rows (only the saved place) removed after."""
    from tui_every_key import forget_coder
    from tui_pty import KeyStats, Terminal

    stats = {key: KeyStats() for key in ("j", "n", "]", "/")}
    terminal = Terminal(argv(path))
    try:
        terminal.wait_ready(ready)
        for _ in range(presses):
            stats["j"].answers.append(terminal.press("j"))
            terminal.press("k")
        for _ in range(presses):
            stats["n"].answers.append(terminal.press("n"))
            terminal.press("p")
        terminal.press("G")
        for _ in range(presses):
            stats["]"].answers.append(terminal.press("next_open"))
            terminal.press("previous_open")
        terminal.press("g")
        for _ in range(presses):
            stats["/"].answers.append(terminal.press("/"))
            terminal.press("escape_kitty")
            terminal.press("tab")
    finally:
        terminal.close()
    forget_coder(path)
    return stats


if __name__ == "__main__":
    main()
