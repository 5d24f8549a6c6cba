"""The project's own documents stay true to the code they describe."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from reader.cli.commands import cli

REPO = Path(__file__).resolve().parent.parent


def test_every_test_testing_md_names_exists() -> None:
    """Each `tests/file.py::test_name` in TESTING.md is a test that exists."""
    text = (REPO / "TESTING.md").read_text(encoding="utf-8")
    named = set(re.findall(r"(test_\w+\.py)::(\w+)", text))
    assert named
    for file, name in sorted(named):
        tree = ast.parse((REPO / "tests" / file).read_text(encoding="utf-8"))
        defined = {
            node.name
            for node in ast.walk(tree)
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        }
        assert name in defined, f"TESTING.md names {file}::{name}, which does not exist"


def test_architecture_md_names_every_layer() -> None:
    """ARCHITECTURE.md draws every folder of reader/ (a new layer must be described)."""
    text = (REPO / "ARCHITECTURE.md").read_text(encoding="utf-8")
    layers = [p.name for p in (REPO / "reader").iterdir() if (p / "__init__.py").exists()]
    assert layers
    for layer in layers:
        assert f"reader/{layer}" in text, f"ARCHITECTURE.md does not describe reader/{layer}"


def test_readme_lists_every_command() -> None:
    """The README's command table has a row for every `nkreader` command."""
    text = (REPO / "README.md").read_text(encoding="utf-8")
    for name in cli.commands:
        if name != "tui":  # the bare reader, the table's first row
            assert f"`nkreader {name}" in text, f"README lists no `nkreader {name}`"


def test_no_merge_conflict_markers_are_left() -> None:
    """No document or module of the project holds a line left by an unresolved merge."""
    markers = ("<<<<<<< ", ">>>>>>> ")
    for path in [
        *REPO.glob("*.md"),
        *(REPO / "reader").rglob("*.py"),
        *(REPO / "tests").glob("*.py"),
    ]:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            assert not line.startswith(markers), f"{path.name}:{number}"


def test_readme_explains_every_export_column() -> None:
    """The README's "Export columns" section names each column of every kind of export."""
    from reader.exchange.final_export import FINAL_COLUMNS
    from reader.store.exports import ALL_SENTENCES_COLUMNS

    text = (REPO / "README.md").read_text(encoding="utf-8")
    section = text[text.index("## Export columns") : text.index("## Development")]
    for name in (*ALL_SENTENCES_COLUMNS, *FINAL_COLUMNS):
        assert f"`{name}`" in section, f"README's Export columns do not name `{name}`"
