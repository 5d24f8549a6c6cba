"""The database file itself: ``backup`` (a consistent copy) and ``check`` (and recover)."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import click

from reader.cli.commands.group import (
    cli,
    db_option,
    open_store,
    reports_damage,
)
from reader.db import damage_message, resolve_path


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
