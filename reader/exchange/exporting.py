"""Annotations out of the database as CSV or JSON Lines files.

Used by ``nkreader export`` and by the TUI's export dialog alike, so it knows nothing of click or
Textual. The Store hands out the rows already shaped in SQLite (``reader.store.exports``); this
module streams them as UTF-8 bytes, quotes CSV fields the way ``csv.writer`` does, and writes a
file whole or not at all.
"""

from __future__ import annotations

import codecs
import operator
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import TextIO

from reader.exchange.output_files import OutputError, check_output, written_whole
from reader.store import Store
from reader.store.exports import (
    ALL_SENTENCES_COLUMNS,
    EXPORT_COLUMNS,
    TRUSTED,
    ExportFilter,
    Names,
    export_query,
)

__all__ = [
    "ALL_SENTENCES_COLUMNS",
    "EXPORT_COLUMNS",
    "EXTENSIONS",
    "FORMATS",
    "ExportError",
    "ExportFilter",
    "escape_formula",
    "export_to_path",
    "format_for_path",
    "read_cell",
    "write_export",
]

Write = Callable[[bytes], object]
Batches = Iterator[Sequence[tuple[bytes | None, ...]]]

FORMATS = ("csv", "jsonl")
"""The export formats, by name."""

EXTENSIONS = {".csv": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "jsonl"}
"""File extensions that tell the format when none is given."""

_BATCH = 256
"""Rows fetched and formatted at a time: enough to amortise each step, few enough to stay in the
processor's cache (2,048 is a third slower on a million rows)."""


class ExportError(Exception):
    """An export that cannot be written; the message is one line naming the path and the fix."""


def format_for_path(path: Path, explicit: str | None) -> str:
    """The format to write: ``explicit`` if given, else the one the file extension names."""
    if explicit:
        if explicit.lower() not in FORMATS:
            raise ExportError(f"unknown export format {explicit!r}: use one of csv, jsonl")
        return explicit.lower()
    suffix = Path(path).suffix.lower()
    if suffix in EXTENSIONS:
        return EXTENSIONS[suffix]
    shown = f"extension {suffix!r}" if suffix else "a name without extension"
    raise ExportError(
        f"{path}: cannot tell the export format from {shown}; name the file .csv or .jsonl "
        "(or .ndjson, .json), or pass --format csv or --format jsonl"
    )


FORMULA_STARTS = (b"=", b"+", b"-", b"@", b"\t", b"\r", b"'")
"""First characters that make a spreadsheet read a cell as a formula (OWASP's list), and the
quote mark itself, so that the one added quote can always be taken off again (``read_cell``)."""


def escape_formula(value: str) -> str:
    """A text cell as the CSV export writes it: prefixed with ``'`` when a spreadsheet would
    otherwise run it as a formula (or when it begins with ``'`` itself)."""
    return "'" + value if value.encode()[:1] in FORMULA_STARTS else value


def read_cell(value: str) -> str:
    """A text cell of an nkreader CSV export as it was stored: the one ``'`` the export added to
    a cell that would read as a formula is taken off (numeric columns never have one)."""
    return value[1:] if value.startswith("'") else value


class _Quoted(dict[bytes | None, bytes]):
    """Fields as ``csv.writer`` (``QUOTE_MINIMAL``) writes them, remembered by value, escaped
    against spreadsheet formulas unless ``formula_escape`` is off (see ``escape_formula``).

    Titles, sources, actors, stances and coders repeat row after row, so most lookups are a
    dictionary hit in C; the memo is emptied now and then to keep memory flat.
    """

    def __init__(self, formula_escape: bool = True) -> None:
        super().__init__()
        self.formula_escape = formula_escape

    def __missing__(self, value: bytes | None) -> bytes:
        if len(self) >= 10_000:
            self.clear()
        key = value
        if value is not None and self.formula_escape and value[:1] in FORMULA_STARTS:
            value = b"'" + value
        if value is None:
            quoted = b""
        elif b'"' in value:
            quoted = b'"' + value.replace(b'"', b'""') + b'"'
        elif b"," in value or b"\n" in value or b"\r" in value:
            quoted = b'"' + value + b'"'
        else:
            quoted = value
        self[key] = quoted
        return quoted


