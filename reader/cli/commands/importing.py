"""``nkreader import`` (articles, codes, projects) and ``nkreader merge`` (another coder's file)."""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from reader.cli.commands.group import (
    LARGE_IMPORT,
    annotator_option,
    cli,
    db_option,
    open_store,
    report_import,
    reports_damage,
)
from reader.db import DatabaseError, StoreError
from reader.store import Store
from reader.text.visible import visible

if TYPE_CHECKING:
    from reader.exchange.importing import ImportResult


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
