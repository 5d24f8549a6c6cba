"""``nkreader export``: codes as CSV, JSONL or a DNA file (the final layer too)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from reader.cli.commands.group import (
    ROW_ID,
    cli,
    coder_filter,
    dates_option,
    db_option,
    formula_escape_option,
    open_store,
    output_option,
    reports_damage,
)
from reader.store import Store
from reader.text.visible import visible


@cli.command(name="export")
@output_option
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
@formula_escape_option("CSV: prefix cells a spreadsheet would run as formulas (=, +, -, @) with '.")
@click.option(
    "--no-text",
    is_flag=True,
    help="Leave out the title and sentence columns: ids, offsets and codes only.",
)
@dates_option
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
