"""How fast the coding screen starts and answers keys, on the seeds and on 100,000 articles.

Usage::

    python bench/bench_tui.py [--runs N] [--presses N] [--big PATH] [--profile]
        [--actors N] [--color 256|truecolor|both] [--word WORD] [--no-every-key] [--shared]

Every app runs as a separate process under a 120x40 pseudo-terminal with
``TERM=xterm-256color`` (and ``COLORTERM=truecolor`` in the truecolor mode; see
``bench/tui_pty.py``), so Textual's real terminal driver reads the keys and writes the frames,
as it does for a user:

1. Start-up: a fresh process that opens the database and runs the app, timed until its first
   complete frame has been written, next to a bare Textual app showing a three-item list, timed
   the same way in the same run (runs alternate between the apps); on the seeds, on 100,000
   articles, and on the seeds with numpy hidden (a clean install does not have it).
2. Key latency: ``python -m reader --db DB --annotator bench`` is started and left to draw its
   first frame; then each measured key is written to the terminal and timed until the app has
   finished writing the frames that answer it. The benchmark answers Textual's query for
   synchronized output (``CSI ? 2026 $ p``), so every frame ends with ``CSI ? 2026 l``. The
   first frame after the key already shows its result; a key is done when no byte has followed
   the last frame for ``QUIET`` seconds (the quiet wait is not counted), and both times are
   reported: what the user sees change, and when the screen is still. Keys: the next sentence
   (``j``, each followed by an untimed ``k``), the next article (``n``; on the seeds, which have
   only three, each followed by an untimed ``p``) and a committed annotation (the final
   ``enter`` of ``a enter 1 enter``, timed to the frames after the target picker closes; the
   number of stored annotations is checked after every one; the keys on the way to it are
   timed too and shown for information). The same on the seeds, and the ``down`` key of the
   bare app as the floor that Textual itself sets.
3. Every key (``bench/tui_every_key.py``; ``--no-every-key`` skips it): on 100,000 articles,
   each key of the coding loop timed on its own, from the same state every time (what a key
   writes is undone, and the database checked), with the bytes the app wrote in answer and the
   screen cells they wrote, once per colour mode of ``--color`` (``both``: 256 colours, then
   truecolor), next to the bare app's ``down`` in the same modes. The keys: ``j``, ``n``, each
   of ``a enter 1 enter``, ``u``, ``space``, ``.``, ``]`` and ``[`` across an article boundary,
   ``/``, each letter of ``--word`` and ``escape``. All other timings use the first mode.

``--actors N`` adds N generated actors, each with aliases, to copies of both databases (made in
a temporary folder; the shared 100,000-article file is not changed) and times the keys on those;
start-up is timed on both codebooks in turns, and the table gives the ratio.

With ``pyte`` installed (``pip install pyte``; the benchmark's only extra), the answer's frames
are replayed through that terminal emulator after the timing, and the last frame that changed any
character on screen is reported too: Textual often repaints the same characters once more. The
replay also leaves out the frames in which only an input's cursor blinks, and the every-key run
reads the screen to check where each key left the app.

``--profile`` runs the 100,000-article key measurements once more with cProfile switched on
inside the app for just the timed keys (a wrapper around ``python -m reader`` in this file; the
app has no profiling code), and prints where the time goes for each kind of key.

The 100,000-article database is made once (executemany of the seed articles under new titles)
and kept at ``--big`` for later runs; the keys are timed on a private copy of it (``--shared``:
on the file itself, as before), and the rows this benchmark's coder writes are removed again.
Prints a Markdown table with the command line.
"""

from __future__ import annotations

import argparse
import os
import pstats
import shutil
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from tui_every_key import (  # noqa: E402
    ANNOTATOR,
    EveryKey,
    add_actors,
    count,
    every_key,
    forget_coder,
    print_every_key,
    private_copy,
)
from tui_pty import QUIET, KeyStats, Terminal, time_process  # noqa: E402

