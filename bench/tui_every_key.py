"""Every key of the coding loop, timed one at a time in the real app, with the bytes it costs.

One ``python -m reader`` session per colour mode over the 100,000-article database. Each key is
written only once the answer to the one before is complete (quiet), and every key that writes is
undone before the next press of the same kind, so each press starts from the same state; the
stored result is checked with a second connection after every write and every undo:

- ``j`` and ``n`` (each followed by an untimed ``k`` or ``p``);
- ``a enter 1 enter`` (actor picker, suggested actor, stance, target: committed), then ``u``
  (undo that annotation);
- ``space`` (no claim, which moves on; then ``k`` and ``space`` unmark it, untimed);
- ``.`` (repeat the last annotation, on the sentence after an annotated one; undone untimed);
- ``]`` from an article's last sentence (the next uncoded sentence is in the next article) and
  ``[`` back across the same boundary;
- ``/``, then a word typed one key at a time, each letter timed until the article list has been
  redrawn for it (the filter runs after the box shows the letter, and may block for longer than
  the quiet that ends other keys), then ``escape`` (in turn a lone ESC byte, as most terminals
  send it and Textual waits 100 ms for more bytes after, and ``CSI 27 u``, as a terminal with
  the kitty keyboard protocol that Textual asks for sends it), then an untimed ``tab`` back to
  the reader; and ``BURSTS`` times more with the word written in one burst (fast typing:
  untimed, checks that no key is lost and notes when the list followed).

``u`` shows a notification for five seconds; its removal repaints the screen, so after each undo
the session waits until the notification has gone before the next key (untimed).
"""

from __future__ import annotations

import json
import os
import re
import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from tui_pty import QUIET, ROWS, KeyStats, Terminal, written

ANNOTATOR = "bench"

LIST_PANE = 36
"""Columns of the article list pane at 120x40, where the filter box shows what was typed."""
LIST_TOP = 5
"""The first screen row of the article list while the filter box (rows 2 to 4) is open."""
BURSTS = 3
"""How many times the filter's word is also written in one burst (fast typing)."""


def list_written(data: bytes) -> bool:
    """Whether ``data`` redraws the article list under an open filter box: the filter has run.

    Typing into the filter writes the box at once (its first frame); the filter itself runs
    after, on the event loop, and may take longer than ``QUIET`` without writing anything.
    """
    return any(LIST_TOP <= row < ROWS and column == 1 for row, column in written(data))


def key_bar_written(data: bytes) -> bool:
    """Whether ``data`` redraws the key bar (the last row), as closing the filter or a picker
    does: an input's cursor blinking never writes there, so a blink just before the answer does
    not end it early (a frame counts toward completion before the replay can tell blinks)."""
    return any(row == ROWS for row, _ in written(data))


def stance_written(data: bytes) -> bool:
    """Whether ``data`` draws the stance question (its title): the actor's ``enter`` leaves the
    key bar as it was (the same keys answer both questions), so it cannot mark the answer."""
    return b"Stance" in data


def private_copy(source: Path, path: Path) -> Path:
    """A copy of ``source`` at ``path``, made with SQLite's backup (consistent even while another
    process uses the file): keys timed on it cannot be disturbed by another run on the shared
    file, which removes this benchmark's coder's rows when it starts and ends."""
    path.unlink(missing_ok=True)
    src, dest = sqlite3.connect(source, timeout=30), sqlite3.connect(path)
    try:
        src.backup(dest)
    finally:
        src.close()
        dest.close()
    return path


def add_actors(source: Path, path: Path, n: int) -> Path:
    """A copy of ``source`` with ``n`` generated actors (each with aliases) added to its codebook:
    persons with titled aliases, ministries and agencies, states, as ``bench_mentions`` makes
    them."""
    from bench_mentions import codebook

    conn = sqlite3.connect(private_copy(source, path), isolation_level=None)
    taken = {str(name).casefold() for (name,) in conn.execute("SELECT name FROM actors")}
    generated = []
    for actor in codebook(len(taken) + 2 * n):
        if len(generated) == n:
            break
        if actor.name.casefold() not in taken:
            taken.add(actor.name.casefold())
            generated.append((actor.name, actor.kind, json.dumps(list(actor.aliases))))
    if len(generated) < n:
        raise SystemExit(f"could only make {len(generated)} new actor names, not {n}")
    conn.execute("BEGIN")
    conn.executemany("INSERT INTO actors (name, kind, aliases) VALUES (?, ?, ?)", generated)
    conn.execute("COMMIT")
    conn.close()
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


def count(path: Path, table: str) -> int:
    """How many rows of ``table`` this benchmark's coder has (read by a second connection)."""
    conn = sqlite3.connect(path, timeout=30)
    try:
        query = f"SELECT count(*) FROM {table} WHERE annotator = ?"
        return int(conn.execute(query, [ANNOTATOR]).fetchone()[0])
    finally:
        conn.close()


_HEADING = re.compile(r"Sentence (\d+) of (\d+)")


