"""The export's rows: one query that joins, cuts each sentence out of its article and shapes
the values for CSV or JSON in SQLite, so that a million-row export costs neither a million rows
of memory nor much more time than the ``sqlite3`` tool. ``reader.exchange.exporting`` writes the
files; this is the only place that knows which columns an export has and where they come from.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from reader.store.base import Param, StoreBase

Names = tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ExportFilter:
    """Which rows an export holds."""

    annotator: str | None = None
    """Only this coder's annotations (with ``all_sentences``: only this coder's rows)."""
    article_id: int | None = None
    """Only this article's sentences."""
    all_sentences: bool = False
    """One row per sentence and coder, uncoded sentences included (the denominator)."""


# fmt: off
_FIELDS: tuple[tuple[str, str], ...] = (
    ("annotation_id", "x.id"), ("article_id", "s.article_id"), ("source", "a.source"),
    ("title", "a.title"), ("published", "a.published"), ("sentence_position", "s.position"),
    ("start", "s.start"), ("end", 's."end"'),
    ("sentence", 'substr(a.text, s.start + 1, s."end" - s.start)'),
    ("actor", "ac.name"), ("actor_kind", "ac.kind"), ("parent_actor", "pa.name"),
    ("stance", "st.key"), ("stance_score", "st.score"), ("target", "tg.name"),
    ("note", "x.note"), ("annotator", "x.annotator"),
    ("created_at", "x.created_at"), ("updated_at", "x.updated_at"), ("speaker", "sp.name"),
)
# fmt: on
"""Each export column and the SQL that computes it."""

EXPORT_COLUMNS: Names = tuple(name for name, _ in _FIELDS)
"""The columns of an export, in order; JSON Lines objects use the same keys."""

FIRST_COLUMNS: Names = EXPORT_COLUMNS[: EXPORT_COLUMNS.index("updated_at") + 1]
"""The columns every export has had; those after them were added later, so a file that has
these and only known others is an export, whichever version wrote it."""

ALL_SENTENCES_COLUMNS: Names = (*EXPORT_COLUMNS, "status")
"""The columns of an ``all_sentences`` export: one more, saying what the coder did there."""

_ALL_SENTENCES_FIELDS = (
    *((name, "c.annotator" if name == "annotator" else sql) for name, sql in _FIELDS),
    ("status", "CASE WHEN x.id IS NOT NULL THEN 'coded' ELSE coalesce(t.status, 'uncoded') END"),
)

_LOOKUPS = """
    {join} actors ac ON ac.id = x.actor_id
    LEFT JOIN actors pa ON pa.id = ac.parent_id
    {join} stances st ON st.id = x.stance_id
    LEFT JOIN targets tg ON tg.id = x.target_id
    LEFT JOIN actors sp ON sp.id = x.speaker_id"""

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
TRUSTED = frozenset((
    "annotation_id", "article_id", "sentence_position", "start", "end", "stance_score",
    "created_at", "updated_at", "status",
))
# fmt: on
"""Columns holding only numbers, nkreader's own timestamps or a fixed status word: they never
contain a comma, quote or line break, so SQLite turns them into text and they skip quoting."""


def _select(fields: Iterable[tuple[str, str]], style: str) -> str:
    """The SELECT list: plain columns, fields ready for CSV, or one JSON object per row.

    ``json_object`` keeps non-ASCII text as it is (UTF-8, like ``ensure_ascii=False``) and
    escapes quotes, backslashes and control characters, so Python only joins the lines.
    """
    if style == "jsonl":
        return "json_object(" + ", ".join(f"'{name}', {sql}" for name, sql in fields) + ")"
    if style == "csv":
        return ", ".join(
            f"ifnull(CAST({sql} AS TEXT), '')" if name in TRUSTED else sql for name, sql in fields
        )
    return ",\n    ".join(f'{sql} AS "{name}"' for name, sql in fields)


def export_query(
    rows: ExportFilter | None = None, style: str = "sql"
) -> tuple[str, list[Param], Names]:
    """The SQL, its parameters and the column names of an export of these rows.

    ``style`` shapes the result: ``sql`` plain values, ``csv`` or ``jsonl`` for the writers.
    """
    rows = rows or ExportFilter()
    annotator, article_id, all_sentences = rows.annotator, rows.article_id, rows.all_sentences
    params: list[Param] = []
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


class ExportsMixin(StoreBase):
    """The rows of an export, fetched in batches of UTF-8 bytes."""

    def export_batches(
        self, rows: ExportFilter, style: str, size: int
    ) -> Iterator[Sequence[tuple[bytes | None, ...]]]:
        """The export's rows, ``size`` at a time, shaped for ``style`` (``csv`` or ``jsonl``).

        Text comes as UTF-8 bytes straight from SQLite: nothing is decoded only to be encoded
        again. The connection returns to ``str`` text when the iteration ends or is abandoned.
        """
        sql, params, _ = export_query(rows, style)
        text_factory = self.conn.text_factory
        self.conn.text_factory = bytes
        try:
            cursor = self.conn.execute(sql, params)
            while batch := cursor.fetchmany(size):
                yield batch
        finally:
            self.conn.text_factory = text_factory