BIG_ARTICLES = 100_000
TARGET_MS = 50.0

BARE_APP = """
from textual.app import App, ComposeResult
from textual.widgets import OptionList

class Bare(App[None]):
    def compose(self) -> ComposeResult:
        yield OptionList("one", "two", "three")

Bare().run()
"""
BARE_READY = (b"three",)
"""Text that is on screen once the bare app has drawn its first frame."""

READER_APP = """
import sys
from reader.cli import main

sys.argv = ["nkreader", "--db", sys.argv[1], "--annotator", "bench"]
main()
"""
"""Exactly what the ``nkreader`` command runs: the click group, opening the Store, the app."""
READER_APP_NO_NUMPY = "import sys; sys.modules['numpy'] = None\n" + READER_APP
"""The same, as installed from pyproject.toml: numpy is no dependency, but when it is installed
sqlite-utils imports it (about 70 ms), and this benchmark's environment has it."""

READER_READY = (b"sentences coded", b"Help")
"""The status line and the key bar: both drawn means the first frame is complete."""

PROFILED_READER = """
import cProfile, os, runpy, signal, sys, threading

folder, dumps = sys.argv[1], []
profile = cProfile.Profile()
signals = {signal.SIGUSR1, signal.SIGUSR2, signal.SIGHUP}
thread_start = threading.Thread.start

def start_blocked(self):
    # Threads inherit the signal mask of the thread that starts them: only the main thread may
    # take the signals, or one taken by Textual's input or output thread would wait for the main
    # thread's next wake-up (the next key) and switch the profile late.
    unblocked = signal.pthread_sigmask(signal.SIG_BLOCK, signals)
    try:
        thread_start(self)
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, unblocked)

threading.Thread.start = start_blocked

def dump(*_):
    global profile
    profile.disable()
    path = os.path.join(folder, f"{len(dumps)}.prof")
    profile.dump_stats(path + ".part")
    os.replace(path + ".part", path)
    dumps.append(path)
    profile = cProfile.Profile()

signal.signal(signal.SIGUSR1, lambda *_: profile.enable())
signal.signal(signal.SIGUSR2, lambda *_: profile.disable())
signal.signal(signal.SIGHUP, dump)
sys.argv = ["reader", *sys.argv[2:]]
runpy.run_module("reader", run_name="__main__", alter_sys=True)
"""
"""``python -m reader`` with a profiler for the timed keys only (the app knows nothing of it):
SIGUSR1 switches it on, SIGUSR2 off, and SIGHUP saves what it has as ``FOLDER/N.prof`` and starts
afresh, one file per kind of key."""


def seeds_database(folder: Path) -> Path:
    """A database holding the default codebook and the seed articles."""
    from reader.db import open_database
    from reader.exchange.codebook_file import load_default_codebook
    from reader.exchange.importing import import_seeds
    from reader.store import Store

    path = folder / "seeds.db"
    store = Store(open_database(path), "bench")
    load_default_codebook(store)
    import_seeds(store)
    store.close()
    return path


