"""The ``nkreader`` commands as a click group: import, export, reports, the codebook, backups.

Reached through ``reader.cli.main`` for every command line but the bare reader's. This module
owns the ``--db`` / ``--annotator`` options: given before a command they apply to it, given
after it they win. Data goes to stdout; messages and errors go to stderr; every failure is one
line and exit status 1.
"""

from __future__ import annotations

import difflib
import functools
import os
import sqlite3
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click
from click.core import ParameterSource
from click_default_group import DefaultGroup

from reader import __version__
from reader.cli.launch import open_reader_store, run_reader
from reader.db import DatabaseError, StoreError, damage_message, is_damage, resolve_path
from reader.models import ACTOR_KINDS
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
        _reader(db_path, annotator)


@cli.command(name="review")
@db_option
@annotator_option
@reports_damage
def review_command(db_path: Path | None, annotator: str | None) -> None:
    """Open the reader on the sentences where coders disagree, to decide their final codes.

    Each coder's codes are shown side by side: a digit accepts one coder's codes, w writes
    others, 0 makes the sentence "no claim", m gives a reason, ] goes to the next undecided
    disagreement, v chooses the variable, u undoes. export --final writes the result.

    Example:

        nkreader review --annotator adjudicator
    """
    try:
        run_reader(db_path, annotator, review=True)
    except DatabaseError as error:
        raise click.ClickException(str(error)) from None


@cli.command(name="tui")
@db_option
@annotator_option
@reports_damage
def tui_command(db_path: Path | None, annotator: str | None) -> None:
    """Open the reader (the default command).

    Example:

        nkreader --db project.db --annotator alice
    """
    _reader(db_path, annotator)


def _reader(db_path: Path | None, annotator: str | None) -> None:
    try:
        run_reader(db_path, annotator)
    except DatabaseError as error:
        raise click.ClickException(str(error)) from None


def _max_size(ctx: click.Context, param: click.Parameter, value: str | None) -> int | None:
    """``--max-size 2GB`` in bytes; a size that cannot be read is a one-line error, before the
    database is opened."""
    from reader.exchange.importing import parse_size

    if value is None:
        return None
    try:
        return parse_size(value)
    except ValueError as error:
        raise click.ClickException(f"--max-size: {error}") from None


def _encoding(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """``--encoding`` as Python's codec name; an unknown one is a one-line error, before the
    database is opened."""
    from reader.exchange.importing import check_encoding

    if value is None:
        return None
    try:
        return check_encoding(value)
    except LookupError as error:
        raise click.ClickException(f"--encoding: {error}") from None


@cli.command(name="import")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--map",
    "mappings",
    multiple=True,
    metavar="FIELD=COLUMN",
    help="Read FIELD (title, text, date, outlet, url, id) from another column; repeatable.",
)
@click.option(
    "--encoding",
    metavar="NAME",
    default=None,
    callback=_encoding,
    help="Read every file in this encoding (e.g. cp1252, shift_jis, euc-kr) instead of detecting.",
)
@click.option(
    "--max-size",
    metavar="SIZE",
    default=None,
    callback=_max_size,
    help="Refuse files larger than this (default 1GB); e.g. 2GB, 500MB or bytes.",
)
@click.option(
    "--near-duplicates",
    type=click.Choice(["mark", "skip", "keep"]),
    default="mark",
    show_default=True,
    help="An article nearly identical to one already stored (Jaccard >= 0.9 on word "
    "5-shingles): import it marked as a copy, skip it, or keep it unmarked.",
)
@db_option
@reports_damage
def import_command(
    paths: tuple[Path, ...],
    mappings: tuple[str, ...],
    encoding: str | None,
    max_size: int | None,
    near_duplicates: str,
    db_path: Path | None,
) -> None:
    """Import articles from files and folders (.txt .md .jsonl .json .csv), news downloads
    (Nexis Uni .docx; LexisNexis .txt, .rtf, .doc; Factiva .html, .xml; saved web pages), or
    codes from an nkreader export.

    With no PATH, imports the bundled seed articles. Content already in the database is skipped;
    a changed file becomes a new article. A news download is recognised by its content and
    becomes one article per story, with its outlet, date, byline and section. An article whose
    text is nearly that of one already stored is marked as its copy (--near-duplicates). The
    encoding of each file is detected unless --encoding names it. In folders, files of other
    types, pipes and devices are skipped; a file named here that cannot be imported is a
    failure. Exits 1 if any file failed, after importing the rest.

    A CSV or JSON Lines file named here with an export's columns restores its codes (and
    no-claim marks) onto the articles already imported, matched by source and offsets, else by
    title and sentence; actors, stances and targets by name (never created). A row that cannot
    be placed is named by line and then nothing of that file is restored.

    A DNA 3 project (study.dna) named here is read whole: its documents become articles, its
    DNA Statements codes (organization the actor, person the speaker, concept the target,
    agreement the stance), its coders annotators; or, if anything in it cannot be read,
    nothing of it is imported (README, "DNA").

    Example:

    \b
        nkreader import news/ extra.jsonl --map text=content --map title=headline
        nkreader import "Files (100).DOCX" --near-duplicates skip
        nkreader import seeds/ alice-codes.csv
        nkreader import study.dna
    """
    from reader.exchange.codes_file import codes_format
    from reader.exchange.dna_import import is_dna
    from reader.exchange.importing import MAX_SIZE, collect_files, import_paths, import_seeds

    field_map: dict[str, str] = {}
    for mapping in mappings:
        field, sep, column = mapping.partition("=")
        if not sep or not field.strip() or not column.strip():
            raise click.BadParameter(f"{mapping!r}: write FIELD=COLUMN, e.g. text=content")
        field_map[field.strip()] = column.strip()
    limit = MAX_SIZE if max_size is None else max_size
    options: dict[str, Any] = {
        "field_map": field_map,
        "encoding": encoding,
        "max_size": limit,
        "near_duplicates": near_duplicates,
    }
    projects = [path for path in paths if is_dna(path)]
    codes = [path for path in paths if path not in projects and codes_format(path) is not None]
    articles = [path for path in paths if path not in codes and path not in projects]
    results: list[ImportResult] = []
    store = open_store(db_path, create=True, check=True)
    try:
        if not paths:
            results = import_seeds(store)
        elif articles:
            files, _ = collect_files(articles, limit)
            if len(files) >= LARGE_IMPORT and sys.stderr.isatty():
                with click.progressbar(
                    length=len(files), label="importing", file=sys.stderr
                ) as bar:
                    results = import_paths(
                        store, articles, **options, on_file=lambda _: bar.update(1)
                    )
            else:
                results = import_paths(store, articles, **options)
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="--map") from None
    failed = report_import(results) if articles or not paths else 0
    for path in projects:
        failed += import_project(store, path)
    for path in codes:
        failed += restore_codes(store, path, limit)
    store.close()
    if failed:
        sys.exit(1)


