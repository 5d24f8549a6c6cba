"""DNA projects in and out: a DNA 3.0 file nkreader writes is laid out as DNA's own (tables,
defaults, passwords DNA's log-in accepts), and one DNA wrote is read whole, offsets converted
from UTF-16, or refused with one line and nothing written.

The DNA files here are built by the tests themselves, with nkreader's copy of DNA's layout and
rows written by hand, as DNA writes them."""

from __future__ import annotations

import sqlite3
from collections import Counter
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from click.testing import CliRunner

from reader.cli import cli
from reader.db import open_database
from reader.exchange.codebook_file import load_default_codebook
from reader.exchange.dna_export import export_dna
from reader.exchange.dna_import import DnaError, import_dna, is_dna
from reader.exchange.dna_schema import DEFAULTS, TABLES, check_password, hash_password
from reader.exchange.importing import import_paths
from reader.store import Store
from tests.helpers import dump

JASYPT = {
    "nkreader": "GMANW1Wu/+Tb4bGN5meXxWxN5tQhOMjM0NzwACPEcUUI48N+7iafqr46w65KlVxL",
    "Grüße aus Pjöngjang": "F0BfqS77/gDu+gaZrrEDMftZzcAoIvRGfWTxKoIcfMe7rgr1bsLwvouo8z5FWc73",
}
"""Passwords and their hashes as jasypt 1.9.3's ``StrongPasswordEncryptor`` (the library DNA
logs coders in with) made them, run by hand once."""

ROCKET = "\N{ROCKET}"
"""A character outside the Basic Multilingual Plane: two UTF-16 code units, one code point."""

FIRST = (
    f"\nThe {ROCKET} launch was condemned. Japan's minister Taro Aso said Japan opposes the"
    " test. Kenji Mori agreed.\n"
)
SECOND = "Kyodo reports that talks resume.\n\nNothing else was said."


def units(text: str, index: int) -> int:
    """The UTF-16 offset of a code-point offset, as Java counts it."""
    return len(text[:index].encode("utf-16-le")) // 2


def span(text: str, part: str) -> tuple[int, int]:
    """``part``'s UTF-16 span in ``text``."""
    start = text.index(part)
    return units(text, start), units(text, start + len(part))


