"""The database: opening a file safely, its schema steps, and transactions that land whole.

Below the Store and above nothing but ``reader.models`` and ``reader.text``: this layer knows SQLite
files, pragmas and locks, never what an annotation means. ``connection`` opens and checks a file
and applies pending ``schema`` steps; ``transactions`` turns the failures a coder can meet into
one-line errors; ``damage`` recognises a damaged file and says how to recover, and ``recovery``
checks a file and saves what can still be read from it.
"""

from reader.db.connection import (
    BUSY_TIMEOUT_MS,
    DEFAULT_DB,
    Connection,
    DatabaseError,
    connect,
    known_migrations,
    open_connection,
    open_database,
    open_for_reading,
    open_to_read,
    resolve_path,
)
from reader.db.damage import check_problems, damage_message, is_damage, latest_backup
from reader.db.transactions import (
    DatabaseDamaged,
    StoreError,
    WriteFailed,
    database_file,
    is_read_only,
    refuse_writes,
    transaction,
    write_error,
)

__all__ = [
    "BUSY_TIMEOUT_MS",
    "DEFAULT_DB",
    "Connection",
    "DatabaseDamaged",
    "DatabaseError",
    "StoreError",
    "WriteFailed",
    "check_problems",
    "connect",
    "damage_message",
    "database_file",
    "is_damage",
    "is_read_only",
    "known_migrations",
    "latest_backup",
    "open_connection",
    "open_database",
    "open_for_reading",
    "open_to_read",
    "refuse_writes",
    "resolve_path",
    "transaction",
    "write_error",
]
