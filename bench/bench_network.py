"""Time ``nkreader network`` on a million annotations against ``nkreader export`` of the same ones.

Usage::

    python bench/bench_network.py [--db bench/out/network.db] [--annotations 1000000] [--runs 3]

Builds (once, then reuses) the export benchmark's database (``bench_export.build``: 20,000
articles dated through 2017, 50 actors with parents, five stances, ten targets) with every
annotation by one coder, so that the network and the export read the very same million
statements. Then, in the same run and the same way (the command in a subprocess, as a user
runs it), it times ``nkreader export -o FILE.csv`` and several ``nkreader network`` commands:
rDNA's defaults, a one-mode congruence network written as GraphML, the duplicates filter per
document with actors rolled up to the top of their parent chain, and a series of 30-day windows
every 7 days. Prints a Markdown table with each command's median and its ratio to the export's;
the target is a ratio of at most 5 for each. Exits 1 when one misses it.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

MAX_RATIO = 5.0

NETWORKS: tuple[tuple[str, list[str]], ...] = (
    ("rDNA's defaults: twomode, ignore, no, include (CSV matrix)", ["-o", "{out}/twomode.csv"]),
    (
        "onemode, congruence, cosine, GraphML",
        ["--type", "onemode", "--aggregation", "congruence", "--normalization", "cosine",
         "-o", "{out}/congruence.graphml"],
    ),
    (
        "twomode, subtract, duplicates per document, --level top (DL)",
        ["--aggregation", "subtract", "--duplicates", "document", "--level", "top",
         "-o", "{out}/document.dl"],
    ),
    (
        "onemode, subtract, --window 30d --step 7d (edge list of every window)",
        ["--type", "onemode", "--aggregation", "subtract", "--window", "30d", "--step", "7d",
         "--format", "edgelist", "-o", "{out}/windows.csv"],
    ),
)  # fmt: skip
"""What is timed besides the export: a label and the command's arguments."""


def build(path: Path, annotations: int) -> None:
    """The export benchmark's database, every annotation by one coder."""
    import bench_export

    bench_export.CODERS = ("ana", "ana", "ana")  # its build picks one of three
    bench_export.build(path, annotations)


def timed(command: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", type=Path, default=ROOT / "bench" / "out" / "network.db")
    parser.add_argument("--annotations", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    out = args.db.parent
    out.mkdir(parents=True, exist_ok=True)
    if not args.db.exists():
        started = time.perf_counter()
        build(args.db, args.annotations)
        print(f"built {args.db} in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    with open(args.db, "rb") as handle:  # warm the page cache for every command alike
        while handle.read(1 << 20):
            pass
    nkreader = [sys.executable, "-m", "reader", "--db", str(args.db)]
    export = [*nkreader, "export", "--force", "-o", str(out / "export.csv")]
    commands = [
        (label, [*nkreader, "network", "--force", *(a.format(out=out) for a in arguments)])
        for label, arguments in NETWORKS
    ]
    times: dict[str, list[float]] = {"export": []}
    for label, _ in commands:
        times[label] = []
    for _ in range(args.runs):  # interleaved, so a busy moment weighs on every command alike
        times["export"].append(timed(export))
        for label, command in commands:
            times[label].append(timed(command))
    rows = subprocess.run(
        [sys.executable, "-c", f"import sqlite3; print(sqlite3.connect({str(args.db)!r})"
         ".execute('SELECT count(*) FROM annotations').fetchone()[0])"],
        check=True, capture_output=True, text=True,
    ).stdout.strip()  # fmt: skip
    export_s = statistics.median(times["export"])
    print(f"{int(rows):,} annotations by one coder, median of {args.runs} runs, interleaved.")
    print()
    print("| command | median | ratio to export | target |")
    print("|---|---|---|---|")
    print(f"| `nkreader export -o export.csv` | {export_s:.2f} s | 1.00 | |")
    ok = True
    for label, _ in commands:
        median = statistics.median(times[label])
        ratio = median / export_s
        ok = ok and ratio <= MAX_RATIO
        print(f"| `nkreader network` {label} | {median:.2f} s | **{ratio:.2f}** | ≤ {MAX_RATIO} |")
    print()
    print(f"Command: `python bench/bench_network.py --db {args.db} --runs {args.runs}`")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