@dataclass
class Project:
    """A DNA 3 project written row by row, as DNA writes them."""

    path: Path
    version: str = "3.0.7"
    coders: dict[int, str] = field(default_factory=lambda: {1: "Admin", 2: "alice", 3: "bob"})

    def __post_init__(self) -> None:
        with closing(sqlite3.connect(self.path)) as conn, conn:
            for sql in TABLES:
                conn.execute(sql)
            for sql, values in DEFAULTS:
                conn.execute(sql, values)
            conn.execute("UPDATE SETTINGS SET Value = ? WHERE Property = 'version'", [self.version])
            for coder, name in self.coders.items():
                conn.execute(
                    "INSERT INTO CODERS (ID, Name, Password) VALUES (?, ?, ?)",
                    [coder, name, hash_password("nkreader", bytes(16))],
                )
            # a statement type of the user's own, with an integer agreement
            conn.execute("INSERT INTO STATEMENTTYPES (ID, Label) VALUES (5, 'Scaled')")
            for variable, name, kind in ((21, "person", "short text"),
                                         (22, "organization", "short text"),
                                         (23, "concept", "short text"),
                                         (24, "agreement", "integer")):  # fmt: skip
                conn.execute(
                    "INSERT INTO VARIABLES (ID, Variable, DataType, StatementTypeId)"
                    " VALUES (?, ?, ?, 5)",
                    [variable, name, kind],
                )

    def document(self, text: str, title: str = "", date: int = 0, **extra: str) -> int:
        with closing(sqlite3.connect(self.path)) as conn, conn:
            cursor = conn.execute(
                "INSERT INTO DOCUMENTS (Title, Text, Coder, Author, Source, Date)"
                " VALUES (?, ?, 1, ?, ?, ?)",
                [title, text, extra.get("author", ""), extra.get("source", ""), date],
            )
            return int(cursor.lastrowid or 0)

    def statement(
        self, document: int, where: tuple[int, int], coder: int, kind: int = 1, **values: object
    ) -> int:
        """A statement of type ``kind`` with its values, entities made as DNA makes them."""
        with closing(sqlite3.connect(self.path)) as conn, conn:
            cursor = conn.execute(
                "INSERT INTO STATEMENTS (StatementTypeId, DocumentId, Start, Stop, Coder)"
                " VALUES (?, ?, ?, ?, ?)",
                [kind, document, where[0], where[1], coder],
            )
            statement = int(cursor.lastrowid or 0)
            variables = {
                name: (int(i), str(data))
                for i, name, data in conn.execute(
                    "SELECT ID, Variable, DataType FROM VARIABLES WHERE StatementTypeId = ?",
                    [kind],
                )
            }
            for name, (variable, data) in variables.items():
                value = values.get(name, "" if data == "short text" else 1)
                if data == "short text":
                    conn.execute(
                        "INSERT OR IGNORE INTO ENTITIES (VariableId, Value) VALUES (?, ?)",
                        [variable, value],
                    )
                    (entity,) = conn.execute(
                        "SELECT ID FROM ENTITIES WHERE VariableId = ? AND Value = ?",
                        [variable, value],
                    ).fetchone()
                    conn.execute(
                        "INSERT INTO DATASHORTTEXT (StatementId, VariableId, Entity)"
                        " VALUES (?, ?, ?)",
                        [statement, variable, entity],
                    )
                else:
                    table = {"boolean": "DATABOOLEAN", "integer": "DATAINTEGER",
                             "long text": "DATALONGTEXT"}[data]  # fmt: skip
                    conn.execute(
                        f"INSERT INTO {table} (StatementId, VariableId, Value) VALUES (?, ?, ?)",
                        [statement, variable, value],
                    )
            return statement


MARCH_9 = 1709978400
"""2024-03-09 10:00:00 as DNA keeps it (seconds since 1970, read back as UTC)."""


@pytest.fixture
def project(tmp_path: Path) -> Project:
    """Two documents, one with a rocket before its statements, and statements of every kind."""
    made = Project(tmp_path / "study.dna")
    first = made.document(FIRST, "Launch condemned", MARCH_9, author="Desk", source="Kyodo")
    second = made.document(SECOND, "Talks")
    said = "Japan's minister Taro Aso said Japan opposes the test."
    values = {"person": "Taro Aso", "organization": "Japan", "concept": "Missile tests",
              "agreement": 0}  # fmt: skip
    made.statement(first, span(FIRST, said), 2, **values)
    made.statement(first, span(FIRST, "Japan opposes the test"), 2, **values)
    made.statement(first, span(FIRST, "Kenji Mori agreed."), 3, person="Kenji Mori",
                   concept="Missile tests", agreement=1)  # fmt: skip
    made.statement(first, span(FIRST, "launch"), 2, kind=3, note="check this")
    made.statement(second, span(SECOND, "talks resume"), 3, kind=5, organization="Kyodo",
                   concept="Six-party talks", agreement=0)  # fmt: skip
    return made


@pytest.fixture
def fresh(tmp_path: Path) -> Store:
    store = Store(open_database(tmp_path / "fresh.db"), "tester")
    load_default_codebook(store)
    return store


def test_passwords_are_hashed_as_dnas_log_in_checks_them() -> None:
    """Hashes jasypt made are accepted, and nkreader's hashes check the same way (salt, 100,000
    rounds of SHA-256, base64), a wrong password refused."""
    for password, stored in JASYPT.items():
        assert check_password(password, stored)
        assert not check_password(password + "!", stored)
    made = hash_password("Grüße aus Pjöngjang")
    assert len(made) == 64 and made != hash_password("Grüße aus Pjöngjang")
    assert check_password("Grüße aus Pjöngjang", made)


