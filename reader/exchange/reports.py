"""Plain-text tables for the command line (``articles``, ``stats``)."""

from __future__ import annotations


def format_table(headers: list[str], rows: list[list[str]]) -> str:
    """Rows as a plain, aligned text table (numbers right-aligned) for a terminal."""
    widths = [len(h) for h in headers]
    for row in rows:
        widths = [max(w, len(cell)) for w, cell in zip(widths, row, strict=True)]

    def line(cells: list[str]) -> str:
        out = []
        for width, cell in zip(widths, cells, strict=True):
            numeric = cell.replace(".", "", 1).lstrip("-").isdigit()
            out.append(cell.rjust(width) if numeric else cell.ljust(width))
        return "  ".join(out).rstrip()

    rule = "  ".join("-" * w for w in widths)
    return "\n".join([line(headers), rule, *(line(r) for r in rows)])
