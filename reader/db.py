"""Open an nkreader database: pragmas, schema migrations and the checks that protect user data.

The schema lives in sqlite-utils ``Migrations`` so that every database records which steps it has
had; a file written by a newer nkreader (one with steps we do not know) is refused rather than
guessed at.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

DEFAULT_DB = "annotations.db"
"""The database used when neither ``--db`` nor ``NKREADER_DB`` names another."""

BUSY_TIMEOUT_MS = 10_000
"""How long a write waits for another nkreader process before giving up."""

MIGRATION_SET = "nkreader"

migrations = Migrations(MIGRATION_SET)


class DatabaseError(Exception):
    """A database that cannot be opened as an nkreader database; the message is for the user."""


@migrations()
def m001_initial(db: Database) -> None:
    """The first schema: articles, sentences, codebook, annotations, statuses and the event log."""
    db.execute(
        """
        CREATE TABLE articles (
            id INTEGER PRIMARY KEY,
            title TEXT NOT NULL,
            text TEXT NOT NULL,
            source TEXT NOT NULL,
            content_hash TEXT NOT NULL UNIQUE,
            imported_at TEXT NOT NULL,
            published TEXT,
            outlet TEXT,
            url TEXT,
            metadata TEXT
        )"""
    )
    db.execute(
        """
        CREATE TABLE sentences (
            id INTEGER PRIMARY KEY,
            article_id INTEGER NOT NULL REFERENCES articles(id),
            position INTEGER NOT NULL,
            start INTEGER NOT NULL,
            "end" INTEGER NOT NULL,
            paragraph INTEGER NOT NULL,
            UNIQUE (article_id, position)
        )"""
    )
    db.execute(
        """
        CREATE TABLE actors (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE COLLATE NOCASE,
            kind TEXT NOT NULL DEFAULT 'other',
            aliases TEXT NOT NULL DEFAULT '[]',
            parent_id INTEGER REFERENCES actors(id),
            description TEXT NOT NULL DEFAULT ''
        )"""
    )
    db.execute(
        """
        CREATE TABLE stances (
            id INTEGER PRIMARY KEY,
            key TEXT NOT NULL UNIQUE COLLATE NOCASE,
            label TEXT NOT NULL,
            description TEXT NOT NULL DEFAULT '',
            score REAL NOT NULL DEFAULT 0,
            position INTEGER NOT NULL
        )"""
    )
    db.execute(
        """
        CREATE TABLE targets (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE COLLATE NOCASE,
            description TEXT NOT NULL DEFAULT ''
        )"""
    )
    db.execute(
        """
        CREATE TABLE annotations (
            id INTEGER PRIMARY KEY,
            sentence_id INTEGER NOT NULL REFERENCES sentences(id),
            actor_id INTEGER NOT NULL REFERENCES actors(id),
            stance_id INTEGER NOT NULL REFERENCES stances(id),
            target_id INTEGER REFERENCES targets(id),
            note TEXT NOT NULL DEFAULT '',
            annotator TEXT NOT NULL,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        )"""
    )
    db.execute(
        """
        CREATE UNIQUE INDEX annotations_unique ON annotations
            (sentence_id, actor_id, stance_id, coalesce(target_id, 0), annotator)"""
    )
    db.execute("CREATE INDEX annotations_actor ON annotations (actor_id)")
    db.execute("CREATE INDEX annotations_annotator ON annotations (annotator, sentence_id)")
    db.execute(
        """
        CREATE TABLE sentence_status (
            sentence_id INTEGER NOT NULL REFERENCES sentences(id),
            annotator TEXT NOT NULL,
            status TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            PRIMARY KEY (sentence_id, annotator)
        )"""
    )
    db.execute(
        """
        CREATE TABLE events (
            id INTEGER PRIMARY KEY,
            at TEXT NOT NULL,
            annotator TEXT NOT NULL,
            action TEXT NOT NULL,
            entity TEXT NOT NULL,
            entity_id INTEGER,
            article_id INTEGER,
            sentence_id INTEGER,
            before TEXT,
            after TEXT,
            reverts INTEGER REFERENCES events(id)
        )"""
    )
    db.execute("CREATE INDEX events_annotator ON events (annotator, id)")
    db.execute(
        """
        CREATE TABLE ui_state (
            annotator TEXT NOT NULL,
            key TEXT NOT NULL,
            value TEXT NOT NULL,
            PRIMARY KEY (annotator, key)
        )"""
    )
    # Full-text search over titles and texts for the article filter; kept in step by triggers so
    # every writer (CLI, TUI, a second process) updates it in the same transaction.
    db.execute(
        """
        CREATE VIRTUAL TABLE articles_fts USING fts5(
            title, text, content='articles', content_rowid='id'
        )"""
    )
    db.execute(
        """
        CREATE TRIGGER articles_ai AFTER INSERT ON articles BEGIN
            INSERT INTO articles_fts(rowid, title, text) VALUES (new.id, new.title, new.text);
        END"""
    )
    db.execute(
        """
        CREATE TRIGGER articles_ad AFTER DELETE ON articles BEGIN
            INSERT INTO articles_fts(articles_fts, rowid, title, text)
                VALUES ('delete', old.id, old.title, old.text);
        END"""
    )
    db.execute(
        """
        CREATE TRIGGER articles_au AFTER UPDATE ON articles BEGIN
            INSERT INTO articles_fts(articles_fts, rowid, title, text)
                VALUES ('delete', old.id, old.title, old.text);
            INSERT INTO articles_fts(rowid, title, text) VALUES (new.id, new.title, new.text);
        END"""
    )


def known_migrations() -> list[str]:
    """Names of every schema step this version of nkreader knows, oldest first."""
    return [m.name for m in migrations._migrations]


def resolve_path(path: str | os.PathLike[str] | None) -> Path:
    """The database to use: the given path, else ``NKREADER_DB``, else ``./annotations.db``."""
    if path:
        return Path(path)
    return Path(os.environ.get("NKREADER_DB") or DEFAULT_DB)


def _check_location(path: Path) -> None:
    if path.is_dir():
        raise DatabaseError(f"{path} is a directory, not a database file: give a file path to --db")
    if not path.parent.exists():
        raise DatabaseError(
            f"{path}: the folder {path.parent} does not exist; create it or pass another --db path"
        )


def _foreign_tables(db: Database) -> list[str]:
    """Tables of an existing file that show it belongs to another application."""
    ours = {"articles", "_sqlite_migrations"}
    names = set(db.table_names())
    if not names or names & ours:
        return []
    return sorted(names)


def connect(path: Path) -> sqlite3.Connection:
    """A connection with the pragmas every nkreader process relies on.

    WAL lets a reader and a writer work at once; ``synchronous=FULL`` makes each commit survive a
    power loss, not only a crash, at well under a millisecond per commit; the busy timeout makes a
    second process wait for a lock instead of failing.
    """
    conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    conn.execute("PRAGMA foreign_keys = ON")
    return conn


def open_database(path: str | os.PathLike[str] | None = None, *, create: bool = True) -> Database:
    """Open (creating if needed) the database at ``path`` and bring its schema up to date.

    Raises ``DatabaseError`` with a one-line message for a directory, a missing folder, a file that
    is not SQLite, a SQLite file of another application, or a database from a newer nkreader.
    """
    target = resolve_path(path)
    _check_location(target)
    if not create and not target.exists():
        raise DatabaseError(f"{target} does not exist: run `nkreader import` to create it")
    try:
        conn = connect(target)
        db = Database(conn)
        names = db.table_names()
    except sqlite3.DatabaseError as error:
        raise DatabaseError(f"{target} is not an nkreader database (not SQLite: {error})") from None
    foreign = _foreign_tables(db)
    if foreign:
        conn.close()
        shown = ", ".join(foreign[:5])
        raise DatabaseError(
            f"{target} is a SQLite database of another application (tables: {shown}); "
            "choose another --db path"
        )
    applied = {m.name for m in migrations.applied(db)} if names else set()
    unknown = applied - set(known_migrations())
    if unknown:
        conn.close()
        raise DatabaseError(
            f"{target} was written by a newer nkreader (schema {sorted(unknown)[-1]}); "
            "upgrade nkreader to open it"
        )
    try:
        mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        if mode != "wal":
            conn.execute("PRAGMA journal_mode = DELETE")
        conn.execute("PRAGMA synchronous = FULL")
        if migrations.pending(db):
            migrations.apply(db)
    except sqlite3.OperationalError as error:
        conn.close()
        raise DatabaseError(f"{target}: cannot write the database ({error})") from None
    return db


class transaction:
    """A write transaction that takes the write lock up front (``BEGIN IMMEDIATE``).

    A deferred transaction that reads and then writes can fail at once with "database is locked"
    when another process wrote in between; taking the lock first makes it wait (busy timeout)
    instead. Nested use becomes a savepoint.
    """

    def __init__(self, db: Database) -> None:
        self.conn = db.conn
        self.savepoint: str | None = None

    def __enter__(self) -> sqlite3.Connection:
        if self.conn.in_transaction:
            self.savepoint = f"sp_{id(self)}"
            self.conn.execute(f"SAVEPOINT {self.savepoint}")
        else:
            self.conn.execute("BEGIN IMMEDIATE")
        return self.conn

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        if self.savepoint:
            if exc_type is not None and self.conn.in_transaction:
                self.conn.execute(f"ROLLBACK TO SAVEPOINT {self.savepoint}")
            if self.conn.in_transaction:
                self.conn.execute(f"RELEASE SAVEPOINT {self.savepoint}")
            return
        if exc_type is not None:
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            return
        try:
            self.conn.execute("COMMIT")
        except BaseException:
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            raise
