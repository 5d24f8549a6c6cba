"""Open an nkreader database: pragmas, schema migrations and the checks that protect user data.

The schema lives in sqlite-utils ``Migrations`` so that every database records which steps it has
had; a file written by a newer nkreader (one with steps we do not know) is refused rather than
guessed at, and an older one is copied aside before it is upgraded. A file is inspected through a
read-only connection before anything writes to it, so a file that is not ours is left untouched.
"""

from __future__ import annotations

import os
import sqlite3
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

DEFAULT_DB = "annotations.db"
"""The database used when neither ``--db`` nor ``NKREADER_DB`` names another."""

BUSY_TIMEOUT_MS = 10_000
"""How long a write waits for another nkreader process before giving up."""

MIGRATION_SET = "nkreader"

SQLITE_HEADER = b"SQLite format 3\x00"
"""The first 16 bytes of every SQLite database file."""

migrations = Migrations(MIGRATION_SET)


class DatabaseError(Exception):
    """A database that cannot be opened as an nkreader database; the message is for the user."""


class StoreError(Exception):
    """A change that was refused or could not be saved; the message is meant for the user.

    Defined here, below the Store, because the transaction itself turns a lock that never came
    free, a read-only file or a full disk into this error; ``reader.store`` re-exports it.
    """


class WriteFailed(StoreError, sqlite3.OperationalError):
    """A write SQLite refused (busy, read-only, disk full), explained in one line.

    Also an ``sqlite3.OperationalError``, so code that already reports SQLite errors (a batch
    import) keeps working and shows this clearer message.
    """


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
            title, text, content='articles', content_rowid='id', detail=none
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


def connect(
    path: Path, *, busy_timeout_ms: int = BUSY_TIMEOUT_MS, read_only: bool = False
) -> sqlite3.Connection:
    """A connection with the pragmas every nkreader process relies on.

    The busy timeout makes a second process wait for the write lock instead of failing at once.
    ``read_only`` opens the file with SQLite's ``mode=ro``, which never writes to it, whoever
    runs it (permission bits do not stop root). WAL and ``synchronous`` are set once, by
    ``open_database``: they describe the file, not the connection.
    """
    timeout = busy_timeout_ms / 1000
    if read_only:
        uri = f"file:{quote(str(Path(path).resolve()))}?mode=ro"
        conn = sqlite3.connect(uri, uri=True, timeout=timeout, isolation_level=None)
    else:
        conn = sqlite3.connect(str(path), timeout=timeout, isolation_level=None)
    conn.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
    conn.execute("PRAGMA foreign_keys = ON")
    if read_only:
        conn.execute("PRAGMA query_only = ON")  # also what ``is_read_only`` asks
    return conn


def is_read_only(conn: sqlite3.Connection) -> bool:
    """True for a connection ``open_database`` opened read-only (every change will be refused),
    so a screen can say so up front instead of at the first key."""
    return bool(conn.execute("PRAGMA query_only").fetchone()[0])


def _database_file(conn: sqlite3.Connection) -> str:
    """The file a connection writes to, for messages."""
    try:
        row = conn.execute("PRAGMA database_list").fetchone()
    except sqlite3.Error:
        return "the database"
    return str(row[2]) if row and row[2] else "the database"


def write_error(conn: sqlite3.Connection, error: sqlite3.Error) -> sqlite3.Error:
    """``error`` as a one-line ``WriteFailed`` when the user can act on it, else unchanged.

    A lock that did not come free within the busy timeout means another nkreader is writing; a
    read-only file or a full disk each need the user to do something before trying again.
    """
    name = str(getattr(error, "sqlite_errorname", "") or "")
    text = str(error).lower()
    path = _database_file(conn)
    if name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")) or "locked" in text or "busy" in text:
        return WriteFailed(f"another nkreader process is busy writing to {path}; try again")
    if name.startswith("SQLITE_READONLY") or "readonly" in text:
        return WriteFailed(f"{path} is read-only: changes cannot be saved")
    if name == "SQLITE_FULL" or "disk is full" in text:
        return WriteFailed(f"{path}: the disk is full; free some space, then try again")
    return error


