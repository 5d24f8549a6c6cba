"""``nkreader serve`` under load: many browser tabs coding at once against one alone.

Usage::

    python bench/bench_serve.py [--sessions 20] [--codes 50] [--timeout 900]

Builds a database with the seed articles, the default codebook and one coder per session (plus
``solo``), starts ``nkreader serve`` on a free loopback port, and drives tabs as websocket
clients speaking textual-serve's protocol into a terminal emulator (``tests/served.py``). Each
tab logs in and codes ``--codes`` sentences with the reader's keys (``a``, ``enter``, ``1``,
``enter``, then ``]`` to the next uncoded sentence), waiting at each step for the screen to
show it. Key → frame latency is the time from sending a key to the first terminal output
after it. First ``solo`` codes alone (the baseline), then ``--sessions`` tabs code at once;
while they do, the resident memory of the server's readers is sampled.

Checks: every code each tab made is in the database (none lost: ``sessions × codes`` rows by
those coders), and ``PRAGMA integrity_check`` is ``ok``. Prints a Markdown table and the
command line.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import shlex
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from served import ENTER, Tab, served  # noqa: E402

from reader.db import open_database  # noqa: E402
from reader.exchange.codebook_file import load_default_codebook  # noqa: E402
from reader.exchange.importing import import_seeds  # noqa: E402
from reader.store import Store  # noqa: E402

SENTENCE = re.compile(r"Sentence (\d+) of (\d+)")


def build(db: Path, coders: list[str]) -> None:
    store = Store(open_database(db), "bench")
    load_default_codebook(store)
    import_seeds(store)
    for coder in coders:
        store.add_coder(coder, f"{coder}-pw")
    store.close()


async def key(tab: Tab, keys: str, latencies: list[float]) -> None:
    """Send ``keys`` and record the time to the first frame after them."""
    frames = tab.frames
    sent = time.perf_counter()
    await tab.type(keys)
    deadline = time.monotonic() + 30
    while tab.frames == frames:
        if time.monotonic() > deadline:
            raise AssertionError(f"no frame after {keys!r}")
        await asyncio.sleep(0.001)
    latencies.append(tab.last_frame - sent)


def place(text: str) -> str:
    found = SENTENCE.search(text)
    return found.group(0) if found else ""


async def code(url: str, coder: str, codes: int, latencies: list[float]) -> int:
    """Log in as ``coder`` and code ``codes`` sentences; return how many were confirmed."""
    async with Tab(url, width=120, height=40) as tab:
        await tab.log_in(coder, f"{coder}-pw", timeout=300)  # twenty readers starting at once
        done = 0
        for n in range(1, codes + 1):
            await key(tab, "a", latencies)
            await tab.wait_until("Actor", 60)
            await key(tab, ENTER, latencies)
            await tab.wait_until("Stance", 60)
            await key(tab, "1", latencies)
            await tab.wait_until("Target", 60)
            await key(tab, ENTER, latencies)
            await tab.wait_until(f" {n}/66 sentences coded", 60)
            done = n
            if n < codes:
                before = place(tab.text)
                await key(tab, "]", latencies)
                await tab.wait_until(lambda t, b=before: place(t) not in ("", b), 60)
        return done


def descendants(pid: int) -> list[int]:
    found: list[int] = []
    todo = [pid]
    while todo:
        parent = todo.pop()
        try:
            children = Path(f"/proc/{parent}/task/{parent}/children").read_text().split()
        except OSError:
            continue
        found += [int(c) for c in children]
        todo += [int(c) for c in children]
    return found


def rss_mib(pid: int) -> float:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0.0
    found = re.search(r"VmRSS:\s+(\d+) kB", status)
    return int(found.group(1)) / 1024 if found else 0.0


def server_pid(port: int) -> int:
    """The ``nkreader serve`` process listening on ``port`` (found by its command line)."""
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                argv = (entry / "cmdline").read_bytes().split(b"\0")
            except OSError:
                continue
            if b"serve" in argv and str(port).encode() in argv:
                return int(entry.name)
    raise RuntimeError("server process not found")


async def run(url: str, sessions: int, codes: int) -> dict[str, object]:
    solo: list[float] = []
    start = time.perf_counter()
    await code(url, "solo", codes, solo)
    solo_seconds = time.perf_counter() - start
    pid = server_pid(int(url.rsplit(":", 1)[1]))
    base_rss = rss_mib(pid)
    many: list[float] = []
    peak: list[float] = [0.0, 0.0]

    async def sample() -> None:
        while True:
            readers = [p for p in descendants(pid) if _is_reader(_cmd(p))]
            total = sum(rss_mib(p) for p in readers)
            if total > peak[0]:
                peak[:] = [total, float(len(readers))]
            await asyncio.sleep(0.5)

    sampler = asyncio.create_task(sample())
    start = time.perf_counter()
    done = await asyncio.gather(
        *(code(url, f"coder{i:02d}", codes, many) for i in range(1, sessions + 1))
    )
    many_seconds = time.perf_counter() - start
    sampler.cancel()
    return {
        "solo": solo, "many": many, "done": done, "solo_seconds": solo_seconds,
        "many_seconds": many_seconds, "peak_rss": peak[0], "readers": peak[1],
        "server_rss": base_rss,
    }  # fmt: skip


def _cmd(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return b""


def _is_reader(cmdline: bytes) -> bool:
    """A tab's reader, not the shell textual-serve starts it through."""
    argv = cmdline.split(b"\0")
    return b"reader.cli.session" in argv and not argv[0].endswith(b"sh")


