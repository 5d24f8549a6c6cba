"""The export's rows: which columns an export has, where each comes from, and the values shaped
for CSV or JSON, in batches of columns, so that a million-row export costs neither a million
rows of memory nor much more time than the ``sqlite3`` tool. ``reader.exchange.exporting``
writes the files; this is the only place that knows which columns an export has.

Time stays linear in an article's length. The query walks sentences and their annotations and
never touches an article row: reading any column of a row whose text runs over many pages
(``source`` is stored after ``text``) walks the text's overflow pages, and ``substr`` walks the
text from its start, so doing either per row costs the article's length on each of its rows.
Each article is read once instead, when its first row comes, and its sentences are cut from its
text in Python, where slicing a string costs only the slice.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from operator import attrgetter

from reader.store.base import Param, StoreBase
from reader.text.dates import parse_published

Names = tuple[str, ...]
Column = Iterable[bytes | None]
"""The cells of one column of a batch, in row order, shaped for CSV or JSON."""


@dataclass(frozen=True, slots=True)
class ExportFilter:
    """Which rows and columns an export holds, and how its dates are read."""

    annotator: str | None = None
    """Only this coder's annotations (with ``all_sentences``: only this coder's rows)."""
    article_id: int | None = None
    """Only this article's sentences."""
    all_sentences: bool = False
    """One row per sentence and coder, uncoded sentences included (the denominator)."""
    text: bool = True
    """With the article's and the sentence's text (``title``, ``sentence``); without them, ids,
    offsets and codes only, for data whose text is licensed."""
    day_first: bool = False
    """Read ``07/03/2024`` as 7 March (see ``reader.text.dates``)."""


LEGACY_COLUMNS: Names = (
    "annotation_id", "article_id", "source", "title", "published", "sentence_position", "start",
    "end", "sentence", "actor", "actor_kind", "parent_actor", "stance", "stance_score", "target",
    "note", "annotator", "created_at", "updated_at",
)  # fmt: skip
"""The columns exports had before ``ADDED_COLUMNS``; they keep their names and order."""

ADDED_COLUMNS: Names = (
    "outlet", "file", "published_date", "published_time", "sentence_number", "actor_path",
    "actor_top", "speaker", "duplicate_group",
)  # fmt: skip
"""Columns appended after the legacy ones (and after ``--all-sentences``' ``status``).
``duplicate_group`` is the id of the original of the article's near-duplicate group (the
article's own id when it is the original), empty for an article in no group."""

TEXT_COLUMNS = frozenset(("title", "sentence"))
"""The article's and the sentence's own words: left out by ``--no-text``."""

EXPORT_COLUMNS: Names = (*LEGACY_COLUMNS, *ADDED_COLUMNS)
"""The columns of an export, in order; JSON Lines objects use the same keys."""

ALL_SENTENCES_COLUMNS: Names = (*LEGACY_COLUMNS, "status", *ADDED_COLUMNS)
"""The columns of an ``all_sentences`` export: ``status`` says what the coder did there."""


def export_columns(rows: ExportFilter | None = None) -> Names:
    """The columns of an export of ``rows``, in order."""
    rows = rows or ExportFilter()
    columns = ALL_SENTENCES_COLUMNS if rows.all_sentences else EXPORT_COLUMNS
    return columns if rows.text else tuple(c for c in columns if c not in TEXT_COLUMNS)


KNOWN_COLUMN_SETS = frozenset(
    frozenset(columns) - dropped
    for legacy in (LEGACY_COLUMNS, (*LEGACY_COLUMNS, "status"))
    for columns in (
        legacy,
        export_columns(ExportFilter(all_sentences="status" in legacy)),
        export_columns(ExportFilter(all_sentences="status" in legacy, text=False)),
    )
    for dropped in (
        frozenset(),
        frozenset(("duplicate_group",)),  # before near-duplicates
        frozenset(("speaker", "duplicate_group")),  # before speakers
    )
)
"""Every set of columns an nkreader export has had (with and without the ``speaker`` added
last): what ``nkreader import`` recognises."""

