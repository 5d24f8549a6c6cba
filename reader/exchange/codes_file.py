"""An nkreader export (CSV or JSON Lines) read back: its codes restored onto the articles here.

A coder who sends an export instead of a database, or a project that kept only its exports,
can bring the codes back with ``nkreader import FILE``. The file is known by its columns (CSV
header) or keys (first JSON line): exactly an export's, of this version or an earlier one, with
or without ``--all-sentences``' ``status`` or ``--no-text``'s ``title`` and ``sentence``. Each
row names its article by ``source`` and offsets, or by title and sentence text, and its actor,
stance and target by name: ids in the file are not this database's and are ignored (so are the
columns the export derives: ``file``, ``published_date``, ``actor_path`` and the like). CSV
text cells lose the one ``'`` the export put before a formula (``read_cell``), so a file written
with ``--formula-escape off`` cannot be read back exactly; JSON Lines are taken as they are. The
Store places the codes (``Store.restore_codes``): every row of the file, or none of them.
"""

from __future__ import annotations

import csv
import io
import json
import sys
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from reader.exchange.exporting import EXTENSIONS, read_cell
from reader.exchange.formats import MAX_SIZE, NotAFile, display, read_file, why
from reader.models import CodeRow, CodesReport
from reader.store import Store
from reader.store.exports import KNOWN_COLUMN_SETS, TRUSTED

__all__ = ["codes_format", "import_codes", "read_codes"]

_COLUMN_SETS = KNOWN_COLUMN_SETS
"""The columns of every kind of export, in any order."""

_HEAD = 1 << 20
"""Bytes read to find the first line when telling an export from a file of articles."""

_NUMBERS = ("start", "end", "sentence_position")


def codes_format(path: Path) -> str | None:
    """``csv`` or ``jsonl`` when ``path`` is a regular file holding an nkreader export (by its
    columns or keys), else None: files of articles, folders, pipes and unreadable files are
    left to the article import, which says what is wrong with them."""
    fmt = EXTENSIONS.get(path.suffix.lower())
    if fmt is None or not path.is_file():
        return None
    try:
        with path.open("rb") as file:
            head = file.read(_HEAD)
    except OSError:
        return None
    line = head.partition(b"\n")[0].decode("utf-8", "replace").lstrip("\ufeff").rstrip("\r")
    if fmt == "csv":
        names = next(csv.reader([line]), [])
    else:
        try:
            first = json.loads(line)
        except (ValueError, RecursionError):
            return None
        names = list(first) if isinstance(first, dict) else []
    return fmt if frozenset(names) in _COLUMN_SETS and len(names) == len(set(names)) else None


def read_codes(path: Path, max_size: int = MAX_SIZE) -> tuple[list[CodeRow], list[str]]:
    """The rows of an export file, and a line for each row (or the file) that cannot be read."""
    shown = display(path)
    fmt = codes_format(path)
    try:
        data = read_file(path, max_size)
    except OSError as error:
        return [], [f"{shown}: {why(error)}"]
    except NotAFile as error:
        return [], [f"{shown}: {error}"]
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        return [], [f"{shown}: not UTF-8 (byte {error.start}), as an nkreader export always is"]
    if fmt is None:
        return [], [f"{shown}: not an nkreader export (its columns are not an export's)"]
    raw = _csv_rows(shown, text) if fmt == "csv" else _jsonl_rows(shown, text)
    rows: list[CodeRow] = []
    problems: list[str] = []
    for line, cells in raw:
        if isinstance(cells, str):
            problems.append(cells)
            continue
        try:
            rows.append(_row(line, cells))
        except ValueError as error:
            problems.append(f"{line}: {error}")
    return rows, problems


def _csv_rows(shown: str, text: str) -> Iterator[tuple[str, Mapping[str, Any] | str]]:
    """Each CSV row by line number, text cells as stored (the formula escape taken off)."""
    csv.field_size_limit(min(sys.maxsize, 2**31 - 1))  # a sentence may exceed 128 KiB
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader, [])
        start = reader.line_num + 1
        for row in reader:
            line = f"{shown}:{start}"
            start = reader.line_num + 1
            if not any(row):
                continue
            if len(row) != len(header):
                yield line, f"{line}: {len(row)} cells but {len(header)} columns"
                continue
            yield (
                line,
                {
                    name: cell if name in TRUSTED else read_cell(cell)
                    for name, cell in zip(header, row, strict=True)
                },
            )
    except csv.Error as error:
        yield shown, f"{shown}: malformed CSV near line {reader.line_num} ({error})"


def _jsonl_rows(shown: str, text: str) -> Iterator[tuple[str, Mapping[str, Any] | str]]:
    """Each JSON line by line number (lines end at ``\\n`` only: a sentence may hold U+2028)."""
    for number, line in enumerate(text.split("\n"), start=1):
        where = f"{shown}:{number}"
        if not line.strip():
            continue
        try:
            value = json.loads(line)
        except RecursionError:
            yield where, f"{where}: JSON nested too deeply to read"
            continue
        except ValueError as error:
            yield where, f"{where}: malformed JSON line ({error})"
            continue
        if not isinstance(value, dict) or frozenset(value) not in _COLUMN_SETS:
            yield where, f"{where}: not a row of an nkreader export"
            continue
        yield where, value


def _row(line: str, cells: Mapping[str, Any]) -> CodeRow:
    """A row as the Store reads it; ``ValueError`` naming the cell that is not what it says."""
    numbers: dict[str, int | None] = {}
    for name in _NUMBERS:
        value = cells.get(name)
        if value is None or value == "":
            numbers[name] = None
        elif isinstance(value, int) and not isinstance(value, bool):
            numbers[name] = value
        elif isinstance(value, str) and value.strip().lstrip("-").isdigit():
            numbers[name] = int(value)
        else:
            raise ValueError(f"{name} {value!r} is not a whole number")

    def text(name: str) -> str:
        value = cells.get(name)
        return "" if value is None else str(value)

    return CodeRow(
        line, text("source"), text("title"), numbers["start"], numbers["end"], text("sentence"),
        numbers["sentence_position"], text("actor"), text("stance"), text("target"),
        text("note"), text("annotator"), text("created_at"), text("updated_at"),
        text("status") or "coded",
    )  # fmt: skip


def import_codes(store: Store, path: Path, max_size: int = MAX_SIZE) -> CodesReport:
    """Restore the codes of the export at ``path``: all its rows, or (when any row cannot be
    read or placed) none, with a line for each such row."""
    rows, problems = read_codes(path, max_size)
    return store.restore_codes(rows, display(path), problems)