def big_database(path: Path, seeds: Path, n: int = BIG_ARTICLES) -> Path:
    """``n`` articles: the seed articles again and again under new titles (made once, kept)."""
    if path.exists():
        return path
    shutil.copy(seeds, path)
    conn = sqlite3.connect(path, isolation_level=None)
    articles = conn.execute(
        "SELECT id, title, text, source, imported_at FROM articles ORDER BY id"
    ).fetchall()
    spans = {
        article_id: conn.execute(
            'SELECT position, start, "end", paragraph FROM sentences WHERE article_id = ?'
            " ORDER BY position",
            [article_id],
        ).fetchall()
        for article_id, *_ in articles
    }
    next_id = int(conn.execute("SELECT max(id) FROM articles").fetchone()[0]) + 1
    conn.execute("BEGIN")
    batch = 5_000
    for first in range(next_id, n + 1, batch):
        rows: list[tuple[object, ...]] = []
        sentence_rows: list[tuple[object, ...]] = []
        for article_id in range(first, min(first + batch, n + 1)):
            source_id, title, text, source, stamp = articles[article_id % len(articles)]
            rows.append(
                (article_id, f"{title} ({article_id})", text, source, f"bench-{article_id}", stamp)
            )
            sentence_rows.extend((article_id, *span) for span in spans[source_id])
        conn.executemany(
            "INSERT INTO articles (id, title, text, source, content_hash, imported_at)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            rows,
        )
        conn.executemany(
            'INSERT INTO sentences (article_id, position, start, "end", paragraph)'
            " VALUES (?, ?, ?, ?, ?)",
            sentence_rows,
        )
    conn.execute("COMMIT")
    conn.close()
    # What a coder's reader has done in the background by the second session: keys are timed
    # on a corpus whose search index is complete, with no indexing thread running beside them.
    from reader.db import connect
    from reader.store import Store

    indexing = Store(connect(path), "bench")
    indexing.update_search_index()
    indexing.close()
    return path


def cli_seeds_database(folder: Path, tree: Path) -> Path:
    """The seeds and the default codebook, imported by ``tree``'s own ``nkreader import`` (so an
    older checkout gets a file of its own schema)."""
    path = folder / f"seeds-{abs(hash(tree))}.db"
    subprocess.run(
        [sys.executable, "-m", "reader", "--db", str(path), "import"],
        env={**os.environ, "PYTHONPATH": str(tree)},
        cwd=tree,
        check=True,
        capture_output=True,
    )
    return path


def baseline_times(runs: int, folder: Path, baseline: Path) -> tuple[float, float]:
    """Median start-up on the seeds of this checkout and of ``baseline`` (an earlier checkout),
    taken in turns, each on a seeds database its own ``nkreader import`` made."""
    ours, theirs = cli_seeds_database(folder, ROOT), cli_seeds_database(folder, baseline)
    samples: list[list[float]] = [[], []]
    for _ in range(runs):
        samples[0].append(time_process(READER_APP, READER_READY, str(ours)))
        samples[1].append(time_process(READER_APP, READER_READY, str(theirs), tree=baseline))
    return statistics.median(samples[0]), statistics.median(samples[1])


def start_times(
    runs: int, seeds: Path, big: Path, more: tuple[Path, ...] = (), colour: str = "256"
) -> list[float]:
    """Median start-up of the bare app, nkreader on the seeds, on the big database, on the
    seeds without numpy, and on each of ``more`` (the same with more actors), taken in turns so
    that the machine's load affects them alike."""
    samples: list[list[float]] = [[] for _ in range(4 + len(more))]
    for _ in range(runs):
        samples[0].append(time_process(BARE_APP, BARE_READY, colour=colour))
        samples[1].append(time_process(READER_APP, READER_READY, str(seeds), colour=colour))
        samples[2].append(time_process(READER_APP, READER_READY, str(big), colour=colour))
        samples[3].append(
            time_process(READER_APP_NO_NUMPY, READER_READY, str(seeds), colour=colour)
        )
        for number, path in enumerate(more, start=4):
            samples[number].append(time_process(READER_APP, READER_READY, str(path), colour=colour))
    return [statistics.median(values) for values in samples]


def reader_argv(path: Path, profile_to: Path | None = None) -> list[str]:
    """The command line a user types, run by this interpreter (or the profiling wrapper)."""
    options = ["--db", str(path), "--annotator", ANNOTATOR]
    if profile_to is None:
        return [sys.executable, "-m", "reader", *options]
    return [sys.executable, "-c", PROFILED_READER, str(profile_to), *options]


STEPS = {
    "a": "`a` (the actor picker opens)",
    "actor": "`enter` (actor chosen, the stance picker opens)",
    "1": "`1` (stance chosen, the target picker opens)",
}
"""The keys before the committed annotation, timed on the way but not part of the target."""
PHASES = ("j", "n", "annotation")
"""The measured keys, in the order they are pressed (and profiled)."""


