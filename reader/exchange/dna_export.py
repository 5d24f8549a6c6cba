"""``nkreader export --format dna``: the codes as a DNA 3.0 project that DNA and rDNA open.

Each article becomes a DNA document (title, text, author, outlet as DNA's source, date as DNA
keeps it: seconds since 1970 of the date and time as written), each annotator a coder (coder 1,
DNA's administrator, is ``Admin`` unless a coder has that name), and each code a statement of
DNA's default type, "DNA Statement", over the code's own span (or its sentence's), with:

- ``person``: the speaker; with no speaker, the actor itself when it is a person (its parent,
  if any, then being the ``organization``);
- ``organization``: the actor (unless it went to ``person``);
- ``concept``: the target (empty without one);
- ``agreement``: 1 for a stance scored above 0 (support), 0 for one scored below (oppose).

A neutral code (a stance scored 0) has no place in DNA's yes/no agreement: it is a statement
of a second type, "DNA Statement (neutral)", with the same variables and an integer agreement
(-1, 0, 1: 0 here), which DNA's exporter reads as a qualifier. Notes are not carried over.

DNA counts offsets in UTF-16 code units (Java's strings), Python in code points: offsets are
converted for text outside the Basic Multilingual Plane. DNA refuses names, titles and values
longer than 190 characters; longer ones are cut and counted (``DnaExport.cut``).

The project is built in memory and written whole (``reader.exchange.output_files``), never over
the database. The DNA file is another application's database, so its rows are written here
with SQL; nkreader's own rows are read through the Store.
"""

from __future__ import annotations

import json
import secrets
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, time
from pathlib import Path

from reader.exchange.dna_schema import DEFAULTS, MAX_TEXT, TABLES, hash_password
from reader.exchange.exporting import ExportError
from reader.exchange.output_files import OutputError, check_output, written_whole
from reader.models import Actor, Annotation, Article, Stance
from reader.store import Store
from reader.text.dates import parse_published
from reader.text.utf16 import Utf16Offsets

__all__ = ["NEUTRAL_TYPE", "DnaExport", "export_dna"]

STATEMENT_TYPE = 1
"""DNA's default statement type, "DNA Statement": person, organization, concept, agreement."""

NEUTRAL_TYPE = 4
"""The statement type of neutral codes, after DNA's three defaults."""

NEUTRAL_LABEL = "DNA Statement (neutral)"

VARIABLES = {STATEMENT_TYPE: (1, 2, 3, 4), NEUTRAL_TYPE: (12, 13, 14, 15)}
"""Each type's person, organization, concept and agreement variable ids."""

ADMIN = "Admin"
"""The name of coder 1, DNA's administrator, unless one of the annotators is so named."""

COLORS = (
    (51, 153, 255), (255, 102, 102), (102, 204, 0), (255, 153, 0), (153, 102, 255),
    (0, 204, 204), (255, 51, 153), (153, 153, 0),
)  # fmt: skip
"""Coders' colours in DNA, in turn."""

ATTRIBUTES = ("Type", "Alias", "Notes")


@dataclass
class DnaExport:
    """What an export to DNA wrote, and what the user should know about it."""

    path: Path
    documents: int = 0
    statements: int = 0
    neutral: int = 0
    """Statements written as "DNA Statement (neutral)"."""
    coders: list[str] = field(default_factory=list)
    """Every coder in DNA's order (coder 1 first)."""
    password: str | None = None
    """The password every coder was given, when nkreader made it up (shown once)."""
    cut: int = 0
    """Names, titles and values cut to DNA's 190 characters."""
    undated: list[str] = field(default_factory=list)
    """Titles of articles whose published date could not be read (dated 1970-01-01)."""

    def summary(self) -> str:
        neutral = f" ({self.neutral} neutral)" if self.neutral else ""
        return (
            f"{self.path}: {self.documents} document{'s' * (self.documents != 1)},"
            f" {self.statements} statement{'s' * (self.statements != 1)}{neutral},"
            f" {len(self.coders)} coder{'s' * (len(self.coders) != 1)}"
            f" ({', '.join(self.coders)}) written as a DNA 3.0 project"
        )

    def warnings(self) -> list[str]:
        lines = []
        if self.cut:
            lines.append(
                f"{self.cut} name{'s' * (self.cut != 1)}, title{'s' * (self.cut != 1)} or"
                f" value{'s' * (self.cut != 1)} longer than DNA's {MAX_TEXT} characters"
                " were cut"
            )
        if self.undated:
            count = len(self.undated)
            lines.append(
                f"{count} article{'s' * (count != 1)} without a published date nkreader can read"
                f" (the first: {self.undated[0]!r}) dated 1970-01-01 in DNA"
            )
        return lines


