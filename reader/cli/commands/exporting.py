"""``nkreader export`` (codes as CSV, JSONL or a DNA file) and ``nkreader network`` (DNA's
networks as matrices, edge lists and GraphML)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from reader.cli.commands.group import (
    ROW_ID,
    cli,
    coder_filter,
    db_option,
    open_store,
    reports_damage,
)
from reader.models import ACTOR_KINDS
from reader.store import Store
from reader.text.visible import visible


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