# fmt: off
_SQL: dict[str, str] = {
    "annotation_id": "x.id", "article_id": "s.article_id", "sentence_position": "s.position",
    "start": "s.start", "end": 's."end"', "actor": "ac.name", "actor_kind": "ac.kind",
    "parent_actor": "pa.name", "stance": "st.key", "target": "tg.name", "note": "x.note",
    "annotator": "x.annotator", "created_at": "x.created_at", "updated_at": "x.updated_at",
    "sentence_number": "s.position + 1", "speaker": "sp.name",
}
# fmt: on
"""Columns SQLite computes, and the SQL for each; the others are filled in Python."""

_ALL_SENTENCES_SQL = {
    **_SQL,
    "annotator": "c.annotator",
    "status": "CASE WHEN x.id IS NOT NULL THEN 'coded' ELSE coalesce(t.status, 'uncoded') END",
}

_HIDDEN = ("s.article_id", "s.start", 's."end"', "ac.id", "st.score")
"""Values Python needs to fill its columns, selected after the visible ones."""

_ARTICLE_COLUMNS = (
    "source", "title", "published", "outlet", "file", "published_date", "published_time",
    "duplicate_group",
)  # fmt: skip
"""Columns that are the same on every row of an article: read once per article."""

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
    CROSS JOIN annotations x ON x.sentence_id = s.id""" + _LOOKUPS.format(join="JOIN")

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
    "created_at", "updated_at", "status", "published_date", "published_time", "sentence_number",
    "duplicate_group",
))
# fmt: on
"""Columns holding only numbers, dates, nkreader's own timestamps or a fixed status word: they
never contain a comma, quote or line break, nor start like a formula, so they skip quoting."""

_SOURCE_RECORD = re.compile(
    r"(.*?\.(?:jsonl|json|csv))(?:#.*|:\d+|\[\d+\])"
    r"|(.*?\.(?:txt|md|docx|rtf|doc|html|htm|xml))#\d+",
    re.I | re.S,
)
"""An import's ``source`` for one record of a file: the file, then ``#id``, ``:line`` or
``[index]`` (``reader.exchange.formats.Record.source``); or for one article of a news download,
the file and ``#`` its number there (``reader.exchange.news``)."""


def source_file(source: str, url: str | None = None) -> str:
    """The ``file`` column: the article's URL when it has one, else the file it was read from
    (``source`` without the record's ``#id``, ``:line`` or ``[index]``)."""
    if url and url.strip():
        return url
    record = _SOURCE_RECORD.fullmatch(source)
    return (record[1] or record[2]) if record else source


def actor_chains(actors: Iterable[tuple[int, str, int | None]]) -> dict[int, tuple[str, ...]]:
    """Each actor's name and its parents' up to the top, from ``(id, name, parent_id)``.

    A parent chain that comes back to an actor already on it (the codebook refuses such
    cycles, but a file merged from elsewhere may hold one) stops before the repeat.
    """
    names: dict[int, str] = {}
    parents: dict[int, int | None] = {}
    for actor_id, name, parent_id in actors:
        names[actor_id], parents[actor_id] = name, parent_id
    chains: dict[int, tuple[str, ...]] = {}
    for actor_id in names:
        seen = [actor_id]
        parent = parents[actor_id]
        while parent is not None and parent in names and parent not in seen:
            seen.append(parent)
            parent = parents[parent]
        chains[actor_id] = tuple(names[i] for i in seen)
    return chains


ACTOR_PATH_SEPARATOR = " > "
"""Between the names of ``actor_path``: ``Hong Lei > Chinese Foreign Ministry > China``."""


def _select(fields: Iterable[tuple[str, str]], style: str) -> str:
    """The SELECT list of SQL columns, ``(name, sql)``: ready for CSV, or JSON-quoted."""
    shaped = []
    for name, sql in fields:
        if style == "jsonl":
            shaped.append(f"json_quote({sql})")
        elif style == "csv" and name in TRUSTED:
            shaped.append(f"ifnull(CAST({sql} AS TEXT), '')")
        else:
            shaped.append(sql)
    return ", ".join(shaped)


