"""Annotations out of the database as CSV or JSON Lines, and the actor × stance count table.

Used by ``nkreader export`` / ``nkreader stats`` and by the TUI's export dialog and statistics
screen alike, so it knows nothing of click or Textual. A million-row export must cost neither a
million rows of memory nor much more time than the ``sqlite3`` tool: SQLite does the joins, cuts
each sentence out of its article and builds JSON, and Python streams UTF-8 bytes in batches.
"""

from __future__ import annotations

import codecs
import errno
import operator
import os
import secrets
import sqlite3
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, TextIO

Names = tuple[str, ...]
Write = Callable[[bytes], object]

# fmt: off
_FIELDS: tuple[tuple[str, str], ...] = (
    ("annotation_id", "x.id"), ("article_id", "s.article_id"), ("source", "a.source"),
    ("title", "a.title"), ("published", "a.published"), ("sentence_position", "s.position"),
    ("start", "s.start"), ("end", 's."end"'),
    ("sentence", 'substr(a.text, s.start + 1, s."end" - s.start)'),
    ("actor", "ac.name"), ("actor_kind", "ac.kind"), ("parent_actor", "pa.name"),
    ("stance", "st.key"), ("stance_score", "st.score"), ("target", "tg.name"),
    ("note", "x.note"), ("annotator", "x.annotator"),
    ("created_at", "x.created_at"), ("updated_at", "x.updated_at"),
)
# fmt: on
"""Each export column and the SQL that computes it."""

EXPORT_COLUMNS: Names = tuple(name for name, _ in _FIELDS)
"""The columns of an export, in order; JSON Lines objects use the same keys."""

ALL_SENTENCES_COLUMNS: Names = (*EXPORT_COLUMNS, "status")
"""The columns of an ``all_sentences`` export: one more, saying what the coder did there."""

_ALL_SENTENCES_FIELDS = (
    *((name, "c.annotator" if name == "annotator" else sql) for name, sql in _FIELDS),
    ("status", "CASE WHEN x.id IS NOT NULL THEN 'coded' ELSE coalesce(t.status, 'uncoded') END"),
)

FORMATS = ("csv", "jsonl")
"""The export formats, by name."""

EXTENSIONS = {".csv": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "jsonl"}
"""File extensions that tell the format when none is given."""

_LOOKUPS = """
    {join} actors ac ON ac.id = x.actor_id
    LEFT JOIN actors pa ON pa.id = ac.parent_id
    {join} stances st ON st.id = x.stance_id
    LEFT JOIN targets tg ON tg.id = x.target_id"""

# Walking the sentences in (article_id, position) order through their unique index, SQLite only
# sorts each sentence's few annotations by id instead of sorting the whole export.
_FROM_ANNOTATIONS = """
FROM sentences s
    CROSS JOIN annotations x ON x.sentence_id = s.id
    JOIN articles a ON a.id = s.article_id""" + _LOOKUPS.format(join="JOIN")

_CODERS = """WITH known(annotator) AS (
    SELECT annotator FROM annotations UNION SELECT annotator FROM sentence_status
), coders(annotator) AS ({})
"""
_EVERY_CODER = (
    "SELECT annotator FROM known UNION ALL SELECT NULL WHERE NOT EXISTS (SELECT 1 FROM known)"
)
"""Every coder known to the database, or a single unnamed one when nobody has coded yet."""

_FROM_ALL_SENTENCES = (
    """
FROM sentences s
    JOIN articles a ON a.id = s.article_id
    CROSS JOIN coders c
    LEFT JOIN annotations x ON x.sentence_id = s.id AND x.annotator = c.annotator"""
    + _LOOKUPS.format(join="LEFT JOIN")
    + """
    LEFT JOIN sentence_status t
        ON x.id IS NULL AND t.sentence_id = s.id AND t.annotator = c.annotator"""
)

# fmt: off
_TRUSTED = frozenset((
    "annotation_id", "article_id", "sentence_position", "start", "end", "stance_score",
    "created_at", "updated_at", "status",
))
# fmt: on
"""Columns holding only numbers, nkreader's own timestamps or a fixed status word: they never
contain a comma, quote or line break, so SQLite turns them into text and they skip quoting."""

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