SHOWN_LINES = 20
"""Problem or conflict lines shown per file before the rest are counted."""


def echo_lines(prefix: str, lines: Sequence[str]) -> None:
    """The first ``SHOWN_LINES`` lines to stderr, then how many more there are."""
    for line in lines[:SHOWN_LINES]:
        click.echo(f"{prefix}: {visible(line)}", err=True)
    if len(lines) > SHOWN_LINES:
        click.echo(f"{prefix}: ... and {len(lines) - SHOWN_LINES} more", err=True)


def restore_codes(store: Store, path: Path, max_size: int) -> int:
    """Restore the codes of one export file, with its lines; 1 when it was refused, else 0."""
    from reader.exchange.codes_file import import_codes

    report = import_codes(store, path, max_size)
    echo_lines("error", report.problems)
    echo_lines("conflict", report.placement.conflicts)
    click.echo(visible(report.summary()), err=True)
    return 1 if report.problems else 0


def import_project(store: Store, path: Path) -> int:
    """Import one DNA project, with its lines; 1 when it was refused, else 0."""
    from reader.db import DatabaseDamaged
    from reader.exchange.dna_import import DnaError, import_dna
    from reader.exchange.formats import display

    try:
        report = import_dna(store, path)
    except DnaError as error:
        click.echo(f"error: {visible(str(error))}", err=True)
        return 1
    except DatabaseDamaged:
        raise
    except StoreError as error:
        click.echo(f"error: {visible(display(path))}: {visible(str(error))}; nothing imported",
                   err=True)  # fmt: skip
        return 1
    echo_lines("skipped", report.skipped)
    echo_lines("conflict", report.placement.conflicts)
    click.echo(visible(report.summary()), err=True)
    return 0


