"""The layout of a Discourse Network Analyzer (DNA) 3.0 database, and how it keeps passwords.

DNA (Leifeld; github.com/leifeld/dna) keeps a project in one SQLite file. ``TABLES`` creates the
same tables, columns, defaults and constraints as DNA 3.0 does for SQLite (``Sql.createTables``
in DNA's ``sql/Sql.java``), so DNA and rDNA open what nkreader writes; ``DEFAULTS`` fills in
what a new DNA database holds: its version, its three statement types (``DNA Statement`` with
person, organization, concept and agreement; ``NPF Story Element``; ``Annotation``) and their
attribute variables. DNA opens a file whose ``SETTINGS`` version starts with ``3.0``.

Coders' passwords are kept as jasypt's ``StrongPasswordEncryptor`` keeps them: SHA-256 over a
16-byte random salt and the UTF-8 password, hashed again 99,999 times, stored as base64 of salt
and digest (``hash_password``).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import unicodedata

__all__ = [
    "DEFAULTS",
    "DNA_DATE",
    "DNA_VERSION",
    "MAX_TEXT",
    "TABLES",
    "check_password",
    "hash_password",
]

DNA_VERSION = "3.0.11.5"
"""The DNA version written to ``SETTINGS`` (DNA 3's current release; DNA opens any 3.0)."""

DNA_DATE = "2025-02-05"
"""That release's date, which DNA also keeps in ``SETTINGS``."""

MAX_TEXT = 190
"""The longest name, title, author or value DNA accepts (``CHECK (LENGTH(...) < 191)``)."""

_BIT = "INTEGER NOT NULL CHECK ({0} BETWEEN 0 AND 1) DEFAULT {1}"
_RGB = "{0} INTEGER NOT NULL DEFAULT 0 CHECK ({0} BETWEEN 0 AND 255)"
_SHORT = "TEXT NOT NULL CHECK (LENGTH({0}) < 191)"
_SHORT_DEFAULT = "TEXT NOT NULL DEFAULT '' CHECK (LENGTH({0}) < 191)"


def _colors() -> str:
    return ", ".join(_RGB.format(name) for name in ("Red", "Green", "Blue"))


_PERMISSIONS = (
    "AddDocuments", "EditDocuments", "DeleteDocuments", "ImportDocuments", "AddStatements",
    "EditStatements", "DeleteStatements", "EditAttributes", "EditRegex", "EditStatementTypes",
    "EditCoders", "EditCoderRelations", "ViewOthersDocuments", "EditOthersDocuments",
    "ViewOthersStatements", "EditOthersStatements",
)  # fmt: skip

TABLES: tuple[str, ...] = (
    "CREATE TABLE IF NOT EXISTS SETTINGS(Property TEXT PRIMARY KEY, Value TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS CODERS(ID INTEGER NOT NULL PRIMARY KEY, "
    f"Name {_SHORT.format('Name')}, {_colors()}, "
    "Refresh INTEGER NOT NULL CHECK (Refresh BETWEEN 0 AND 9999) DEFAULT 0, "
    "FontSize INTEGER NOT NULL CHECK (FontSize BETWEEN 1 AND 99) DEFAULT 14, "
    f"Password {_SHORT.format('Password')}, "
    "PopupWidth INTEGER CHECK (PopupWidth BETWEEN 100 AND 9999) DEFAULT 300, "
    f"ColorByCoder {_BIT.format('ColorByCoder', 0)}, "
    f"PopupDecoration {_BIT.format('PopupDecoration', 0)}, "
    f"PopupAutoComplete {_BIT.format('PopupAutoComplete', 1)}, "
    + ", ".join(f"Permission{p} {_BIT.format('Permission' + p, 1)}" for p in _PERMISSIONS)
    + ")",
    "CREATE TABLE IF NOT EXISTS DOCUMENTS(ID INTEGER NOT NULL PRIMARY KEY, "
    f"Title {_SHORT.format('Title')}, Text TEXT NOT NULL, Coder INTEGER, "
    f"Author {_SHORT_DEFAULT.format('Author')}, Source {_SHORT_DEFAULT.format('Source')}, "
    f"Section {_SHORT_DEFAULT.format('Section')}, Notes TEXT NOT NULL DEFAULT '', "
    f"Type {_SHORT_DEFAULT.format('Type')}, Date INTEGER NOT NULL, "
    "FOREIGN KEY(Coder) REFERENCES CODERS(ID) ON DELETE CASCADE)",
    "CREATE TABLE IF NOT EXISTS STATEMENTTYPES(ID INTEGER NOT NULL PRIMARY KEY, "
    f"Label {_SHORT.format('Label')}, {_colors()})",
    "CREATE TABLE IF NOT EXISTS VARIABLES(ID INTEGER NOT NULL PRIMARY KEY, "
    f"Variable {_SHORT.format('Variable')}, "
    "DataType TEXT NOT NULL CHECK (DataType = 'boolean' OR DataType = 'integer' OR "
    "DataType = 'long text' OR DataType = 'short text') DEFAULT 'short text', "
    "StatementTypeId INTEGER, "
    "FOREIGN KEY(StatementTypeId) REFERENCES STATEMENTTYPES(ID) ON DELETE CASCADE, "
    "UNIQUE (Variable, StatementTypeId))",
    "CREATE TABLE IF NOT EXISTS VARIABLELINKS(ID INTEGER NOT NULL PRIMARY KEY, "
    "SourceVariableId INTEGER, TargetVariableId INTEGER, "
    "CHECK (TargetVariableId != SourceVariableId), "
    "FOREIGN KEY(SourceVariableId) REFERENCES VARIABLES(ID) ON DELETE CASCADE, "
    "FOREIGN KEY(TargetVariableId) REFERENCES VARIABLES(ID) ON DELETE CASCADE)",
    f"CREATE TABLE IF NOT EXISTS REGEXES(Label TEXT PRIMARY KEY CHECK (LENGTH(Label) < 191), "
    f"{_colors()})",
    "CREATE TABLE IF NOT EXISTS CODERRELATIONS(ID INTEGER NOT NULL PRIMARY KEY, "
    "Coder INTEGER CHECK(Coder > 0), OtherCoder INTEGER CHECK(OtherCoder > 0), "
    + ", ".join(
        f"{name} INTEGER NOT NULL DEFAULT 1 CHECK({name} BETWEEN 0 AND 1)"
        for name in ("viewStatements", "editStatements", "viewDocuments", "editDocuments")
    )
    + ", CHECK (Coder != OtherCoder), "
    "FOREIGN KEY(Coder) REFERENCES CODERS(ID) ON DELETE CASCADE, "
    "FOREIGN KEY(OtherCoder) REFERENCES CODERS(ID) ON DELETE CASCADE)",
    "CREATE TABLE IF NOT EXISTS STATEMENTS(ID INTEGER NOT NULL PRIMARY KEY, "
    "StatementTypeId INTEGER, DocumentId INTEGER, Start INTEGER NOT NULL CHECK(Start >= 0), "
    "Stop INTEGER NOT NULL CHECK(Stop >= 0), Coder INTEGER, CHECK (Start < Stop), "
    "FOREIGN KEY(StatementTypeId) REFERENCES STATEMENTTYPES(ID) ON DELETE CASCADE, "
    "FOREIGN KEY(Coder) REFERENCES CODERS(ID) ON DELETE CASCADE, "
    "FOREIGN KEY(DocumentId) REFERENCES DOCUMENTS(ID) ON DELETE CASCADE)",
    *(
        f"CREATE TABLE IF NOT EXISTS {table}(ID INTEGER PRIMARY KEY NOT NULL, "
        f"StatementId INTEGER NOT NULL, VariableId INTEGER NOT NULL, {value}, "
        "FOREIGN KEY(StatementId) REFERENCES STATEMENTS(ID) ON DELETE CASCADE, "
        "FOREIGN KEY(VariableId) REFERENCES VARIABLES(ID) ON DELETE CASCADE, "
        "UNIQUE (StatementId, VariableId))"
        for table, value in (
            ("DATABOOLEAN", "Value INTEGER NOT NULL DEFAULT 1"),
            ("DATAINTEGER", "Value INTEGER NOT NULL DEFAULT 0"),
        )
    ),
    "CREATE TABLE IF NOT EXISTS ENTITIES(ID INTEGER PRIMARY KEY NOT NULL, "
    "VariableId INTEGER NOT NULL, Value TEXT NOT NULL DEFAULT '' CHECK (LENGTH(Value) < 191), "
    "Red INTEGER CHECK (Red BETWEEN 0 AND 255), Green INTEGER CHECK (Green BETWEEN 0 AND 255), "
    "Blue INTEGER CHECK (Blue BETWEEN 0 AND 255), ChildOf INTEGER CHECK(ChildOf > 0), "
    "UNIQUE (VariableId, Value), "
    "FOREIGN KEY(ChildOf) REFERENCES ENTITIES(ID) ON DELETE CASCADE, "
    "FOREIGN KEY(VariableId) REFERENCES VARIABLES(ID) ON DELETE CASCADE)",
    "CREATE TABLE IF NOT EXISTS DATASHORTTEXT(ID INTEGER PRIMARY KEY NOT NULL, "
    "StatementId INTEGER NOT NULL, VariableId INTEGER NOT NULL, Entity INTEGER NOT NULL, "
    "FOREIGN KEY(StatementId) REFERENCES STATEMENTS(ID) ON DELETE CASCADE, "
    "FOREIGN KEY(VariableId) REFERENCES VARIABLES(ID) ON DELETE CASCADE, "
    "FOREIGN KEY(Entity) REFERENCES ENTITIES(ID) ON DELETE CASCADE, "
    "UNIQUE (StatementId, VariableId))",
    "CREATE TABLE IF NOT EXISTS DATALONGTEXT(ID INTEGER PRIMARY KEY NOT NULL, "
    "StatementId INTEGER NOT NULL, VariableId INTEGER NOT NULL, Value TEXT DEFAULT '', "
    "FOREIGN KEY(StatementId) REFERENCES STATEMENTS(ID) ON DELETE CASCADE, "
    "FOREIGN KEY(VariableId) REFERENCES VARIABLES(ID) ON DELETE CASCADE, "
    "UNIQUE (StatementId, VariableId))",
    "CREATE TABLE IF NOT EXISTS ATTRIBUTEVARIABLES(ID INTEGER PRIMARY KEY NOT NULL, "
    "VariableId INTEGER NOT NULL, "
    "AttributeVariable TEXT NOT NULL CHECK (LENGTH(AttributeVariable) < 191), "
    "UNIQUE(VariableId, AttributeVariable), "
    "FOREIGN KEY(VariableId) REFERENCES VARIABLES(ID) ON DELETE CASCADE)",
    "CREATE TABLE IF NOT EXISTS ATTRIBUTEVALUES(ID INTEGER PRIMARY KEY NOT NULL, "
    "EntityId INTEGER NOT NULL, AttributeVariableId INTEGER NOT NULL, "
    "AttributeValue TEXT NOT NULL DEFAULT '' CHECK (LENGTH(AttributeValue) < 191), "
    "UNIQUE (EntityId, AttributeVariableId), "
    "FOREIGN KEY(EntityId) REFERENCES ENTITIES(ID) ON DELETE CASCADE, "
    "FOREIGN KEY(AttributeVariableId) REFERENCES ATTRIBUTEVARIABLES(ID) ON DELETE CASCADE)",
)
"""DNA 3.0's tables for SQLite, in the order DNA creates them."""

DEFAULTS: tuple[tuple[str, tuple[object, ...]], ...] = (
    ("INSERT INTO SETTINGS (Property, Value) VALUES (?, ?)", ("version", DNA_VERSION)),
    ("INSERT INTO SETTINGS (Property, Value) VALUES (?, ?)", ("date", DNA_DATE)),
    *(
        ("INSERT INTO STATEMENTTYPES (ID, Label, Red, Green, Blue) VALUES (?, ?, ?, ?, ?)", row)
        for row in (
            (1, "DNA Statement", 239, 208, 51),
            (2, "NPF Story Element", 100, 200, 190),
            (3, "Annotation", 211, 211, 211),
        )
    ),
    *(
        ("INSERT INTO VARIABLES (ID, Variable, DataType, StatementTypeId) VALUES (?, ?, ?, ?)", row)
        for row in (
            (1, "person", "short text", 1),
            (2, "organization", "short text", 1),
            (3, "concept", "short text", 1),
            (4, "agreement", "boolean", 1),
            (5, "narrator", "short text", 2),
            (6, "victim", "short text", 2),
            (7, "villain", "short text", 2),
            (8, "plot", "short text", 2),
            (9, "hero", "short text", 2),
            (10, "policy solution", "short text", 2),
            (11, "note", "long text", 3),
        )
    ),
    *(
        ("INSERT INTO ATTRIBUTEVARIABLES (VariableId, AttributeVariable) VALUES (?, ?)",
         (variable, attribute))
        for attribute in ("Type", "Alias", "Notes")
        for variable in (1, 2, 3)
    ),
)  # fmt: skip
"""What DNA writes into a new database, but its Admin coder (whose password the caller gives)."""

ITERATIONS = 100_000
"""SHA-256 rounds of jasypt's ``StrongPasswordEncryptor``."""

SALT_BYTES = 16


def _digest(salt: bytes, password: str) -> bytes:
    # jasypt normalises the message to Unicode NFC and encodes it as UTF-8.
    digest = hashlib.sha256(salt + unicodedata.normalize("NFC", password).encode()).digest()
    for _ in range(ITERATIONS - 1):
        digest = hashlib.sha256(digest).digest()
    return digest


def hash_password(password: str, salt: bytes | None = None) -> str:
    """The password as DNA stores it: base64 of a random 16-byte salt and its digest."""
    salt = secrets.token_bytes(SALT_BYTES) if salt is None else salt
    return base64.b64encode(salt + _digest(salt, password)).decode("ascii")


def check_password(password: str, stored: str) -> bool:
    """Whether ``password`` is the one DNA stored as ``stored`` (as DNA's log-in checks it)."""
    try:
        raw = base64.b64decode(stored, validate=True)
    except ValueError:
        return False
    salt, digest = raw[:SALT_BYTES], raw[SALT_BYTES:]
    return len(digest) == 32 and hmac.compare_digest(_digest(salt, password), digest)
