"""The pseudo-terminal side of ``bench_tui``: start an app under a 120x40 pty, write keys, time
and measure the frames it writes back.

A process started here gets ``TERM=xterm-256color`` and, in the ``truecolor`` colour mode,
``COLORTERM=truecolor`` as well. That is how Textual picks its colours: its console is Rich's,
whose colour system is ``TEXTUAL_COLOR_SYSTEM`` if set, else truecolor when ``COLORTERM`` is
``truecolor`` or ``24bit``, else the number after the last ``-`` of ``TERM`` (``256color``: the
256-colour palette). The benchmark's own ``COLORTERM``, ``TEXTUAL_COLOR_SYSTEM`` and ``NO_COLOR``
are not passed on, so the mode is the one asked for; ``Terminal.check_colours`` verifies it from
the escape codes of the first frame.
"""

from __future__ import annotations

import fcntl
import os
import pty
import re
import select
import statistics
import struct
import subprocess
import sys
import termios
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
COLUMNS, ROWS = 120, 40

QUIET = 0.3
"""Seconds without output after which the answer to a key is taken to be complete. Shorter than
the 0.5 s blink of an input's cursor, so a picker's blinking does not keep a key open."""

SYNC_QUERY = b"\x1b[?2026$p"
SYNC_REPLY = b"\x1b[?2026;2$y"
"""DECRQM for synchronized output and a terminal's answer "supported, currently off": Textual
brackets its frames in ``CSI ? 2026 h`` ... ``CSI ? 2026 l`` only after this answer."""
FRAME_END = b"\x1b[?2026l"

KEYS = {
    "enter": b"\r",
    "tab": b"\t",
    "space": b" ",
    "down": b"\x1b[B",
    "up": b"\x1b[A",
    "next_open": b"]",
    "previous_open": b"[",
    "escape": b"\x1b",
    "escape_kitty": b"\x1b[27u",
}
"""What a terminal sends for each named key; any other single character is sent as itself. A
lone ``escape`` is what xterm and most terminals send: Textual waits ``ESCDELAY`` (100 ms) for
more bytes before it takes it as the escape key. ``escape_kitty`` is the same key as a terminal
that speaks the kitty keyboard protocol (which Textual asks for) sends it, without that wait."""

COLOURS: dict[str, dict[str, str]] = {
    "256": {"TERM": "xterm-256color"},
    "truecolor": {"TERM": "xterm-256color", "COLORTERM": "truecolor"},
}
"""The environment of each colour mode (see the module's docstring)."""
NOT_PASSED_ON = ("COLORTERM", "TEXTUAL_COLOR_SYSTEM", "NO_COLOR")

_TRUECOLOR = re.compile(rb"[\[;][34]8;2;\d")
_PALETTE = re.compile(rb"[\[;][34]8;5;\d")
_MOVE = re.compile(rb"\x1b\[(\d+);(\d+)H")
"""A cursor move to row;column: Textual starts each line (or piece of a line) it writes so."""


_CONTROL = re.compile(rb"\x1b\[[0-?]*[ -/]*[@-~]|\x1b[^\[]|[\r\n]")
"""Escape sequences (CSI and two-byte ones) and line ends: everything in a frame but text."""


def cells_written(data: bytes) -> int:
    """How many characters ``data`` writes to the screen (a wide character counts once)."""
    return len(_CONTROL.sub(b"", data).decode(errors="replace"))


def written(data: bytes) -> set[tuple[int, int]]:
    """The (row, column) places, counted from 1, where ``data`` starts writing."""
    return {(int(row), int(column)) for row, column in _MOVE.findall(data)}


def key_bytes(key: str) -> bytes:
    """What the terminal sends for ``key``: a name in ``KEYS`` or a single character."""
    if key in KEYS:
        return KEYS[key]
    if len(key) != 1:
        raise KeyError(f"no such key: {key!r}")
    return key.encode()