def reader_keys(
    path: Path,
    presses: int,
    few_articles: bool,
    profile_to: Path | None = None,
    colour: str = "256",
) -> dict[str, KeyStats]:
    """Time ``j``, ``n`` and a committed annotation (and the steps to it) in the real app over
    ``path``; with ``profile_to``, profile each kind of timed key into a file of its own there."""
    forget_coder(path)
    stats = {name: KeyStats() for name in (*PHASES, *STEPS)}
    terminal = Terminal(reader_argv(path, profile_to), colour=colour)

    def timed(name: str, key: str) -> None:
        if profile_to is not None:
            os.kill(terminal.process.pid, signal.SIGUSR1)
        stats[name].answers.append(terminal.press(key))
        if profile_to is not None:
            os.kill(terminal.process.pid, signal.SIGUSR2)
            # Two pending signals run lowest number first: let "off" run before the next "on".
            terminal.settle(0.05)

    def phase_done(number: int) -> None:
        if profile_to is None:
            return
        os.kill(terminal.process.pid, signal.SIGHUP)
        deadline = time.perf_counter() + 30
        while not (profile_to / f"{number}.prof").exists():
            if time.perf_counter() > deadline:
                raise SystemExit("the profile was not saved")
            terminal.settle(0.1)

    try:
        terminal.wait_ready(READER_READY)
        for _ in range(presses):
            timed("j", "j")
            terminal.press("k")
        phase_done(0)
        for _ in range(presses):
            timed("n", "n")
            if few_articles:
                terminal.press("p")
        phase_done(1)
        stored = count(path, "annotations")
        for _ in range(presses):
            terminal.press("next_open")
            stats["a"].answers.append(terminal.press("a"))
            stats["actor"].answers.append(terminal.press("enter"))
            stats["1"].answers.append(terminal.press("1"))
            timed("annotation", "enter")
            now = count(path, "annotations")
            if now != stored + 1:
                raise SystemExit(f"the annotation was not stored in {path} ({stored} -> {now})")
            stored = now
        phase_done(2)
    finally:
        terminal.close()
    if count(path, "annotations") != presses:
        raise SystemExit(f"expected {presses} annotations in {path}, found another number")
    forget_coder(path)
    return stats


def bare_keys(presses: int, colour: str = "256") -> KeyStats:
    """The ``down`` key of a bare app with a three-item list (each followed by an untimed
    ``up``): what Textual and the terminal cost by themselves."""
    stats = KeyStats()
    terminal = Terminal([sys.executable, "-c", BARE_APP], colour=colour)
    try:
        terminal.wait_ready(BARE_READY)
        terminal.check_colours()
        for _ in range(presses):
            stats.answers.append(terminal.press("down"))
            terminal.press("up")
    finally:
        terminal.close()
    return stats


