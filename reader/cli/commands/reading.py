"""``nkreader tui`` (the default command) and ``nkreader review``: the reader itself."""

from __future__ import annotations

from pathlib import Path

import click

from reader.cli.commands.group import (
    annotator_option,
    cli,
    db_option,
    reports_damage,
    start_reader,
)
from reader.cli.launch import run_reader
from reader.db import DatabaseError


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
    start_reader(db_path, annotator)