def test_a_dna_project_is_imported_whole(project: Project, fresh: Store) -> None:
    """Documents become articles with DNA's text exactly (its leading line break too), title,
    date, outlet and author; each DNA Statement one code on the sentence where it starts, with
    its own span converted past the rocket; organization the actor, person the speaker (or the
    actor, without an organization); coders the annotators; the Annotation type skipped."""
    report = import_dna(fresh, project.path)
    assert report.documents_added == 2
    assert report.skipped == (
        "1 statement of type 'Annotation' skipped (only DNA Statements are read)",
    )
    assert dict(report.placement.codes_added) == {"alice": 2, "bob": 2}
    first, second = (fresh.article(i) for i in fresh.article_ids())
    assert first is not None and second is not None
    assert (first.text, first.title, first.published, first.outlet) == (
        FIRST, "Launch condemned", "2024-03-09T10:00:00", "Kyodo",
    )  # fmt: skip
    assert '"author": "Desk"' in (first.metadata or "")
    assert (second.text, second.published) == (SECOND, "1970-01-01")
    actors = {a.id: a for a in fresh.actors()}
    names = {a.name: a for a in actors.values()}
    stances = {s.id: s.key for s in fresh.stances()}
    targets = {t.id: t.name for t in fresh.targets()}
    codes = sorted(
        fresh.annotations_for_article(first.id) + fresh.annotations_for_article(second.id),
        key=lambda a: a.id,
    )
    texts = {s.id: first.text for s in fresh.sentences(first.id)}
    texts.update({s.id: second.text for s in fresh.sentences(second.id)})
    found = []
    for a in codes:
        assert a.start is not None and a.end is not None
        speaker = actors[a.speaker_id].name if a.speaker_id else None
        found.append((texts[a.sentence_id][a.start : a.end], actors[a.actor_id].name, speaker,
                      stances[a.stance_id], targets.get(a.target_id), a.annotator))  # fmt: skip
    assert found == [
        ("Japan's minister Taro Aso said Japan opposes the test.", "Japan", "Taro Aso", "oppose",
         "Missile tests", "alice"),
        ("Japan opposes the test", "Japan", "Taro Aso", "oppose", "Missile tests", "alice"),
        ("Kenji Mori agreed.", "Kenji Mori", None, "support", "Missile tests", "bob"),
        ("talks resume", "Kyodo", None, "neutral", "Six-party talks", "bob"),
    ]  # fmt: skip
    assert len({a.sentence_id for a in codes[:2]}) == 1  # two spans, one sentence
    assert names["Taro Aso"].kind == "person" and names["Kyodo"].kind == "organization"
    sentence = fresh.sentence(codes[0].sentence_id)
    assert sentence is not None and sentence.text.startswith("Japan's minister")


def test_importing_the_same_project_again_adds_nothing(project: Project, fresh: Store) -> None:
    """The second import finds every document and statement here already."""
    import_dna(fresh, project.path)
    before = dump(fresh, ["articles", "sentences", "annotations", "actors", "targets"])
    again = import_dna(fresh, project.path)
    assert again.documents_added == 0 and again.placement.present == 4
    assert dump(fresh, ["articles", "sentences", "annotations", "actors", "targets"]) == before