def epoch_seconds(published: str | None, day_first: bool = False) -> int | None:
    """The article's date as DNA keeps it: seconds since 1970-01-01 of the date and time as
    written (DNA reads them back as UTC, so the clock shows what the source said); None when
    the date cannot be read. An ISO date and time keeps its seconds (a date read from DNA comes
    back as it was); other forms are read by ``reader.text.dates``, to the minute."""
    try:
        exact = datetime.fromisoformat((published or "").strip())
    except ValueError:
        pass
    else:
        return int((exact.replace(tzinfo=None) - datetime(1970, 1, 1)).total_seconds())
    read = parse_published(published or "", day_first=day_first)
    if read.date is None:
        return None
    clock = time(int(read.time[:2]), int(read.time[3:5])) if read.time else time()
    moment = datetime.combine(read.date, clock)
    return int((moment - datetime(1970, 1, 1)).total_seconds())


class _Writer:
    """The rows of one DNA project, written into an in-memory database."""

    def __init__(self, report: DnaExport) -> None:
        self.db = sqlite3.connect(":memory:", isolation_level=None)
        self.db.execute("PRAGMA foreign_keys = ON")
        self.report = report
        self.entities: dict[tuple[int, str], int] = {}
        self.attributes: dict[tuple[int, str], int] = {}
        self.db.execute("BEGIN")
        for sql in TABLES:
            self.db.execute(sql)
        for sql, values in DEFAULTS:
            self.db.execute(sql, values)
        self.db.execute(
            "INSERT INTO STATEMENTTYPES (ID, Label, Red, Green, Blue) VALUES (?, ?, ?, ?, ?)",
            [NEUTRAL_TYPE, NEUTRAL_LABEL, 200, 200, 200],
        )
        for variable, name in zip(
            VARIABLES[NEUTRAL_TYPE], ("person", "organization", "concept"), strict=False
        ):
            self.db.execute(
                "INSERT INTO VARIABLES (ID, Variable, DataType, StatementTypeId)"
                " VALUES (?, ?, 'short text', ?)",
                [variable, name, NEUTRAL_TYPE],
            )
            for attribute in ATTRIBUTES:
                self.db.execute(
                    "INSERT INTO ATTRIBUTEVARIABLES (VariableId, AttributeVariable) VALUES (?, ?)",
                    [variable, attribute],
                )
        self.db.execute(
            "INSERT INTO VARIABLES (ID, Variable, DataType, StatementTypeId)"
            " VALUES (?, 'agreement', 'integer', ?)",
            [VARIABLES[NEUTRAL_TYPE][3], NEUTRAL_TYPE],
        )
        self.attributes = {
            (int(v), str(a)): int(i)
            for v, a, i in self.db.execute(
                "SELECT VariableId, AttributeVariable, ID FROM ATTRIBUTEVARIABLES"
            )
        }
        for kind in VARIABLES.values():  # DNA gives each short-text variable an empty entity
            for variable in kind[:3]:
                self.entity(variable, "")

    def short(self, value: str) -> str:
        """``value`` within DNA's limit, counting what is cut."""
        if len(value) <= MAX_TEXT:
            return value
        self.report.cut += 1
        return value[:MAX_TEXT]

    def coders(self, names: list[str], password: str) -> dict[str, int]:
        """Coder 1 (the administrator) and one coder per annotator, all with the password; every
        coder may see and edit every other's work, as DNA sets new coders up."""
        ids: dict[str, int] = {}
        ordered = [ADMIN, *(n for n in names if n != ADMIN)]
        for number, name in enumerate(ordered, start=1):
            color = (255, 255, 0) if number == 1 else COLORS[(number - 2) % len(COLORS)]
            self.db.execute(
                "INSERT INTO CODERS (ID, Name, Red, Green, Blue, Password)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                [number, self.short(name), *color, hash_password(password)],
            )
            ids[name] = number
        for coder in range(1, len(ordered) + 1):
            for other in range(1, len(ordered) + 1):
                if coder != other:
                    self.db.execute(
                        "INSERT INTO CODERRELATIONS (Coder, OtherCoder) VALUES (?, ?)",
                        [coder, other],
                    )
        self.report.coders = ordered
        return ids

    def document(self, article: Article, when: int) -> int:
        extra = _metadata(article.metadata)
        cursor = self.db.execute(
            "INSERT INTO DOCUMENTS (Title, Text, Coder, Author, Source, Section, Notes, Type, Date)"
            " VALUES (?, ?, 1, ?, ?, ?, ?, ?, ?)",
            [self.short(article.title), article.text, self.short(extra.get("author", "")),
             self.short(article.outlet or ""), self.short(extra.get("section", "")),
             extra.get("notes", ""), self.short(extra.get("type", "")), when],
        )  # fmt: skip
        self.report.documents += 1
        return int(cursor.lastrowid or 0)

    def entity(self, variable: int, value: str, attributes: dict[str, str] | None = None) -> int:
        """The entity of this value of the variable, made (with its attributes) on first use."""
        value = self.short(value)
        found = self.entities.get((variable, value))
        if found is not None:
            return found
        cursor = self.db.execute(
            "INSERT INTO ENTITIES (VariableId, Value, Red, Green, Blue) VALUES (?, ?, 0, 0, 0)",
            [variable, value],
        )
        entity = int(cursor.lastrowid or 0)
        self.entities[(variable, value)] = entity
        for attribute in ATTRIBUTES:
            attribute_id = self.attributes.get((variable, attribute))
            if attribute_id is not None:
                self.db.execute(
                    "INSERT INTO ATTRIBUTEVALUES (EntityId, AttributeVariableId, AttributeValue)"
                    " VALUES (?, ?, ?)",
                    [entity, attribute_id, self.short((attributes or {}).get(attribute, ""))],
                )
        return entity

    def statement(
        self,
        document: int,
        span: tuple[int, int],
        coder: int,
        kind: int,
        values: tuple[tuple[str, dict[str, str]], ...],
        agreement: int,
    ) -> None:
        cursor = self.db.execute(
            "INSERT INTO STATEMENTS (StatementTypeId, DocumentId, Start, Stop, Coder)"
            " VALUES (?, ?, ?, ?, ?)",
            [kind, document, span[0], span[1], coder],
        )
        statement = int(cursor.lastrowid or 0)
        person, organization, concept, agree = VARIABLES[kind]
        for variable, (value, attributes) in zip(
            (person, organization, concept), values, strict=True
        ):
            self.db.execute(
                "INSERT INTO DATASHORTTEXT (StatementId, VariableId, Entity) VALUES (?, ?, ?)",
                [statement, variable, self.entity(variable, value, attributes)],
            )
        table = "DATABOOLEAN" if kind == STATEMENT_TYPE else "DATAINTEGER"
        self.db.execute(
            f"INSERT INTO {table} (StatementId, VariableId, Value) VALUES (?, ?, ?)",
            [statement, agree, agreement],
        )
        self.report.statements += 1
        self.report.neutral += kind == NEUTRAL_TYPE

    def finish(self) -> bytes:
        self.db.execute("COMMIT")
        problems = self.db.execute("PRAGMA foreign_key_check").fetchall()
        assert not problems, problems
        data = self.db.serialize()
        self.db.close()
        return data


