"""The reader on one article of a million sentences, against the seed articles in the same run.

Usage::

    python bench/bench_big_article.py [--big /tmp/bigart/million.db] [--runs 5] [--presses 15]

``--big`` is made once by ``bench/big_article.py`` (945,279 sentences, 127 MB of real news
sentences, imported with ``nkreader import``; its search index caught up as a second session
finds it) and timed on a private copy. Each app runs as ``python -m reader`` in a 120x40
pseudo-terminal (``bench/tui_pty.py``), and on each database, with the highlight on the long
article's first sentence (the seeds: the first article's):

1. start-up, from process start to the first complete frame (runs alternate between the two);
2. after the first frame and ``--settle`` seconds (the long text is read ahead meanwhile): ``j``
   (each followed by an untimed ``k``), ``G`` to the last sentence (then an untimed ``g``), a
   terminal resize between 120 and 100 columns (SIGWINCH), a committed annotation at the last
   sentence (the final ``enter`` of ``a enter 1 enter``, undone untimed after each, the
   database checked) and ``n`` into the article from the one before it (then an untimed
   ``p``; the seeds: into the second article).

Keys are timed to the last frame of their answer (and, with pyte, to the last visible change).
The first ``G`` of a session that did not wait (the long text not yet read ahead) is timed too.
Prints a Markdown table and the command line.
"""

from __future__ import annotations

import argparse
import fcntl
import os
import signal
import sqlite3
import statistics
import struct
import sys
import tempfile
import termios
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_tui import READER_APP, READER_READY, reader_argv, seeds_database
from tui_every_key import ANNOTATOR, count, forget_coder, key_bar_written, private_copy
from tui_pty import COLUMNS, FRAME_END, QUIET, ROWS, Answer, KeyStats, Terminal, time_process


def long_article(path: Path) -> int:
    """The id of the article with the most sentences."""
    with sqlite3.connect(path) as conn:
        found = conn.execute(
            "SELECT article_id FROM sentences GROUP BY article_id ORDER BY max(position) DESC"
        ).fetchone()
    return int(found[0])


def place(path: Path, article_id: int) -> None:
    """The benchmark coder's saved place: the article's first sentence."""
    forget_coder(path)
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute(
        "INSERT OR REPLACE INTO ui_state (annotator, key, value) VALUES (?, 'position', ?)",
        [ANNOTATOR, f"{article_id}:"],
    )
    conn.close()


def resize(terminal: Terminal, columns: int, rows: int = ROWS) -> Answer:
    """Resize the terminal (as a window manager does: the size, then SIGWINCH) and time the
    frames that answer it, as ``Terminal.send`` times a key."""
    terminal.settle(0.05)
    start = time.perf_counter()
    fcntl.ioctl(terminal.master, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))
    os.kill(terminal.process.pid, signal.SIGWINCH)
    if terminal.screen is not None:
        terminal.screen[0].resize(rows, columns)
    mark = len(terminal.output)
    frame_ends: list[float] = []
    last_byte = start
    while True:
        chunk = terminal.read(QUIET if frame_ends else 10)
        now = time.perf_counter()
        if chunk is None:
            if frame_ends and now - last_byte >= QUIET:
                break
            if now - start > 10:
                raise SystemExit("no answer to the resize")
            continue
        last_byte = now
        ends = terminal.output.count(FRAME_END, mark)
        frame_ends.extend([now] * (ends - len(frame_ends)))
    return terminal._answer(start, mark, frame_ends)