def _read_header(target: Path) -> bytes:
    try:
        with target.open("rb") as handle:
            return handle.read(len(SQLITE_HEADER))
    except OSError as error:
        reason = error.strerror or str(error)
        raise DatabaseError(
            f"{target}: cannot read the file ({reason}); check its permissions"
        ) from None


def _inspect(target: Path, conn: sqlite3.Connection) -> list[str]:
    """The schema steps the file has had, oldest first; refuses a file that is not ours.

    Refused: a SQLite database of another application, one from a newer nkreader (steps this
    version does not know) and a damaged file.
    """
    try:
        db = Database(conn)
        names = set(db.table_names())
        applied = [m.name for m in migrations.applied(db)] if names else []
    except sqlite3.OperationalError as error:
        if getattr(error, "sqlite_errorname", "") not in ("SQLITE_NOTADB", "SQLITE_CORRUPT"):
            raise
        raise DatabaseError(
            f"{target} cannot be read as a database ({error}); restore it from a backup"
        ) from None
    except sqlite3.DatabaseError as error:
        raise DatabaseError(
            f"{target} cannot be read as a database ({error}); restore it from a backup"
        ) from None
    if names and "articles" not in names and not applied:
        shown = ", ".join(sorted(names)[:5])
        raise DatabaseError(
            f"{target} is a SQLite database of another application (tables: {shown}); "
            "choose another --db path"
        )
    unknown = [name for name in applied if name not in known_migrations()]
    if unknown:
        raise DatabaseError(
            f"{target} was written by a newer nkreader (schema {unknown[-1]}); "
            "upgrade nkreader to open it"
        )
    return applied


def _inspect_file(target: Path, busy_timeout_ms: int) -> list[str]:
    """``_inspect`` an existing file through a read-only connection, so a refused file (another
    application's, say, with its write-ahead log beside it) is never written to."""
    header = _read_header(target)
    if not header:
        return []  # an empty file is a new database
    if header != SQLITE_HEADER:
        raise DatabaseError(
            f"{target} is not an nkreader database (not a SQLite file); choose another --db path"
        )
    try:
        conn = connect(target, busy_timeout_ms=busy_timeout_ms, read_only=True)
    except sqlite3.Error:
        conn = None
    if conn is not None:
        try:
            return _inspect(target, conn)
        except sqlite3.OperationalError:
            pass  # e.g. a rollback journal only a writer may replay: look with one
        finally:
            conn.close()
    try:
        conn = connect(target, busy_timeout_ms=busy_timeout_ms)
    except sqlite3.Error as error:
        raise DatabaseError(f"{target}: cannot open the database ({error})") from None
    try:
        return _inspect(target, conn)
    except sqlite3.Error as error:
        raise DatabaseError(f"{target}: cannot read the database ({error})") from None
    finally:
        conn.close()


def backup_before_upgrade(target: Path, version: str) -> Path:
    """Copy the database beside itself as ``NAME.bak-VERSION-TIMESTAMP`` before a migration.

    SQLite's online backup copies a consistent snapshot even while another process writes; the
    copy is a single self-contained file (rollback journal mode), ready to be opened in place of
    the original.
    """
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    backup = target.with_name(f"{target.name}.bak-{version}-{stamp}")
    number = 1
    while backup.exists():
        number += 1
        backup = target.with_name(f"{target.name}.bak-{version}-{stamp}-{number}")
    source = connect(target, read_only=True)
    try:
        copy = sqlite3.connect(str(backup), isolation_level=None)
        try:
            source.backup(copy)
            copy.execute("PRAGMA journal_mode = DELETE")
        finally:
            copy.close()
    except (OSError, sqlite3.Error) as error:
        backup.unlink(missing_ok=True)
        raise DatabaseError(
            f"{target}: could not back it up to {backup.name} before upgrading its schema "
            f"({error}); free some space or check the folder's permissions"
        ) from None
    finally:
        source.close()
    return backup


def _migrate(db: Database, target: Path) -> None:
    """Apply pending schema steps under the write lock, after a backup if the file held data.

    Under the lock, so two processes opening an old (or new) file at once do not both migrate.
    """
    if not migrations.pending(db):
        return
    with transaction(db):
        if not migrations.pending(db):
            return
        applied = migrations.applied(db)
        if applied:
            backup_before_upgrade(target, applied[-1].name)
        migrations.apply(db)