@cli.command(name="merge")
@click.argument("others", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--dry-run", is_flag=True, help="Say what the merge would add; change nothing.")
@db_option
@annotator_option
@reports_damage
def merge_command(
    others: tuple[Path, ...], dry_run: bool, db_path: Path | None, annotator: str | None
) -> None:
    """Bring in what coders did in other nkreader databases (OTHER.db is only read).

    Articles are matched by their text, sentences by offsets, codebook entries by name (a kind,
    parent or score that differs is reported and kept as it is here; aliases are united), and
    codes with their coder, timestamps and history. An article split into other sentences here
    is refused by name; the others merge. Merging a file again adds nothing. Everything lands in
    one transaction, or nothing does; the merge cannot be undone with u, so take a backup
    first. A missing --db is created. Exits 1 if an article was refused.

    Example:

    \b
        nkreader backup before-merge.db
        nkreader merge alice.db bob.db --dry-run
    """
    from reader.db import open_to_read

    opened = []
    try:
        for path in others:
            try:
                opened.append((str(path), open_to_read(path)))
            except DatabaseError as error:
                raise click.ClickException(str(error)) from None
        store = open_store(db_path, annotator, create=not dry_run, check=True)
        try:
            for path in others:
                if store.path is not None and _same_file(path, store.path):
                    raise click.ClickException(f"{path} is the database being merged into")
            reports = store.merge_files(opened, dry_run=dry_run)
        finally:
            store.close()
    finally:
        for _, conn in opened:
            conn.close()
    for report in reports:
        echo_lines("refused", report.refused)
        echo_lines("conflict", [*report.codebook_conflicts, *report.placement.conflicts])
        click.echo(visible(report.summary(dry_run)), err=True)
    if dry_run:
        click.echo("dry run: nothing was written", err=True)
    if any(report.refused for report in reports):
        sys.exit(1)


def _same_file(path: Path, other: Path) -> bool:
    try:
        return os.path.samefile(path, other)
    except OSError:
        return False


@cli.command(name="export")
@click.option(
    "-o", "--output", type=click.Path(path_type=Path), help="File to write (default: stdout)."
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["csv", "jsonl", "dna"]),
    help="Default: from the extension (.csv, .jsonl, .dna), else csv.",
)
@click.option(
    "--all-sentences", is_flag=True, help="One row per sentence and coder, uncoded included."
)
@click.option(
    "--password",
    default=None,
    help="DNA: every coder's password (default: one made up and printed once).",
)
@coder_filter("Only this coder's annotations.")
@click.option("--article", "article_id", type=ROW_ID, default=None, help="Only this article id.")
@click.option("--force", is_flag=True, help="Overwrite an existing output file.")
@click.option(
    "--final",
    is_flag=True,
    help="The final layer: agreed codes and adjudicated ones, with a column saying which.",
)
@click.option(
    "--formula-escape",
    type=click.Choice(["on", "off"]),
    default="on",
    show_default=True,
    help="CSV: prefix cells a spreadsheet would run as formulas (=, +, -, @) with '.",
)
@click.option(
    "--no-text",
    is_flag=True,
    help="Leave out the title and sentence columns: ids, offsets and codes only.",
)
@click.option(
    "--day-first/--month-first",
    "day_first",
    default=None,
    help="Read 07/03/2024 as 7 March / as July 3 (default: nkreader config dates).",
)
@db_option
@reports_damage
def export_command(
    output: Path | None,
    fmt: str | None,
    all_sentences: bool,
    password: str | None,
    annotator: str | None,
    article_id: int | None,
    force: bool,
    final: bool,
    formula_escape: str,
    no_text: bool,
    day_first: bool | None,
    db_path: Path | None,
) -> None:
    """Export annotations, one row per annotation (RFC 4180 CSV or JSON lines).

    --final exports the study's final data instead: one row per final statement, agreed by the
    coders (final: agreed, or single where one coder decided the sentence) or adjudicated
    (nkreader review); disagreements not decided yet are left out and counted.

    In CSV, a text cell starting with =, +, -, @, a tab or a carriage return (or with ') gets
    one ' in front, so a spreadsheet shows it instead of running it; --formula-escape off writes
    text exactly. JSON lines are never altered.

    published_date and published_time are read from each article's published string (README,
    "Published dates"); those that cannot be read are left blank and counted in a warning.
    --no-text leaves out the article's and the sentence's text, for sharing coded data whose
    text is licensed.

    --format dna (or -o NAME.dna) writes a DNA 3.0 project that DNA and rDNA open: the articles
    as documents, each annotator a coder, each code a statement (README, "DNA"). Every coder's
    password is --password, or one made up and printed once.

    Example:

        nkreader export -o codes.csv --annotator alice
        nkreader export -o shared.csv --no-text --day-first
        nkreader export -o study.dna --password secret
    """
    from reader.exchange.exporting import (
        ExportError,
        export_to_path,
        format_for_path,
        unread_dates_warning,
        write_export,
    )
    from reader.exchange.output_files import describe_write_error

    dna = fmt == "dna" or (fmt is None and output is not None and output.suffix.lower() == ".dna")
    if dna:
        refused = [name for name, given in (("--final", final), ("--all-sentences", all_sentences),
                                            ("--no-text", no_text)) if given]  # fmt: skip
        if refused:
            raise click.UsageError(f"{refused[0]} has no DNA form: leave it out of --format dna")
        if output is None or str(output) == "-":
            raise click.UsageError("a DNA project is a file: name it with -o, e.g. -o study.dna")
    elif password is not None:
        raise click.UsageError("--password is for --format dna")
    store = open_store(db_path)
    unread: list[tuple[int, str]] = []
    try:
        escape, text = formula_escape == "on", not no_text
        day_first = store.day_first if day_first is None else day_first
        if dna:
            assert output is not None
            _export_dna(store, output, password, force, annotator, article_id, day_first)
        elif final:
            _export_final(store, output, fmt, force, escape, text, day_first, unread)
        elif output is None or str(output) == "-":
            try:
                write_export(
                    store, sys.stdout, fmt=fmt or "csv", annotator=annotator,
                    article_id=article_id, all_sentences=all_sentences, formula_escape=escape,
                    text=text, day_first=day_first, unread_dates=unread,
                )  # fmt: skip
                sys.stdout.flush()
            except BrokenPipeError:
                raise
            except OSError as error:
                stdout = Path("standard output")
                reason = describe_write_error(stdout, error, "the export", "export")
                raise click.ClickException(str(reason)) from None
        else:
            chosen = format_for_path(output, fmt)
            count = export_to_path(
                store, output, fmt=chosen, force=force, annotator=annotator,
                article_id=article_id, all_sentences=all_sentences, formula_escape=escape,
                text=text, day_first=day_first, unread_dates=unread,
            )  # fmt: skip
            click.echo(f"{count} rows written to {output}", err=True)
    except ExportError as error:
        raise click.ClickException(str(error)) from None
    finally:
        store.close()
    warning = unread_dates_warning(unread, day_first)
    if warning:
        click.echo(f"warning: {visible(warning)}", err=True)


def _export_dna(
    store: Store,
    output: Path,
    password: str | None,
    force: bool,
    annotator: str | None,
    article_id: int | None,
    day_first: bool,
) -> None:
    """The ``--format dna`` half of ``export``."""
    from reader.exchange.dna_export import export_dna

    report = export_dna(
        store, output, password=password, force=force, annotator=annotator,
        article_id=article_id, day_first=day_first,
    )  # fmt: skip
    for line in report.warnings():
        click.echo(f"warning: {visible(line)}", err=True)
    click.echo(visible(report.summary()), err=True)
    if report.password is not None:
        click.echo(
            f"password of every coder (Admin and the annotators): {report.password}"
            "  (shown this once: keep it; DNA asks for it when the project is opened)",
            err=True,
        )


def _export_final(
    store: Store,
    output: Path | None,
    fmt: str | None,
    force: bool,
    escape: bool,
    text: bool,
    day_first: bool,
    unread: list[tuple[int, str]],
) -> None:
    """The ``--final`` half of ``export``."""
    from reader.exchange.exporting import format_for_path
    from reader.exchange.final_export import export_final_to_path, write_final_export

    options = {"formula_escape": escape, "text": text, "day_first": day_first}
    if output is None or str(output) == "-":
        count, waiting = write_final_export(
            store, sys.stdout, fmt=fmt or "csv", unread_dates=unread, **options
        )
    else:
        chosen = format_for_path(output, fmt)
        count, waiting = export_final_to_path(
            store, output, fmt=chosen, force=force, unread_dates=unread, **options
        )
        click.echo(f"{count} rows written to {output}", err=True)
    if waiting:
        click.echo(
            f"warning: {waiting} sentence{'s' * (waiting != 1)} where coders disagree"
            " have no final codes yet: nkreader review",
            err=True,
        )


