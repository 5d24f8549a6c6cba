"""How fast the coding screen starts and answers keys, on the seeds and on 100,000 articles.

Usage::

    python bench/bench_tui.py [--runs N] [--presses N] [--big PATH] [--profile]

Every app runs as a separate process under a 120x40 pseudo-terminal with
``TERM=xterm-256color``, so Textual's real terminal driver reads the keys and writes the frames,
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

With ``pyte`` installed (``pip install pyte``; the benchmark's only extra), the answer's frames
are replayed through that terminal emulator after the timing, and the last frame that changed any
character on screen is reported too: Textual often repaints the same characters once more.

``--profile`` runs the 100,000-article key measurements once more with cProfile switched on
inside the app for just the timed keys (a wrapper around ``python -m reader`` in this file; the
app has no profiling code), and prints where the time goes for each kind of key.

The 100,000-article database is made once (executemany of the seed articles under new titles)
and kept at ``--big`` for later runs; the rows this benchmark's coder writes are removed again.
Prints a Markdown table with the command line.
"""

from __future__ import annotations

import argparse
import fcntl
import os
import pstats
import pty
import select
import shutil
import signal
import sqlite3
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

BIG_ARTICLES = 100_000
COLUMNS, ROWS = 120, 40
ANNOTATOR = "bench"
TARGET_MS = 50.0

QUIET = 0.3
"""Seconds without output after which the answer to a key is taken to be complete. Shorter than
the 0.5 s blink of an input's cursor, so a picker's blinking does not keep a key open."""

SYNC_QUERY = b"\x1b[?2026$p"
SYNC_REPLY = b"\x1b[?2026;2$y"
"""DECRQM for synchronized output and a terminal's answer "supported, currently off": Textual
brackets its frames in ``CSI ? 2026 h`` ... ``CSI ? 2026 l`` only after this answer."""
FRAME_END = b"\x1b[?2026l"

KEYS = {
    "j": b"j",
    "k": b"k",
    "n": b"n",
    "p": b"p",
    "a": b"a",
    "1": b"1",
    "q": b"q",
    "enter": b"\r",
    "down": b"\x1b[B",
    "up": b"\x1b[A",
    "next_open": b"]",
}

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


def forget_coder(path: Path) -> None:
    """Remove what this benchmark's coder wrote (codes, statuses, history, the saved position),
    so that every run starts on the first article and leaves the shared database as it was."""
    conn = sqlite3.connect(path, isolation_level=None, timeout=30)
    conn.execute("BEGIN IMMEDIATE")
    for table in ("annotations", "sentence_status", "events", "ui_state"):
        conn.execute(f"DELETE FROM {table} WHERE annotator = ?", [ANNOTATOR])
    conn.execute("COMMIT")
    conn.close()


def count_annotations(path: Path) -> int:
    """How many annotations this benchmark's coder has stored (read by a second connection)."""
    conn = sqlite3.connect(path, timeout=30)
    try:
        return int(
            conn.execute(
                "SELECT count(*) FROM annotations WHERE annotator = ?", [ANNOTATOR]
            ).fetchone()[0]
        )
    finally:
        conn.close()


def _spawn(argv: Sequence[str], env: dict[str, str]) -> tuple[subprocess.Popen[bytes], int]:
    """Start ``argv`` with a 120x40 pseudo-terminal as its stdin, stdout and stderr."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLUMNS, 0, 0))
    process = subprocess.Popen(
        list(argv),
        stdin=slave,
        stdout=slave,
        stderr=slave,
        env={**os.environ, "PYTHONPATH": str(ROOT), "TERM": "xterm-256color", **env},
        close_fds=True,
        start_new_session=True,
    )
    os.close(slave)
    return process, master


def time_process(script: str, ready: tuple[bytes, ...], *args: str, tree: Path = ROOT) -> float:
    """Seconds from starting ``python -c script`` under a pseudo-terminal until every ``ready``
    text has appeared in its output (its first frame is drawn); the process is then stopped.
    ``tree`` is the checkout whose ``reader`` package the process imports."""
    start = time.perf_counter()
    process, master = _spawn([sys.executable, "-c", script, *args], {"PYTHONPATH": str(tree)})
    output = bytearray()
    elapsed = None
    try:
        while elapsed is None and time.perf_counter() - start < 30:
            readable, _, _ = select.select([master], [], [], 0.5)
            if not readable:
                if process.poll() is not None:
                    break
                continue
            try:
                chunk = os.read(master, 1 << 16)
            except OSError:
                break
            output.extend(chunk)
            if all(text in output for text in ready):
                elapsed = time.perf_counter() - start
    finally:
        process.kill()
        process.wait()
        os.close(master)
    if elapsed is None:
        tail = output[-800:].decode(errors="replace")
        raise SystemExit(f"no first frame (exit status {process.returncode}): {tail}")
    return elapsed


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


def start_times(runs: int, seeds: Path, big: Path) -> list[float]:
    """Median start-up of the bare app, nkreader on the seeds, on the big database, and on the
    seeds without numpy, taken in turns so that the machine's load affects them alike."""
    samples: list[list[float]] = [[], [], [], []]
    for _ in range(runs):
        samples[0].append(time_process(BARE_APP, BARE_READY))
        samples[1].append(time_process(READER_APP, READER_READY, str(seeds)))
        samples[2].append(time_process(READER_APP, READER_READY, str(big)))
        samples[3].append(time_process(READER_APP_NO_NUMPY, READER_READY, str(seeds)))
    return [statistics.median(values) for values in samples]


