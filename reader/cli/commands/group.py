"""The ``nkreader`` click group and what its commands share: the ``--db`` / ``--annotator``
options (given before a command they apply to it, given after it they win), opening the Store
for a command, and turning a damaged file or a refused change into one line.

Data goes to stdout; messages and errors go to stderr; every failure is one line and exit
status 1.
"""

from __future__ import annotations

import difflib
import functools
import sqlite3
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click
from click.core import ParameterSource
from click_default_group import DefaultGroup

from reader import __version__
from reader.cli.launch import open_reader_store, run_reader
from reader.db import DatabaseError, StoreError, damage_message, is_damage, resolve_path
from reader.store import Store
from reader.text.visible import visible

if TYPE_CHECKING:
    from reader.exchange.importing import ImportResult


F = TypeVar("F", bound=Callable[..., Any])

LARGE_IMPORT = 20
"""From this many files on, ``import`` shows a progress bar."""

DB_HELP = "Database file (default: ./annotations.db, or $NKREADER_DB)."
ANNOTATOR_HELP = "Coder name (default: $NKREADER_ANNOTATOR, else your login name)."


def _given_before(ctx: click.Context, param: click.Parameter, value: Any) -> Any:
    """A command's ``--db`` or ``--annotator`` left out takes the value given before the command
    (``nkreader --db x.db import``), which is also where ``$NKREADER_DB`` and
    ``$NKREADER_ANNOTATOR`` are read."""
    if value is not None or param.name is None:
        return value
    return ctx.find_root().params.get(param.name)


def _typed_before(ctx: click.Context, param: click.Parameter, value: Any) -> Any:
    """A coder filter left out takes an ``--annotator`` typed before the command, never
    ``$NKREADER_ANNOTATOR``: the coder's own name must not silently narrow an export."""
    if value is not None or param.name is None:
        return value
    root = ctx.find_root()
    if root.get_parameter_source(param.name) is not ParameterSource.COMMANDLINE:
        return None
    return root.params.get(param.name)


def db_option(func: F) -> F:
    return click.option(
        "--db",
        "db_path",
        type=click.Path(dir_okay=True, path_type=Path),
        default=None,
        callback=_given_before,
        help=DB_HELP,
    )(func)


def annotator_option(func: F) -> F:
    """The coder whose work a command records (``tui``, ``codebook import``)."""
    option = click.option("--annotator", default=None, callback=_given_before, help=ANNOTATOR_HELP)
    return option(func)


def coder_filter(description: str) -> Callable[[F], F]:
    """``--annotator`` as a filter: only this coder's rows (export, articles, stats, log)."""
    return click.option("--annotator", default=None, callback=_typed_before, help=description)


def output_option(func: F) -> F:
    """``-o/--output``: the file a command writes, else standard output."""
    return click.option(
        "-o", "--output", type=click.Path(path_type=Path), help="File to write (default: stdout)."
    )(func)


def dates_option(func: F) -> F:
    """``--day-first/--month-first``: how dates such as 07/03/2024 are read, else the
    project's ``nkreader config dates``."""
    return click.option(
        "--day-first/--month-first",
        "day_first",
        default=None,
        help="Read 07/03/2024 as 7 March / as July 3 (default: nkreader config dates).",
    )(func)


def formula_escape_option(description: str) -> Callable[[F], F]:
    """``--formula-escape on|off`` for a command that writes cells a spreadsheet opens."""
    return click.option(
        "--formula-escape",
        type=click.Choice(["on", "off"]),
        default="on",
        show_default=True,
        help=description,
    )


def open_store(
    db_path: Path | None,
    annotator: str | None = None,
    *,
    create: bool = False,
    check: bool = False,
) -> Store:
    """``open_reader_store`` for a command: a refused file is click's one-line error, and what
    cannot be done with the file (a read-only one: changes cannot be saved) is one warning line.

    Only ``import`` (and the reader) create a database; every other command refuses a missing
    file with the same message, so a mistyped ``--db`` never leaves an empty database behind.
    Commands that write pass ``check``: a damaged file is refused before their first write.
    """
    try:
        store = open_reader_store(db_path, annotator, create=create, check=check)
    except DatabaseError as error:
        raise click.ClickException(str(error)) from None
    if store.notice:
        click.echo(f"warning: {store.notice}", err=True)
    return store