def export_query(
    rows: ExportFilter | None = None, style: str = "csv"
) -> tuple[str, list[Param], Names]:
    """The SQL and parameters of an export's SQL columns, followed by ``_HIDDEN``, and the
    names of those SQL columns, for ``style`` ``csv`` or ``jsonl``."""
    rows = rows or ExportFilter()
    annotator, article_id = rows.annotator, rows.article_id
    params: list[Param] = []
    clauses = []
    if rows.all_sentences:
        coders = _EVERY_CODER
        if annotator is not None:
            coders, params = "SELECT ?", [annotator]
        head, sqls, tail = _CODERS.format(coders), _ALL_SENTENCES_SQL, _FROM_ALL_SENTENCES
        order = "s.article_id, s.position, c.annotator, x.id"
    else:
        if annotator is not None:
            clauses.append("x.annotator = ?")
            params.append(annotator)
        head, sqls, tail = "", _SQL, _FROM_ANNOTATIONS
        order = "s.article_id, s.position, x.id"
    if article_id is not None:
        clauses.append("s.article_id = ?")
        params.append(article_id)
    names = tuple(name for name in export_columns(rows) if name in sqls)
    shaped = _select(((name, sqls[name]) for name in names), style)
    where = "\nWHERE " + " AND ".join(clauses) if clauses else ""
    sql = f"{head}SELECT {shaped}, {', '.join(_HIDDEN)}{tail}{where}\nORDER BY {order}"
    return sql, params, names


class _CsvCell:
    """Values as CSV cells before quoting: UTF-8 bytes, empty for a missing value."""

    @staticmethod
    def text(value: str | None) -> bytes:
        return b"" if value is None else value.encode()

    @staticmethod
    def number(value: float | None) -> bytes:
        return b"" if value is None else repr(value).encode()


class _JsonCell(_CsvCell):
    """Values as JSON: strings quoted as ``json.dumps`` writes them, ``null`` when missing."""

    @staticmethod
    def text(value: str | None) -> bytes:
        return json.dumps(value, ensure_ascii=False).encode()

    @staticmethod
    def number(value: float | None) -> bytes:
        return b"null" if value is None or not math.isfinite(value) else repr(value).encode()


def _encoder(style: str) -> type[_CsvCell]:
    return _JsonCell if style == "jsonl" else _CsvCell


class _Article:
    """One article's text and the cells its rows share, read when its first row comes."""

    __slots__ = ("text", *_ARTICLE_COLUMNS)

    text: str
    source: bytes | None
    title: bytes | None
    published: bytes | None
    outlet: bytes | None
    file: bytes | None
    published_date: bytes | None
    published_time: bytes | None
    duplicate_group: bytes | None


DUPLICATE_GROUP = """
    SELECT coalesce(
        (SELECT original_id FROM near_duplicates WHERE article_id = ?1),
        (SELECT ?1 WHERE EXISTS (SELECT 1 FROM near_duplicates WHERE original_id = ?1)))"""
"""The article's near-duplicate group: its original's id, its own when it is an original."""


class _Articles(dict[int, _Article]):
    """Articles by id, keeping only the last one read: rows come article by article.

    Notes each article whose non-blank ``published`` gives no date in ``unread``.
    """

    def __init__(self, store: StoreBase, rows: ExportFilter, style: str) -> None:
        super().__init__()
        self.conn, self.day_first, self.cell = store.conn, rows.day_first, _encoder(style)
        self.unread: list[tuple[int, str]] = []

    def __missing__(self, article_id: int) -> _Article:
        self.clear()
        found = self.conn.execute(
            "SELECT text, source, title, published, outlet, url FROM articles WHERE id = ?",
            [article_id],
        ).fetchone()
        text, source, title, published, outlet, url = (
            value.decode() if isinstance(value, bytes) else value for value in found
        )
        parsed = parse_published(published or "", day_first=self.day_first)
        if parsed.date is None and published and published.strip():
            self.unread.append((article_id, published))
        text_cell = self.cell.text
        article = _Article()
        article.text = text
        article.source, article.title = text_cell(source), text_cell(title)
        article.published, article.outlet = text_cell(published), text_cell(outlet)
        article.file = text_cell(source_file(source, url))
        article.published_date = text_cell(parsed.date.isoformat() if parsed.date else None)
        article.published_time = text_cell(parsed.time)
        group = self.conn.execute(DUPLICATE_GROUP, [article_id]).fetchone()[0]
        article.duplicate_group = self.cell.number(group)
        self[article_id] = article
        return article