def _select(fields: Iterable[tuple[str, str]], style: str) -> str:
    """The SELECT list: plain columns, fields ready for CSV, or one JSON object per row.

    ``json_object`` keeps non-ASCII text as it is (UTF-8, like ``ensure_ascii=False``) and
    escapes quotes, backslashes and control characters, so Python only joins the lines.
    """
    if style == "jsonl":
        return "json_object(" + ", ".join(f"'{name}', {sql}" for name, sql in fields) + ")"
    if style == "csv":
        return ", ".join(
            f"ifnull(CAST({sql} AS TEXT), '')" if name in _TRUSTED else sql for name, sql in fields
        )
    return ",\n    ".join(f'{sql} AS "{name}"' for name, sql in fields)


def export_query(
    *,
    annotator: str | None = None,
    article_id: int | None = None,
    all_sentences: bool = False,
    style: str = "sql",
) -> tuple[str, list[Any], Names]:
    """The SQL, its parameters and the column names of an export with these filters.

    ``style`` shapes the result: ``sql`` plain values, ``csv`` or ``jsonl`` for the writers.
    """
    params: list[Any] = []
    clauses = []
    if all_sentences:
        coders = _EVERY_CODER
        if annotator is not None:
            coders, params = "SELECT ?", [annotator]
        head, fields, tail = _CODERS.format(coders), _ALL_SENTENCES_FIELDS, _FROM_ALL_SENTENCES
        columns, order = ALL_SENTENCES_COLUMNS, "s.article_id, s.position, c.annotator, x.id"
    else:
        if annotator is not None:
            clauses.append("x.annotator = ?")
            params.append(annotator)
        head, fields, tail = "", _FIELDS, _FROM_ANNOTATIONS
        columns, order = EXPORT_COLUMNS, "s.article_id, s.position, x.id"
    if article_id is not None:
        clauses.append("s.article_id = ?")
        params.append(article_id)
    where = "\nWHERE " + " AND ".join(clauses) if clauses else ""
    sql = f"{head}SELECT {_select(fields, style)}{tail}{where}\nORDER BY {order}"
    return sql, params, columns


EXPORT_SQL = export_query()[0]
"""The query behind an unfiltered export: one row per annotation, columns as ``EXPORT_COLUMNS``.

Kept as a constant so the benchmark hands the very same query to the ``sqlite3`` tool; the
writers run it with the SELECT list shaped for CSV or JSON (``export_query(style=...)``).
"""


class _Quoted(dict[bytes | None, bytes]):
    """Fields as ``csv.writer`` (``QUOTE_MINIMAL``) writes them, remembered by value.

    Titles, sources, actors, stances and coders repeat row after row, so most lookups are a
    dictionary hit in C; the memo is emptied now and then to keep memory flat.
    """

    def __missing__(self, value: bytes | None) -> bytes:
        if len(self) >= 10_000:
            self.clear()
        if value is None:
            quoted = b""
        elif b'"' in value:
            quoted = b'"' + value.replace(b'"', b'""') + b'"'
        elif b"," in value or b"\n" in value or b"\r" in value:
            quoted = b'"' + value + b'"'
        else:
            quoted = value
        self[value] = quoted
        return quoted


def _write_csv(cursor: sqlite3.Cursor, write: Write, names: Names) -> int:
    """Write the rows as CSV, byte for byte as ``csv.writer`` would, a batch at a time.

    ``csv.writer`` looks at every character and takes three times as long as the ``sqlite3``
    tool on a million rows. Here each batch is turned into columns, the text columns quoted
    through memos and the rows joined back, all in C, on UTF-8 bytes straight from SQLite.
    """
    write(",".join(names).encode() + b"\r\n")
    memos = [(index, _Quoted()) for index, name in enumerate(names) if name not in _TRUSTED]
    rows = 0
    while batch := cursor.fetchmany(_BATCH):
        fields: list[Iterable[bytes]] = list(zip(*batch, strict=True))
        for index, memo in memos:
            fields[index] = map(memo.__getitem__, fields[index])
        write(b"\r\n".join(map(b",".join, zip(*fields, strict=True))) + b"\r\n")
        rows += len(batch)
    return rows


def _write_jsonl(cursor: sqlite3.Cursor, write: Write) -> int:
    rows = 0
    while batch := cursor.fetchmany(_BATCH):
        write(b"\n".join(map(operator.itemgetter(0), batch)) + b"\n")
        rows += len(batch)
    return rows


def _export(conn: sqlite3.Connection, write: Write, fmt: str, **filters: Any) -> int:
    if fmt not in FORMATS:
        raise ExportError(f"unknown export format {fmt!r}: use one of csv, jsonl")
    sql, params, columns = export_query(style=fmt, **filters)
    # Text as UTF-8 bytes straight from SQLite: nothing is decoded only to be encoded again.
    text_factory = conn.text_factory
    conn.text_factory = bytes
    try:
        cursor = conn.execute(sql, params)
        return _write_jsonl(cursor, write) if fmt == "jsonl" else _write_csv(cursor, write, columns)
    finally:
        conn.text_factory = text_factory


