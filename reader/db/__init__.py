"""The database: opening a file safely, its schema steps, and transactions that land whole.

Below the Store and above nothing but ``reader.models`` and ``reader.text``: this layer knows SQLite
files, pragmas and locks, never what an annotation means. ``connection`` opens and checks a file
and applies pending ``schema`` steps; ``transactions`` turns the failures a coder can meet into
one-line errors.
"""

from reader.db.connection import (
    BUSY_TIMEOUT_MS,
    DEFAULT_DB,
    DatabaseError,
    connect,
    known_migrations,
    open_connection,
    open_database,
    resolve_path,
)
from reader.db.transactions import (
    StoreError,
    WriteFailed,
    database_file,
    is_read_only,
    transaction,
    write_error,
)

__all__ = [
    "BUSY_TIMEOUT_MS",
    "DEFAULT_DB",
    "DatabaseError",
    "StoreError",
    "WriteFailed",
    "connect",
    "database_file",
    "is_read_only",
    "known_migrations",
    "open_connection",
    "open_database",
    "resolve_path",
    "transaction",
    "write_error",
]
