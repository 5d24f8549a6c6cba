"""Open an nkreader database: pragmas, schema steps and the checks that protect user data.

The schema lives in steps for sqlite-utils ``Migrations`` (``reader.db.schema``) so that every
database records which steps it has had; a file written by a newer nkreader (one with steps we do
not know) is refused rather than guessed at, and an older one is copied aside before it is
upgraded. A file is inspected through a read-only connection before anything writes to it, so a
file that is not ours is left untouched, with nothing created beside it.

A file nkreader cannot write (read-only permissions, folder or mount) is opened for reading
only. SQLite reads a WAL database through its ``-shm`` index, which it must be able to create or
find; where it can do neither, the file is read with ``immutable=1``, which sees only the main
file, so the connection's ``notice`` says when changes still in the ``-wal`` cannot be shown.

Everything up to "this file is current" is plain ``sqlite3``: sqlite-utils (with dateutil and
pluggy, a sizeable share of the reader's start-up) is imported only when a step is pending, or when
a caller asks for a sqlite-utils ``Database`` (``open_database``); the reader opens its Store on the
bare connection from ``open_connection``.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote

from reader.db import schema
from reader.db.damage import check_problems, damage_message, is_damage
from reader.db.schema import MIGRATION_SET
from reader.db.transactions import StoreError, transaction

if TYPE_CHECKING:
    from sqlite_utils import Database

DEFAULT_DB = "annotations.db"
"""The database used when neither ``--db`` nor ``NKREADER_DB`` names another."""

BUSY_TIMEOUT_MS = 10_000
"""How long a write waits for another nkreader process before giving up."""

MIGRATIONS_TABLE = "_sqlite_migrations"
"""Where sqlite-utils records the applied steps (one row per step and set)."""

SQLITE_HEADER = b"SQLite format 3\x00"
"""The first 16 bytes of every SQLite database file."""


class DatabaseError(Exception):
    """A database that cannot be opened as an nkreader database; the message is for the user."""


class Connection(sqlite3.Connection):
    """``sqlite3.Connection`` with room for what opening the file taught us about it.

    ``notice`` is one line on what this connection cannot do (a read-only file: changes cannot
    be saved), for the commands and the reader to show once; ``refusal`` is set by
    ``reader.db.transactions.refuse_writes`` when the file turns out to be damaged.
    """

    notice: str | None = None
    refusal: str | None = None


def known_migrations() -> list[str]:
    """Names of every schema step this version of nkreader knows, oldest first."""
    return schema.step_names()


def table_names(conn: sqlite3.Connection) -> list[str]:
    """Every table in the file (``Database.table_names`` without sqlite-utils)."""
    return [row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]


def applied_steps(conn: sqlite3.Connection, tables: Sequence[str]) -> list[str]:
    """The nkreader steps recorded in the file, in the order they were applied."""
    if MIGRATIONS_TABLE not in tables:
        return []
    rows = conn.execute(
        f"SELECT name FROM {MIGRATIONS_TABLE} WHERE migration_set = ? ORDER BY rowid",
        [MIGRATION_SET],
    )
    return [row[0] for row in rows]


def _pending_steps(conn: sqlite3.Connection) -> list[str]:
    """Known steps the file has not had yet; empty for an up-to-date file."""
    applied = set(applied_steps(conn, table_names(conn)))
    return [name for name in known_migrations() if name not in applied]


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
    path: Path,
    *,
    busy_timeout_ms: int = BUSY_TIMEOUT_MS,
    read_only: bool = False,
    immutable: bool = False,
    shared: bool = False,
) -> Connection:
    """A connection with the pragmas every nkreader process relies on.

    The busy timeout makes a second process wait for the write lock instead of failing at once.
    ``read_only`` opens the file with SQLite's ``mode=ro``, which never writes to it, whoever
    runs it (permission bits do not stop root). ``immutable`` (read-only too) reads the main file
    alone, without locks and without creating ``-wal`` or ``-shm`` files: right only when no
    ``-wal`` holds changes and nobody writes meanwhile (see ``open_for_reading``). WAL and
    ``synchronous`` are set once, by ``open_database``: they describe the file, not the
    connection. A ``shared`` connection may be used from another thread, one thread at a time.
    """
    timeout = busy_timeout_ms / 1000
    read_only = read_only or immutable
    if read_only:
        mode = "mode=ro&immutable=1" if immutable else "mode=ro"
        uri = f"file:{quote(str(Path(path).resolve()))}?{mode}"
        conn = sqlite3.connect(
            uri, uri=True, timeout=timeout, isolation_level=None, factory=Connection,
            check_same_thread=not shared,
        )  # fmt: skip
    else:
        conn = sqlite3.connect(
            str(path), timeout=timeout, isolation_level=None, factory=Connection,
            check_same_thread=not shared,
        )  # fmt: skip
    conn.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
    conn.execute("PRAGMA foreign_keys = ON")
    if read_only:
        conn.execute("PRAGMA query_only = ON")  # also what ``is_read_only`` asks
    return conn


def companion(path: Path, suffix: str) -> Path:
    """The file SQLite keeps beside ``path``: ``-wal``, ``-shm`` or ``-journal``."""
    return path.with_name(f"{path.name}{suffix}")


def _holds_changes(path: Path) -> bool:
    try:
        return path.stat().st_size > 0
    except OSError:
        return False


def open_for_reading(
    path: Path, *, busy_timeout_ms: int = BUSY_TIMEOUT_MS, shared: bool = False
) -> Connection:
    """A read-only connection to ``path`` that creates nothing beside it where it can.

    Without a ``-wal`` or ``-journal`` beside it, the main file holds every committed change,
    and ``immutable=1`` reads it without creating the ``-wal`` and ``-shm`` a WAL database's
    readers otherwise make (and, as read-only, could never remove). With one, the changes it
    holds are read through ``mode=ro`` (which shares the ``-shm`` with the file's writers, or
    makes it); where that cannot open (a read-only folder or mount without a ``-shm``), the main
    file alone is read, and the connection's ``notice`` says the ``-wal``'s changes are not
    shown. ``shared``: see ``connect``. Raises ``sqlite3.OperationalError`` when neither way
    opens, and a damage ``sqlite3.DatabaseError`` when the file's schema cannot be read.
    """
    wal = companion(path, "-wal")
    if not wal.exists() and not companion(path, "-journal").exists():
        return _probed(
            connect(path, busy_timeout_ms=busy_timeout_ms, immutable=True, shared=shared)
        )
    try:
        return _probed(
            connect(path, busy_timeout_ms=busy_timeout_ms, read_only=True, shared=shared)
        )
    except sqlite3.OperationalError:
        if not wal.exists():
            raise  # a rollback journal only a writer may replay
    conn = _probed(connect(path, busy_timeout_ms=busy_timeout_ms, immutable=True, shared=shared))
    if _holds_changes(wal):
        conn.notice = (
            f"its latest changes, in {wal.name}, cannot be read from here (copy {path.name} "
            f"with {wal.name} to a folder you can write to, and open the copy)"
        )
    return conn


def _probed(conn: Connection) -> Connection:
    """``conn`` once a first read worked: SQLite opens files lazily, so a file it cannot open
    (or a damaged schema) shows only at the first statement."""
    try:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlite3.Error:
        conn.close()
        raise
    return conn


def _read_header(target: Path) -> bytes:
    """The file's first bytes, read before SQLite is let near a file that may not be a database.

    Only for a file this process has no connection to: closing any descriptor of a file drops all
    of the process's POSIX locks on it, SQLite's included (a second connection in the same
    process uses ``connect``).
    """
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
        names = set(table_names(conn))
        applied = applied_steps(conn, list(names)) if names else []
    except sqlite3.DatabaseError as error:
        if isinstance(error, sqlite3.OperationalError) and not is_damage(error):
            raise
        raise DatabaseError(damage_message(target, error)) from None
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


def _check_intact(target: Path, conn: sqlite3.Connection) -> None:
    """Refuse a file ``PRAGMA quick_check`` finds damaged, before anything is written to it."""
    problems = check_problems(conn)
    if problems:
        more = f" and {len(problems) - 1} more problems" if len(problems) > 1 else ""
        raise DatabaseError(damage_message(target, problems[0] + more))


def _inspect_checked(target: Path, conn: sqlite3.Connection, check: bool) -> list[str]:
    """``_inspect``, then ``_check_intact`` when asked to or when a schema upgrade will write."""
    applied = _inspect(target, conn)
    if applied and (check or any(name not in applied for name in known_migrations())):
        try:
            _check_intact(target, conn)
        except sqlite3.DatabaseError as error:
            if isinstance(error, sqlite3.OperationalError) and not is_damage(error):
                raise
            raise DatabaseError(damage_message(target, error)) from None
    return applied


def _file_state(target: Path) -> tuple[int, int, bool]:
    """What changes when another process writes ``target``: size, time, a ``-wal`` beside it."""
    stat = target.stat()
    return stat.st_size, stat.st_mtime_ns, companion(target, "-wal").exists()


def _inspect_file(target: Path, busy_timeout_ms: int, check: bool = False) -> list[str]:
    """``_inspect`` an existing file through a read-only connection that creates nothing beside
    it (``open_for_reading``), so a refused file (another application's, say, with its
    write-ahead log beside it, or a damaged one) is neither written to nor given companions.
    With ``check`` (and before a schema upgrade), ``PRAGMA quick_check`` must pass too.

    A file read without locks (``immutable``) that another process changed meanwhile is looked
    at once more before it is refused.
    """
    header = _read_header(target)
    if not header:
        return []  # an empty file is a new database
    if header != SQLITE_HEADER:
        raise DatabaseError(
            f"{target} is not an nkreader database (not a SQLite file); choose another --db path"
        )
    for attempt in (1, 2):
        state = _file_state(target)
        try:
            conn = open_for_reading(target, busy_timeout_ms=busy_timeout_ms)
        except sqlite3.OperationalError:
            break  # e.g. a rollback journal only a writer may replay: look with one
        except sqlite3.DatabaseError as error:
            if attempt == 1 and _file_state(target) != state:
                continue
            raise DatabaseError(damage_message(target, error)) from None
        try:
            return _inspect_checked(target, conn, check)
        except DatabaseError:
            if attempt == 1 and _file_state(target) != state:
                continue
            raise
        except sqlite3.OperationalError:
            break
        finally:
            conn.close()
    try:
        conn = connect(target, busy_timeout_ms=busy_timeout_ms)
    except sqlite3.Error as error:
        raise DatabaseError(f"{target}: cannot open the database ({error})") from None
    try:
        return _inspect_checked(target, conn, check)
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


def _migrate(conn: sqlite3.Connection, target: Path) -> None:
    """Apply pending schema steps under the write lock, after a backup if the file held data.

    Under the lock, so two processes opening an old (or new) file at once do not both migrate.
    An up-to-date file is recognised with plain SQL; only a pending step imports sqlite-utils.
    """
    if not _pending_steps(conn):
        return
    from sqlite_utils import Database

    db = Database(conn)
    migrations = schema.build_migrations()
    with transaction(conn):
        if not migrations.pending(db):
            return
        applied = migrations.applied(db)
        if applied:
            backup_before_upgrade(target, applied[-1].name)
        migrations.apply(db)


def _is_read_only(error: sqlite3.Error) -> bool:
    name = str(getattr(error, "sqlite_errorname", "") or "")
    return name.startswith("SQLITE_READONLY") or "readonly" in str(error).lower()


def _writable(target: Path) -> bool:
    """Whether nkreader may change ``target``: the file, and the folder where SQLite keeps its
    ``-wal``, ``-shm`` or ``-journal`` beside it (a read-only mount refuses both)."""
    return os.access(target, os.W_OK) and os.access(target.parent, os.W_OK)


def _open_read_only(target: Path, applied: list[str], busy_timeout_ms: int) -> Connection:
    """Open a file we may not write: browsing, searching and exporting work, every change is
    refused; the connection's ``notice`` says so in one line.

    A ``mode=ro`` reader shares the ``-shm`` with whoever writes the file; where it cannot be
    made or found (a read-only folder or mount), the file is read as ``immutable``, which is
    exact when no ``-wal`` holds changes, and otherwise says that they are not shown.
    """
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
        conn = _probed(connect(target, busy_timeout_ms=busy_timeout_ms, read_only=True))
    except sqlite3.OperationalError:
        try:
            conn = open_for_reading(target, busy_timeout_ms=busy_timeout_ms)
        except sqlite3.Error as error:
            raise DatabaseError(f"{target}: cannot open the read-only database ({error})") from None
    except sqlite3.Error as error:
        raise DatabaseError(f"{target}: cannot open the read-only database ({error})") from None
    where = "in a read-only folder" if os.access(target, os.W_OK) else "read-only"
    limits = f"{target} is {where}: changes cannot be saved"
    conn.notice = f"{limits}; {conn.notice}" if conn.notice else limits
    return conn


def open_to_read(path: str | os.PathLike[str]) -> Connection:
    """Another nkreader database, opened only to be read (what ``nkreader merge`` brings in).

    The file is never written, nor its ``-wal``: it is inspected and checked (``PRAGMA
    quick_check``) through a read-only connection that creates nothing beside it where it can
    (``open_for_reading``), and then read through another such connection, which may be used
    from another thread (a merge reads ahead while it writes). Its schema is never
    upgraded: the tables a reader needs are there since the first step, so an older file is
    read as it is. Raises ``DatabaseError`` with one line for a missing file, a directory, a
    file that is not SQLite, another application's database, an empty file, one from a newer
    nkreader, and a damaged one (the line says how to recover it).
    """
    target = Path(path)
    if target.is_dir():
        raise DatabaseError(f"{target} is a directory, not a database file")
    if not target.exists():
        raise DatabaseError(f"{target} does not exist")
    if companion(target, "-journal").exists():
        # Only a writer may replay it, and the inspection would fall back to one.
        raise DatabaseError(
            f"{target} has an unfinished write beside it ({target.name}-journal); open it once "
            "with nkreader (which finishes it), then try again"
        )
    try:
        applied = _inspect_file(target, BUSY_TIMEOUT_MS, check=True)
    except DatabaseError as error:  # the hint is about --db, which does not name this file
        raise DatabaseError(str(error).removesuffix("; choose another --db path")) from None
    if not applied:
        raise DatabaseError(f"{target} holds no nkreader data")
    try:
        return open_for_reading(target, shared=True)
    except sqlite3.DatabaseError as error:
        if is_damage(error):
            raise DatabaseError(damage_message(target, error)) from None
        raise DatabaseError(f"{target}: cannot open the database ({error})") from None


def open_database(
    path: str | os.PathLike[str] | None = None,
    *,
    create: bool = True,
    busy_timeout_ms: int = BUSY_TIMEOUT_MS,
    check: bool = False,
) -> Database:
    """``open_connection`` wrapped in a sqlite-utils ``Database``, for code that wants its API
    (importing, the codebook, the commands); the checks and the errors are the same."""
    from sqlite_utils import Database

    return Database(
        open_connection(path, create=create, busy_timeout_ms=busy_timeout_ms, check=check)
    )


def open_connection(
    path: str | os.PathLike[str] | None = None,
    *,
    create: bool = True,
    busy_timeout_ms: int = BUSY_TIMEOUT_MS,
    check: bool = False,
) -> Connection:
    """Open (creating if needed) the database at ``path`` and bring its schema up to date.

    Raises ``DatabaseError`` with a one-line message for a directory, a missing folder, a file that
    is not SQLite, a damaged file, a SQLite file of another application, or a database from a
    newer nkreader; none of these is written to, nor given files beside it. An empty file is a
    new database. A file nkreader may not write (its permissions, folder or mount) is opened
    read-only: reading works, writes raise ``StoreError``, and the connection's ``notice`` says
    so. An older database is checked (``PRAGMA quick_check``) and copied beside itself
    (``backup_before_upgrade``) before its schema is upgraded. ``check`` runs the same check on
    any file, for commands about to write: a damaged file is refused before their first write.
    ``busy_timeout_ms`` is how long a write waits for another process's lock.
    """
    target = resolve_path(path)
    _check_location(target)
    exists = target.exists()
    if not create and not exists:
        raise DatabaseError(f"{target} does not exist: run `nkreader import` to create it")
    applied = _inspect_file(target, busy_timeout_ms, check) if exists else []
    if not exists and not os.access(target.parent, os.W_OK):
        raise DatabaseError(
            f"{target}: cannot create the database in {target.parent} (read-only folder); "
            "choose another --db path"
        )
    if exists and not _writable(target):
        return _open_read_only(target, applied, busy_timeout_ms)
    try:
        conn = connect(target, busy_timeout_ms=busy_timeout_ms)
    except sqlite3.Error as error:
        raise DatabaseError(f"{target}: cannot open the database ({error})") from None
    try:
        mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        if mode != "wal":
            conn.execute("PRAGMA journal_mode = DELETE")
        conn.execute("PRAGMA synchronous = FULL")
        _migrate(conn, target)
    except StoreError as error:
        conn.close()
        raise DatabaseError(str(error)) from None
    except sqlite3.OperationalError as error:
        conn.close()
        if exists and _is_read_only(error):
            return _open_read_only(target, applied, busy_timeout_ms)
        raise DatabaseError(f"{target}: cannot write the database ({error})") from None
    except sqlite3.DatabaseError as error:
        conn.close()
        if not is_damage(error):
            raise
        raise DatabaseError(damage_message(target, error)) from None
    return conn
