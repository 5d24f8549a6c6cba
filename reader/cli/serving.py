"""``nkreader serve``: the reader in web browsers, one reader process per tab, through
textual-serve.

textual-serve runs one fixed command line for every browser tab that opens its websocket and
relays the terminal between the two; nothing the browser sends reaches that command line. The
command here is this Python running ``reader.cli.session`` on the one database the server was
given, which starts at the login screen. The server itself never imports Textual.
"""

from __future__ import annotations

import ipaddress
import os
import shlex
import socket
import sys
from pathlib import Path

__all__ = ["ServeError", "is_loopback", "serve", "session_command", "unencrypted_warning"]

IGNORED_ENVIRONMENT = ("NKREADER_ANNOTATOR", "NKREADER_DB")
"""Taken out of the environment the tabs' readers inherit: who codes is the coder logged in,
and the database is the one the server names."""


class ServeError(Exception):
    """The server could not start; the message says why in one line."""


def is_loopback(host: str) -> bool:
    """Whether ``host`` is reachable only from this machine (127.0.0.0/8, ::1, localhost)."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def unencrypted_warning(host: str, port: int) -> str:
    return (
        f"warning: serving on {host}:{port}, beyond this machine: passwords and codes cross the "
        "network unencrypted; put a TLS proxy in front (README, Serving a team) and pass "
        "--public-url https://…"
    )


def session_command(path: Path) -> str:
    """The command line every tab runs: this Python, the session module, the database."""
    return shlex.join([sys.executable, "-m", "reader.cli.session", str(path)])


def default_public_url(host: str, port: int) -> str:
    """Where browsers are told to connect: the host, or this machine's name for a wildcard
    address (``0.0.0.0``, ``::``), which a browser elsewhere cannot reach."""
    if host in {"0.0.0.0", "::", ""}:
        host = socket.gethostname()
    elif ":" in host and not host.startswith("["):
        host = f"[{host}]"
    return f"http://{host}:{port}"


def serve(path: Path, *, host: str, port: int, public_url: str | None = None) -> None:
    """Serve the reader on ``path`` until interrupted (Ctrl-C, SIGTERM)."""
    try:
        from textual_serve.server import Server
    except ImportError:
        raise ServeError(
            "nkreader serve needs the serve extra: pip install 'nkreader[serve]'"
        ) from None
    if not is_loopback(host):
        print(unencrypted_warning(host, port), file=sys.stderr)
    for name in IGNORED_ENVIRONMENT:
        os.environ.pop(name, None)
    server = Server(
        session_command(path.resolve()),
        host=host,
        port=port,
        title="nkreader",
        public_url=(public_url or default_public_url(host, port)).rstrip("/"),
    )
    try:
        server.serve()
    except OSError as error:
        raise ServeError(f"cannot listen on {host}:{port}: {error.strerror or error}") from None
