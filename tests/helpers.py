"""What the tests share: one way to run the reader (or a lone dialog) under a pilot, recording
its notifications, and one way to dump a database's rows to compare before and after."""

from __future__ import annotations

import html
import re
import sqlite3
from collections.abc import AsyncIterator, Iterable
from contextlib import AbstractAsyncContextManager, asynccontextmanager, closing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Generic, TypeVar

from sqlite_utils import Database
from textual import events
from textual.app import App, ComposeResult
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widgets import Label

from reader.store import Store
from reader.tui.app import ReaderApp

STYLESHEET = Path(ReaderApp.CSS_PATH)
"""The one stylesheet, reader/tui/reader.tcss."""

DB_LABEL = "test.db"
"""The database name the status bar shows (a fixed label, not the temporary path)."""

Rows = list[tuple[Any, ...]]


# --- running the app -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Notice:
    """One notification the app showed."""

    message: str
    severity: str


AppT = TypeVar("AppT", bound=App[Any])


@dataclass
class Session(Generic[AppT]):
    """A running app, the pilot that presses its keys, and every notification it has shown."""

    app: AppT
    pilot: Pilot[Any]
    notices: list[Notice] = field(default_factory=list)

    async def press(self, *keys: str) -> None:
        await self.pilot.press(*keys)

    async def burst(self, *keys: str) -> None:
        """Type ``keys`` as fast as a practised coder or a paste: every key is posted before the
        app has handled the first (``press`` waits for the app after each key, so it never
        shows what typing ahead does), then wait until the app has handled them all."""
        for key in keys:
            self.app.post_message(key_event(key))
        for _ in range(3):
            await self.pilot.pause()

    def messages(self, severity: str | None = None) -> list[str]:
        """The notifications' texts in order, only those of ``severity`` if given."""
        return [n.message for n in self.notices if severity is None or n.severity == severity]


NAMED_KEYS = {
    "enter": "\r",
    "escape": "\x1b",
    "space": " ",
    "tab": "\t",
    "backspace": "\x7f",
    "full_stop": ".",
    "slash": "/",
    "question_mark": "?",
    "right_square_bracket": "]",
    "left_square_bracket": "[",
}
"""The characters of the named keys the tests type."""

CHARACTER_KEYS = {character: name for name, character in NAMED_KEYS.items() if len(name) > 1}


def key_event(key: str) -> events.Key:
    """The event a terminal sends for ``key`` (a key name, or one character)."""
    if len(key) == 1 and key in CHARACTER_KEYS:
        return events.Key(CHARACTER_KEYS[key], key)
    character = NAMED_KEYS.get(key, key if len(key) == 1 else None)
    return events.Key(key, character)


def record_notices(app: App[Any]) -> list[Notice]:
    """Keep every notification ``app`` shows, through its public ``notify`` (which screens and
    widgets call too), in a list that grows as they come."""
    notices: list[Notice] = []
    notify = app.notify

    def recording(message: str, **options: Any) -> None:
        notices.append(Notice(str(message), str(options.get("severity", "information"))))
        notify(message, **options)

    app.notify = recording  # type: ignore[method-assign]
    return notices


@asynccontextmanager
async def run_app(
    app: AppT, size: tuple[int, int] = (120, 40), *, toasts: bool = False
) -> AsyncIterator[Session[AppT]]:
    """Run ``app`` headless at ``size`` until the block ends; its first frame is drawn.

    Notifications are recorded either way; ``toasts`` also draws them on screen (Textual's test
    mode leaves them out), for tests that check what the screen shows.
    """
    notices = record_notices(app)
    async with app.run_test(size=size, notifications=toasts) as pilot:
        await pilot.pause()
        yield Session(app, pilot, notices)


def run_reader(
    store: Store, size: tuple[int, int] = (120, 40), *, toasts: bool = False
) -> AbstractAsyncContextManager[Session[ReaderApp]]:
    """The reader on ``store``, as a coder starts it: ``async with run_reader(store) as ui``."""
    return run_app(ReaderApp(store, db_label=DB_LABEL), size, toasts=toasts)