def _is_read_only(error: sqlite3.Error) -> bool:
    name = str(getattr(error, "sqlite_errorname", "") or "")
    return name.startswith("SQLITE_READONLY") or "readonly" in str(error).lower()


def _open_read_only(target: Path, applied: list[str], busy_timeout_ms: int) -> Database:
    """Open a file we may not write: browsing and exporting work, every change is refused."""
    if not applied:
        raise DatabaseError(
            f"{target} is read-only and holds no nkreader data; choose a writable --db path"
        )
    if [name for name in known_migrations() if name not in applied]:
        raise DatabaseError(
            f"{target} is read-only and its schema needs an upgrade; "
            "copy it to a folder you can write to and open the copy"
        )
    try:
        return Database(connect(target, busy_timeout_ms=busy_timeout_ms, read_only=True))
    except sqlite3.Error as error:
        raise DatabaseError(f"{target}: cannot open the read-only database ({error})") from None


def open_database(
    path: str | os.PathLike[str] | None = None,
    *,
    create: bool = True,
    busy_timeout_ms: int = BUSY_TIMEOUT_MS,
) -> Database:
    """Open (creating if needed) the database at ``path`` and bring its schema up to date.

    Raises ``DatabaseError`` with a one-line message for a directory, a missing folder, a file that
    is not SQLite, a damaged file, a SQLite file of another application, or a database from a
    newer nkreader; none of these is written to. An empty file is a new database. A file nkreader
    may not write is opened read-only: reading works, writes raise ``StoreError``. An older
    database is copied beside itself (``backup_before_upgrade``) before its schema is upgraded.
    ``busy_timeout_ms`` is how long a write waits for another process's lock.
    """
    target = resolve_path(path)
    _check_location(target)
    exists = target.exists()
    if not create and not exists:
        raise DatabaseError(f"{target} does not exist: run `nkreader import` to create it")
    applied = _inspect_file(target, busy_timeout_ms) if exists else []
    if not exists and not os.access(target.parent, os.W_OK):
        raise DatabaseError(
            f"{target}: cannot create the database in {target.parent} (read-only folder); "
            "choose another --db path"
        )
    if exists and not os.access(target, os.W_OK):
        return _open_read_only(target, applied, busy_timeout_ms)
    try:
        conn = connect(target, busy_timeout_ms=busy_timeout_ms)
    except sqlite3.Error as error:
        raise DatabaseError(f"{target}: cannot open the database ({error})") from None
    db = Database(conn)
    try:
        mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        if mode != "wal":
            conn.execute("PRAGMA journal_mode = DELETE")
        conn.execute("PRAGMA synchronous = FULL")
        _migrate(db, target)
    except StoreError as error:
        conn.close()
        raise DatabaseError(str(error)) from None
    except sqlite3.OperationalError as error:
        conn.close()
        if exists and _is_read_only(error):
            return _open_read_only(target, applied, busy_timeout_ms)
        raise DatabaseError(f"{target}: cannot write the database ({error})") from None
    return db


class transaction:
    """A write transaction that takes the write lock up front (``BEGIN IMMEDIATE``).

    A deferred transaction that reads and then writes can fail at once with "database is locked"
    when another process wrote in between; taking the lock first makes it wait (busy timeout)
    instead. A lock still held when the timeout ends, a read-only file or a full disk become a
    ``WriteFailed`` (a ``StoreError``) with a one-line message, after the rollback. Nested use
    becomes a savepoint.
    """

    def __init__(self, db: Database) -> None:
        self.conn = db.conn
        self.savepoint: str | None = None

    def __enter__(self) -> sqlite3.Connection:
        if self.conn.in_transaction:
            self.savepoint = f"sp_{id(self)}"
            self.conn.execute(f"SAVEPOINT {self.savepoint}")
        else:
            try:
                self.conn.execute("BEGIN IMMEDIATE")
            except sqlite3.OperationalError as error:
                raise write_error(self.conn, error) from None
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
            if isinstance(exc, sqlite3.OperationalError) and not isinstance(exc, WriteFailed):
                translated = write_error(self.conn, exc)
                if translated is not exc:
                    raise translated from None
            return
        try:
            self.conn.execute("COMMIT")
        except BaseException as error:
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            if isinstance(error, sqlite3.OperationalError):
                raise write_error(self.conn, error) from None
            raise