class _Sentences(dict[tuple[_Article, int, int], bytes | None]):
    """Sentences cut from their article's text, by (article, start, end), for one batch."""

    def __init__(self, style: str) -> None:
        super().__init__()
        self.cell = _encoder(style)

    def __missing__(self, key: tuple[_Article, int, int]) -> bytes | None:
        article, start, end = key
        value = self[key] = self.cell.text(article.text[start:end])
        return value


class _Scores(dict[float | None, bytes]):
    """Stance scores as Python writes floats (``0.6666666666666666``, not SQLite's 15 digits)."""

    def __init__(self, style: str) -> None:
        super().__init__()
        self.cell = _encoder(style)

    def __missing__(self, score: float | None) -> bytes:
        value = self[score] = self.cell.number(score)
        return value


class ExportsMixin(StoreBase):
    """The rows of an export, fetched in batches of columns of UTF-8 bytes."""

    def export_batches(
        self,
        rows: ExportFilter,
        style: str,
        size: int,
        unread_dates: list[tuple[int, str]] | None = None,
    ) -> Iterator[tuple[int, list[Column]]]:
        """The export's rows, ``size`` at a time: (rows in the batch, its columns in the order
        of ``export_columns(rows)``), each cell shaped for ``style`` (``csv`` or ``jsonl``).

        Text comes as UTF-8 bytes straight from SQLite: nothing is decoded only to be encoded
        again. Each article whose published date cannot be read is added to ``unread_dates`` as
        (id, raw string). The connection returns to ``str`` text when the iteration ends or is
        abandoned.
        """
        sql, params, sql_names = export_query(rows, style)
        columns = export_columns(rows)
        where = {name: index for index, name in enumerate(sql_names)}
        hidden = len(sql_names)
        cell = _encoder(style)
        chains = actor_chains(self.conn.execute("SELECT id, name, parent_id FROM actors"))
        paths: dict[int | None, bytes | None] = {None: cell.text(None)}
        tops: dict[int | None, bytes | None] = {None: cell.text(None)}
        for actor_id, chain in chains.items():
            paths[actor_id] = cell.text(ACTOR_PATH_SEPARATOR.join(chain))
            tops[actor_id] = cell.text(chain[-1])
        articles, scores = _Articles(self, rows, style), _Scores(style)
        text_factory = self.conn.text_factory
        self.conn.text_factory = bytes
        try:
            cursor = self.conn.execute(sql, params)
            while batch := cursor.fetchmany(size):
                fields = list(zip(*batch, strict=True))
                ids, starts, ends, actors, stance_scores = fields[hidden:]
                facts = list(map(articles.__getitem__, ids))
                made: dict[str, Column] = {
                    "stance_score": map(scores.__getitem__, stance_scores),
                    "actor_path": map(paths.__getitem__, actors),
                    "actor_top": map(tops.__getitem__, actors),
                }
                if rows.text:
                    cut = _Sentences(style)
                    made["sentence"] = map(cut.__getitem__, zip(facts, starts, ends, strict=True))
                for name in _ARTICLE_COLUMNS:
                    if name in columns:
                        made[name] = map(attrgetter(name), facts)
                out = [fields[where[name]] if name in where else made[name] for name in columns]
                yield len(batch), out
        finally:
            self.conn.text_factory = text_factory
            if unread_dates is not None:
                unread_dates.extend(articles.unread)