class DialogHost(App[None]):
    """A bare app with the real stylesheet that opens dialogs and keeps what each dismissed with,
    in order, as the coding screen would receive them."""

    CSS_PATH = STYLESHEET

    def __init__(self) -> None:
        super().__init__()
        self.results: list[Any] = []

    def compose(self) -> ComposeResult:
        yield Label("host")

    def open(self, screen: Screen[Any]) -> None:
        self.push_screen(screen, self.results.append)


def run_dialogs(
    size: tuple[int, int] = (80, 24),
) -> AbstractAsyncContextManager[Session[DialogHost]]:
    """A ``DialogHost`` to open dialogs on in turn: ``async with run_dialogs() as ui``."""
    return run_app(DialogHost(), size)


# --- the database --------------------------------------------------------------------------------

Source = Store | Database | sqlite3.Connection | Path


def dump(source: Source, tables: Iterable[str] | None = None) -> dict[str, Rows]:
    """Every row of ``tables``, each table's rows ordered by all their columns, to compare a
    database before and after.

    Without ``tables``: every table that holds rows (virtual tables hold theirs in their shadow
    tables), and the schema itself as ``sqlite_master`` (type, name, table, SQL) — what
    ``iterdump`` covers. A Path is read through a read-only connection, so dumping it can neither
    change the file nor wait for a writer.
    """
    if isinstance(source, Path):
        uri = f"{source.resolve().as_uri()}?mode=ro"
        with closing(sqlite3.connect(uri, uri=True)) as conn:
            return _dump(conn, tables)
    conn = source if isinstance(source, sqlite3.Connection) else source.conn
    return _dump(conn, tables)


def _dump(conn: sqlite3.Connection, tables: Iterable[str] | None) -> dict[str, Rows]:
    rows: dict[str, Rows] = {}
    if tables is None:
        tables = [
            name
            for (name,) in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table'"
                " AND sql NOT LIKE 'CREATE VIRTUAL TABLE%' ORDER BY name"
            )
        ]
        rows["sqlite_master"] = conn.execute(
            "SELECT type, name, tbl_name, sql FROM sqlite_master WHERE sql IS NOT NULL"
            " ORDER BY type, name"
        ).fetchall()
    for table in tables:
        quoted = '"' + table.replace('"', '""') + '"'
        width = len(conn.execute(f"SELECT * FROM {quoted} LIMIT 0").description)
        order = ", ".join(str(column) for column in range(1, width + 1))
        rows[table] = conn.execute(f"SELECT * FROM {quoted} ORDER BY {order}").fetchall()
    return rows