def p90(values: list[float]) -> float:
    return statistics.quantiles(values, n=10)[-1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--codes", type=int, default=50)
    parser.add_argument("--timeout", type=float, default=900)
    args = parser.parse_args()
    if args.codes > 66:
        parser.error("the seeds have 66 sentences: --codes 66 at most")
    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "serve.db"
        coders = ["solo", *(f"coder{i:02d}" for i in range(1, args.sessions + 1))]
        build(db, coders)
        with served(db) as url:
            result = asyncio.run(
                asyncio.wait_for(run(url, args.sessions, args.codes), args.timeout)
            )
        with sqlite3.connect(db) as conn:
            stored = conn.execute(
                "SELECT count(*) FROM annotations WHERE annotator LIKE 'coder%'"
            ).fetchone()[0]
            integrity = conn.execute("PRAGMA integrity_check").fetchone()[0]
    solo, many = result["solo"], result["many"]
    assert isinstance(solo, list) and isinstance(many, list)
    expected = args.sessions * args.codes
    ms = 1000
    print(f"`{shlex.join([sys.executable, *sys.argv])}`\n")
    print(f"{os.cpu_count()} CPU cores; {args.sessions} sessions × {args.codes} codes.\n")
    print("| measure | one session alone | sessions at once | ratio |")
    print("|---|---:|---:|---:|")
    for label, alone, together in (
        ("key → frame, median (ms)", statistics.median(solo), statistics.median(many)),
        ("key → frame, p90 (ms)", p90(solo), p90(many)),
    ):
        print(f"| {label} | {alone * ms:.1f} | {together * ms:.1f} | {together / alone:.2f} |")
    print(
        f"| wall time (s) | {result['solo_seconds']:.1f} | {result['many_seconds']:.1f} | "
        f"{float(result['many_seconds']) / float(result['solo_seconds']):.2f} |"  # type: ignore[arg-type]
    )
    readers = float(result["readers"]) or 1  # type: ignore[arg-type]
    print()
    print(f"- keys timed: {len(solo)} alone, {len(many)} together")
    print(f"- codes confirmed on screen: {sum(result['done'])} of {expected}")  # type: ignore[arg-type]
    print(f"- codes in the database by those coders: {stored} of {expected} (none lost: "
          f"{'yes' if stored == expected else 'NO'})")  # fmt: skip
    print(f"- integrity_check: {integrity}")
    print(
        f"- memory: server process {result['server_rss']:.0f} MiB; readers at the peak "
        f"{result['peak_rss']:.0f} MiB for {readers:.0f} sessions = "
        f"{float(result['peak_rss']) / readers:.0f} MiB per session"  # type: ignore[arg-type]
    )


if __name__ == "__main__":
    main()
