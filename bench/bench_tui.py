"""How fast the coding screen starts and answers keys, on the seeds and on 100,000 articles.

Usage::

    python bench/bench_tui.py [--runs N] [--presses N] [--big PATH]

1. Start-up: a fresh process that opens the database and runs the app as the command line does,
   timed until its first complete frame has been written to the terminal, next to a bare Textual
   app showing a three-item list, timed the same way in the same run (both under a 120x40
   pseudo-terminal, so the real terminal driver runs; runs alternate between the apps).
2. The same start-up with 100,000 articles in the database.
3. Key latency with 100,000 articles: ``await pilot.press(key)`` plus ``await pilot.pause()``
   for the next sentence, the next article and a committed annotation (the last key of
   ``a enter 1 enter``), next to the same measurement of a key on the bare app, which is what
   the test harness itself costs.

The 100,000-article database is made once (executemany of the seed articles under new titles)
and kept at ``--big`` for later runs. Prints a Markdown table with the command line.
"""

from __future__ import annotations

import argparse
import asyncio
import fcntl
import os
import pty
import select
import shutil
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

BIG_ARTICLES = 100_000

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
from reader.app import ReaderApp
from reader.db import open_database
from reader.store import Store

store = Store(open_database(sys.argv[1]), "bench")
ReaderApp(store, db_label=sys.argv[1]).run()
"""
READER_APP_NO_NUMPY = "import sys; sys.modules['numpy'] = None\n" + READER_APP
"""The same, as installed from pyproject.toml: numpy is no dependency, but when it is installed
sqlite-utils imports it (about 70 ms), and this benchmark's environment has it."""

READER_READY = (b"sentences coded", b"Help")
"""The status line and the key bar: both drawn means the first frame is complete."""


def seeds_database(folder: Path) -> Path:
    """A database holding the default codebook and the seed articles."""
    from reader.codebook import load_default_codebook
    from reader.db import open_database
    from reader.importing import import_seeds

    path = folder / "seeds.db"
    db = open_database(path)
    load_default_codebook(db)
    import_seeds(db)
    db.conn.close()
    return path


def big_database(path: Path, seeds: Path, n: int = BIG_ARTICLES) -> Path:
    """``n`` articles: the seed articles again and again under new titles (made once, kept)."""
    if path.exists():
        return path
    import sqlite3

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
    return path


def time_process(script: str, ready: tuple[bytes, ...], *args: str) -> float:
    """Seconds from starting ``python -c script`` under a pseudo-terminal until every ``ready``
    text has appeared in its output (its first frame is drawn); the process is then stopped."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
    env = {**os.environ, "PYTHONPATH": str(ROOT), "TERM": "xterm-256color"}
    start = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-c", script, *args],
        stdin=slave,
        stdout=slave,
        stderr=slave,
        env=env,
        close_fds=True,
    )
    os.close(slave)
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


async def key_latencies(path: Path, presses: int) -> dict[str, float]:
    """Median milliseconds per key (press + pause) on the coding screen over ``path``."""
    from reader.app import ReaderApp
    from reader.db import open_database
    from reader.store import Store

    store = Store(open_database(path), "bench-keys")
    app = ReaderApp(store, db_label=str(path))
    times: dict[str, list[float]] = {"next sentence (j)": [], "next article (n)": []}
    times["committed annotation (a enter 1 enter)"] = []
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()

        async def timed(name: str, key: str) -> None:
            start = time.perf_counter()
            await pilot.press(key)
            await pilot.pause()
            times[name].append((time.perf_counter() - start) * 1000)

        for _ in range(presses):
            await timed("next sentence (j)", "j")
        for _ in range(presses):
            await timed("next article (n)", "n")
        for _ in range(presses):
            await pilot.press("right_square_bracket", "a", "enter", "1")
            before = store.conn.execute("SELECT count(*) FROM annotations").fetchone()[0]
            await timed("committed annotation (a enter 1 enter)", "enter")
            after = store.conn.execute("SELECT count(*) FROM annotations").fetchone()[0]
            assert after == before + 1, "the annotation was not stored"
    # Leave the big database as it was for the next run.
    with store.conn:
        store.conn.execute("DELETE FROM annotations WHERE annotator = 'bench-keys'")
        store.conn.execute("DELETE FROM events WHERE annotator = 'bench-keys'")
        store.conn.execute("DELETE FROM ui_state WHERE annotator = 'bench-keys'")
    store.close()
    return {name: statistics.median(values) for name, values in times.items()}


async def bare_latency(presses: int) -> float:
    """Median milliseconds per key press on a bare app: what press + pause cost by themselves."""
    from textual.app import App, ComposeResult
    from textual.widgets import OptionList

    class Bare(App[None]):
        def compose(self) -> ComposeResult:
            yield OptionList("one", "two", "three")

    values = []
    async with Bare().run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        for _ in range(presses):
            start = time.perf_counter()
            await pilot.press("down")
            await pilot.pause()
            values.append((time.perf_counter() - start) * 1000)
    return statistics.median(values)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="start-up runs per app (median)")
    parser.add_argument("--presses", type=int, default=20, help="key presses per key (median)")
    parser.add_argument(
        "--big",
        type=Path,
        default=Path(tempfile.gettempdir()) / "nkreader-bench-100k.db",
        help="where the 100,000-article database is made (and reused)",
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        seeds = seeds_database(Path(folder))
        made = time.perf_counter()
        big = big_database(args.big, seeds)
        made = time.perf_counter() - made
        bare, small, large, clean = start_times(args.runs, seeds, big)
        latencies = asyncio.run(key_latencies(big, args.presses))
        harness = asyncio.run(bare_latency(args.presses))

    print(f"`python bench/bench_tui.py --runs {args.runs} --presses {args.presses}`")
    origin = f"made in {made:.1f} s" if made > 1 else "reused"
    print(f"(100k database at {big}: {origin})\n")
    print("| measurement | median | target | ratio |")
    print("|---|---|---|---|")
    print(f"| bare Textual app, start to first frame | {bare * 1000:.0f} ms | | |")
    print(
        f"| nkreader on the seeds, start to first frame | {small * 1000:.0f} ms |"
        f" ≤ 1.5× bare | {small / bare:.2f}× |"
    )
    print(
        f"| nkreader on 100,000 articles, start to first frame | {large * 1000:.0f} ms |"
        f" ≤ 2× seeds | {large / small:.2f}× |"
    )
    print(
        f"| nkreader on the seeds, numpy hidden (a clean install) | {clean * 1000:.0f} ms |"
        f" ≤ 1.5× bare | {clean / bare:.2f}× |"
    )
    print(f"| bare app, one key (pilot press + pause, the harness cost) | {harness:.1f} ms | | |")
    for name, value in latencies.items():
        print(
            f"| 100,000 articles: {name} | {value:.1f} ms | < 50 ms |"
            f" {value - harness:+.1f} ms over the harness |"
        )


if __name__ == "__main__":
    main()
