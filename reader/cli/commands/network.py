"""``nkreader network``: Discourse Network Analyzer's networks of the codes, as matrices, edge
lists and GraphML."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from reader.cli.commands.group import (
    cli,
    coder_filter,
    dates_option,
    db_option,
    formula_escape_option,
    open_store,
    output_option,
    reports_damage,
)
from reader.models import ACTOR_KINDS
from reader.text.visible import visible


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
@output_option
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
@dates_option
@formula_escape_option(
    "CSV and edge list: prefix labels a spreadsheet would run as formulas with '."
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
