"""Annotations out of the database as CSV or JSON Lines files.

Used by ``nkreader export`` and by the TUI's export dialog alike, so it knows nothing of click or
Textual. The Store hands out the rows already shaped, in batches of columns
(``reader.store.exports``); this module streams them as UTF-8 bytes, quotes CSV fields the way
``csv.writer`` does, and writes a file whole or not at all.
"""

from __future__ import annotations

import codecs
from collections.abc import Callable, Iterable, Iterator
from itertools import repeat
from pathlib import Path
from typing import TextIO, cast

from reader.exchange.output_files import OutputError, check_output, written_whole
from reader.store import Store
from reader.store.exports import (
    ALL_SENTENCES_COLUMNS,
    EXPORT_COLUMNS,
    TRUSTED,
    Column,
    ExportFilter,
    Names,
    export_columns,
)
from reader.text.dates import parse_published

__all__ = [
    "ALL_SENTENCES_COLUMNS",
    "EXPORT_COLUMNS",
    "EXTENSIONS",
    "FORMATS",
    "ExportError",
    "ExportFilter",
    "escape_formula",
    "export_columns",
    "export_to_path",
    "format_for_path",
    "read_cell",
    "unread_dates_warning",
    "write_export",
]

Write = Callable[[bytes], object]
Batches = Iterator[tuple[int, list[Column]]]
UnreadDates = list[tuple[int, str]]
"""Articles whose published date could not be read: (article id, the raw string)."""

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
    tool on a million rows. Here the Store hands each batch as columns, the text columns are
    quoted through memos and the rows joined, all in C, on UTF-8 bytes straight from SQLite.
    """
    write(",".join(names).encode() + b"\r\n")
    memos = [
        (index, _Quoted(formula_escape)) for index, name in enumerate(names) if name not in TRUSTED
    ]
    rows = 0
    for count, columns in batches:
        fields = list(columns)
        for index, memo in memos:
            fields[index] = map(memo.__getitem__, fields[index])
        # Every cell is bytes now: text through its memo, trusted columns as the Store made them.
        cells = cast("list[Iterable[bytes]]", fields)
        write(b"\r\n".join(map(b",".join, zip(*cells, strict=True))) + b"\r\n")
        rows += count
    return rows


def _write_jsonl(batches: Batches, write: Write, names: Names) -> int:
    """Write one JSON object per row: each cell comes JSON-encoded, so only keys are added."""
    keys = [f',"{name}":'.encode() for name in names]
    keys[0] = b"{" + keys[0][1:]
    rows = 0
    for count, columns in batches:
        cells = cast("list[Iterable[bytes]]", columns)  # JSON cells are never None: "null"
        fields = [
            map(bytes.__add__, repeat(key), cell) for key, cell in zip(keys, cells, strict=True)
        ]
        fields[-1] = map(bytes.__add__, fields[-1], repeat(b"}"))
        write(b"\n".join(map(b"".join, zip(*fields, strict=True))) + b"\n")
        rows += count
    return rows


def _export(
    store: Store,
    write: Write,
    fmt: str,
    rows: ExportFilter,
    formula_escape: bool = True,
    unread_dates: UnreadDates | None = None,
) -> int:
    if fmt not in FORMATS:
        raise ExportError(f"unknown export format {fmt!r}: use one of csv, jsonl")
    names = export_columns(rows)
    batches = store.export_batches(rows, fmt, _BATCH, unread_dates)
    if fmt == "jsonl":
        return _write_jsonl(batches, write, names)
    return _write_csv(batches, write, names, formula_escape)


def unread_dates_warning(unread: UnreadDates, day_first: bool) -> str | None:
    """The one line that says which articles' published dates could not be read, or None.

    When every one of them reads in the other day/month order, it says how to switch.
    """
    if not unread:
        return None
    count = len(unread)
    shown = ", ".join(f"{raw!r} (article {article_id})" for article_id, raw in unread[:3])
    more = f" and {count - 3} more" if count > 3 else ""
    whose = "articles' published dates" if count != 1 else "article's published date"
    line = (
        f"{count} {whose} could not be read: {shown}{more};"
        " published_date and published_time are blank there"
    )
    if all(parse_published(raw, day_first=not day_first).date for _, raw in unread):
        order = "month-first" if day_first else "day-first"
        line += f"; they read as {order} dates: nkreader config dates {order}"
    return line + "; see README, Published dates"


def write_export(
    store: Store,
    out: TextIO,
    *,
    fmt: str = "csv",
    annotator: str | None = None,
    article_id: int | None = None,
    all_sentences: bool = False,
    formula_escape: bool = True,
    text: bool = True,
    day_first: bool | None = None,
    unread_dates: UnreadDates | None = None,
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

    ``text=False`` leaves out the ``title`` and ``sentence`` columns. ``day_first`` says how
    ``07/03/2024`` is read (None: as the project's ``config dates`` says); the articles whose
    published date cannot be read are added to ``unread_dates`` (see ``unread_dates_warning``).
    """
    rows = _filter(store, annotator, article_id, all_sentences, text, day_first)
    return _export(store, _bytes_to(out), fmt, rows, formula_escape, unread_dates)


def _filter(
    store: Store,
    annotator: str | None,
    article_id: int | None,
    all_sentences: bool,
    text: bool,
    day_first: bool | None,
) -> ExportFilter:
    day_first = store.day_first if day_first is None else day_first
    return ExportFilter(annotator, article_id, all_sentences, text, day_first)


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
    text: bool = True,
    day_first: bool | None = None,
    unread_dates: UnreadDates | None = None,
) -> int:
    """Write the export (see ``write_export``) to the file ``path``; return the number of rows.

    The file is written whole or not at all and never over the database (see
    ``reader.exchange.output_files``): a failure half-way (disk full, an interrupted process)
    leaves no partial export and an existing file as it was. An existing ``path`` is replaced
    only with ``force``.
    """
    path = Path(path)
    rows = _filter(store, annotator, article_id, all_sentences, text, day_first)
    try:
        target = check_output(path, force=force, protected=store.database_files())
        with written_whole(target, "the export", "export") as out:
            return _export(store, out.write, fmt, rows, formula_escape, unread_dates)
    except OutputError as error:
        raise ExportError(str(error)) from None
