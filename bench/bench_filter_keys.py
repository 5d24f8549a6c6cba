"""The filter's keys in the real reader on a database already built: `/` and each letter of a
word, when the box shows the letter and when the list has followed it.

Usage::

    python bench/bench_filter_keys.py DB [--word nuc] [--presses 5] [--baseline DIR]

One ``python -m reader`` session per checkout in a 120x40 pseudo-terminal, on ``DB`` itself (the
filter writes nothing but the coder's place; ``bench/bench_tui.py``'s every-key table times the
same keys on a private copy, which a database of a million articles makes slow to take). Each
letter is timed until the article list has been redrawn for it: the first frame is when the box
shows the letter, the last visible change when the list has followed. ``--baseline``: another
checkout (a ``git worktree add`` of an earlier commit), timed in turns with this one. Prints a
Markdown table with the command line.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_tui import READER_READY
from tui_every_key import ANNOTATOR, key_bar_written, list_written
from tui_pty import ROOT, KeyStats, Terminal


def session(tree: Path, path: Path, word: str, presses: int) -> dict[str, KeyStats]:
    """Time `/`, each letter of ``word`` and `escape` in one reader session of ``tree``."""
    argv = [sys.executable, "-m", "reader", "--db", str(path), "--annotator", ANNOTATOR]
    # Run from outside any checkout, so that ``-m reader`` imports the one on PYTHONPATH.
    here = Path.cwd()
    os.chdir(path.parent)
    try:
        terminal = Terminal(argv, env={"PYTHONPATH": str(tree)})
    finally:
        os.chdir(here)
    stats: dict[str, KeyStats] = {}
    try:
        terminal.wait_ready(READER_READY)
        for _ in range(presses):
            stats.setdefault("/", KeyStats()).answers.append(terminal.press("/"))
            for index, letter in enumerate(word):
                answer = terminal.press(letter, until=list_written)
                stats.setdefault(f"{index}", KeyStats()).answers.append(answer)
            terminal.press("escape_kitty", until=key_bar_written)
            terminal.press("tab")
    finally:
        terminal.close()
    return stats


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("database", type=Path)
    parser.add_argument("--word", default="nuc")
    parser.add_argument("--presses", type=int, default=5)
    parser.add_argument("--baseline", type=Path)
    args = parser.parse_args()
    trees = {"this checkout": ROOT}
    if args.baseline is not None:
        trees["baseline"] = args.baseline.resolve()
    found: dict[str, dict[str, KeyStats]] = {name: {} for name in trees}
    database = args.database.resolve()
    for _ in range(2 if args.baseline else 1):
        for name, tree in trees.items():
            for key, stats in session(tree, database, args.word, args.presses).items():
                found[name].setdefault(key, KeyStats()).answers.extend(stats.answers)
    print(f"`python bench/bench_filter_keys.py {' '.join(sys.argv[1:])}`\n")
    print("| checkout | key | first frame: median | last visible change: median | p90 |")
    print("|---|---|---:|---:|---:|")
    for name, stats in found.items():
        for key, key_stats in stats.items():
            typed = args.word[: int(key) + 1] if key != "/" else ""
            label = f"`{typed[-1]}` (“{typed}”)" if typed else "`/`"
            shown = key_stats.median(first=True)
            last, p90 = key_stats.visible() or (key_stats.median(), key_stats.p90())
            print(f"| {name} | {label} | {shown:.1f} ms | {last:.1f} ms | {p90:.1f} ms |")


if __name__ == "__main__":
    main()