def _level(ctx: click.Context, param: click.Parameter, value: str | None) -> int:
    """``--level``: a number of steps up the parent chain, or ``top``."""
    from reader.store.networks import TOP

    if value is None:
        return 0
    if value.strip().lower() == "top":
        return TOP
    try:
        steps = int(value)
    except ValueError:
        steps = -2
    if steps < 0:
        raise click.BadParameter(f"{value!r}: give 0 or more steps up the parent chain, or top")
    return steps


def _span(ctx: click.Context, param: click.Parameter, value: str | None) -> Any:
    """``--window`` / ``--step``: a length of time such as 30d, 2w, 6m, 1y."""
    from reader.analysis.network import NetworkError, parse_span

    if value is None:
        return None
    try:
        return parse_span(value, f"--{param.name}")
    except NetworkError as error:
        raise click.BadParameter(str(error)) from None


@cli.command(name="network")
@click.option(
    "--type",
    "network_type",
    type=click.Choice(["twomode", "onemode"]),
    default="twomode",
    show_default=True,
    help="Actor x target (twomode), or actor x actor through shared targets (onemode).",
)
@click.option(
    "--mode",
    type=click.Choice(["actors", "targets"]),
    default="actors",
    show_default=True,
    help="onemode: nodes are actors (through shared targets) or targets (through shared actors).",
)
@click.option(
    "--aggregation",
    type=click.Choice(["ignore", "subtract", "combine", "congruence", "conflict"]),
    default="ignore",
    show_default=True,
    help="twomode: ignore, subtract, combine; onemode: ignore, congruence, conflict, subtract.",
)
@click.option(
    "--normalization",
    type=click.Choice(["no", "activity", "prominence", "average", "jaccard", "cosine"]),
    default="no",
    show_default=True,
    help="twomode: no, activity, prominence; onemode: no, average, jaccard, cosine.",
)
@click.option(
    "--duplicates",
    type=click.Choice(["include", "document", "week", "month", "year", "acrossrange"]),
    default="include",
    show_default=True,
    help="Count an identical statement once per article, week, month, year or at all.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["graphml", "csv", "edgelist", "dl"]),
    help="Default: from the extension (.graphml, .csv, .dl), else csv.",
)
@click.option(
    "-o", "--output", type=click.Path(path_type=Path), help="File to write (default: stdout)."
)
@click.option("--force", is_flag=True, help="Overwrite existing output files.")
@coder_filter("This coder's statements (needed when several coders have codes).")
@click.option("--final", is_flag=True, help="The final layer: agreed and adjudicated codes.")
@click.option(
    "--level",
    default=None,
    callback=_level,
    metavar="N|top",
    help="Roll actors up N steps of their parent chain (top: to the top).",
)
@click.option(
    "--kind",
    "kinds",
    multiple=True,
    type=click.Choice(list(ACTOR_KINDS)),
    help="Only actors of this kind (after --level); repeatable.",
)
@click.option(
    "--from",
    "start",
    type=click.DateTime(["%Y-%m-%d"]),
    default=None,
    metavar="YYYY-MM-DD",
    help="Only articles published on or after this day.",
)
@click.option(
    "--to",
    "stop",
    type=click.DateTime(["%Y-%m-%d"]),
    default=None,
    metavar="YYYY-MM-DD",
    help="Only articles published on or before this day.",
)
@click.option(
    "--window",
    default=None,
    callback=_span,
    metavar="SPAN",
    help="A network per time window of this length (30d, 2w, 6m, 1y).",
)
@click.option(
    "--step",
    default=None,
    callback=_span,
    metavar="SPAN",
    help="Move the window by this much (default: one unit of --window).",
)
@click.option("--isolates", is_flag=True, help="Every actor and target of the codebook a node.")
@click.option(
    "--actor",
    "node",
    type=click.Choice(["actor", "speaker"]),
    default="actor",
    show_default=True,
    help="Nodes are the actors holding the stances, or the speakers who voiced them.",
)
@click.option(
    "--day-first/--month-first",
    "day_first",
    default=None,
    help="Read 07/03/2024 as 7 March / as July 3 (default: nkreader config dates).",
)
@click.option(
    "--formula-escape",
    type=click.Choice(["on", "off"]),
    default="on",
    show_default=True,
    help="CSV and edge list: prefix labels a spreadsheet would run as formulas with '.",
)
@db_option
@reports_damage
def network_command(
    network_type: str,
    mode: str,
    aggregation: str,
    normalization: str,
    duplicates: str,
    fmt: str | None,
    output: Path | None,
    force: bool,
    annotator: str | None,
    final: bool,
    level: int,
    kinds: tuple[str, ...],
    start: Any,
    stop: Any,
    window: Any,
    step: Any,
    isolates: bool,
    node: str,
    day_first: bool | None,
    formula_escape: str,
    db_path: Path | None,
) -> None:
    """Write a discourse network as Discourse Network Analyzer (DNA) computes it.

    Two-mode: actor x target, counting statements (ignore), summing their stance scores
    (subtract: support - oppose) or coding which stances occur (combine). One-mode: actor x
    actor through shared targets (--mode targets: target x target through shared actors),
    weighting each pair of statements on a target by how alike (congruence) or how far apart
    (conflict) their stances are. Defaults are rDNA's. With several coders, choose one with
    --annotator or use --final: coders are never pooled. README.md ("Networks") defines each
    option.

    Example:

    \b
        nkreader network --type onemode --aggregation congruence -o congruence.graphml
        nkreader network --final --level top --window 30d --step 7d -o states.graphml
    """
    from reader.analysis.network import NetworkOptions
    from reader.exchange.network_files import format_for_path, write_networks
    from reader.exchange.networks import NetworkError, NetworkRequest, build_networks
    from reader.exchange.output_files import OutputError, describe_write_error

    options = NetworkOptions(network_type, aggregation, normalization, duplicates, mode)
    store = open_store(db_path)
    request = NetworkRequest(
        options, annotator=annotator, final=final, level=level, kinds=kinds,
        start=start.date() if start else None, stop=stop.date() if stop else None,
        window=window, step=step, isolates=isolates, actor=node,
        day_first=store.day_first if day_first is None else day_first,
    )  # fmt: skip
    try:
        chosen = format_for_path(output, fmt)
        result = build_networks(store, request)
        written = write_networks(
            result, chosen, output, force=force, protected=store.database_files(),
            formula_escape=formula_escape == "on",
        )  # fmt: skip
    except (NetworkError, OutputError) as error:
        raise click.ClickException(str(error)) from None
    except BrokenPipeError:
        raise
    except OSError as error:
        reason = describe_write_error(Path("standard output"), error, "the network", "write")
        raise click.ClickException(str(reason)) from None
    finally:
        store.close()
    for note in result.notes:
        click.echo(f"warning: {note}", err=True)
    if aggregation == "combine" and result.matrices:
        click.echo(f"combine: {visible(result.combine_legend())}", err=True)
    first = result.matrices[0]
    size = f"{len(first.rows)} x {len(first.columns)}"
    whose = "the final codes" if final else (visible(result.coder) or "nobody")
    what = f"{network_type} {size}, {first.statements} statements of {whose}"
    if len(result.matrices) > 1 or first.time is not None:
        what = f"{len(result.matrices)} {network_type} networks (one per window) of {whose}"
    if written:
        shown = visible(str(written[0]))
        if len(written) > 1:
            shown += f" ... {visible(str(written[-1]))}"
        click.echo(f"{what} written to {shown}", err=True)


