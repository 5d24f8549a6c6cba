"""Settings and work for a team: ``config`` (blind coding, dates) and ``assign``."""

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
from reader.text.visible import visible

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