def _metadata(metadata: str | None) -> dict[str, str]:
    """An article's extra fields as strings (those a DNA document has, when it came from one)."""
    try:
        found = json.loads(metadata or "{}")
    except ValueError:
        return {}
    if not isinstance(found, dict):
        return {}
    return {str(k).lower(): str(v) for k, v in found.items() if isinstance(v, str | int | float)}


def _attributes(actor: Actor | None) -> dict[str, str]:
    if actor is None:
        return {}
    return {"Type": actor.kind, "Alias": "; ".join(actor.aliases), "Notes": actor.description}


def dna_values(
    code: Annotation, actors: dict[int, Actor]
) -> tuple[tuple[Actor | None, Actor | None], str]:
    """(person, organization) of a code as DNA reads them, and why (for tests and docs)."""
    actor = actors.get(code.actor_id)
    if code.speaker_id is not None:
        return (actors.get(code.speaker_id), actor), "speaker"
    if actor is not None and actor.kind == "person":
        parent = actors.get(actor.parent_id) if actor.parent_id is not None else None
        return (actor, parent), "person"
    return (None, actor), "actor"


def agreement(stance: Stance | None) -> tuple[int, int]:
    """(statement type, agreement) of a stance: by its score's sign."""
    score = stance.score if stance is not None else 0
    if score > 0:
        return STATEMENT_TYPE, 1
    if score < 0:
        return STATEMENT_TYPE, 0
    return NEUTRAL_TYPE, 0


