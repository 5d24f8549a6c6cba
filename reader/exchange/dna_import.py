"""``nkreader import study.dna``: a DNA 3.0 project read into articles and codes.

A file is a DNA project by what it holds, whatever its name: an SQLite database with DNA's
``SETTINGS`` table. Its ``version`` must be 3: a DNA 2 file is refused (DNA 3 imports it), as is
anything else named ``.dna``. Everything is read and checked before the database is touched,
and then stored in one transaction (``Store.import_dna``): a damaged or hostile file is one line
naming it, and nothing of it is kept.

What is read (see ``reader.store.dna_imports`` for how it is stored):

- every document, its text exactly as DNA keeps it (DNA's texts often begin with a line break),
  split into sentences as any import splits them; its title, date (DNA's seconds since 1970,
  written back as ``YYYY-MM-DD``, with ``THH:MM:SS`` when it has a time of day), ``Source`` as
  the outlet, and author, section, type and notes in the article's metadata;
- every statement of "DNA Statement" (and of any other type with the same four variables:
  person, organization and concept as short text, agreement as a boolean or an integer), its
  span converted from DNA's UTF-16 offsets; other statement types are counted and skipped;
- the name of each statement's coder.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path

from reader.db import open_for_reading
from reader.db.connection import SQLITE_HEADER
from reader.exchange.formats import SUFFIXES, display
from reader.models import DnaDocument, DnaReport, DnaStatement
from reader.store import Store
from reader.store.article_batches import flatten_spans
from reader.text.sentences import split_sentences
from reader.text.utf16 import Utf16Offsets

__all__ = ["DnaError", "import_dna", "is_dna", "read_dna"]

NEEDED = ("SETTINGS", "CODERS", "DOCUMENTS", "STATEMENTTYPES", "VARIABLES", "STATEMENTS",
          "ENTITIES", "DATASHORTTEXT", "DATABOOLEAN", "DATAINTEGER")  # fmt: skip
"""The tables a DNA 3 project has that the import reads."""

SHORT = ("person", "organization", "concept")


class DnaError(Exception):
    """A file that cannot be imported as a DNA project: one line naming it and what to do."""


def _header(path: Path) -> bytes:
    try:
        with path.open("rb") as file:
            return file.read(len(SQLITE_HEADER))
    except OSError:
        return b""


def _has_settings(conn: sqlite3.Connection) -> bool:
    tables = {
        str(name).upper(): str(name)
        for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
    }
    if "SETTINGS" not in tables:
        return False
    columns = {str(row[1]).lower() for row in conn.execute("PRAGMA table_info(SETTINGS)")}
    return {"property", "value"} <= columns


def is_dna(path: Path) -> bool:
    """Whether ``path`` names a DNA project (or a file meant as one: named ``.dna``), which
    ``import_dna`` reads or explains; other files are left to the other imports."""
    if path.suffix.lower() == ".dna":
        return True
    if not path.is_file() or _header(path) != SQLITE_HEADER:
        return False
    try:
        conn = open_for_reading(path)
    except sqlite3.Error:
        return False
    try:
        return _has_settings(conn)
    except sqlite3.Error:
        return False
    finally:
        conn.close()


def read_dna(
    path: Path, shown: str | None = None
) -> tuple[list[DnaDocument], list[DnaStatement], list[str]]:
    """The documents and statements of the DNA project at ``path``, and a line per kind of
    statement skipped; ``DnaError`` when it cannot be read (nothing then is imported)."""
    shown = shown or display(path)
    if path.is_dir():
        raise DnaError(f"{shown} is a folder, not a DNA project")
    if not path.exists():
        raise DnaError(f"{shown} does not exist")
    if not path.is_file():
        raise DnaError(f"{shown} is not a regular file; copy the DNA project to a file")
    if _header(path) != SQLITE_HEADER:
        raise DnaError(
            f"{shown}: not a DNA project (not an SQLite database); nkreader reads the projects"
            f" DNA 3 saves, and articles as {', '.join(SUFFIXES)}"
        )
    try:
        conn = open_for_reading(path)
    except sqlite3.Error as error:
        raise DnaError(f"{shown}: cannot open the DNA project ({error})") from None
    try:
        return _Reader(conn, shown, path.name).read()
    except sqlite3.Error as error:
        raise DnaError(
            f"{shown}: cannot be read as a DNA project ({error}); nothing imported"
        ) from None
    finally:
        conn.close()


class _Reader:
    def __init__(self, conn: sqlite3.Connection, shown: str, name: str) -> None:
        self.conn = conn
        self.shown = shown
        self.name = name

    def fail(self, why: str) -> DnaError:
        return DnaError(f"{self.shown}: {why}; nothing imported")

    def read(self) -> tuple[list[DnaDocument], list[DnaStatement], list[str]]:
        if not _has_settings(self.conn):
            raise DnaError(f"{self.shown}: not a DNA project (an SQLite database without DNA's"
                           " SETTINGS table)")  # fmt: skip
        version = self.conn.execute(
            "SELECT Value FROM SETTINGS WHERE Property = 'version'"
        ).fetchone()
        version = str(version[0]) if version else ""
        if version.startswith("2"):
            raise DnaError(
                f"{self.shown}: a DNA 2 project (version {version}); nkreader reads DNA 3:"
                " import it into a new DNA 3 database (DNA 3: Document > Import from DNA"
                " database) and import that"
            )
        if not version.startswith("3"):
            raise DnaError(
                f"{self.shown}: not a DNA 3 project (its SETTINGS give version {version!r})"
            )
        tables = {
            str(name).upper()
            for (name,) in self.conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        }
        missing = [table for table in NEEDED if table not in tables]
        if missing:
            raise self.fail(f"a DNA {version} project without its {missing[0]} table")
        documents, texts = self.documents()
        statements, skipped = self.statements(texts)
        return documents, statements, skipped

    def documents(self) -> tuple[list[DnaDocument], dict[int, tuple[str, Utf16Offsets | None]]]:
        documents: list[DnaDocument] = []
        texts: dict[int, tuple[str, Utf16Offsets | None]] = {}
        for dna_id, title, text, author, outlet, section, kind, notes, when in self.conn.execute(
            "SELECT ID, Title, Text, Author, Source, Section, Type, Notes, Date FROM DOCUMENTS"
            " ORDER BY ID"
        ):
            if not isinstance(dna_id, int) or not isinstance(text, str):
                raise self.fail(f"document {dna_id!r} has no text")
            if "\x00" in text:
                raise self.fail(f"document {dna_id} holds a NUL character")
            spans = split_sentences(text)
            if not spans:
                texts[dna_id] = (text, None)  # no sentence to code: its statements are skipped
                continue
            texts[dna_id] = (text, Utf16Offsets(text))
            extra = {key: str(value) for key, value in (
                ("author", author), ("section", section), ("type", kind), ("notes", notes)
            ) if value not in (None, "")}  # fmt: skip
            extra["dna_document"] = str(dna_id)
            try:
                content_hash = hashlib.sha256(text.encode()).hexdigest()
            except UnicodeEncodeError:
                raise self.fail(f"document {dna_id} holds an unpaired surrogate") from None
            documents.append(
                DnaDocument(
                    dna_id, " ".join(str(title or "").split()) or f"Document {dna_id}", text,
                    f"{self.name}#{dna_id}", content_hash, _published(when),
                    str(outlet) if outlet not in (None, "") else None,
                    json.dumps(extra, ensure_ascii=False), tuple(flatten_spans(spans)),
                )
            )  # fmt: skip
        return documents, texts

    def statements(
        self, texts: dict[int, tuple[str, Utf16Offsets | None]]
    ) -> tuple[list[DnaStatement], list[str]]:
        variables: dict[int, dict[str, str]] = {}
        for type_id, variable, data_type in self.conn.execute(
            "SELECT StatementTypeId, Variable, DataType FROM VARIABLES"
        ):
            variables.setdefault(type_id, {})[str(variable)] = str(data_type)
        labels = dict(self.conn.execute("SELECT ID, Label FROM STATEMENTTYPES").fetchall())
        wanted = {
            type_id
            for type_id, found in variables.items()
            if all(found.get(name) == "short text" for name in SHORT)
            and found.get("agreement") in ("boolean", "integer")
        }
        coders = {int(i): str(n) for i, n in self.conn.execute("SELECT ID, Name FROM CODERS")}
        values: dict[int, dict[str, str]] = {}
        for statement, variable, value in self.conn.execute(
            "SELECT d.StatementId, v.Variable, e.Value FROM DATASHORTTEXT d"
            " JOIN VARIABLES v ON v.ID = d.VariableId JOIN ENTITIES e ON e.ID = d.Entity"
        ):
            values.setdefault(statement, {})[str(variable)] = "" if value is None else str(value)
        agreements: dict[int, int] = {}
        for table in ("DATABOOLEAN", "DATAINTEGER"):
            for statement, value in self.conn.execute(
                f"SELECT d.StatementId, d.Value FROM {table} d"
                " JOIN VARIABLES v ON v.ID = d.VariableId WHERE v.Variable = 'agreement'"
            ):
                if not isinstance(value, int):
                    raise self.fail(f"statement {statement}'s agreement {value!r} is not a number")
                agreements[statement] = value
        statements: list[DnaStatement] = []
        other: Counter[str] = Counter()
        empty = 0
        for dna_id, type_id, document, start, stop, coder in self.conn.execute(
            "SELECT ID, StatementTypeId, DocumentId, Start, Stop, Coder FROM STATEMENTS ORDER BY ID"
        ):
            if type_id not in wanted:
                other[str(labels.get(type_id, f"type {type_id}"))] += 1
                continue
            if document not in texts:
                raise self.fail(f"statement {dna_id} is in document {document!r}, which is missing")
            offsets = texts[document][1]
            if offsets is None:
                empty += 1
                continue
            if not (isinstance(start, int) and isinstance(stop, int)
                    and 0 <= start < stop <= offsets.units):  # fmt: skip
                raise self.fail(
                    f"statement {dna_id}'s span {start!r}-{stop!r} lies outside document"
                    f" {document} ({offsets.units} characters as DNA counts them)"
                )
            found = values.get(dna_id, {})
            boolean = variables[type_id]["agreement"] == "boolean"
            name = coders.get(coder, "") if isinstance(coder, int) else ""
            statements.append(
                DnaStatement(
                    dna_id, document, offsets.to_index(start), offsets.to_index(stop),
                    name.strip() or f"DNA coder {coder}", found.get("organization", "").strip(),
                    found.get("person", "").strip(), found.get("concept", "").strip(),
                    agreements.get(dna_id, 1 if boolean else 0), boolean,
                )
            )  # fmt: skip
        skipped = [
            f"{count} statement{'s' * (count != 1)} of type {label!r} skipped (only DNA"
            " Statements are read)"
            for label, count in sorted(other.items())
        ]
        if empty:
            skipped.append(
                f"{empty} statement{'s' * (empty != 1)} in documents without text skipped"
            )
        return statements, skipped


def _published(when: object) -> str | None:
    """DNA's date (seconds since 1970 of the date and time as written) as nkreader keeps it."""
    if not isinstance(when, int):
        return None
    try:
        moment = datetime(1970, 1, 1) + timedelta(seconds=when)
    except OverflowError:
        return None
    if moment.time() == datetime.min.time():
        return moment.date().isoformat()
    return moment.isoformat(timespec="seconds")


def import_dna(store: Store, path: Path) -> DnaReport:
    """Import the DNA project at ``path``: all of it, or (``DnaError``) nothing."""
    shown = display(path)
    documents, statements, skipped = read_dna(path, shown)
    return store.import_dna(documents, statements, shown, skipped)