def _write_csv(batches: Batches, write: Write, names: Names, formula_escape: bool = True) -> int:
    """Write the rows as CSV, byte for byte as ``csv.writer`` would, a batch at a time.

    ``csv.writer`` looks at every character and takes three times as long as the ``sqlite3``
    tool on a million rows. Here each batch is turned into columns, the text columns quoted
    through memos and the rows joined back, all in C, on UTF-8 bytes straight from SQLite.
    """
    write(",".join(names).encode() + b"\r\n")
    memos = [
        (index, _Quoted(formula_escape)) for index, name in enumerate(names) if name not in TRUSTED
    ]
    rows = 0
    for batch in batches:
        fields: list[Iterable[bytes]] = list(zip(*batch, strict=True))
        for index, memo in memos:
            fields[index] = map(memo.__getitem__, fields[index])
        write(b"\r\n".join(map(b",".join, zip(*fields, strict=True))) + b"\r\n")
        rows += len(batch)
    return rows


def _write_jsonl(batches: Batches, write: Write) -> int:
    rows = 0
    for batch in batches:
        write(b"\n".join(map(operator.itemgetter(0), batch)) + b"\n")
        rows += len(batch)
    return rows


def _export(
    store: Store, write: Write, fmt: str, rows: ExportFilter, formula_escape: bool = True
) -> int:
    if fmt not in FORMATS:
        raise ExportError(f"unknown export format {fmt!r}: use one of csv, jsonl")
    columns = export_query(rows)[2]
    batches = store.export_batches(rows, fmt, _BATCH)
    if fmt == "jsonl":
        return _write_jsonl(batches, write)
    return _write_csv(batches, write, columns, formula_escape)


def write_export(
    store: Store,
    out: TextIO,
    *,
    fmt: str = "csv",
    annotator: str | None = None,
    article_id: int | None = None,
    all_sentences: bool = False,
    formula_escape: bool = True,
) -> int:
    """Stream the export into ``out`` and return the number of rows written (header excluded).

    Rows are one per annotation, ordered by article id, sentence position and annotation id,
    optionally only those of one ``annotator`` or one ``article_id``.

    With ``all_sentences`` the rows are one per sentence *and coder* instead, so analysts have
    the denominator: for every sentence (of ``article_id``, if given) and every coder — each
    distinct annotator found in the annotations or the sentence statuses, or only ``annotator``
    when given — there is one row per annotation that coder made on the sentence (``status``
    ``coded``), or, when the coder made none, a single row with empty annotation fields and the
    coder's sentence status (``no_claim``) or ``uncoded``. A database nobody has coded yet gives
    one ``uncoded`` row per sentence with an empty annotator. Rows are ordered by article id,
    sentence position, annotator and annotation id.

    CSV is RFC 4180 with a header row, byte for byte what ``csv.writer`` writes for the same rows
    once text cells are escaped against spreadsheet formulas (``escape_formula``; numeric
    columns never are; ``formula_escape=False`` writes text exactly) (``\\r\\n`` line ends: open
    a file ``out`` with ``newline=""``). JSON Lines is one object per line with the CSV columns
    as keys, never altered. Both are UTF-8: a ``out`` with a binary ``buffer`` in UTF-8 gets the
    bytes directly.
    """
    rows = ExportFilter(annotator, article_id, all_sentences)
    return _export(store, _bytes_to(out), fmt, rows, formula_escape)


def _bytes_to(out: TextIO) -> Write:
    """Write UTF-8 bytes to ``out``: into its binary buffer when it has one, else as text."""
    buffer = getattr(out, "buffer", None)
    encoding = getattr(out, "encoding", None) or "ascii"
    if buffer is not None and codecs.lookup(encoding).name == "utf-8":
        out.flush()
        return buffer.write  # type: ignore[no-any-return]
    return lambda data: out.write(data.decode("utf-8"))


def export_to_path(
    store: Store,
    path: Path,
    *,
    fmt: str,
    force: bool = False,
    annotator: str | None = None,
    article_id: int | None = None,
    all_sentences: bool = False,
    formula_escape: bool = True,
) -> int:
    """Write the export (see ``write_export``) to the file ``path``; return the number of rows.

    The file is written whole or not at all and never over the database (see
    ``reader.exchange.output_files``): a failure half-way (disk full, an interrupted process)
    leaves no partial export and an existing file as it was. An existing ``path`` is replaced
    only with ``force``.
    """
    path = Path(path)
    rows = ExportFilter(annotator, article_id, all_sentences)
    try:
        target = check_output(path, force=force, protected=store.database_files())
        with written_whole(target, "the export", "export") as out:
            return _export(store, out.write, fmt, rows, formula_escape)
    except OutputError as error:
        raise ExportError(str(error)) from None