def keys(path: Path, article_id: int, presses: int, settle: float) -> dict[str, KeyStats]:
    """Time the keys on ``path``, the highlight starting on ``article_id``'s first sentence."""
    place(path, article_id)
    before = None
    with sqlite3.connect(path) as conn:
        found = conn.execute("SELECT max(id) FROM articles WHERE id < ?", [article_id]).fetchone()
        before = found[0]
    stats: dict[str, KeyStats] = {}
    terminal = Terminal(reader_argv(path))

    def timed(name: str, answer: Answer) -> None:
        stats.setdefault(name, KeyStats()).answers.append(answer)

    try:
        terminal.wait_ready(READER_READY)
        timed("first G", terminal.press("G"))
        terminal.press("g")
        time.sleep(settle)
        terminal.settle()
        for _ in range(presses):
            timed("j", terminal.press("j"))
            terminal.press("k")
        for _ in range(presses):
            timed("G", terminal.press("G"))
            terminal.press("g")
        terminal.press("G")
        for number in range(presses):
            timed("resize", resize(terminal, COLUMNS - 20 if number % 2 == 0 else COLUMNS))
        if presses % 2:
            resize(terminal, COLUMNS)
        stored = count(path, "annotations")
        for _ in range(presses):
            terminal.press("a")
            terminal.press("enter")
            terminal.press("1")
            timed("annotation", terminal.press("enter", until=key_bar_written))
            if count(path, "annotations") != stored + 1:
                raise SystemExit(f"the annotation was not stored in {path}")
            terminal.press("u")
            terminal.wait_gone("Undone:")
        if before is not None:
            terminal.press("p")
            for _ in range(presses):
                timed("n", terminal.press("n"))
                terminal.press("p")
    finally:
        terminal.close()
    forget_coder(path)
    return stats


NAMES = {
    "start-up": "start-up (process start to first frame)",
    "n": "`n` into the article (opening it)",
    "first G": "`G` right after the first frame",
    "j": "`j` next sentence",
    "G": "`G` last sentence",
    "resize": "terminal resize 120 ↔ 100 columns",
    "annotation": "committed annotation (last `enter` of `a enter 1 enter`)",
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--big", type=Path, default=Path("/tmp/bigart/million.db"))
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--presses", type=int, default=15)
    parser.add_argument("--settle", type=float, default=3.0)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="nkreader-big-"))
    seeds = seeds_database(folder)
    big = private_copy(args.big, folder / "big.db")
    article = long_article(big)
    with sqlite3.connect(big) as conn:
        sentences = conn.execute(
            "SELECT max(position) + 1 FROM sentences WHERE article_id = ?", [article]
        ).fetchone()[0]
    databases = {"seeds": (seeds, 2), "long": (big, article)}
    starts: dict[str, list[float]] = {name: [] for name in databases}
    for _ in range(args.runs):
        for name, (path, first) in databases.items():
            place(path, first)
            starts[name].append(time_process(READER_APP, READER_READY, str(path)) * 1000)
    found = {
        name: keys(path, first, args.presses, args.settle)
        for name, (path, first) in databases.items()
    }
    print(
        f"\n`python bench/bench_big_article.py --runs {args.runs} --presses {args.presses}`:"
        f" {sentences:,} sentences ({args.big.with_suffix('.txt').stat().st_size / 1e6:.0f} MB)"
        f" against the seeds; load average {os.getloadavg()[0]:.1f}\n"
    )
    print("| measure | seeds: median | p90 | long article: median | p90 | visible change |")
    print("|---|---:|---:|---:|---:|---:|")
    print(
        f"| {NAMES['start-up']} | {statistics.median(starts['seeds']):.0f} ms | |"
        f" **{statistics.median(starts['long']):.0f} ms** | | |"
    )
    for name in ("n", "first G", "j", "G", "resize", "annotation"):
        cells = []
        for corpus in databases:
            stats = found[corpus].get(name)
            cells.append(
                "— | —" if stats is None else f"{stats.median():.1f} ms | {stats.p90():.1f} ms"
            )
        shown = found["long"].get(name)
        visible = shown.visible() if shown is not None else None
        seen = f"{visible[0]:.1f} ms" if visible else "—"
        print(f"| {NAMES[name]} | {cells[0]} | **{cells[1]}** | {seen} |")
    if count(big, "annotations") != 0:
        raise SystemExit("annotations were left behind")


if __name__ == "__main__":
    main()