def reference_export(
    store: Store, *, all_sentences: bool = False, text: bool = True, day_first: bool = False
) -> tuple[tuple[str, ...], list[dict[str, Any]]]:
    """An export's columns and rows as plain Python reads them from the tables, one query per
    thing, with values typed as JSON Lines gives them: the slow, obvious reading the fast
    export is checked against (README, "Export columns")."""
    from reader.store.exports import ExportFilter as Filter
    from reader.store.exports import export_columns, source_file
    from reader.text.dates import parse_published

    conn = store.conn
    columns = export_columns(Filter(all_sentences=all_sentences, text=text))
    actors = {
        i: (n, k, p) for i, n, k, p in conn.execute("SELECT id, name, kind, parent_id FROM actors")
    }
    stances = {i: (k, sc) for i, k, sc in conn.execute("SELECT id, key, score FROM stances")}
    targets = dict(conn.execute("SELECT id, name FROM targets").fetchall())
    groups: dict[int, int] = {}
    for copy, original in conn.execute("SELECT article_id, original_id FROM near_duplicates"):
        groups[copy] = groups[original] = original

    def chain(actor_id: int) -> list[str]:
        seen = [actor_id]
        while (parent := actors[seen[-1]][2]) is not None and parent not in seen:
            seen.append(parent)
        return [actors[i][0] for i in seen]

    coders = sorted(
        {a for (a,) in conn.execute("SELECT annotator FROM annotations")}
        | {a for (a,) in conn.execute("SELECT annotator FROM sentence_status")}
    ) or [None]
    rows: list[dict[str, Any]] = []
    for article_id, body, source, title, published, outlet, url in conn.execute(
        "SELECT id, text, source, title, published, outlet, url FROM articles ORDER BY id"
    ).fetchall():
        date = parse_published(published or "", day_first=day_first)
        for sentence_id, position, start, end in conn.execute(
            'SELECT id, position, start, "end" FROM sentences WHERE article_id = ?'
            " ORDER BY position",
            [article_id],
        ).fetchall():
            found = conn.execute(
                "SELECT id, actor_id, stance_id, target_id, note, annotator, created_at,"
                " updated_at, speaker_id FROM annotations WHERE sentence_id = ? ORDER BY id",
                [sentence_id],
            ).fetchall()
            made: list[tuple[Any, ...]] = []
            if not all_sentences:
                made = [(*code, "coded") for code in found]
            for coder in coders if all_sentences else ():
                mine = [(*code, "coded") for code in found if code[5] == coder]
                status = conn.execute(
                    "SELECT status FROM sentence_status WHERE sentence_id = ? AND annotator IS ?",
                    [sentence_id, coder],
                ).fetchone()
                empty = (None,) * 5 + (coder, None, None, None, status[0] if status else "uncoded")
                made += mine or [empty]
            for (
                code_id,
                actor_id,
                stance_id,
                target_id,
                note,
                coder,
                made_at,
                changed,
                speaker_id,
                what,
            ) in made:
                actor = actors.get(actor_id)
                parent = actors.get(actor[2]) if actor and actor[2] is not None else None
                stance = stances.get(stance_id)
                path = chain(actor_id) if actor else None
                row = {
                    "annotation_id": code_id, "article_id": article_id, "source": source,
                    "title": title, "published": published, "sentence_position": position,
                    "start": start, "end": end, "sentence": body[start:end],
                    "actor": actor[0] if actor else None, "actor_kind": actor[1] if actor else None,
                    "parent_actor": parent[0] if parent else None,
                    "stance": stance[0] if stance else None,
                    "stance_score": stance[1] if stance else None,
                    "target": targets.get(target_id), "note": note, "annotator": coder,
                    "created_at": made_at, "updated_at": changed, "status": what,
                    "outlet": outlet, "file": source_file(source, url),
                    "published_date": date.date.isoformat() if date.date else None,
                    "published_time": date.time, "sentence_number": position + 1,
                    "actor_path": " > ".join(path) if path else None,
                    "actor_top": path[-1] if path else None,
                    "speaker": actors[speaker_id][0] if speaker_id is not None else None,
                    "duplicate_group": groups.get(article_id),
                }  # fmt: skip
                rows.append({name: row[name] for name in columns})
    return columns, rows


# --- what the screen shows ---------------------------------------------------------------------

CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
"""What data may hold and a terminal would obey or reorder: C0 but tab and newline, DEL, C1,
bidi embeddings, overrides and isolates."""

_CELL_WIDTH = 12.2
"""The width of one terminal cell in Textual's SVG screenshots."""
_TEXT = re.compile(r'<text class="[^"]*" x="([\d.]+)" y="([\d.]+)"[^>]*>(.*?)</text>', re.S)


def _screenshot_texts(app: App[Any]) -> list[tuple[float, float, str]]:
    """(x, y, text) of every run of text in the current frame, from Textual's public screenshot
    (an SVG drawn from the same segments the terminal is sent)."""
    svg = app.export_screenshot()
    return [(float(x), float(y), html.unescape(t)) for x, y, t in _TEXT.findall(svg)]


def screen_text(app: App[Any]) -> str:
    """The current frame as plain text, one line per row, each run of text at its column."""
    rows: dict[float, list[str]] = {}
    for x, y, text in _screenshot_texts(app):
        row = rows.setdefault(y, [])
        column = round(x / _CELL_WIDTH)
        if len(row) < column:
            row.extend(" " * (column - len(row)))
        row[column : column + len(text)] = list(text.replace("\xa0", " "))
    return "\n".join("".join(rows[y]).rstrip() for y in sorted(rows))


def raw_on_screen(app: App[Any]) -> list[str]:
    """Control characters the current frame would send to the terminal as they are (data that
    escaped ``reader.text.visible``); an empty list when there are none."""
    return [c for _, _, text in _screenshot_texts(app) for c in CONTROL.findall(text)]