@cli.command(name="articles")
@coder_filter("Count only this coder's work as coded.")
@db_option
@reports_damage
def articles_command(annotator: str | None, db_path: Path | None) -> None:
    """List articles with their sentence counts and how many sentences are coded.

    Example:

        nkreader articles --annotator alice
    """
    from reader.exchange.reports import format_table

    store = open_store(db_path)
    articles = store.article_progress(annotator)
    rows = [
        [str(a.id), a.title, str(a.sentence_count), str(a.coded_count), _copy_cell(a.copy_of)]
        for a in articles
    ]
    store.close()
    headers = ["id", "title", "sentences", "coded", "copy"]
    if not any(a.copy_of for a in articles):
        headers, rows = headers[:-1], [row[:-1] for row in rows]
    click.echo(format_table(headers, rows))


def _copy_cell(original: int | None) -> str:
    return f"copy of #{original}" if original is not None else ""


@cli.command(name="duplicates")
@click.option("--format", "fmt", type=click.Choice(["table", "csv"]), default="table")
@db_option
@reports_damage
def duplicates_command(fmt: str, db_path: Path | None) -> None:
    """List the groups of near-duplicate articles: each original (the first stored) and the
    copies marked when they were imported, with their similarity.

    Example:

    \b
        nkreader duplicates
        nkreader duplicates --format csv > groups.csv
    """
    from reader.exchange.reports import csv_text, duplicate_rows, format_table

    store = open_store(db_path)
    groups = store.duplicate_groups()
    store.close()
    headers, rows = duplicate_rows(groups)
    if fmt == "csv":
        click.echo(csv_text(headers, rows), nl=False)
        return
    if not groups:
        click.echo("no near-duplicates", err=True)
        return
    click.echo(format_table(headers, rows))
    copies = sum(len(group.copies) for group in groups)
    groups_word = "group" if len(groups) == 1 else "groups"
    copies_word = "copy" if copies == 1 else "copies"
    click.echo(f"{len(groups)} {groups_word}, {copies} {copies_word}", err=True)


@cli.command(name="stats")
@coder_filter("Only this coder's annotations.")
@db_option
@reports_damage
def stats_command(annotator: str | None, db_path: Path | None) -> None:
    """Print how often each actor took each stance.

    Example:

        nkreader stats --annotator alice
    """
    from reader.exchange.reports import format_table

    store = open_store(db_path)
    keys, rows = store.stance_table(annotator)
    store.close()
    if not rows:
        click.echo("no annotations yet", err=True)
        return
    table = [[actor, *(str(n) for n in counts), str(total)] for actor, counts, total in rows]
    click.echo(format_table(["actor", *keys, "total"], table))


def _coder_list(ctx: click.Context, param: click.Parameter, value: str | None) -> list[str] | None:
    """``--coders alice,bob`` as names, spaces around them dropped."""
    if value is None:
        return None
    names = [name.strip() for name in value.split(",") if name.strip()]
    if not names:
        raise click.BadParameter("name the coders, separated by commas: --coders alice,bob")
    return names


def _draws(ctx: click.Context, param: click.Parameter, value: int) -> int:
    """Bootstrap draws: 0 (no interval) or enough for its 2.5 % and 97.5 % quantiles."""
    from reader.analysis.reliability import DEFAULT_DRAWS

    if 0 < value < DEFAULT_DRAWS:
        raise click.BadParameter(f"use at least {DEFAULT_DRAWS} draws, or 0 for no interval")
    return value