def spawn(
    argv: Sequence[str], env: dict[str, str], colour: str = "256"
) -> tuple[subprocess.Popen[bytes], int]:
    """Start ``argv`` with a 120x40 pseudo-terminal as its stdin, stdout and stderr."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLUMNS, 0, 0))
    inherited = {k: v for k, v in os.environ.items() if k not in NOT_PASSED_ON}
    process = subprocess.Popen(
        list(argv),
        stdin=slave,
        stdout=slave,
        stderr=slave,
        env={**inherited, "PYTHONPATH": str(ROOT), **COLOURS[colour], **env},
        close_fds=True,
        start_new_session=True,
    )
    os.close(slave)
    return process, master


def time_process(
    script: str, ready: tuple[bytes, ...], *args: str, tree: Path = ROOT, colour: str = "256"
) -> float:
    """Seconds from starting ``python -c script`` under a pseudo-terminal until every ``ready``
    text has appeared in its output (its first frame is drawn); the process is then stopped.
    ``tree`` is the checkout whose ``reader`` package the process imports."""
    start = time.perf_counter()
    process, master = spawn(
        [sys.executable, "-c", script, *args], {"PYTHONPATH": str(tree)}, colour
    )
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


@dataclass
class Answer:
    """What the app wrote in reply to one key: when its first and last frames ended (ms after
    the key was written), how many frames and bytes, and how many screen cells they wrote."""

    first_ms: float
    last_ms: float
    frames: int
    size: int
    cells: int = 0
    """Characters the answer wrote, one cell each (4,800 at 120x40: the whole screen once)."""
    visible_ms: float | None = None
    """When the last frame that changed any character on screen ended; None without pyte."""
    blinks: int = 0
    """Frames left out as an input's cursor blinking (see ``Terminal._answer``)."""


class Terminal:
    """A pseudo-terminal running one app process: writes keys, reads and times its frames, and
    answers its query for synchronized output the way a modern terminal does."""

    def __init__(
        self, argv: Sequence[str], env: dict[str, str] | None = None, colour: str = "256"
    ) -> None:
        self.process, self.master = spawn(argv, env or {}, colour)
        self.colour = colour
        self.output = bytearray()
        self.synchronized = False
        self.screen = _emulator()
        self._shown = 0
        """How much of ``output`` the emulated screen has been fed."""

    def read(self, timeout: float) -> bytes | None:
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
            self.read(0.5)
        self.settle()
        if not self.synchronized:
            raise SystemExit(self._failure("the app never asked for synchronized output"))

    def check_colours(self) -> None:
        """Stop unless the output so far is in this terminal's colour mode, and only in it."""
        truecolor = _TRUECOLOR.search(self.output) is not None
        palette = _PALETTE.search(self.output) is not None
        if (truecolor, palette) != (self.colour == "truecolor", self.colour == "256"):
            raise SystemExit(
                f"asked for {self.colour} colours, the app wrote"
                f" {'24-bit' if truecolor else 'no 24-bit'} and"
                f" {'256-colour' if palette else 'no 256-colour'} codes"
            )

    def settle(self, quiet: float = QUIET) -> None:
        """Read until nothing has come for ``quiet`` seconds."""
        while self.read(quiet) is not None:
            pass

    def press(
        self,
        key: str,
        timeout: float = 10,
        until: Callable[[bytes], bool] | None = None,
    ) -> Answer:
        """Write ``key`` and time the frames that answer it, until the app falls quiet (and,
        with ``until``, not before the bytes of the answer satisfy it)."""
        return self.send(key_bytes(key), timeout, until)

    def send(
        self,
        data: bytes,
        timeout: float = 10,
        until: Callable[[bytes], bool] | None = None,
    ) -> Answer:
        """Write ``data`` (a key, or several keys at once) and time the frames that answer it.

        Quiet is not always the end: an app that works for longer than ``QUIET`` without
        writing (a handler that blocks the event loop after a first frame) would seem done, so a
        caller that knows what the complete answer writes passes it as ``until``. The same
        holds while an input has the focus: its cursor's blink, a frame, may come before the
        answer, which a criterion the blink cannot meet keeps from ending it.
        """
        self.settle(0.05)
        start = time.perf_counter()
        os.write(self.master, data)
        mark = len(self.output)
        frame_ends: list[float] = []
        last_byte = start
        while True:
            complete = bool(frame_ends) and (until is None or until(bytes(self.output[mark:])))
            wait = QUIET if complete else max(0.0, start + timeout - time.perf_counter())
            chunk = self.read(wait)
            now = time.perf_counter()
            if chunk is None:
                if complete and now - last_byte >= QUIET:
                    break
                if now - start >= timeout:
                    raise SystemExit(self._failure(f"no answer within {timeout} s to {data!r}"))
                continue
            last_byte = now
            ends = self.output.count(FRAME_END, mark)
            frame_ends.extend([now] * (ends - len(frame_ends)))
        return self._answer(start, mark, frame_ends)

    def _answer(self, start: float, mark: int, frame_ends: list[float]) -> Answer:
        """The answer's frames, replayed through the terminal emulator (when pyte is installed)
        after the timing, so that the emulator's own cost is not counted.

        A frame that changes one cell and leaves its character as it was is an input's cursor
        blinking (every 0.5 s while a filter or picker input has the focus), not part of the
        answer: it counts toward no time, frame, row or byte. A frame that leaves every
        character as it was (a repaint, a highlight) is part of the answer, but not a change a
        user can see: the last visible change is the last frame that changed a character.
        """
        pieces: list[tuple[float, bytes]] = []
        offset = mark
        for ended in frame_ends:
            end = self.output.index(FRAME_END, offset) + len(FRAME_END)
            pieces.append((ended, bytes(self.output[offset:end])))
            offset = end
        tail = bytes(self.output[offset:])
        kept = list(pieces)
        visible = None
        if self.screen is not None:
            screen, stream = self.screen
            stream.feed(bytes(self.output[self._shown : mark]))
            kept, visible = [], None
            for ended, data in pieces:
                before = _cells(screen)
                stream.feed(data)
                changed = [
                    (old, new)
                    for row_before, row_after in zip(before, _cells(screen), strict=True)
                    if row_before != row_after
                    for old, new in zip(row_before, row_after, strict=True)
                    if old != new
                ]
                if len(changed) == 1 and changed[0][0][0] == changed[0][1][0]:
                    continue
                kept.append((ended, data))
                if any(old[0] != new[0] for old, new in changed):
                    visible = ended
            stream.feed(tail)
            self._shown = len(self.output)
            kept = kept or pieces
            visible = visible or kept[0][0]
        data = b"".join(piece for _, piece in kept) + tail
        return Answer(
            first_ms=(kept[0][0] - start) * 1000,
            last_ms=(kept[-1][0] - start) * 1000,
            frames=len(kept),
            size=len(data),
            cells=cells_written(data),
            visible_ms=None if visible is None else (visible - start) * 1000,
            blinks=len(pieces) - len(kept),
        )

    def lines(self) -> list[str] | None:
        """What the screen shows now, line by line (None without pyte)."""
        if self.screen is None:
            return None
        screen, stream = self.screen
        stream.feed(bytes(self.output[self._shown :]))
        self._shown = len(self.output)
        return list(screen.display)

    def shows(self, text: str) -> bool | None:
        """Whether ``text`` is on one line of the screen now (None without pyte)."""
        lines = self.lines()
        return None if lines is None else any(text in line for line in lines)

    def wait_gone(self, text: str, timeout: float = 10) -> None:
        """Read until ``text`` has left the screen (a notification has expired), then until
        quiet; without pyte, read for ``timeout`` seconds."""
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            if self.shows(text) is False:
                self.settle()
                return
            self.read(0.1)
        if self.screen is not None:
            raise SystemExit(self._failure(f"{text!r} still shown after {timeout} s"))

    def close(self) -> None:
        """Quit the app with ``q`` (so it saves its state), killing it if it does not go."""
        try:
            os.write(self.master, b"q")
            deadline = time.perf_counter() + 10
            while self.process.poll() is None and time.perf_counter() < deadline:
                try:
                    self.read(0.1)
                except SystemExit:
                    break
        finally:
            if self.process.poll() is None:
                self.process.kill()
            self.process.wait()
            os.close(self.master)


