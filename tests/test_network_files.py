"""Network files as other tools read them: every GraphML file read back with networkx (nodes,
their attributes, edges, weights), DNA's CSV matrix, the edge list, UCINET DL, and files
written whole, never over the database."""

from __future__ import annotations

import csv
import io
import sqlite3
from pathlib import Path

import networkx as nx
import pytest
from click.testing import CliRunner

from reader.analysis.network import NetworkOptions
from reader.cli import cli
from reader.db import open_database
from reader.exchange.network_files import (
    dl_text,
    edge_list_text,
    format_weight,
    graphml_text,
    matrix_csv_text,
)
from reader.exchange.networks import NetworkRequest, NetworkResult, build_networks
from reader.store import Store
from tests.test_network import build, hand_codes


@pytest.fixture
def hand_db(tmp_path: Path) -> Path:
    return build(tmp_path / "hand.db", {"ana": hand_codes()})


def result_of(db: Path, **fields: object) -> NetworkResult:
    store = Store(open_database(db), "ana")
    try:
        return build_networks(store, NetworkRequest(**fields))  # type: ignore[arg-type]
    finally:
        store.close()


def read_back(path: Path, result: NetworkResult, index: int = 0) -> None:
    """networkx reads the GraphML file with the matrix's nodes (label, type, kind, parent,
    frequency), its non-zero cells as edges (a one-mode pair once) and their weights."""
    matrix = result.matrices[index]
    graph = nx.read_graphml(path)
    assert not graph.is_directed()
    labels = {node: data["label"] for node, data in graph.nodes(data=True)}
    one_mode = matrix.one_mode
    row_type = "target" if result.request.options.mode == "targets" and one_mode else "actor"
    expected_nodes = {(row_type, label) for label in matrix.rows}
    if not one_mode:
        expected_nodes |= {("target", label) for label in matrix.columns}
    assert {(data["type"], data["label"]) for _, data in graph.nodes(data=True)} == expected_nodes
    assert len(graph) == len(expected_nodes)
    for _, data in graph.nodes(data=True):
        if data["type"] == "actor":
            node = result.actors[data["label"]]
            assert data["kind"] == node.kind
            assert data.get("parent") == node.parent
            assert data["frequency"] == result.actor_frequency.get(data["label"], 0)
        else:
            assert data["kind"] == "target"
            assert "parent" not in data
            assert data["frequency"] == result.target_frequency.get(data["label"], 0)
    edges = {
        frozenset((labels[a], labels[b])): data["weight"] for a, b, data in graph.edges(data=True)
    }
    expected = {frozenset((row, column)): weight for row, column, weight in matrix.edges()}
    assert edges == pytest.approx(expected)
    assert graph.number_of_edges() == len(expected)


OPTIONS = [
    NetworkOptions(),
    NetworkOptions(aggregation="subtract"),
    NetworkOptions(aggregation="combine"),
    NetworkOptions(normalization="activity"),
    NetworkOptions(type="onemode"),
    NetworkOptions(type="onemode", aggregation="congruence", normalization="cosine"),
    NetworkOptions(type="onemode", aggregation="subtract", normalization="jaccard"),
    NetworkOptions(type="onemode", aggregation="conflict", mode="targets"),
]


@pytest.mark.parametrize(
    "options", OPTIONS, ids=lambda o: f"{o.type}-{o.aggregation}-{o.normalization}-{o.mode}"
)
def test_every_graphml_file_reads_back_in_networkx(
    hand_db: Path, tmp_path: Path, options: NetworkOptions
) -> None:
    """Each kind of network, written by the command and read back by networkx, has the
    matrix's nodes and weights (negative and fractional ones too)."""
    out = tmp_path / "n.graphml"
    arguments = [
        "network", "--db", str(hand_db), "-o", str(out), "--type", options.type,
        "--aggregation", options.aggregation, "--normalization", options.normalization,
        "--mode", options.mode,
    ]  # fmt: skip
    written = CliRunner().invoke(cli, arguments)
    assert written.exit_code == 0, written.output
    read_back(out, result_of(hand_db, options=options))


def test_graphml_of_rolled_up_actors_with_isolates_and_windows(
    hand_db: Path, tmp_path: Path
) -> None:
    """Parents (of rolled-up actors too), nodes without edges (--isolates) and a series of
    windows, each file read back by networkx."""
    rolled = result_of(hand_db, level=1, isolates=True)
    path = tmp_path / "rolled.graphml"
    path.write_text(graphml_text(rolled.matrices[0], rolled), encoding="utf-8")
    read_back(path, rolled)
    graph = nx.read_graphml(path)
    by_label = {data["label"]: data for _, data in graph.nodes(data=True)}
    assert by_label["A"]["parent"] == "P" and by_label["Z"]["frequency"] == 0
    out = tmp_path / "w.graphml"
    arguments = ["network", "--db", str(hand_db), "--window", "2w", "--step", "1w", "-o", str(out)]
    assert CliRunner().invoke(cli, arguments).exit_code == 0
    from reader.analysis.network import Span

    series = result_of(hand_db, window=Span(2, "w"), step=Span(1, "w"))
    files = sorted(tmp_path.glob("w-*.graphml"))
    assert len(files) == len(series.matrices) > 1
    for index, file in enumerate(files):
        read_back(file, series, index)


