"""Network files: GraphML for Gephi and visone, DNA's CSV matrix, an edge list, UCINET DL.

Each writer turns one ``reader.analysis.network.Matrix`` (with the nodes' kinds and parents
from a ``NetworkResult``) into text; ``write_networks`` puts the text in files, written whole and
never over the database as every nkreader output is, or on standard output. A series of time
windows is one file per window (``NAME-01-2024-03-09.graphml``: its number and middle day), or
one edge list with the window in its first columns.

Weights are written as Python writes numbers: whole numbers without a decimal point (``3``), other
values exactly (``0.6666666666666666``), never rounded to DNA's six decimals.
"""

from __future__ import annotations

import csv
import io
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO
from xml.sax.saxutils import escape

from reader.analysis.network import Matrix
from reader.exchange.exporting import escape_formula
from reader.exchange.networks import NetworkResult
from reader.exchange.output_files import OutputError, check_output, written_whole

__all__ = [
    "EXTENSIONS",
    "FORMATS",
    "dl_text",
    "edge_list_text",
    "format_for_path",
    "format_weight",
    "graphml_text",
    "matrix_csv_text",
    "series_paths",
    "write_networks",
]

FORMATS = ("graphml", "csv", "edgelist", "dl")
"""The network file formats, by name."""

EXTENSIONS = {".graphml": "graphml", ".csv": "csv", ".dl": "dl"}
"""File extensions that tell the format when none is given (an edge list is always named)."""


def format_weight(value: float) -> str:
    """A weight as text: ``3`` for a whole number, else the shortest exact form."""
    if value == int(value) and abs(value) < 2**53:
        return str(int(value))
    return repr(value)


def format_for_path(path: Path | None, explicit: str | None) -> str:
    """The format to write: ``explicit`` if given, else the one the extension names, else the
    CSV matrix on standard output."""
    if explicit:
        return explicit
    if path is None or str(path) == "-":
        return "csv"
    suffix = Path(path).suffix.lower()
    if suffix in EXTENSIONS:
        return EXTENSIONS[suffix]
    shown = f"extension {suffix!r}" if suffix else "a name without extension"
    raise OutputError(
        f"{path}: cannot tell the network format from {shown}; name the file .graphml, .csv"
        " or .dl, or pass --format graphml, csv, edgelist or dl"
    )


# -- GraphML --------------------------------------------------------------------------------

_XML_INVALID = {code: chr(0x2400 + code) for code in range(0x20) if code not in (9, 10, 13)}
_XML_INVALID.update({0xFFFE: "\ufffd", 0xFFFF: "\ufffd"})


def _xml(text: str) -> str:
    """Text XML 1.0 can hold: control characters it forbids shown as their control pictures
    (as the screens show them), then escaped."""
    cleaned = text.translate(_XML_INVALID)
    if any("\ud800" <= ch <= "\udfff" for ch in cleaned):
        cleaned = "".join("\ufffd" if "\ud800" <= ch <= "\udfff" else ch for ch in cleaned)
    return escape(cleaned)


_KEYS = (
    ("label", "node", "string"),
    ("type", "node", "string"),
    ("kind", "node", "string"),
    ("parent", "node", "string"),
    ("frequency", "node", "int"),
    ("weight", "edge", "double"),
)


def graphml_text(matrix: Matrix, result: NetworkResult) -> str:
    """Plain GraphML (no yWorks extensions, which Gephi rejects): nodes with ``label``,
    ``type`` (actor or target), ``kind`` (an actor's kind; ``target``), ``parent`` (an actor's
    parent, when it has one) and ``frequency`` (its statements), undirected edges with
    ``weight``; a one-mode network has each pair once."""
    options = result.request.options
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<graphml xmlns="http://graphml.graphdrawing.org/xmlns"'
        ' xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"'
        ' xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns'
        ' http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">',
    ]
    for name, domain, kind in _KEYS:
        lines.append(f'  <key id="{name}" for="{domain}" attr.name="{name}" attr.type="{kind}"/>')
    lines.append('  <graph id="network" edgedefault="undirected">')
    row_type = "target" if options.type == "onemode" and options.mode == "targets" else "actor"
    ids: dict[tuple[str, str], str] = {}
    numbers = {"actor": 0, "target": 0}

    def node(label: str, node_type: str) -> None:
        numbers[node_type] += 1
        node_id = f"{node_type[0]}{numbers[node_type]}"
        ids[(node_type, label)] = node_id
        data = [("label", label), ("type", node_type)]
        if node_type == "actor":
            info = result.actors.get(label)
            data.append(("kind", info.kind if info else ""))
            if info is not None and info.parent:
                data.append(("parent", info.parent))
            frequency = result.actor_frequency.get(label, 0)
        else:
            data.append(("kind", "target"))
            frequency = result.target_frequency.get(label, 0)
        data.append(("frequency", str(frequency)))
        lines.append(f'    <node id="{node_id}">')
        for key, value in data:
            lines.append(f'      <data key="{key}">{_xml(value)}</data>')
        lines.append("    </node>")

    for label in matrix.rows:
        node(label, row_type)
    column_type = row_type if matrix.one_mode else "target"
    if not matrix.one_mode:
        for label in matrix.columns:
            node(label, column_type)
    for number, (row, column, weight) in enumerate(matrix.edges(), 1):
        source, target = ids[(row_type, row)], ids[(column_type, column)]
        lines.append(f'    <edge id="e{number}" source="{source}" target="{target}">')
        lines.append(f'      <data key="weight">{format_weight(weight)}</data>')
        lines.append("    </edge>")
    lines.append("  </graph>")
    lines.append("</graphml>")
    return "\n".join(lines) + "\n"