def heading(lines: list[str] | None) -> tuple[int, int] | None:
    """The panel's "Sentence N of M" (None without pyte)."""
    if lines is None:
        return None
    for line in lines:
        if found := _HEADING.search(line):
            return int(found[1]), int(found[2])
    raise SystemExit("no 'Sentence N of M' on the screen:\n" + "\n".join(lines))


def filter_text(lines: list[str] | None) -> str | None:
    """What the article filter box shows (None without pyte or when it is closed)."""
    if lines is None:
        return None
    for line in lines[:4]:
        inner = line[:LIST_PANE]
        if inner.startswith("▊") and "▎" in inner:
            text = inner[1 : inner.index("▎")].strip()
            if text.strip("▔▁"):
                return text
    return None


@dataclass
class EveryKey:
    """The answers to every timed key of one session, by name, and what the checks found."""

    stats: dict[str, KeyStats] = field(default_factory=dict)
    bursts: list[tuple[str | None, float]] = field(default_factory=list)
    """For each word written in one burst: what the filter showed once the list had followed
    (None without pyte), and when that list frame ended (ms after the burst)."""

    def add(
        self,
        name: str,
        terminal: Terminal,
        key: str,
        until: Callable[[bytes], bool] | None = None,
    ) -> None:
        answer = terminal.press(key, until=until)
        self.stats.setdefault(name, KeyStats()).answers.append(answer)


def expect(what: str, found: object, wanted: object) -> None:
    """Stop the benchmark when a check fails: the timings would describe something else (a check
    that needs the screen is skipped without pyte: ``found`` is None)."""
    if found is not None and found != wanted:
        raise SystemExit(f"after {what}: expected {wanted!r}, found {found!r}")


def at_sentence(what: str, terminal: Terminal, number: int) -> tuple[int, int] | None:
    """Check that the panel shows sentence ``number``; returns its heading."""
    shown = heading(terminal.lines())
    expect(what, shown and shown[0], number)
    return shown


def burst(terminal: Terminal, word: str, timeout: float = 120) -> tuple[str | None, float]:
    """Write ``word`` into the open filter in one go; wait until the box shows all of it and the
    list has been redrawn after that, then for quiet. Returns what the box shows and when the
    list was redrawn (ms after the burst; NaN if the box never showed the whole word).

    The box and the filter take the letters in turns as the event loop lets them: the list may
    be redrawn for "nu" while the rest of the word is still on its way to the box.
    """
    terminal.settle(0.05)
    began = time.perf_counter()
    os.write(terminal.master, word.encode())
    echoed: int | None = None
    listed = None
    while listed is None and time.perf_counter() - began < timeout:
        mark = len(terminal.output)
        if terminal.read(0.5) is None:
            continue
        if echoed is None and filter_text(terminal.lines()) in (word, None):
            echoed = mark
        if echoed is not None and list_written(bytes(terminal.output[echoed:])):
            listed = time.perf_counter()
    terminal.settle()
    waited = (listed - began) * 1000 if listed is not None else float("nan")
    return filter_text(terminal.lines()), waited


def every_key(
    argv: list[str], path: Path, presses: int, colour: str, word: str, ready: tuple[bytes, ...]
) -> EveryKey:
    """Time every key of the coding loop in one session of ``argv`` over ``path``."""
    forget_coder(path)
    run = EveryKey()
    terminal = Terminal(argv, colour=colour)

    def annotations(what: str, wanted: int) -> None:
        expect(what, count(path, "annotations"), wanted)

    def undo(what: str, wanted: int, name: str | None = None) -> None:
        if name is None:
            terminal.press("u")
        else:
            run.add(name, terminal, "u")
        annotations(f"u ({what})", wanted)
        terminal.wait_gone("Undone:")

    def annotate(timed: bool) -> None:
        # The answer to the actor's enter is the stance question drawn; the picker's close
        # repaints the key bar.
        for name, key, until in (
            ("a", "a", None),
            ("actor", "enter", stance_written),
            ("stance", "1", None),
            ("commit", "enter", key_bar_written),
        ):
            if timed:
                run.add(name, terminal, key, until=until)
            else:
                terminal.press(key, until=until)

    try:
        terminal.wait_ready(ready)
        terminal.check_colours()
        at_sentence("start", terminal, 1)
        for _ in range(presses):
            run.add("j", terminal, "j")
            terminal.press("k")
        for _ in range(presses):
            run.add("n", terminal, "n")
            terminal.press("p")
        for _ in range(presses):
            annotate(timed=True)
            annotations("a enter 1 enter", 1)
            undo("the annotation", 0, "undo")
        for _ in range(presses):
            run.add("space", terminal, "space")
            expect("space", count(path, "sentence_status"), 1)
            at_sentence("space", terminal, 2)
            terminal.press("k")
            terminal.press("space")
            expect("space to unmark", count(path, "sentence_status"), 0)
        annotate(timed=False)
        annotations("a enter 1 enter", 1)
        terminal.press("j")
        for _ in range(presses):
            run.add("repeat", terminal, ".")
            annotations(".", 2)
            undo("the repeat", 1)
        undo("the first annotation", 0)
        terminal.press("G")
        last = heading(terminal.lines())
        for _ in range(presses):
            run.add("next_open", terminal, "next_open")
            at_sentence("]", terminal, 1)
            run.add("previous_open", terminal, "previous_open")
            expect("[", heading(terminal.lines()), last)
        terminal.press("g")
        for number in range(presses):
            run.add("slash", terminal, "/")
            for i, letter in enumerate(word):
                run.add(f"letter {i}", terminal, letter, until=list_written)
            expect(f"typing {word}", filter_text(terminal.lines()), word)
            escape = ("escape", "escape_kitty")[number % 2]
            run.add(escape, terminal, escape, until=key_bar_written)
            expect(escape, terminal.shows("Clear filter"), False)
            terminal.press("tab")
            expect("tab", terminal.shows("⏎ Open"), False)
        for _ in range(BURSTS):
            terminal.press("/")
            run.bursts.append(burst(terminal, word))
            terminal.press("escape_kitty", timeout=120)
            # The list may still be catching up with the burst: the key bar follows it.
            terminal.wait_gone("Clear filter", timeout=120)
            terminal.press("tab")
        at_sentence("the end", terminal, 1)
    finally:
        terminal.close()
    annotations("the session", 0)
    expect("the session", count(path, "sentence_status"), 0)
    forget_coder(path)
    return run