def print_profile(folder: Path, names: dict[str, str], limit: int = 25) -> None:
    """For each kind of key, the functions with the most cumulative and the most own time."""
    for number, key in enumerate(PHASES):
        for order in ("cumulative", "tottime"):
            print(f"\n### Profile: {names[key]} on 100,000 articles, by {order}\n\n```")
            stats = pstats.Stats(str(folder / f"{number}.prof"), stream=sys.stdout)
            stats.strip_dirs().sort_stats(order).print_stats(limit)
            print("```")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--runs", type=int, default=5, help="start-up runs per app (median; 0 skips start-up)"
    )
    parser.add_argument("--presses", type=int, default=30, help="timed presses per key")
    parser.add_argument(
        "--big",
        type=Path,
        default=Path(tempfile.gettempdir()) / "nkreader-bench-100k.db",
        help="where the 100,000-article database is made (and reused)",
    )
    parser.add_argument(
        "--profile", action="store_true", help="also profile the keys on 100,000 articles"
    )
    parser.add_argument(
        "--baseline",
        type=Path,
        help="an earlier checkout of nkreader: also time its start-up on the seeds, in turns"
        " with this one's (e.g. a `git worktree add` of the commit before a change)",
    )
    parser.add_argument(
        "--actors",
        type=int,
        default=0,
        help="time the keys on copies of the databases with this many generated actors added"
        " to the default codebook (start-up is timed on both)",
    )
    parser.add_argument(
        "--color",
        choices=("256", "truecolor", "both"),
        default="both",
        help="colour mode(s) of the every-key table (the first one for all other timings)",
    )
    parser.add_argument(
        "--shared",
        action="store_true",
        help="time the keys on the --big file itself, not on a private copy of it (another run"
        " on the same file at the same time removes this one's annotations)",
    )
    parser.add_argument(
        "--word", default="nuclear", help="the word typed into the filter, one key at a time"
    )
    parser.add_argument(
        "--every-key",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="time every key of the coding loop on 100,000 articles (the every-key table)",
    )
    args = parser.parse_args()
    colours = ["256", "truecolor"] if args.color == "both" else [args.color]
    with tempfile.TemporaryDirectory() as folder:
        seeds = seeds_database(Path(folder))
        made = time.perf_counter()
        big = big_database(args.big, seeds)
        made = time.perf_counter() - made
        more: tuple[Path, ...] = ()
        if args.actors > 0:
            more = (
                add_actors(seeds, Path(folder) / "seeds-actors.db", args.actors),
                add_actors(big, Path(folder) / "big-actors.db", args.actors),
            )
        keys_seeds, keys_big = more or (seeds, big)
        if keys_big == big and not args.shared:
            keys_big = private_copy(big, Path(folder) / "big.db")
        startup = None
        if args.runs > 0:
            startup = start_times(args.runs, seeds, big, more, colours[0])
        versus = None
        if args.baseline is not None and args.runs > 0:
            versus = baseline_times(args.runs, Path(folder), args.baseline.resolve())
        floors = {colour: bare_keys(args.presses, colour) for colour in colours}
        on_seeds = reader_keys(keys_seeds, args.presses, True, colour=colours[0])
        on_big = reader_keys(keys_big, args.presses, False, colour=colours[0])
        every: dict[str, EveryKey] = {}
        if args.every_key and args.presses > 0:
            argv = reader_argv(keys_big)
            for colour in colours:
                every[colour] = every_key(
                    argv, keys_big, args.presses, colour, args.word, READER_READY
                )
        profile = Path(folder) / "profile" if args.profile else None
        if profile is not None:
            profile.mkdir()
            reader_keys(keys_big, args.presses, False, profile_to=profile, colour=colours[0])

        command = " ".join([Path(sys.executable).as_posix(), "bench/bench_tui.py", *sys.argv[1:]])
        print(f"`{command}`")
        origin = f"made in {made:.1f} s" if made > 1 else "reused"
        codebook = f"default codebook + {args.actors:,} generated actors" if more else "default"
        print(
            f"(100k database at {big}: {origin}, keys timed on"
            f" {'it' if keys_big == big else 'a private copy'};"
            f" {args.presses} timed presses per key;"
            f" codebook for the keys: {codebook}; colours: {', '.join(colours)})\n"
        )
        if startup is not None:
            print_startup(*startup[:4], actors=args.actors, more=startup[4:])
        if versus is not None:
            print_versus(*versus, args.baseline)
        corpus = f", +{args.actors:,} actors" if more else ""
        if args.presses > 0:
            print_keys(floors[colours[0]], on_seeds, on_big, corpus)
        if every:
            print()
            print_every_key(f"100,000 articles{corpus}", floors, every, args.word, BARE_NAME)
        if profile is not None:
            print_profile(profile, NAMES)


