"""The ``nkreader`` command's entry point: bare, it opens the reader; anything else goes to click.

Opening the reader is what coders do many times a day, and click with the table of commands
takes about 15 ms of that start. So ``main`` first recognises the reader's own command line
(``nkreader``, with at most ``--db`` and ``--annotator``, before or after ``tui``) and opens the
reader without loading click. Anything else (a command, ``--help``, ``--version``, an option or
value it is unsure of, shell completion) goes to the click group in ``reader.cli.commands``.
Both ways end in ``run_reader`` and report a refused database the way click reports a
``click.ClickException``, so their messages and exit statuses are the same. The TUI itself is
imported only inside ``run_reader``, so shell commands never load Textual.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from reader.cli.launch import default_annotator, open_reader_store, run_reader

if TYPE_CHECKING:
    import click

__all__ = ["default_annotator", "main", "open_reader_store", "reader_arguments", "run_reader"]

READER_OPTIONS: dict[str, str] = {"--db": "NKREADER_DB", "--annotator": "NKREADER_ANNOTATOR"}
"""The options of bare ``nkreader`` (the group's and ``tui``'s), with their environment
variables."""


# -- the reader's command line, without click ---------------------------------------------------


def reader_arguments(args: Sequence[str]) -> dict[str, str] | None:
    """The ``--db`` and ``--annotator`` values of a command line that just opens the reader.

    Recognises ``[OPTION VALUE]... [tui [OPTION VALUE]...]`` with OPTION one of
    ``READER_OPTIONS``, also written ``OPTION=VALUE``; as in click, a later value wins, so the
    options after ``tui`` win over those before it. Returns None for anything else (a command,
    ``--help``, an empty value or one that starts with ``-``), which is then click's to parse and,
    if need be, to refuse with its usual message.
    """
    values: dict[str, str] = {}
    rest = list(args)
    before_command = True
    while rest:
        arg = rest.pop(0)
        if arg == "tui" and before_command:
            before_command = False
            continue
        option, equals, value = arg.partition("=")
        if option not in READER_OPTIONS:
            return None
        if not equals:
            if not rest:
                return None
            value = rest.pop(0)
        if not value or value.startswith("-"):
            return None
        values[option] = value
    return values


def _completing() -> bool:
    """Whether a shell may be asking click for completions (``_NKREADER_COMPLETE`` and the like;
    any variable of that shape sends the command line to click, which knows the exact name)."""
    return any(name.startswith("_") and name.endswith("_COMPLETE") for name in os.environ)


def _open_reader(values: dict[str, str]) -> None:
    """Run the reader as the ``tui`` command would, reporting failures as click would."""
    from reader.db import DatabaseError

    # As click reads them: the option, else its environment variable; an empty value is none.
    db, annotator = (
        values.get(option) or os.environ.get(variable) or None
        for option, variable in READER_OPTIONS.items()
    )
    try:
        run_reader(Path(db) if db else None, annotator)
    except DatabaseError as error:
        _fail(str(error))
    except KeyboardInterrupt:
        import click

        click.echo(file=sys.stderr)  # ends the terminal's ^C echo, as click does
        click.echo("Aborted!", file=sys.stderr)
        sys.exit(1)


def _fail(message: str) -> NoReturn:
    """Report ``message`` and exit exactly as click does for a ``ClickException`` (its control
    characters visible, as ``reader.cli.commands.group.ReaderGroup`` shows click's errors)."""
    import click

    from reader.text.visible import visible

    error = click.ClickException(visible(message))
    error.show()
    sys.exit(error.exit_code)


def _terminated(signum: int, frame: object) -> None:
    """SIGTERM as an exit that unwinds: files half-written are removed on the way out."""
    raise SystemExit(128 + signum)


def main() -> None:
    """Entry point: the reader at once, other commands through click (see the module docstring).

    A broken pipe (``nkreader export | head``) ends the command quietly. A command stopped by
    SIGTERM (or Ctrl-C) unwinds like an error, so the file it was writing is removed rather than
    left half-written beside the real one (``reader.exchange.output_files``).
    """
    try:
        values = None if _completing() else reader_arguments(sys.argv[1:])
        if values is not None:
            _open_reader(values)
        else:
            import signal

            from reader.cli.commands import cli

            signal.signal(signal.SIGTERM, _terminated)
            cli()
    except BrokenPipeError:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        sys.exit(1)


def __getattr__(name: str) -> click.Group:
    """``reader.cli.cli``: the click group of ``reader.cli.commands``, imported on first use."""
    if name == "cli":
        from reader.cli.commands import cli

        return cli
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