def _codes(
    store: Store, annotator: str | None, article_id: int | None
) -> Iterator[tuple[Article, list[tuple[Annotation, tuple[int, int]]]]]:
    """Each article chosen, with its codes (of ``annotator``, if given) and their spans."""
    ids = store.article_ids() if article_id is None else [article_id]
    for each in ids:
        article = store.article(each)
        if article is None:
            continue
        sentences = {s.id: (s.start, s.end) for s in store.sentences(each)}
        codes = [
            (code, (code.start, code.end) if code.start is not None and code.end is not None
             else sentences[code.sentence_id])
            for code in store.annotations_for_article(each)
            if annotator is None or code.annotator == annotator
        ]  # fmt: skip
        yield article, codes


def export_dna(
    store: Store,
    path: Path,
    *,
    password: str | None = None,
    force: bool = False,
    annotator: str | None = None,
    article_id: int | None = None,
    day_first: bool | None = None,
) -> DnaExport:
    """Write the codes (of ``annotator``, of ``article_id``: all when None) as a DNA 3.0 project
    at ``path``, every coder with ``password`` (made up and returned when None)."""
    try:
        output = check_output(Path(path), force=force, protected=store.database_files())
    except OutputError as error:
        raise ExportError(str(error)) from None
    report = DnaExport(Path(path))
    if password is None:
        password = report.password = secrets.token_urlsafe(12)
    if not password:
        raise ExportError("--password: give a password DNA's coders can log in with")
    first = store.day_first if day_first is None else day_first
    codebook = store.codebook()
    actors = {a.id: a for a in codebook.actors}
    stances = {s.id: s for s in codebook.stances}
    targets = {t.id: t for t in codebook.targets}
    writer = _Writer(report)
    chosen = list(_codes(store, annotator, article_id))
    names = sorted({code.annotator for _, codes in chosen for code, _ in codes})
    coders = writer.coders(names, password)
    for article, codes in chosen:
        when = epoch_seconds(article.published, first)
        if when is None:
            report.undated.append(article.title)
        document = writer.document(article, when or 0)
        offsets = Utf16Offsets(article.text)
        for code, (start, end) in codes:
            (person, organization), _ = dna_values(code, actors)
            target = targets.get(code.target_id) if code.target_id is not None else None
            kind, agree = agreement(stances.get(code.stance_id))
            values = (
                (person.name if person else "", _attributes(person)),
                (organization.name if organization else "", _attributes(organization)),
                (target.name if target else "", {"Notes": target.description} if target else {}),
            )
            span = (offsets.to_units(start), offsets.to_units(end))
            writer.statement(document, span, coders[code.annotator], kind, values, agree)
    data = writer.finish()
    try:
        with written_whole(output, "the DNA project", "export") as out:
            out.write(data)
    except OutputError as error:
        raise ExportError(str(error)) from None
    return report