@dataclass
class Answer:
    """What the app wrote in reply to one key: when its first and last frames ended (ms after
    the key was written), how many frames and bytes."""

    first_ms: float
    last_ms: float
    frames: int
    size: int
    visible_ms: float | None = None
    """When the last frame that changed any character on screen ended; None without pyte."""


class Terminal:
    """A pseudo-terminal running one app process: writes keys, reads and times its frames, and
    answers its query for synchronized output the way a modern terminal does."""

    def __init__(self, argv: Sequence[str], env: dict[str, str] | None = None) -> None:
        self.process, self.master = _spawn(argv, env or {})
        self.output = bytearray()
        self.synchronized = False
        self.screen = _emulator()
        self._shown = 0
        """How much of ``output`` the emulated screen has been fed."""

    def _read(self, timeout: float) -> bytes | None:
        """The next chunk of output, or None after ``timeout`` seconds without any."""
        readable, _, _ = select.select([self.master], [], [], timeout)
        if not readable:
            return None
        try:
            chunk = os.read(self.master, 1 << 16)
        except OSError:  # the app has exited and the terminal is closed
            raise SystemExit(self._failure("the app closed its terminal")) from None
        self.output.extend(chunk)
        if not self.synchronized and SYNC_QUERY in self.output:
            os.write(self.master, SYNC_REPLY)
            self.synchronized = True
        return chunk

    def _failure(self, what: str) -> str:
        tail = self.output[-600:].decode(errors="replace")
        return f"{what} (exit status {self.process.poll()}): {tail!r}"

    def wait_ready(self, ready: tuple[bytes, ...], timeout: float = 60) -> None:
        """Wait for the first complete frame (all ``ready`` texts shown), then for quiet."""
        deadline = time.perf_counter() + timeout
        while not all(text in self.output for text in ready):
            if time.perf_counter() > deadline:
                raise SystemExit(self._failure("no first frame"))
            self._read(0.5)
        self.settle()
        if not self.synchronized:
            raise SystemExit(self._failure("the app never asked for synchronized output"))

    def settle(self, quiet: float = QUIET) -> None:
        """Read until nothing has come for ``quiet`` seconds."""
        while self._read(quiet) is not None:
            pass

    def press(self, key: str, timeout: float = 10) -> Answer:
        """Write ``key`` and time the frames that answer it, until the app falls quiet."""
        self.settle(0.05)
        start = time.perf_counter()
        os.write(self.master, KEYS[key])
        mark = len(self.output)
        frame_ends: list[float] = []
        last_byte = start
        while True:
            wait = QUIET if frame_ends else max(0.0, start + timeout - time.perf_counter())
            chunk = self._read(wait)
            now = time.perf_counter()
            if chunk is None:
                if frame_ends and now - last_byte >= QUIET:
                    break
                if not frame_ends:
                    raise SystemExit(self._failure(f"no frame within {timeout} s after {key!r}"))
                continue
            last_byte = now
            ends = self.output.count(FRAME_END, mark)
            frame_ends.extend([now] * (ends - len(frame_ends)))
        visible = self._last_visible_change(mark, frame_ends)
        return Answer(
            first_ms=(frame_ends[0] - start) * 1000,
            last_ms=(frame_ends[-1] - start) * 1000,
            frames=len(frame_ends),
            size=len(self.output) - mark,
            visible_ms=None if visible is None else (visible - start) * 1000,
        )

    def _last_visible_change(self, mark: int, frame_ends: list[float]) -> float | None:
        """When the last of the answer's frames that changed what the screen shows ended.

        The frames are replayed through a terminal emulator after the timing (so the emulator's
        own cost is not counted): a repaint that leaves every character as it was is not an
        update a user can see.
        """
        if self.screen is None:
            return None
        screen, stream = self.screen
        stream.feed(bytes(self.output[self._shown : mark]))
        changed_at = None
        offset = mark
        for ended in frame_ends:
            end = self.output.index(FRAME_END, offset) + len(FRAME_END)
            before = list(screen.display)
            stream.feed(bytes(self.output[offset:end]))
            if list(screen.display) != before:
                changed_at = ended
            offset = end
        self._shown = offset
        return changed_at if changed_at is not None else frame_ends[0]

    def close(self) -> None:
        """Quit the app with ``q`` (so it saves its state), killing it if it does not go."""
        try:
            os.write(self.master, KEYS["q"])
            deadline = time.perf_counter() + 10
            while self.process.poll() is None and time.perf_counter() < deadline:
                try:
                    self._read(0.1)
                except SystemExit:
                    break
        finally:
            if self.process.poll() is None:
                self.process.kill()
            self.process.wait()
            os.close(self.master)