def _cells(screen: Any) -> list[list[tuple[Any, ...]]]:
    """Every cell of a pyte screen (character and attributes), row by row."""
    return [
        [tuple(line[x]) for x in range(COLUMNS)]
        for line in map(screen.buffer.__getitem__, range(ROWS))
    ]


def _emulator() -> tuple[Any, Any] | None:
    """A ``pyte`` screen and byte stream of the pty's size, when pyte is installed."""
    try:
        import pyte
    except ImportError:
        return None
    screen = pyte.Screen(COLUMNS, ROWS)
    return screen, pyte.ByteStream(screen)


def _p90(values: Sequence[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.9 * (len(ordered) - 1)))]


@dataclass
class KeyStats:
    """The answers to one kind of key."""

    answers: list[Answer] = field(default_factory=list)

    def median(self, first: bool = False) -> float:
        return statistics.median(self._values(first))

    def p90(self, first: bool = False) -> float:
        return _p90(self._values(first))

    def _values(self, first: bool) -> list[float]:
        return [a.first_ms if first else a.last_ms for a in self.answers]

    def visible(self) -> tuple[float, float] | None:
        """Median and p90 of the last visible change, when it was measured."""
        values = [a.visible_ms for a in self.answers if a.visible_ms is not None]
        if not values:
            return None
        return statistics.median(values), _p90(values)

    def size(self) -> float:
        return statistics.median(a.size for a in self.answers)

    def frames(self) -> float:
        return statistics.median(a.frames for a in self.answers)

    def cells(self) -> float:
        return statistics.median(a.cells for a in self.answers)
