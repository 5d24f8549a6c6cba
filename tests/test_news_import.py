"""News downloads: every layout read by content into articles with their fields, a broken article
named by number and line while the others import, hostile files refused in one line."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from reader.cli.commands import cli
from reader.db import open_database
from reader.exchange.importing import import_paths, summarize
from reader.store import Store
from reader.text.dates import parse_published
from tests import news_files
from tests.helpers import dump
from tests.news_files import ARTICLES, BROKEN_TITLE, Expected


def stored(store: Store) -> list[dict[str, object]]:
    rows = store.conn.execute(
        "SELECT title, outlet, published, source, metadata, text FROM articles ORDER BY id"
    ).fetchall()
    return [
        {
            "title": title,
            "outlet": outlet,
            "published": published,
            "source": source,
            "meta": json.loads(metadata or "{}"),
            "text": text,
        }
        for title, outlet, published, source, metadata, text in rows
    ]


def check(row: dict[str, object], expected: Expected, *, date_line: bool = True) -> None:
    """Title, outlet, date and time, byline, section, word count, paragraphs as expected."""
    meta = row["meta"]
    assert isinstance(meta, dict)
    assert row["title"] == expected.title
    assert row["outlet"] == expected.outlet
    if date_line:
        assert row["published"] == expected.date_line
    parsed = parse_published(str(row["published"]))
    assert parsed.date is not None and parsed.date.isoformat() == expected.date
    assert parsed.time == (expected.time[:5] if not date_line and expected.time else expected.time)
    assert meta.get("byline") == expected.byline
    assert meta.get("section") == expected.section
    assert meta["word_count"] == expected.words
    text = str(row["text"])
    assert text.split("\n\n") == list(expected.paragraphs)
    assert meta["paragraphs"] == len(expected.paragraphs)


def only_failure(results: list) -> str:  # type: ignore[type-arg]
    failures = [r.message for r in results if r.status == "failed"]
    assert len(failures) == 1, failures
    return failures[0]


def test_nexis_uni_docx_imports_every_article_and_names_the_broken_one(
    db: Store, cwd: Path
) -> None:
    """The cover page is dropped; three articles with every field, paragraphs kept; the third
    (no Body line) is named by number and paragraph; Classification and Load-Date are left out."""
    import docx

    news_files.write_nexis_uni(cwd / "Files (4).DOCX")
    texts = [p.text for p in docx.Document(str(cwd / "Files (4).DOCX")).paragraphs]
    where = texts.index(BROKEN_TITLE) + 1
    results = import_paths(db, [cwd / "Files (4).DOCX"])
    assert summarize(results).imported == 3
    assert only_failure(results) == (
        f"Files (4).DOCX: article 3 ('{BROKEN_TITLE}'), paragraph {where}: no 'Body' line before "
        "'End of Document'; skipped (the file's other articles are imported)"
    )
    rows = stored(db)
    for row, expected in zip(rows, ARTICLES, strict=True):
        check(row, expected)
    assert [row["source"] for row in rows] == [f"Files (4).DOCX#{n}" for n in (1, 2, 4)]
    assert [row["meta"]["position"] for row in rows] == [1, 2, 4]  # type: ignore[index]
    assert rows[0]["meta"]["language"] == "GERMAN"  # type: ignore[index]
    assert "Load-Date" not in str(rows[1]["text"]) and "Classification" not in str(rows[0]["text"])
    assert rows[0]["meta"]["copyright"].startswith("Copyright 2019")  # type: ignore[index]


def test_lexisnexis_text_imports_every_article_and_names_the_broken_one(
    db: Store, cwd: Path
) -> None:
    """Wrapped lines joined into their paragraphs, the edition kept, the trailing fields and
    copyright left out of the text; the article without a date line named with its line."""
    news_files.write_lexisnexis(cwd / "korea.TXT")
    lines = (cwd / "korea.TXT").read_text("utf-8-sig").splitlines()
    where = [number for number, line in enumerate(lines, 1) if "OF 4 DOCUMENTS" in line.upper()]
    results = import_paths(db, [cwd / "korea.TXT"])
    assert summarize(results).imported == 3
    assert only_failure(results) == (
        f"korea.TXT: article 3 ('{BROKEN_TITLE}'), line {where[2]}: no date line after the outlet; "
        "skipped (the file's other articles are imported)"
    )
    rows = stored(db)
    for row, expected in zip(rows, ARTICLES, strict=True):
        check(row, expected)
    assert rows[0]["meta"]["edition"] == "Edition 1; Rheinland"  # type: ignore[index]
    assert rows[0]["meta"]["copyright"] == (  # type: ignore[index]
        "Copyright 2019 Kölner Stadt-Anzeiger All Rights Reserved"
    )
    assert [row["meta"]["line"] for row in rows] == [where[0], where[1], where[3]]  # type: ignore[index]


def test_german_lexisnexis_headings_are_read(db: Store, cwd: Path) -> None:
    """``Dokument N von M``, AUTOR, RUBRIK and LÄNGE."""
    (cwd / "de.txt").write_text(news_files.lexisnexis_text(broken=False, german=True), "utf-8")
    results = import_paths(db, [cwd / "de.txt"])
    assert summarize(results).imported == 3
    for row, expected in zip(stored(db), ARTICLES, strict=True):
        check(row, expected)


@pytest.mark.parametrize("name", ["korea.rtf", "KOREA.DOC", "saved.txt"])
def test_lexisnexis_rtf_is_read_under_any_name(db: Store, cwd: Path, name: str) -> None:
    """RTF (a .doc that is RTF, even a .txt) is converted first; ö from ``\\'f6`` stays ö."""
    news_files.write_lexisnexis_rtf(cwd / name)
    results = import_paths(db, [cwd / name])
    assert summarize(results).imported == 3
    assert "article 3" in only_failure(results)
    for row, expected in zip(stored(db), ARTICLES, strict=True):
        check(row, expected)