@cli.command(name="agreement")
@click.option(
    "--coders",
    metavar="A,B,...",
    default=None,
    callback=_coder_list,
    help="Compare these coders (default: every coder in the database).",
)
@click.option(
    "--article",
    "article_ids",
    type=ROW_ID,
    multiple=True,
    metavar="ID",
    help="Only this article's sentences; repeatable.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "csv", "json"]),
    default="table",
    show_default=True,
    help="How to write the figures to standard output.",
)
@click.option(
    "--draws",
    type=click.IntRange(min=0),
    default=1000,
    show_default=True,
    callback=_draws,
    help="Bootstrap draws for the 95% interval (at least 1000; 0: no interval).",
)
@click.option(
    "--seed",
    type=int,
    default=1,
    show_default=True,
    help="Seed of the bootstrap: the same seed gives the same interval.",
)
@click.option(
    "--final",
    is_flag=True,
    help="Compare each coder with the final layer (agreed and adjudicated codes, as "
    "export --final writes them), named 'final' as if it were a coder.",
)
@db_option
@reports_damage
def agreement_command(
    coders: list[str] | None,
    article_ids: tuple[int, ...],
    fmt: str,
    draws: int,
    seed: int,
    final: bool,
    db_path: Path | None,
) -> None:
    """Report how far coders agree: Krippendorff's alpha for each variable.

    Units are the sentences that at least two of the coders decided (coded, or marked no
    claim); a coder who has not decided a sentence is left out of it. Variables: claim (any
    statement or none), the sets of actors, stances, targets and statements in a sentence
    (MASI), and each actor's stance where two coders coded that actor (nominal, and ordinal on
    the stance's score). Each comes with a 95% interval from a bootstrap over articles, for all
    the coders together and for each pair. README.md ("Agreement") defines each figure.

    --final pairs each coder with the final layer instead, on the sentences where the coders
    agreed or an adjudicator decided (nkreader review).

    Example:

        nkreader agreement --coders alice,bob --article 3 --format json
        nkreader agreement --final
    """
    from reader.exchange.agreement import (
        AgreementError,
        compute_agreement,
        format_agreement_table,
        format_csv,
        format_json,
        gather_agreement,
        waiting_line,
    )

    store = open_store(db_path)
    try:
        data = gather_agreement(store, coders, list(article_ids), final=final)
    except AgreementError as error:
        raise click.ClickException(str(error)) from None
    finally:
        store.close()
    report = compute_agreement(data, draws=draws, seed=seed)
    if fmt == "json":
        click.echo(format_json(report))
    elif fmt == "csv":
        click.echo(format_csv(report), nl=False)
    else:
        click.echo(format_agreement_table(report, final=final, waiting=data.waiting))
    if data.waiting and fmt != "table":
        click.echo(f"warning: {waiting_line(data.waiting)}", err=True)


@cli.group(name="codebook")
def codebook_group() -> None:
    """Move the codebook (actors, stances, targets) in and out as TOML."""


@codebook_group.command(name="export")
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--force", is_flag=True, help="Overwrite an existing file.")
@db_option
@reports_damage
def codebook_export(file: Path, force: bool, db_path: Path | None) -> None:
    """Write the codebook to a TOML file.

    Example:

        nkreader codebook export codebook.toml
    """
    from reader.exchange.codebook_file import CodebookError, export_codebook

    store = open_store(db_path)
    try:
        export_codebook(store, file, force=force)
    except CodebookError as error:
        raise click.ClickException(str(error)) from None
    finally:
        store.close()
    click.echo(f"codebook written to {file}", err=True)


@codebook_group.command(name="import")
@click.argument("file", type=click.Path(path_type=Path))
@db_option
@annotator_option
@reports_damage
def codebook_import(file: Path, db_path: Path | None, annotator: str | None) -> None:
    """Merge a TOML codebook into the database, by name; nothing in use is ever deleted.

    Example:

        nkreader codebook import codebook.toml
    """
    from reader.exchange.codebook_file import CodebookError, merge_codebook, read_codebook

    try:
        spec = read_codebook(file)
    except CodebookError as error:
        raise click.ClickException(str(error)) from None
    store = open_store(db_path, annotator, check=True)
    try:
        report = merge_codebook(store, spec)
    except CodebookError as error:
        raise click.ClickException(str(error)) from None
    finally:
        store.close()
    click.echo(report.summary(), err=True)


SETTINGS = {"blind": ("off", "on"), "dates": ("month-first", "day-first")}
"""Each project setting and its values, the default first."""


@cli.command(name="config")
@click.argument("setting", required=False, type=click.Choice(list(SETTINGS)))
@click.argument("value", required=False)
@db_option
@annotator_option
@reports_damage
def config_command(
    setting: str | None, value: str | None, db_path: Path | None, annotator: str | None
) -> None:
    """Show or change a project setting, kept in the database for every coder.

    blind on: each coder sees only their own codes and progress in the reader (its panel,
    badges, statistics and next uncoded sentence); agreement and review see everyone's.

    dates day-first: exports read a published date written 07/03/2024 as 7 March
    (month-first, the default: July 3); export --day-first/--month-first overrides it.

    Example:

        nkreader config blind on
        nkreader config dates day-first
    """
    if setting is not None and value is not None and value not in SETTINGS[setting]:
        choices = ", ".join(repr(choice) for choice in SETTINGS[setting])
        raise click.BadParameter(f"{value!r} is not one of {choices}.", param_hint="'VALUE'")
    store = open_store(db_path, annotator)
    try:
        if setting is None:
            for name, values in SETTINGS.items():
                click.echo(f"{name}\t{store.setting(name, values[0])}")
            return
        if value is None:
            click.echo(f"{setting}\t{store.setting(setting, SETTINGS[setting][0])}")
            return
        store.set_setting(setting, value)
        click.echo(f"{setting} is {value}", err=True)
    finally:
        store.close()


@cli.command(name="assign")
@click.option("--coders", default=None, metavar="A,B,...", help="The coders, comma-separated.")
@click.option(
    "--overlap",
    type=click.FloatRange(0, 1),
    default=0.2,
    show_default=True,
    help="Share of the articles coded by two coders (at least one article).",
)
@click.option("--seed", type=int, default=None, help="Make the random split reproducible.")
@click.option("--show", is_flag=True, help="List the assignments instead.")
@db_option
@annotator_option
@reports_damage
def assign_command(
    coders: str | None,
    overlap: float,
    seed: int | None,
    show: bool,
    db_path: Path | None,
    annotator: str | None,
) -> None:
    """Give every article to one coder, and a random overlap sample to two.

    Each pair of coders shares some articles of the sample, so their agreement can be
    measured. With assignments, each coder's reader lists their own articles first (o shows
    the others) and ] walks their own queue. Replaces earlier assignments.

    Example:

        nkreader assign --coders alice,bob,carol --overlap 0.2 --seed 7
    """
    from reader.exchange.reports import format_table

    store = open_store(db_path, annotator)
    try:
        if show or coders is None:
            rows = [[c, str(n), str(o)] for c, n, o in store.assignment_table()]
            if not rows:
                click.echo("no assignments yet: nkreader assign --coders a,b", err=True)
                return
            click.echo(format_table(["coder", "articles", "overlap"], rows))
            return
        plan = store.assign(coders.split(","), overlap, seed)
    finally:
        store.close()
    for coder, count in plan.articles.items():
        click.echo(f"{visible(coder, one_line=True)}: {count} articles", err=True)
    for (first, second), count in plan.overlap.items():
        shown = f"{visible(first, one_line=True)} + {visible(second, one_line=True)}"
        click.echo(f"{shown}: {count} shared", err=True)
        if count == 0:
            click.echo(f"warning: {shown} share no article; raise --overlap", err=True)