def reports_damage(func: F) -> F:
    """A command that meets a damaged page, or a change the Store refused, ends with one line
    (click's error, exit 1) instead of a traceback: what is wrong, that nothing was written, and
    how to recover.

    A damaged page can lie anywhere and shows only when a read touches it, so every command
    that reads the database wears this, beneath its options (it reads their ``db_path``).
    """

    @functools.wraps(func)
    def command(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except StoreError as error:
            raise click.ClickException(str(error)) from None
        except sqlite3.DatabaseError as error:
            if not is_damage(error):
                raise
            path = resolve_path(kwargs.get("db_path"))
            raise click.ClickException(damage_message(path, error)) from None

    return command  # type: ignore[return-value]


def report_import(results: Sequence[ImportResult]) -> int:
    """Print one line per problem and a summary to stderr; return how many failed."""
    from reader.exchange.importing import summarize

    for result in results:
        # Messages name files and quote titles: shown with their control characters visible.
        if result.status == "failed":
            click.echo(f"error: {visible(result.message)}", err=True)
        elif result.status == "skipped":
            click.echo(f"skipped: {visible(result.message)}", err=True)
        for line in (result.warning or "").splitlines():
            click.echo(f"warning: {visible(line)}", err=True)
    summary = summarize(results)
    copies = (
        f" ({summary.near_copies} marked as near-copies: nkreader duplicates)"
        if summary.near_copies
        else ""
    )
    click.echo(
        f"imported {summary.imported}{copies}, skipped {summary.skipped}, failed {summary.failed}",
        err=True,
    )
    return summary.failed


class ReaderGroup(DefaultGroup):
    """The command group, with two changes to click's.

    A mistyped command is named as such: ``DefaultGroup`` hands any word that is not a command to
    the default command (the reader), which would then complain about an "unexpected extra
    argument"; the reader takes no words, so a word that is not a command is a typo, answered
    with the nearest command's name. And a command's error, which may name a file or quote a
    title, is shown with its control characters visible (``reader.text.visible``).
    """

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and not cmd_name.startswith("-"):
            nearest = difflib.get_close_matches(cmd_name, list(self.commands), n=1, cutoff=0.5)
            hint = f"did you mean `nkreader {nearest[0]}`?" if nearest else "see `nkreader --help`"
            ctx.fail(f"no such command {visible(cmd_name)!r}; {hint}")
        return super().get_command(ctx, cmd_name)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except click.ClickException as error:
            message = error.format_message()
            if type(error) is click.ClickException and visible(message) != message:
                raise click.ClickException(visible(message)) from None
            raise


def start_reader(db_path: Path | None, annotator: str | None) -> None:
    """The reader on ``db_path`` (``nkreader``, ``nkreader --db x.db`` and ``nkreader tui``); a
    file that cannot be used is click's one-line error."""
    try:
        run_reader(db_path, annotator)
    except DatabaseError as error:
        raise click.ClickException(str(error)) from None


ROW_ID = click.IntRange(1, 2**63 - 1)
"""An article id or a count as SQLite stores it: refused on the command line when out of range."""


@click.group(cls=ReaderGroup, default="tui", default_if_no_args=True, invoke_without_command=True)
@click.version_option(__version__, prog_name="nkreader")
@click.option(
    "--db",
    "db_path",
    type=click.Path(dir_okay=True, path_type=Path),
    envvar="NKREADER_DB",
    default=None,
    help=DB_HELP,
)
@click.option("--annotator", envvar="NKREADER_ANNOTATOR", default=None, help=ANNOTATOR_HELP)
@click.pass_context
def cli(ctx: click.Context, db_path: Path | None, annotator: str | None) -> None:
    """Code which actor takes which stance in news articles, sentence by sentence.

    Run without a command to open the reader on ./annotations.db (importing the bundled seed
    articles into a new database first). --db and --annotator given before a command apply to it.

    Example:

        nkreader import articles/ && nkreader && nkreader export -o codes.csv
    """
    if ctx.invoked_subcommand is None:  # options alone: ``nkreader --db x.db``
        start_reader(db_path, annotator)