def test_factiva_html_export(db: Store, cwd: Path) -> None:
    """Field codes HD, BY, WC, PD + ET, SN, SE, LP + TD; the table without HD named."""
    news_files.write_factiva_html(cwd / "Factiva.HTM")
    results = import_paths(db, [cwd / "Factiva.HTM"])
    assert summarize(results).imported == 3
    failure = only_failure(results)
    assert failure.startswith("Factiva.HTM: article 3, line ")
    assert failure.endswith(": no headline (HD); skipped (the file's other articles are imported)")
    rows = stored(db)
    for row, expected in zip(rows, ARTICLES, strict=True):
        check(row, expected, date_line=False)
    assert rows[0]["published"] == "1 July 2019 09:20"
    assert rows[2]["meta"]["accession"] == "Document KOR000040190701ef710004"  # type: ignore[index]


def test_factiva_xml_export(db: Store, cwd: Path) -> None:
    """headline, byline, sourceName, sectionName, wordCount, publicationDate and Time,
    leadParagraph and tailParagraphs; the article without a headline named by its line."""
    news_files.write_factiva_xml(cwd / "factiva.xml")
    results = import_paths(db, [cwd / "factiva.xml"])
    assert summarize(results).imported == 3
    assert only_failure(results).startswith("factiva.xml: article 3, line ")
    rows = stored(db)
    for row, expected in zip(rows, ARTICLES, strict=True):
        check(row, expected, date_line=False)
    assert rows[1]["published"] == "2019-07-02 23:05"


def test_saved_web_page(db: Store, cwd: Path) -> None:
    """The main text without navigation or footer, the title, site, author, date and URL."""
    pytest.importorskip("trafilatura")
    news_files.write_web_page(cwd / "koeln.HTML")
    results = import_paths(db, [cwd / "koeln.HTML"])
    assert summarize(results).imported == 1, [r.message for r in results]
    (row,) = stored(db)
    expected = ARTICLES[0]
    assert row["title"] == expected.title
    assert row["outlet"] == expected.outlet
    assert str(row["published"]).startswith("2019-07-01")
    assert row["meta"]["byline"] == expected.byline  # type: ignore[index]
    assert str(row["text"]).split("\n\n") == list(expected.paragraphs)
    assert row["source"] == "koeln.HTML"
    url = db.conn.execute("SELECT url FROM articles").fetchone()[0]
    assert url == "https://www.ksta.example/politik/koeln-talks"