@cli.command(name="progress")
@db_option
@reports_damage
def progress_command(db_path: Path | None) -> None:
    """Coded / total sentences per coder, over their own articles and over the overlap sample.

    Example:

        nkreader progress
    """
    from reader.exchange.reports import format_table

    store = open_store(db_path)
    try:
        rows = [
            [p.coder, str(p.articles), f"{p.coded}/{p.sentences}",
             f"{p.overlap_coded}/{p.overlap_sentences}" if p.overlap_sentences else "-"]
            for p in store.team_progress()
        ]  # fmt: skip
    finally:
        store.close()
    if not rows:
        click.echo("nobody has coded or been assigned articles yet", err=True)
        return
    click.echo(format_table(["coder", "articles", "coded", "overlap coded"], rows))


@cli.command(name="log")
@coder_filter("Only this coder's changes.")
@click.option("--article", "article_id", type=ROW_ID, default=None, help="Only this article id.")
@click.option("-n", "--limit", type=ROW_ID, default=None, help="Only the newest N changes.")
@db_option
@reports_damage
def log_command(
    annotator: str | None, article_id: int | None, limit: int | None, db_path: Path | None
) -> None:
    """Show who changed what, when: the append-only event log, oldest first.

    Example:

        nkreader log --annotator alice --article 2 -n 50
    """
    store = open_store(db_path)
    for e in store.log_entries(annotator=annotator, article_id=article_id, limit=limit):
        # Sentences numbered from 1, as the reader shows them ("Sentence 2 of 18").
        where = "-"
        if e.sentence_position is not None:
            where = f"article {e.article_id} sentence {e.sentence_position + 1}"
        # Tab-separated, one event a line: data in a field shows its tabs, newlines and other
        # control characters as visible placeholders (reader.text.visible).
        fields = (e.annotator, e.action, f"{e.entity} {e.entity_id}", where, e.change)
        click.echo("\t".join([str(e.id), e.at, *(visible(f, one_line=True) for f in fields)]))
    store.close()


@cli.command(name="backup")
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--force", is_flag=True, help="Overwrite an existing file.")
@db_option
@reports_damage
def backup_command(file: Path, force: bool, db_path: Path | None) -> None:
    """Copy the database safely, even while someone is coding in it.

    Example:

        nkreader backup backups/annotations-monday.db
    """
    from reader.exchange.output_files import OutputError, check_output

    source = resolve_path(db_path)
    from reader.db.recovery import RecoveryError, integrity_problems

    store = open_store(db_path)
    try:
        file = check_output(file, force=force, protected=store.database_files())
    except OutputError as error:
        store.close()
        raise click.ClickException(str(error)) from None
    partial = file.with_name(f".{file.name}.partial")
    try:
        store.backup_to(partial)
        problems = integrity_problems(partial)  # a copy of a damaged page is damaged too
        if not problems:
            os.replace(partial, file)
    except (OSError, sqlite3.Error, RecoveryError) as error:
        partial.unlink(missing_ok=True)
        raise click.ClickException(f"{file}: backup failed ({error})") from None
    finally:
        store.close()
    if problems:
        partial.unlink(missing_ok=True)
        raise click.ClickException(
            f"{file}: not backed up: the copy failed its integrity check, so it was removed. "
            + damage_message(source, problems[0])
        )
    click.echo(f"backed up {source} to {file}", err=True)


@cli.command(name="check")
@click.option(
    "--recover",
    "recover_to",
    type=click.Path(dir_okay=False, path_type=Path),
    metavar="OUT.db",
    help="Save every row that can still be read into a new database OUT.db.",
)
@click.option("--force", is_flag=True, help="With --recover: overwrite an existing OUT.db.")
@db_option
@reports_damage
def check_command(recover_to: Path | None, force: bool, db_path: Path | None) -> None:
    """Check the database for damage; with --recover, save what can still be read.

    Prints ok, or each problem SQLite's integrity check finds, and exits 1 if there are any.
    The database is only read, never written. With --recover, every row that can be read is
    copied, table by table, into a new database OUT.db with the current schema, and a line per
    table says how many rows were saved; exits 0 once OUT.db is written. Open OUT.db with --db
    to look at it before using it in place of the damaged file.

    Example:

        nkreader check --db annotations.db --recover rescued.db
    """
    from reader.db.recovery import RecoveryError, integrity_problems, recover, rows

    path = resolve_path(db_path)
    if path.is_dir() or not path.exists():
        raise click.ClickException(f"{path} is not a database file: nothing to check")
    if recover_to is not None:
        _check_recovery_target(path, recover_to, force)
    try:
        problems = integrity_problems(path)
    except RecoveryError as error:
        raise click.ClickException(str(error)) from None
    click.echo("\n".join(problems) if problems else f"{path}: ok")
    if recover_to is None:
        if problems:
            count = f"{len(problems)} problems" if len(problems) > 1 else "1 problem"
            raise click.ClickException(
                damage_message(path, f"PRAGMA integrity_check found {count}")
            )
        return
    try:
        salvage = recover(path, recover_to)
    except RecoveryError as error:
        raise click.ClickException(str(error)) from None
    for table in salvage.tables:
        click.echo(table.summary())
    notes = [] if salvage.complete else ["some rows could not be read (listed above)"]
    if salvage.orphans:
        notes.append(f"saved rows that refer to lost rows: {salvage.orphans}")
    if salvage.schema_guessed:
        notes.append("its schema version could not be read, so it was taken to be current")
    notes.append(f"look at it with --db {recover_to} before using it in place of {path}")
    click.echo(
        f"saved {rows(salvage.saved)} of {path} into {recover_to}; " + "; ".join(notes), err=True
    )


