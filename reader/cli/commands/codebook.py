"""``nkreader codebook export`` and ``codebook import``: the codebook as a TOML file."""

from __future__ import annotations

from pathlib import Path

import click

from reader.cli.commands.group import (
    annotator_option,
    cli,
    db_option,
    open_store,
    reports_damage,
)


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