def test_web_page_without_the_extra_says_how_to_get_it(
    db: Store, cwd: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without trafilatura a saved page is one line naming the extra to install."""
    import builtins

    real = builtins.__import__

    def no_trafilatura(name: str, *args: object, **kwargs: object) -> object:
        if name == "trafilatura":
            raise ImportError(name)
        return real(name, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(builtins, "__import__", no_trafilatura)
    news_files.write_web_page(cwd / "page.html")
    results = import_paths(db, [cwd / "page.html"])
    assert [r.message for r in results] == [
        "page.html: a saved web page, which needs the web extra to be read: "
        "pip install 'nkreader[web]' (trafilatura), then import it again"
    ]


def test_a_folder_of_downloads_and_the_export_file_column(db: Store, cwd: Path) -> None:
    """Every layout in one folder; the export's ``file`` column names the download."""
    folder = cwd / "news"
    folder.mkdir()
    news_files.write_nexis_uni(folder / "a.docx", broken=False)
    news_files.write_lexisnexis(folder / "b.txt", broken=False)
    results = import_paths(db, [folder])
    assert summarize(results).imported == 3  # the same texts: b.txt's are already there
    assert summarize(results).skipped == 3
    from reader.store.exports import source_file

    assert source_file("news/a.docx#2") == "news/a.docx"


HOSTILE = {
    "zip.docx": b"PK\x03\x04 not really a zip",
    "old.doc": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100,
    "junk.xml": b"<?xml version='1.0'?><root><item>no articles</item></root>",
    "broken.xml": b"<?xml version='1.0'?><article><headline>x</headline><leadParagraph>",
    "bomb.xml": (
        b'<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaaaaaaaa">'
        b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>'
        b"<article><headline>&c;</headline><leadParagraph>&c;</leadParagraph></article>"
    ),
    "empty.docx": b"",
}


def _zip_of(name: str, payload: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(name, payload)
    return buffer.getvalue()


def test_hostile_downloads_are_one_line_each_and_write_nothing(cwd: Path, db_path: Path) -> None:
    """A fake zip, an old binary .doc, XML that is not Factiva's or not well-formed, entity
    expansion, a zip bomb, a zip without a document: one ``error:`` line naming each file, no
    traceback, nothing stored; the good file beside them imports."""
    for name, data in HOSTILE.items():
        (cwd / name).write_bytes(data)
    (cwd / "bomb.docx").write_bytes(_zip_of("word/document.xml", b"<" + b" " * 50_000_000))
    (cwd / "other.docx").write_bytes(_zip_of("content.xml", b"<x/>"))
    news_files.write_lexisnexis(cwd / "good.txt", broken=False)
    names = [*HOSTILE, "bomb.docx", "other.docx"]
    result = CliRunner().invoke(
        cli, ["--db", str(db_path), "import", "--max-size", "1MB", *names, "good.txt"]
    )
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert "Traceback" not in result.output + result.stderr
    errors = [line for line in lines if line.startswith("error: ")]
    assert sorted(line.split(":")[1].strip() for line in errors) == sorted(names)
    by_name = {line.split(":")[1].strip(): line for line in errors}
    assert "Word 97-2003 document" in by_name["old.doc"]
    assert "not a Factiva XML export" in by_name["junk.xml"]
    assert "not well-formed XML" in by_name["broken.xml"]
    assert "zip bomb" in by_name["bomb.docx"]
    assert "not a Word document" in by_name["other.docx"]
    assert lines[-1] == "imported 3, skipped 0, failed 8"
    store = Store(open_database(db_path), "t")
    assert [row[0] for row in dump(store.conn, ["articles"])["articles"]] == [1, 2, 3]
    store.close()


def test_lexisnexis_sample_layout_without_header_fields_is_broken(db: Store, cwd: Path) -> None:
    """An article whose heading is never followed by BYLINE, SECTION or LENGTH is named; a file
    whose only article is broken imports nothing and says so."""
    text = news_files.lexisnexis_text(broken=False).replace("LENGTH: 127 words", "")
    text = text.replace("SECTION: WORLD", "")
    (cwd / "x.txt").write_text(text, "utf-8")
    results = import_paths(db, [cwd / "x.txt"])
    assert summarize(results).imported == 2
    assert "article 2 ('The Guardian (London)')" not in only_failure(results)
    assert "no BYLINE, SECTION or LENGTH line after the heading" in only_failure(results)