def _check_recovery_target(source: Path, out: Path, force: bool) -> None:
    """Refuse an ``--recover`` file that exists (without --force), that is the damaged file
    itself, that is in use (its ``-wal`` beside it) or whose folder is missing."""
    if out.exists() and (out.is_dir() or out.samefile(source)):
        raise click.ClickException(f"{out}: choose a new file to recover into")
    if out.exists() and not force:
        raise click.ClickException(f"{out} exists; pass --force to overwrite it")
    if not out.parent.is_dir():
        raise click.ClickException(f"{out}: the folder {out.parent} does not exist")
    for suffix in ("-wal", "-shm", "-journal"):
        beside = out.with_name(out.name + suffix)
        if beside.exists():
            raise click.ClickException(
                f"{out}: {beside.name} is beside it, so it may be open; close it or choose "
                "another file"
            )


# -- coders and serving ------------------------------------------------------------------------


@cli.group(name="coders")
def coders_group() -> None:
    """The coders who log in to a served reader (nkreader serve), with their passwords."""


def _read_password(password_stdin: bool, prompt: str) -> str:
    """A password from one line of standard input, or typed twice at a hidden prompt."""
    if password_stdin:
        line = sys.stdin.readline()
        return line[:-1] if line.endswith("\n") else line
    return str(click.prompt(prompt, hide_input=True, confirmation_prompt=True))


@coders_group.command(name="add")
@click.argument("name")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@db_option
@annotator_option
@reports_damage
def coders_add(
    name: str, password_stdin: bool, db_path: Path | None, annotator: str | None
) -> None:
    """Add a coder who can log in to nkreader serve as NAME (the name their codes carry).

    The password is asked twice (hidden), or read from one line of standard input; it is
    stored only as a salted scrypt hash.

    Example:

        nkreader coders add alice
        printf '%s\\n' "$PASSWORD" | nkreader coders add bob --password-stdin
    """
    store = open_store(db_path, annotator, check=True)
    try:
        store.add_coder(name, _read_password(password_stdin, f"Password for {visible(name)}"))
        click.echo(f"added coder {visible(name)}", err=True)
    finally:
        store.close()


@coders_group.command(name="passwd")
@click.argument("name")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@db_option
@annotator_option
@reports_damage
def coders_passwd(
    name: str, password_stdin: bool, db_path: Path | None, annotator: str | None
) -> None:
    """Give coder NAME a new password (and lift a lock on the name).

    Example:

        nkreader coders passwd alice
    """
    store = open_store(db_path, annotator, check=True)
    try:
        if name not in {coder.name for coder in store.login_coders()}:
            raise click.ClickException(
                f"no coder named {visible(name)}: `nkreader coders list` shows them"
            )
        password = _read_password(password_stdin, f"New password for {visible(name)}")
        store.set_password(name, password)
        click.echo(f"password of {visible(name)} changed", err=True)
    finally:
        store.close()


@coders_group.command(name="remove")
@click.argument("name")
@db_option
@annotator_option
@reports_damage
def coders_remove(name: str, db_path: Path | None, annotator: str | None) -> None:
    """NAME can no longer log in to nkreader serve; their codes stay in the database.

    Example:

        nkreader coders remove alice
    """
    store = open_store(db_path, annotator, check=True)
    try:
        store.remove_coder(name)
        click.echo(f"removed coder {visible(name)}", err=True)
    finally:
        store.close()


@coders_group.command(name="list")
@db_option
@reports_damage
def coders_list(db_path: Path | None) -> None:
    """The coders who can log in: name, when added, when the password was set, and a lock.

    Example:

        nkreader coders list
    """
    store = open_store(db_path)
    try:
        for coder in store.login_coders():
            locked = f"locked until {coder.locked_until}" if coder.locked_until else ""
            fields = [visible(coder.name, one_line=True), coder.created_at, coder.changed_at]
            click.echo("\t".join([*fields, locked]).rstrip("\t"))
    finally:
        store.close()


@cli.command(name="serve")
@click.option(
    "--host", default="127.0.0.1", show_default=True, help="Address to listen on (loopback)."
)
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True)
@click.option(
    "--public-url",
    default=None,
    metavar="URL",
    help="The address browsers reach the server at (https://… behind a TLS proxy).",
)
@db_option
@reports_damage
def serve_command(host: str, port: int, public_url: str | None, db_path: Path | None) -> None:
    """Serve the reader to web browsers: each tab logs in and codes in its own reader.

    Needs the serve extra (pip install 'nkreader[serve]') and at least one coder
    (nkreader coders add NAME). Every tab runs the same fixed command on this database; the
    coder logged in there, never --annotator or $NKREADER_ANNOTATOR, is who its codes belong
    to. Listens on 127.0.0.1 unless --host says otherwise; traffic is not encrypted, so serve
    other machines only behind a TLS proxy (README, "Serving a team").

    Example:

        nkreader serve --db project.db --port 8000
    """
    from reader.cli.serving import ServeError, serve

    store = open_store(db_path, check=True)
    try:
        if not store.has_coders():
            raise click.ClickException(
                "no coder can log in: add one with `nkreader coders add NAME`"
            )
        path = store.path
    finally:
        store.close()
    assert path is not None
    try:
        serve(path, host=host, port=port, public_url=public_url)
    except ServeError as error:
        raise click.ClickException(str(error)) from None