def read_statements(path: Path) -> tuple[Counter[tuple[object, ...]], list[tuple[object, ...]]]:
    """Every statement of a DNA file as (document title, type, start, stop, coder, person,
    organization, concept, agreement), and the documents' rows."""
    with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as conn:
        values: dict[int, dict[str, object]] = {}
        for statement, variable, value in conn.execute(
            "SELECT d.StatementId, v.Variable, e.Value FROM DATASHORTTEXT d"
            " JOIN VARIABLES v ON v.ID = d.VariableId JOIN ENTITIES e ON e.ID = d.Entity"
            " UNION ALL SELECT StatementId, 'agreement', Value FROM DATABOOLEAN"
            " UNION ALL SELECT StatementId, 'agreement', Value FROM DATAINTEGER"
        ):
            values.setdefault(statement, {})[variable] = value
        found: Counter[tuple[object, ...]] = Counter()
        for statement, title, label, start, stop, coder in conn.execute(
            "SELECT s.ID, d.Title, t.Label, Start, Stop, c.Name FROM STATEMENTS s"
            " JOIN DOCUMENTS d ON d.ID = s.DocumentId JOIN STATEMENTTYPES t"
            " ON t.ID = s.StatementTypeId JOIN CODERS c ON c.ID = s.Coder"
        ):
            got = values.get(statement, {})
            found[(title, label, start, stop, coder, got.get("person"), got.get("organization"),
                   got.get("concept"), got.get("agreement"))] += 1  # fmt: skip
        documents = conn.execute(
            "SELECT Title, Text, Author, Source, Date FROM DOCUMENTS ORDER BY ID"
        ).fetchall()
    return found, documents


def test_a_project_exported_back_keeps_its_statements(
    project: Project, fresh: Store, tmp_path: Path
) -> None:
    """Imported and written back as DNA: the same documents (title, text, author, source,
    date) and the same DNA Statements (offsets, values, coders); the neutral one as a statement
    of nkreader's neutral type; DNA's log-in accepts the password."""
    import_dna(fresh, project.path)
    out = tmp_path / "back.dna"
    report = export_dna(fresh, out, password="Grüße aus Pjöngjang")
    assert report.password is None and report.coders == ["Admin", "alice", "bob"]
    theirs, their_documents = read_statements(project.path)
    ours, our_documents = read_statements(out)
    assert our_documents == their_documents
    kept = Counter({k: n for k, n in theirs.items() if k[1] == "DNA Statement"})
    assert Counter({k: n for k, n in ours.items() if k[1] == "DNA Statement"}) == kept
    assert [k[1:] for k in ours if k[1] != "DNA Statement"] == [
        ("DNA Statement (neutral)", *span(SECOND, "talks resume"), "bob", "", "Kyodo",
         "Six-party talks", 0),
    ]  # fmt: skip
    with closing(sqlite3.connect(out)) as conn:
        assert (
            conn.execute("SELECT Value FROM SETTINGS WHERE Property = 'version'")
            .fetchone()[0]
            .startswith("3.0")
        )
        for (stored,) in conn.execute("SELECT Password FROM CODERS"):
            assert check_password("Grüße aus Pjöngjang", stored)
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        relations = conn.execute("SELECT count(*) FROM CODERRELATIONS").fetchone()[0]
        assert relations == 3 * 2  # every coder to every other, both ways


