"""``nkreader serve`` as a test or a benchmark sees it: the server in a subprocess, and browser
tabs as websocket clients that speak textual-serve's protocol into a terminal emulator (pyte).

textual-serve's browser client (``static/js/textual.js``) sends ``["stdin", text]`` for keys
and ``["resize", {"width": W, "height": H}]``; the server answers with binary frames, the
reader's terminal output, and text frames holding JSON (``["deliver_file_start", key]`` for a
download). Nothing here sleeps to let the reader get somewhere: each step waits until the
screen shows what proves it, and gives up only after ``timeout`` seconds.
"""

from __future__ import annotations

import asyncio
import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

import aiohttp
import pyte

ENTER, TAB, ESCAPE = "\r", "\t", "\x1b"


def free_port() -> int:
    """A loopback port nothing listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def add_coder(db: Path, name: str, password: str) -> None:
    """``nkreader coders add NAME --password-stdin`` on ``db``."""
    command = ["coders", "add", name, "--password-stdin"]
    subprocess.run(
        [sys.executable, "-m", "reader", "--db", str(db), *command],
        input=password + "\n", text=True, check=True, capture_output=True,
    )  # fmt: skip


@contextmanager
def served(
    db: Path, *, env: dict[str, str] | None = None, extra: tuple[str, ...] = ()
) -> Iterator[str]:
    """``nkreader serve --db DB`` on a free loopback port until the block ends; yields its URL."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "reader", "serve", "--db", str(db), "--port", str(port), *extra],
        env={**os.environ, **(env or {})},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            if process.poll() is not None:
                output = process.stdout.read().decode() if process.stdout else ""
                raise RuntimeError(f"nkreader serve exited {process.returncode}: {output}")
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


class Tab:
    """One browser tab on a served reader: what it types, and the screen it shows."""

    def __init__(self, url: str, width: int = 110, height: int = 32) -> None:
        self.url = url
        self.width, self.height = width, height
        self.screen = pyte.Screen(width, height)
        self.stream = pyte.ByteStream(self.screen)
        self.messages: list[Any] = []
        """The JSON messages (text frames) the server sent."""
        self.frames = 0
        self.last_frame = 0.0
        """When the last output arrived (``time.perf_counter``)."""
        self._changed = asyncio.Event()
        self._session: aiohttp.ClientSession | None = None
        self._ws: aiohttp.ClientWebSocketResponse | None = None
        self._reader: asyncio.Task[None] | None = None
        self.closed = False

    async def __aenter__(self) -> Tab:
        self._session = aiohttp.ClientSession()
        self._ws = await self._session.ws_connect(
            f"{self.url}/ws?width={self.width}&height={self.height}"
        )
        await self._ws.send_json(["resize", {"width": self.width, "height": self.height}])
        self._reader = asyncio.create_task(self._read())
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._ws is not None:
            await self._ws.close()
        if self._reader is not None:
            self._reader.cancel()
            with suppress(asyncio.CancelledError):
                await self._reader
        if self._session is not None:
            await self._session.close()

    async def _read(self) -> None:
        assert self._ws is not None
        async for message in self._ws:
            if message.type == aiohttp.WSMsgType.BINARY:
                self.stream.feed(message.data)
                self.frames += 1
                self.last_frame = time.perf_counter()
            elif message.type == aiohttp.WSMsgType.TEXT:
                self.messages.append(json.loads(message.data))
            self._changed.set()
        self.closed = True
        self._changed.set()

    @property
    def text(self) -> str:
        """The screen as text, one line per row."""
        return "\n".join(self.screen.display)

    async def type(self, keys: str) -> None:
        """Send keys as the browser does (``["stdin", keys]``)."""
        assert self._ws is not None
        await self._ws.send_json(["stdin", keys])

    async def wait_until(self, proof: str | Callable[[str], bool], timeout: float = 30.0) -> str:
        """Wait until the screen shows ``proof`` (a text, or a test of the screen's text)."""
        test = (lambda text: proof in text) if isinstance(proof, str) else proof
        deadline = time.monotonic() + timeout
        while not test(self.text):
            if self.closed:
                raise AssertionError(f"the session closed; last screen:\n{self.text}")
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(f"timed out waiting for {proof!r}; screen:\n{self.text}")
            self._changed.clear()
            with suppress(TimeoutError):
                await asyncio.wait_for(self._changed.wait(), min(left, 0.5))
        return self.text

    async def log_in(self, name: str, password: str, timeout: float = 30.0) -> None:
        """Type the name and the password at the login screen and wait for the reader."""
        await self.wait_until("Password", timeout)
        await self.type(name + TAB)
        await self.type(password + ENTER)
        await self.wait_until("Sentence ", timeout)