def _emulator() -> tuple[Any, Any] | None:
    """A ``pyte`` screen and byte stream of the pty's size, when pyte is installed."""
    try:
        import pyte
    except ImportError:
        return None
    screen = pyte.Screen(COLUMNS, ROWS)
    return screen, pyte.ByteStream(screen)


@dataclass
class KeyStats:
    """The answers to one kind of key."""

    answers: list[Answer] = field(default_factory=list)

    def median(self, first: bool = False) -> float:
        return statistics.median(self._values(first))

    def p90(self, first: bool = False) -> float:
        values = sorted(self._values(first))
        return values[min(len(values) - 1, round(0.9 * (len(values) - 1)))]

    def _values(self, first: bool) -> list[float]:
        return [a.first_ms if first else a.last_ms for a in self.answers]

    def visible(self) -> tuple[float, float] | None:
        """Median and p90 of the last visible change, when it was measured."""
        values = sorted(a.visible_ms for a in self.answers if a.visible_ms is not None)
        if not values:
            return None
        return statistics.median(values), values[
            min(len(values) - 1, round(0.9 * (len(values) - 1)))
        ]

    def size(self) -> float:
        return statistics.median(a.size for a in self.answers)

    def frames(self) -> float:
        return statistics.median(a.frames for a in self.answers)


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
    path: Path, presses: int, few_articles: bool, profile_to: Path | None = None
) -> dict[str, KeyStats]:
    """Time ``j``, ``n`` and a committed annotation (and the steps to it) in the real app over
    ``path``; with ``profile_to``, profile each kind of timed key into a file of its own there."""
    forget_coder(path)
    stats = {name: KeyStats() for name in (*PHASES, *STEPS)}
    terminal = Terminal(reader_argv(path, profile_to))

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
        stored = count_annotations(path)
        for _ in range(presses):
            terminal.press("next_open")
            stats["a"].answers.append(terminal.press("a"))
            stats["actor"].answers.append(terminal.press("enter"))
            stats["1"].answers.append(terminal.press("1"))
            timed("annotation", "enter")
            now = count_annotations(path)
            if now != stored + 1:
                raise SystemExit(f"the annotation was not stored in {path} ({stored} -> {now})")
            stored = now
        phase_done(2)
    finally:
        terminal.close()
    if count_annotations(path) != presses:
        raise SystemExit(f"expected {presses} annotations in {path}, found another number")
    forget_coder(path)
    return stats


def bare_keys(presses: int) -> KeyStats:
    """The ``down`` key of a bare app with a three-item list (each followed by an untimed
    ``up``): what Textual and the terminal cost by themselves."""
    stats = KeyStats()
    terminal = Terminal([sys.executable, "-c", BARE_APP])
    try:
        terminal.wait_ready(BARE_READY)
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
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        seeds = seeds_database(Path(folder))
        made = time.perf_counter()
        big = big_database(args.big, seeds)
        made = time.perf_counter() - made
        startup = start_times(args.runs, seeds, big) if args.runs > 0 else None
        versus = None
        if args.baseline is not None and args.runs > 0:
            versus = baseline_times(args.runs, Path(folder), args.baseline.resolve())
        floor = bare_keys(args.presses)
        on_seeds = reader_keys(seeds, args.presses, few_articles=True)
        on_big = reader_keys(big, args.presses, few_articles=False)
        profile = Path(folder) / "profile" if args.profile else None
        if profile is not None:
            profile.mkdir()
            reader_keys(big, args.presses, few_articles=False, profile_to=profile)

        command = " ".join([Path(sys.executable).as_posix(), "bench/bench_tui.py", *sys.argv[1:]])
        print(f"`{command}`")
        origin = f"made in {made:.1f} s" if made > 1 else "reused"
        print(f"(100k database at {big}: {origin}; {args.presses} timed presses per key)\n")
        if startup is not None:
            print_startup(*startup)
        if versus is not None:
            print_versus(*versus, args.baseline)
        if args.presses > 0:
            print_keys(floor, on_seeds, on_big)
        if profile is not None:
            print_profile(profile, NAMES)


def print_startup(bare: float, small: float, large: float, clean: float) -> None:
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


def print_keys(floor: KeyStats, on_seeds: dict[str, KeyStats], on_big: dict[str, KeyStats]) -> None:
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

    row("bare Textual app, `down` in a 3-item OptionList", "—", floor)
    for key, name in NAMES.items():
        row(name, "3 seed articles", on_seeds[key])
        row(name, "100,000 articles", on_big[key], verdict(on_big[key]))
    for key, name in STEPS.items():
        row(f"on the way: {name}", "100,000 articles", on_big[key])
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