def test_codes_become_dna_statements_by_the_documented_rules(store: Store, tmp_path: Path) -> None:
    """speaker -> person and actor -> organization; a person actor without a speaker ->
    person, its parent -> organization; other actors -> organization; support 1, oppose 0,
    neutral in the second type; offsets in UTF-16 past an emoji; a 200-letter name cut to 190
    and counted; the date as seconds; the password made up and returned once."""
    story = tmp_path / "story.txt"
    story.write_text(
        f"Rocket {ROCKET} day\n\nOn 9 March Japan condemned the launch. Hong Lei said China"
        " urged calm. Yang Jiechi called for talks.\n",
        encoding="utf-8",
    )
    import_paths(store, [story])
    article_id = store.article_ids()[-1]
    store.conn.execute(
        "UPDATE articles SET published = '2024-03-09T10:00:00Z', outlet = 'Kyodo' WHERE id = ?",
        [article_id],
    )
    sentences = store.sentences(article_id)
    actors = {a.name: a for a in store.actors()}
    support, oppose, neutral = store.stances()[:3]
    long_name = store.add_actor("X" * 200, "organization", (), None)
    condemned, calm, talks = sentences[1], sentences[2], sentences[3]
    store.add_annotation(condemned.id, actors["Japan"].id, oppose.id,
                         speaker_id=actors["Junichiro Koizumi"].id)  # fmt: skip
    bob = Store(store.conn, "bob")
    bob.add_annotation(calm.id, actors["Hong Lei"].id, support.id)
    bob.add_annotation(talks.id, long_name.id, neutral.id, store.targets()[0].id)
    out = tmp_path / "study.dna"
    report = export_dna(store, out, article_id=article_id)
    assert report.password and report.cut == 1 and report.documents == 1
    hong = actors["Hong Lei"]
    parent = next(a for a in store.actors() if a.id == hong.parent_id)
    article = store.article(article_id)
    assert article is not None
    text = article.text

    def where(sentence_text: str) -> tuple[int, int]:
        return span(text, sentence_text)

    found, documents = read_statements(out)
    assert set(found) == {
        (article.title, "DNA Statement", *where(condemned.text), "tester", "Junichiro Koizumi",
         "Japan", "", 0),
        (article.title, "DNA Statement", *where(calm.text), "bob", "Hong Lei", parent.name, "",
         1),
        (article.title, "DNA Statement (neutral)", *where(talks.text), "bob", "", "X" * 190,
         store.targets()[0].name, 0),
    }  # fmt: skip
    assert where(condemned.text)[0] == text.index(condemned.text) + 1  # the rocket counts twice
    [(_, body, _, source, date)] = documents
    assert (body, source, date) == (text, "Kyodo", MARCH_9)
    encoded = body.encode("utf-16-le")
    start, stop = where(talks.text)
    assert encoded[2 * start : 2 * stop].decode("utf-16-le") == talks.text  # as Java cuts it
    with closing(sqlite3.connect(out)) as conn:
        names = [name for (name,) in conn.execute("SELECT Name FROM CODERS ORDER BY ID")]
        (stored,) = conn.execute("SELECT Password FROM CODERS WHERE ID = 1").fetchone()
    assert names == ["Admin", "bob", "tester"]
    assert check_password(report.password, stored)