# -- CSV ------------------------------------------------------------------------------------


def _label(text: str, formula_escape: bool) -> str:
    value = escape_formula(text) if formula_escape else text
    return '"' + value.replace('"', '""') + '"'


def matrix_csv_text(matrix: Matrix, formula_escape: bool = True) -> str:
    """DNA's CSV matrix: ``;``-separated, a header of the column labels after an empty first
    cell, then one row per row label; labels quoted (a quote doubled), weights bare."""
    lines = [";".join(['""', *(_label(c, formula_escape) for c in matrix.columns)])]
    for label, values in zip(matrix.rows, matrix.values, strict=True):
        lines.append(";".join([_label(label, formula_escape), *map(format_weight, values)]))
    return "\r\n".join(lines) + "\r\n"


def edge_list_text(matrices: Sequence[Matrix], formula_escape: bool = True) -> str:
    """One row per edge (``source,target,weight``; a one-mode pair once), as Gephi's
    spreadsheet import reads it; a series has the window's ``time,start,stop`` first."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    series = len(matrices) > 1 or (matrices and matrices[0].time is not None)
    head = ["time", "start", "stop"] if series else []
    writer.writerow([*head, "source", "target", "weight"])

    def text(value: str) -> str:
        return escape_formula(value) if formula_escape else value

    for matrix in matrices:
        when = [str(matrix.time or ""), str(matrix.start or ""), str(matrix.stop or "")]
        for row, column, weight in matrix.edges():
            writer.writerow([*(when if series else []), text(row), text(column),
                             format_weight(weight)])  # fmt: skip
    return buffer.getvalue()


# -- UCINET DL ------------------------------------------------------------------------------


def _dl_label(text: str) -> str:
    """A DL label as DNA writes it: in double quotes, quotes inside taken out, on one line."""
    one_line = " ".join(text.replace('"', "").replace("'", "").split())
    return f'"{one_line}"'


def dl_text(matrix: Matrix) -> str:
    """UCINET's DL full matrix with labels, as DNA writes it."""
    if matrix.one_mode:
        lines = [f"dl n = {len(matrix.rows)}, format = fullmatrix", "labels:"]
        lines.extend(_dl_label(label) for label in matrix.rows)
    else:
        lines = [
            f"dl nr = {len(matrix.rows)}, nc = {len(matrix.columns)}, format = fullmatrix",
            "row labels:",
        ]
        lines.extend(_dl_label(label) for label in matrix.rows)
        lines.append("col labels:")
        lines.extend(_dl_label(label) for label in matrix.columns)
    lines.append("data:")
    lines.extend(" " + " ".join(map(format_weight, values)) for values in matrix.values)
    return "\n".join(lines) + "\n"


# -- files ----------------------------------------------------------------------------------


def _text(fmt: str, matrix: Matrix, result: NetworkResult, formula_escape: bool) -> str:
    if fmt == "graphml":
        return graphml_text(matrix, result)
    if fmt == "dl":
        return dl_text(matrix)
    return matrix_csv_text(matrix, formula_escape)


def series_paths(path: Path, matrices: Sequence[Matrix]) -> list[Path]:
    """One file name per window: ``NAME-NN-YYYY-MM-DD.EXT`` (number, the window's middle)."""
    width = len(str(len(matrices)))
    return [
        path.with_name(f"{path.stem}-{number:0{width}d}-{matrix.time}{path.suffix}")
        for number, matrix in enumerate(matrices, 1)
    ]


def write_networks(
    result: NetworkResult,
    fmt: str,
    output: Path | None,
    *,
    out: TextIO | None = None,
    force: bool = False,
    protected: Sequence[Path] = (),
    formula_escape: bool = True,
) -> list[Path]:
    """Write the result's networks in ``fmt`` to ``output`` (None or ``-``: ``out``, standard
    output); return the files written. Every file is checked before the first is written, and
    each is written whole; none is ever the database (``protected``)."""
    if fmt not in FORMATS:
        raise OutputError(f"unknown network format {fmt!r}: use one of {', '.join(FORMATS)}")
    matrices = result.matrices
    windowed = len(matrices) > 1 or matrices[0].time is not None
    if fmt == "edgelist":
        texts = [edge_list_text(matrices, formula_escape)]
    elif windowed and (output is None or str(output) == "-"):
        raise OutputError(
            f"--window writes one {fmt} file per window: give -o NAME.{fmt} (or --format"
            " edgelist for one table of every window)"
        )
    else:
        texts = [_text(fmt, matrix, result, formula_escape) for matrix in matrices]
    if output is None or str(output) == "-":
        _to_stream(out or sys.stdout, texts[0])
        return []
    paths = (
        series_paths(Path(output), matrices)
        if len(texts) > 1 or (windowed and fmt != "edgelist")
        else [Path(output)]
    )
    targets = [check_output(path, force=force, protected=protected) for path in paths]
    for target, text in zip(targets, texts, strict=True):
        with written_whole(target, "the network", "write the network") as handle:
            handle.write(text.encode("utf-8"))
    return paths


def _to_stream(out: TextIO, text: str) -> None:
    """UTF-8 text to a stream: its bytes to the binary buffer when it has one, whatever the
    locale, since a network file is UTF-8."""
    buffer = getattr(out, "buffer", None)
    if buffer is not None:
        out.flush()
        buffer.write(text.encode("utf-8"))
        buffer.flush()
    else:
        out.write(text)