def write_export(
    conn: sqlite3.Connection,
    out: TextIO,
    *,
    fmt: str = "csv",
    annotator: str | None = None,
    article_id: int | None = None,
    all_sentences: bool = False,
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
    (``\\r\\n`` line ends: open a file ``out`` with ``newline=""``). JSON Lines is one object per
    line with the CSV columns as keys. Both are UTF-8: a ``out`` with a binary ``buffer`` in
    UTF-8 gets the bytes directly.
    """
    filters = {"annotator": annotator, "article_id": article_id, "all_sentences": all_sentences}
    return _export(conn, _bytes_to(out), fmt, **filters)


def _bytes_to(out: TextIO) -> Write:
    """Write UTF-8 bytes to ``out``: into its binary buffer when it has one, else as text."""
    buffer = getattr(out, "buffer", None)
    encoding = getattr(out, "encoding", None) or "ascii"
    if buffer is not None and codecs.lookup(encoding).name == "utf-8":
        out.flush()
        return buffer.write  # type: ignore[no-any-return]
    return lambda data: out.write(data.decode("utf-8"))


def _error_for(path: Path, error: OSError) -> ExportError:
    """A one-line message for a failed write, saying what the user can do about it."""
    folder = path.parent
    if error.errno in (errno.ENOSPC, errno.EDQUOT):
        return ExportError(f"{path}: the disk is full; free some space or export to another disk")
    if isinstance(error, PermissionError) or error.errno == errno.EROFS:
        return ExportError(
            f"{path}: cannot write in {folder} (permission denied); choose a folder you can write"
        )
    reason = error.strerror or str(error)
    return ExportError(f"{path}: cannot write the export ({reason}); choose another path")


def export_to_path(
    conn: sqlite3.Connection,
    path: Path,
    *,
    fmt: str,
    force: bool = False,
    annotator: str | None = None,
    article_id: int | None = None,
    all_sentences: bool = False,
) -> int:
    """Write the export (see ``write_export``) to the file ``path``; return the number of rows.

    The rows go to a temporary file in the same folder, renamed over ``path`` only once complete
    and on disk: a failure half-way (disk full, an interrupted process) leaves no partial export
    and an existing file as it was. An existing ``path`` is replaced only with ``force``.
    """
    path = Path(path)
    if path.is_dir():
        raise ExportError(f"{path} is a folder; give the name of a file to export to")
    if not path.parent.is_dir():
        raise ExportError(
            f"{path}: the folder {path.parent} does not exist; create it or choose another path"
        )
    if path.exists() and not force:
        raise ExportError(f"{path} exists; pass --force to overwrite")
    filters = {"annotator": annotator, "article_id": article_id, "all_sentences": all_sentences}
    # Hidden and next to the target, so the final rename stays on one file system.
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    try:
        with open(temporary, "xb", buffering=1 << 20) as out:
            rows = _export(conn, out.write, fmt, **filters)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, path)
    except BaseException as error:
        temporary.unlink(missing_ok=True)
        if isinstance(error, OSError):
            raise _error_for(path, error) from None
        raise
    return rows


def stance_table(
    conn: sqlite3.Connection, annotator: str | None = None
) -> tuple[list[str], list[tuple[str, list[int], int]]]:
    """The actor × stance count matrix: (stance keys, rows of (actor, counts, total)).

    Columns are every stance of the codebook in codebook order, zeros included, so the tables of
    different coders line up; rows are the actors with at least one annotation (by
    ``annotator``, if given), most annotated first, then by name.
    """
    stances = conn.execute("SELECT id, key FROM stances ORDER BY position, id").fetchall()
    column = {stance_id: index for index, (stance_id, _) in enumerate(stances)}
    where, params = ("WHERE x.annotator = ?", [annotator]) if annotator is not None else ("", [])
    counts: dict[str, list[int]] = {}
    for name, stance_id, count in conn.execute(
        "SELECT ac.name, x.stance_id, count(*) FROM annotations x"
        f" JOIN actors ac ON ac.id = x.actor_id {where} GROUP BY x.actor_id, x.stance_id",
        params,
    ):
        counts.setdefault(name, [0] * len(stances))[column[stance_id]] += count
    rows = [(name, row, sum(row)) for name, row in counts.items()]
    rows.sort(key=lambda item: (-item[2], item[0].casefold(), item[0]))
    return [key for _, key in stances], rows