def test_bad_projects_are_refused_in_one_line_and_nothing_is_written(
    project: Project, fresh: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A DNA 2 file, a file that is not SQLite, another SQLite database, a span past the end
    of its document and a missing table: each one line naming the file; the database as it
    was."""
    monkeypatch.chdir(tmp_path)
    before = dump(fresh)
    old = Project(tmp_path / "old.dna", version="2.0 beta 25")
    with pytest.raises(DnaError, match=r"^old\.dna: a DNA 2 project \(version 2\.0 beta 25\)"):
        import_dna(fresh, old.path)
    text = tmp_path / "gattaca.dna"
    text.write_text("GATTACA\n")
    with pytest.raises(DnaError, match=r"^gattaca\.dna: not a DNA project \(not an SQLite"):
        import_dna(fresh, text)
    other = tmp_path / "other.dna"
    with closing(sqlite3.connect(other)) as conn:
        conn.execute("CREATE TABLE t (x)")
    with pytest.raises(DnaError, match=r"without DNA's SETTINGS table"):
        import_dna(fresh, other)
    project.statement(1, (5, 5000), 2, organization="Japan")
    with pytest.raises(DnaError, match=r"span 5-5000 lies outside document 1 .*nothing imported$"):
        import_dna(fresh, project.path)
    with closing(sqlite3.connect(project.path)) as conn:
        conn.execute("DROP TABLE DATAINTEGER")
    with pytest.raises(DnaError, match=r"without its DATAINTEGER table; nothing imported$"):
        import_dna(fresh, project.path)
    assert dump(fresh) == before


def test_a_dna_project_is_known_by_what_it_holds(project: Project, tmp_path: Path) -> None:
    """A DNA project under another name is still one; an nkreader database (whose settings
    table is no DNA SETTINGS) and a CSV are not."""
    renamed = tmp_path / "project.sqlite"
    project.path.rename(renamed)
    assert is_dna(renamed)
    nkreader = tmp_path / "nk.db"
    open_database(nkreader).conn.close()
    assert not is_dna(nkreader)
    csv = tmp_path / "codes.csv"
    csv.write_text("a,b\n")
    assert not is_dna(csv)


def test_the_commands_import_and_export_dna(project: Project, tmp_path: Path) -> None:
    """nkreader import study.dna, then export --format dna: the password is printed once; a
    DNA export needs a file; --password belongs to DNA."""
    runner = CliRunner()
    db = str(tmp_path / "study.db")
    result = runner.invoke(cli, ["--db", db, "import", str(project.path)])
    assert result.exit_code == 0, result.output
    assert "2 documents added; 4 statements (alice 2, bob 2)" in result.stderr
    assert "skipped: 1 statement of type 'Annotation'" in result.stderr
    out = tmp_path / "out.dna"
    made = runner.invoke(cli, ["--db", db, "export", "-o", str(out)])
    assert made.exit_code == 0, made.output
    assert made.stdout == ""
    line = next(x for x in made.stderr.splitlines() if x.startswith("password of every coder"))
    password = line.split(": ", 1)[1].split()[0]
    with closing(sqlite3.connect(out)) as conn:
        (stored,) = conn.execute("SELECT Password FROM CODERS WHERE ID = 1").fetchone()
    assert check_password(password, stored)
    again = runner.invoke(cli, ["--db", db, "export", "--format", "dna", "--password", "x"])
    assert again.exit_code == 2 and "a DNA project is a file" in again.stderr
    wrong = runner.invoke(cli, ["--db", db, "export", "--password", "x"])
    assert wrong.exit_code == 2 and "--password is for --format dna" in wrong.stderr
    final = runner.invoke(cli, ["--db", db, "export", "-o", str(out), "--final"])
    assert final.exit_code == 2 and "--final has no DNA form" in final.stderr
    refused = runner.invoke(cli, ["--db", db, "export", "-o", str(out), "--password", "x"])
    assert refused.exit_code == 1 and "exists; pass --force" in refused.stderr


def test_utf16_offsets_convert_both_ways() -> None:
    """Every offset of a text with characters outside the BMP converts to Java's count and back;
    an offset between the halves of a surrogate pair means the character they make."""
    from reader.text.utf16 import Utf16Offsets

    text = f"a{ROCKET}b\N{MUSICAL SYMBOL G CLEF}c{ROCKET}{ROCKET}"
    offsets = Utf16Offsets(text)
    assert offsets.units == len(text.encode("utf-16-le")) // 2
    for index in range(len(text) + 1):
        assert offsets.to_units(index) == units(text, index)
        assert offsets.to_index(units(text, index)) == index
    assert offsets.to_index(2) == 1  # inside the first rocket
    plain = Utf16Offsets("plain")
    assert (plain.to_units(3), plain.to_index(3), plain.units) == (3, 3, 5)


def test_published_dates_become_dnas_seconds() -> None:
    """The date and time as written, in seconds since 1970 (DNA reads them back as UTC): ISO
    keeps its seconds, other forms are read as the export reads them, day/month order included;
    no date is None."""
    from reader.exchange.dna_export import epoch_seconds

    assert epoch_seconds("2024-03-09T10:00:00Z") == MARCH_9
    assert epoch_seconds("2024-03-09T10:00:30") == MARCH_9 + 30
    assert epoch_seconds("Sat, 09 Mar 2024 10:00:00 +0900") == MARCH_9
    assert epoch_seconds("03/09/2024") == epoch_seconds("09/03/2024", day_first=True)
    assert epoch_seconds("") is None and epoch_seconds("soon") is None