def test_graphml_holds_any_name(tmp_path: Path) -> None:
    """Names with markup, quotes, ampersands, angle brackets and control characters (which XML
    cannot hold: shown as their control pictures, as the screens show them) read back."""
    db = build(tmp_path / "odd.db", {"ana": hand_codes()})
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE actors SET name = 'A <&> \"[b]\" \x1b]0;x\x07' WHERE name = 'A'")
        conn.execute("UPDATE targets SET name = 'X & \"why\" ''not''' WHERE name = 'X'")
    result = result_of(db)
    path = tmp_path / "odd.graphml"
    path.write_text(graphml_text(result.matrices[0], result), encoding="utf-8")
    labels = {data["label"] for _, data in nx.read_graphml(path).nodes(data=True)}
    assert 'A <&> "[b]" ␛]0;x␇' in labels and "X & \"why\" 'not'" in labels


def test_dna_csv_matrix_and_edge_list(hand_db: Path) -> None:
    """DNA's matrix layout: ;-separated, an empty first cell, the column labels, a row per row
    label; the edge list one row per non-zero cell (a one-mode pair once)."""
    two = result_of(hand_db).matrices[0]
    assert matrix_csv_text(two) == ('"";"X";"Y"\r\n"A";2;1\r\n"B";1;1\r\n"C";1;1\r\n"D";0;1\r\n')
    rows = list(csv.reader(io.StringIO(matrix_csv_text(two), newline=""), delimiter=";"))
    assert rows[0] == ["", "X", "Y"] and rows[4] == ["D", "0", "1"]
    one = result_of(hand_db, options=NetworkOptions(type="onemode", aggregation="congruence"))
    edges = list(csv.reader(io.StringIO(edge_list_text(one.matrices), newline="")))
    assert edges == [
        ["source", "target", "weight"],
        ["A", "B", "2"], ["A", "C", "0.5"], ["A", "D", "1"], ["B", "C", "0.5"], ["C", "D", "0.5"],
    ]  # fmt: skip


def test_labels_a_spreadsheet_would_run_are_escaped(tmp_path: Path) -> None:
    """A label starting with = gets one ' in the CSV matrix and the edge list, as in the
    export; --formula-escape off writes it as it is."""
    db = build(tmp_path / "f.db", {"ana": hand_codes()})
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE actors SET name = '=SUM(1)' WHERE name = 'A'")
    matrix = result_of(db).matrices[0]
    assert '"\'=SUM(1)";2;1' in matrix_csv_text(matrix)
    assert '"=SUM(1)";2;1' in matrix_csv_text(matrix, formula_escape=False)
    assert "'=SUM(1),X,2" in edge_list_text([matrix])


def test_ucinet_dl_full_matrix(hand_db: Path) -> None:
    """DL as DNA writes it: the size, the labels in quotes, then the rows of the matrix."""
    two = result_of(hand_db).matrices[0]
    assert dl_text(two) == (
        "dl nr = 4, nc = 2, format = fullmatrix\n"
        'row labels:\n"A"\n"B"\n"C"\n"D"\n'
        'col labels:\n"X"\n"Y"\n'
        "data:\n 2 1\n 1 1\n 1 1\n 0 1\n"
    )
    one = result_of(hand_db, options=NetworkOptions(type="onemode", normalization="average"))
    text = dl_text(one.matrices[0])
    assert text.startswith('dl n = 4, format = fullmatrix\nlabels:\n"A"\n')
    assert "data:\n 0 1.2 1.2 0.5\n" in text


def test_weights_are_written_exactly() -> None:
    """Whole numbers without a point, others as Python writes them (never DNA's six places)."""
    assert [format_weight(v) for v in (3.0, -1.0, 0.0, 2 / 3, 0.5)] == [
        "3", "-1", "0", "0.6666666666666666", "0.5",
    ]  # fmt: skip


def test_outputs_are_checked_and_written_whole(hand_db: Path, tmp_path: Path) -> None:
    """An existing file needs --force; standard output by default and with -o -; the format
    follows the extension."""
    runner = CliRunner()
    out = tmp_path / "n.dl"
    first = runner.invoke(cli, ["network", "--db", str(hand_db), "-o", str(out)])
    assert first.exit_code == 0, first.output
    assert out.read_text(encoding="utf-8").startswith("dl nr = 4")
    assert "twomode 4 x 2, 8 statements of ana written to" in first.stderr
    again = runner.invoke(cli, ["network", "--db", str(hand_db), "-o", str(out)])
    assert again.exit_code == 1 and "exists; pass --force to overwrite" in again.output
    forced = runner.invoke(cli, ["network", "--db", str(hand_db), "-o", str(out), "--force"])
    assert forced.exit_code == 0
    dash = runner.invoke(cli, ["network", "--db", str(hand_db), "-o", "-", "--format", "graphml"])
    assert dash.stdout.startswith('<?xml version="1.0" encoding="UTF-8"?>')
    assert not list(tmp_path.glob(".*.tmp"))
