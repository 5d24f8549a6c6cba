"""What the database holds, as tables: ``articles``, ``duplicates``, ``stats``, ``agreement``,
``progress`` and ``log``."""

from __future__ import annotations

from pathlib import Path

import click

from reader.cli.commands.group import (
    ROW_ID,
    cli,
    coder_filter,
    db_option,
    open_store,
    reports_damage,
)
from reader.text.visible import visible


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