def names(word: str) -> dict[str, str]:
    """The timed keys in the order they are shown, with what each does."""
    typed = {f"letter {i}": f"`{c}` (filter “{word[: i + 1]}”)" for i, c in enumerate(word)}
    return {
        "j": "`j` next sentence",
        "n": "`n` next article",
        "a": "`a` (actor picker opens)",
        "actor": "`enter` (suggested actor; stance picker opens)",
        "stance": "`1` (stance; target picker opens)",
        "commit": "`enter` (target: committed)",
        "undo": "`u` (undo that annotation)",
        "space": "`space` (no claim, moves on)",
        "repeat": "`.` (repeat last annotation)",
        "next_open": "`]` (next uncoded, in the next article)",
        "previous_open": "`[` (back across the same boundary)",
        "slash": "`/` (filter opens)",
        **typed,
        "escape": "`escape` (filter cleared; lone ESC byte, as xterm sends it)",
        "escape_kitty": "`escape` as `CSI 27 u` (kitty keyboard protocol)",
    }


def print_every_key(
    corpus: str, floors: dict[str, KeyStats], runs: dict[str, EveryKey], word: str, bare: str
) -> None:
    """One table per colour mode measured: times, frames, cells written and bytes (the first
    table has the bytes of every mode, with the ratio to the first mode in brackets)."""
    colours = list(runs)
    rows = [(bare, {mode: floors[mode] for mode in colours})] + [
        (name, {mode: runs[mode].stats[key] for mode in colours})
        for key, name in names(word).items()
        if all(key in run.stats for run in runs.values())
    ]
    for number, colour in enumerate(colours):
        sizes = colours if number == 0 else [colour]
        print(f"Every key, {corpus}, times in {colour} colours:\n")
        print(
            "| key | first frame: median | p90 | last visible change: median | p90"
            " | last frame: median | p90 | frames | cells written | "
            + " | ".join(f"bytes ({mode})" for mode in sizes)
            + " |"
        )
        print("|---" * (9 + len(sizes)) + "|")
        for name, by_mode in rows:
            stats = by_mode[colour]
            visible = stats.visible()
            seen = f"{visible[0]:.1f} ms | {visible[1]:.1f} ms" if visible else "- | -"
            base = by_mode[colours[0]].size()
            cells = [
                f"{by_mode[mode].size():,.0f}"
                + ("" if mode == colours[0] else f" ({by_mode[mode].size() / base:.2f}×)")
                for mode in sizes
            ]
            print(
                f"| {name} | {stats.median(first=True):.1f} ms | {stats.p90(first=True):.1f} ms"
                f" | {seen} | {stats.median():.1f} ms | {stats.p90():.1f} ms"
                f" | {stats.frames():.0f} | {stats.cells():,.0f} | {' | '.join(cells)} |"
            )
        print()
    bursts = [burst for run in runs.values() for burst in run.bursts]
    if bursts:
        shown = [text for text, _ in bursts]
        lost = sorted({text or "" for text in shown if text != word})
        instead = f" ({', '.join(map(repr, lost))} instead)" if lost else ""
        checked = f"whole {shown.count(word)} of {len(bursts)} times{instead}"
        waits = ", ".join(f"{ms / 1000:.1f}" for _, ms in bursts)
        print(
            f"“{word}” written in one burst after `/` (fast typing): the filter showed"
            f" {checked if shown[0] is not None else '(not checked without pyte)'}; the list"
            f" followed after {waits} s.\n"
        )
    print(
        "Each key was written once the answer to the one before was complete. Cells written: the"
        " characters the answer's frames wrote (4,800 is the whole 120×40 screen once)."
        " Bytes: everything the app wrote to the pty in answer, until"
        f" {QUIET * 1000:.0f} ms of quiet (median). Frames in which only an input's cursor"
        " blinks count toward no column. Each letter of the filter is timed until the article"
        " list has been redrawn for it. After `u`, the next key waited until the notification"
        " had gone (its removal repaints)."
    )