def print_startup(
    bare: float,
    small: float,
    large: float,
    clean: float,
    actors: int = 0,
    more: list[float] | tuple[float, ...] = (),
) -> None:
    print("| start-up (pty, until the first frame is complete) | median | target | ratio |")
    print("|---|---|---|---|")
    print(f"| bare Textual app | {bare * 1000:.0f} ms | | |")
    rows: list[tuple[str, float, str, Callable[[], float]]] = [
        ("nkreader on the seeds", small, "≤ 1.5× bare", lambda: small / bare),
        ("nkreader on 100,000 articles", large, "≤ 2× seeds", lambda: large / small),
        (
            "nkreader on the seeds, numpy hidden (clean install)",
            clean,
            "≤ 1.5× bare",
            lambda: clean / bare,
        ),
    ]
    if more:
        small_more, large_more = more
        rows += [
            (
                f"nkreader on the seeds, +{actors:,} actors",
                small_more,
                "ratio to the seeds",
                lambda: small_more / small,
            ),
            (
                f"nkreader on 100,000 articles, +{actors:,} actors",
                large_more,
                "ratio to 100,000 articles",
                lambda: large_more / large,
            ),
        ]
    for name, value, target, ratio in rows:
        print(f"| {name} | {value * 1000:.0f} ms | {target} | {ratio():.2f}× |")
    print()


def print_versus(ours: float, theirs: float, baseline: Path) -> None:
    print(f"| start-up on the seeds, in turns with the checkout at `{baseline}` | median | ratio |")
    print("|---|---|---|")
    print(f"| that checkout | {theirs * 1000:.0f} ms | |")
    print(f"| this checkout | {ours * 1000:.0f} ms | {ours / theirs:.2f}× |")
    print()


NAMES = {
    "j": "next sentence (`j`)",
    "n": "next article (`n`)",
    "annotation": "committed annotation (the last `enter` of `a enter 1 enter`)",
}


BARE_NAME = "bare Textual app, `down` in a 3-item OptionList"


def print_keys(
    floor: KeyStats, on_seeds: dict[str, KeyStats], on_big: dict[str, KeyStats], corpus: str = ""
) -> None:
    print(
        "| key | corpus | first frame: median | p90 | last visible change: median | p90"
        " | last frame: median | p90 | frames | bytes | target (first frame) |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|")

    def row(name: str, corpus: str, stats: KeyStats, target: str = "") -> None:
        visible = stats.visible()
        shown = f"{visible[0]:.1f} ms | {visible[1]:.1f} ms" if visible else "- | -"
        print(
            f"| {name} | {corpus} | {stats.median(first=True):.1f} ms"
            f" | {stats.p90(first=True):.1f} ms | {shown}"
            f" | {stats.median():.1f} ms | {stats.p90():.1f} ms"
            f" | {stats.frames():.0f} | {stats.size():.0f} | {target} |"
        )

    def verdict(stats: KeyStats) -> str:
        values = (stats.median(first=True), stats.p90(first=True))
        marks = ["✓" if value < TARGET_MS else "✗" for value in values]
        return f"< {TARGET_MS:.0f} ms: median {marks[0]} p90 {marks[1]}"

    row(BARE_NAME, "—", floor)
    for key, name in NAMES.items():
        row(name, f"3 seed articles{corpus}", on_seeds[key])
        row(name, f"100,000 articles{corpus}", on_big[key], verdict(on_big[key]))
    for key, name in STEPS.items():
        row(f"on the way: {name}", f"100,000 articles{corpus}", on_big[key])
    print(
        "\nTimes run from writing the key to the pty until the end (`CSI ? 2026 l`) of the first"
        " frame the app writes in answer, which already shows the result (the next sentence,"
        " the next article, the saved annotation), and of the last frame before the app falls"
        f" quiet for {QUIET * 1000:.0f} ms (repaints that follow, such as a scrollbar). The last"
        " visible change is the last of those frames that changed any character on the screen,"
        " replayed through a terminal emulator (pyte) after the timing; later frames repaint"
        " the same characters."
    )


if __name__ == "__main__":
    main()
