"""Plain-text tables for the command line (``articles``, ``stats``, ``duplicates``)."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

from reader.store.near_duplicates import DuplicateGroup
from reader.text.visible import cell_width, fit_cells, visible

MAX_CELL = 100
"""Widest cell in terminal columns; a longer title or name is cut with an ellipsis, so that one
10,000-letter title does not push every other column off the screen."""


def format_table(headers: list[str], rows: list[list[str]]) -> str:
    """Rows as a plain, aligned text table (numbers right-aligned) for a terminal.

    Cells come from the data (titles, actor names, stance keys): each is shown on one line with
    its control characters visible (``reader.text.visible``), and columns are aligned by the
    terminal cells their text takes, so wide (East Asian) letters line up too.
    """
    shown_headers = [_cell(h) for h in headers]
    shown_rows = [[_cell(cell) for cell in row] for row in rows]
    widths = [cell_width(h) for h in shown_headers]
    for row in shown_rows:
        widths = [max(w, cell_width(cell)) for w, cell in zip(widths, row, strict=True)]

    def line(cells: list[str]) -> str:
        out = []
        for width, cell in zip(widths, cells, strict=True):
            numeric = cell.replace(".", "", 1).lstrip("-").isdigit()
            pad = " " * (width - cell_width(cell))
            out.append(pad + cell if numeric else cell + pad)
        return "  ".join(out).rstrip()

    rule = "  ".join("-" * w for w in widths)
    return "\n".join([line(shown_headers), rule, *(line(r) for r in shown_rows)])


def _cell(text: str) -> str:
    return fit_cells(visible(text, one_line=True), MAX_CELL)


DUPLICATE_COLUMNS = ["group", "article_id", "role", "similarity", "title", "source"]
"""A row per article of a near-duplicate group; ``group`` is the original's id."""


def duplicate_rows(groups: Sequence[DuplicateGroup]) -> tuple[list[str], list[list[str]]]:
    """The groups as rows: the original first (similarity empty), then its copies."""
    rows: list[list[str]] = []
    for group in groups:
        rows.append([str(group.id), str(group.id), "original", "", group.title, group.source])
        for copy in group.copies:
            rows.append(
                [str(group.id), str(copy.id), "copy", f"{copy.similarity:.3f}", copy.title,
                 copy.source]
            )  # fmt: skip
    return DUPLICATE_COLUMNS, rows


def csv_text(headers: list[str], rows: list[list[str]]) -> str:
    """Rows as CSV, text cells escaped against spreadsheet formulas as in the export."""
    from reader.exchange.exporting import escape_formula

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(headers)
    writer.writerows([[escape_formula(cell) for cell in row] for row in rows])
    return out.getvalue()
