"""News downloads written in each database's layout, for the tests: several articles per file,
names like Köln, an article without a byline and a broken one in the middle.

``ARTICLES`` holds what each file's good articles must import as; each writer lays them out as
its database does and puts ``BROKEN`` (an article breaking that layout's rules) third.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

NBSP = "\u00a0"


@dataclass(frozen=True)
class Expected:
    title: str
    outlet: str
    date_line: str
    date: str
    time: str | None
    byline: str | None
    section: str | None
    words: int
    paragraphs: tuple[str, ...]


ARTICLES = (
    Expected(
        "Köln hosts talks on Korean peninsula",
        "Kölner Stadt-Anzeiger",
        "July 1, 2019 Monday 9:20 AM GMT",
        "2019-07-01",
        "09:20+00:00",
        "Jürgen Müller",
        "POLITIK; S. 3",
        312,
        (
            "Diplomats from six countries met in Köln on Monday to discuss the nuclear programme.",
            "The envoy of South Korea said the talks were “frank and useful”, and Japan agreed.",
            "North Korea did not send a delegation, according to the German foreign ministry.",
        ),
    ),
    Expected(
        "Sanctions vote delayed again",
        "The Guardian (London)",
        "July 2, 2019 Tuesday 11:05 PM GMT",
        "2019-07-02",
        "23:05+00:00",
        None,
        "WORLD",
        127,
        (
            "The Security Council postponed its vote on new sanctions for a second week.",
            "China and Russia asked for more time to study the draft resolution.",
        ),
    ),
    Expected(
        "Pyongyang fires two missiles into the sea",
        "Yonhap News Agency",
        "July 4, 2019 Thursday 6:40 AM GMT",
        "2019-07-04",
        "06:40+00:00",
        "Kim Soo-yeon",
        None,
        88,
        (
            "North Korea fired two short-range missiles into the East Sea on Thursday.",
            "The Joint Chiefs of Staff in Seoul said they flew about 400 kilometres.",
            "Washington urged Pyongyang to return to negotiations.",
            "Tokyo protested through diplomatic channels in Beijing.",
        ),
    ),
)

BROKEN_TITLE = "A broken article in the middle"


# -- Nexis Uni .docx --------------------------------------------------------------------------


def write_nexis_uni(path: Path, *, broken: bool = True) -> Path:
    """A Nexis Uni download: the cover page, then the articles, the third broken (no Body)."""
    import docx

    document = docx.Document()
    cover = [
        "Date and Time: Friday, 5. July 2019 09:31:00 CEST",
        "Job Number: 00000001",
        f"Documents ({len(ARTICLES) + broken})",
        *[f"{number}. {article.title}" for number, article in enumerate(ARTICLES, start=1)],
        "Client/Matter: -None-",
        "Search Terms: Korea",
        "Search Type: Natural Language",
        "Narrowed by: ",
    ]
    for line in cover:
        document.add_paragraph(line)
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "Content Type", "Narrowed by"
    for _ in range(4):
        document.add_paragraph("")
    articles = list(ARTICLES)
    for number, article in enumerate(articles, start=1):
        if broken and number == 3:
            for line in (BROKEN_TITLE, "Some Outlet", "July 3, 2019 Wednesday", "No body line"):
                document.add_paragraph(line)
            _end_of_document(document)
        document.add_paragraph(article.title)
        document.add_paragraph(article.outlet)
        document.add_paragraph(article.date_line)
        document.add_paragraph("")
        document.add_paragraph(f"\nCopyright 2019 {article.outlet}. All Rights Reserved")
        if article.section:
            document.add_paragraph(f"Section:{NBSP}{article.section}")
        document.add_paragraph(f"Length:{NBSP}{article.words} words")
        if article.byline:
            key = "Author" if number == 3 else "Byline"
            document.add_paragraph(f"{key}:{NBSP}{article.byline}")
        document.add_paragraph("Body")
        document.add_paragraph("")
        for paragraph in article.paragraphs:
            document.add_paragraph(paragraph)
        if number == 1:
            document.add_paragraph("Classification")
            document.add_paragraph(f"Language:{NBSP}GERMAN")
            document.add_paragraph(f"\nLoad-Date:{NBSP}July 2, 2019")
        else:
            document.add_paragraph(f"\nLoad-Date:{NBSP}July 5, 2019")
        _end_of_document(document)
    document.save(str(path))
    return path


def _end_of_document(document: object) -> None:
    paragraph = document.add_paragraph()  # type: ignore[attr-defined]
    run = paragraph.add_run()
    run.add_break()
    run.add_text("End of Document")
    for _ in range(3):
        document.add_paragraph("")  # type: ignore[attr-defined]


# -- LexisNexis Academic .txt / .rtf ----------------------------------------------------------


def _wrap(text: str, width: int = 76) -> list[str]:
    lines, line = [], ""
    for word in text.split():
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    return [*lines, line]


def lexisnexis_text(*, broken: bool = True, german: bool = False) -> str:
    """A LexisNexis Academic download as text, wrapped and centred as it is delivered."""
    total = len(ARTICLES) + broken
    out = [
        "",
        "Download Request: Selected Items: 1-4",
        "Time Of Request: Friday, March 20, 2018  16:51:31",
        "Terms: (korea)",
        "",
    ]
    number = 0

    def start() -> None:
        nonlocal number
        number += 1
        head = f"Dokument {number} von {total}" if german else f"{number} of {total} DOCUMENTS"
        out.extend(["", " " * 31 + head, "", ""])

    for index, article in enumerate(ARTICLES):
        if broken and index == 2:
            start()
            out.extend([" " * 30 + "Some Outlet", "", BROKEN_TITLE, "", "BYLINE: Nobody", ""])
            out.extend(["LENGTH: 12 words", "", "A body without a date line.", ""])
        start()
        out.extend([" " * 30 + article.outlet, "", " " * 28 + article.date_line])
        if index == 0:
            out.extend([" " * 35 + "Edition 1;", " " * 36 + "Rheinland"])
        out.extend(["", *_wrap(article.title, 40), ""])
        if article.byline:
            out.extend([f"{'AUTOR' if german else 'BYLINE'}: {article.byline}", ""])
        if article.section:
            out.extend([f"{'RUBRIK' if german else 'SECTION'}: {article.section}", ""])
        out.extend([f"{'LÄNGE' if german else 'LENGTH'}: {article.words} words", "", ""])
        for paragraph in article.paragraphs:
            out.extend([*_wrap(paragraph), ""])
        out.extend([f"LOAD-DATE: {article.date_line[:13]}", "", "LANGUAGE: ENGLISH", ""])
        out.extend(
            ["", " " * 20 + f"Copyright 2019 {article.outlet}", " " * 30 + "All Rights Reserved"]
        )
    return "\r\n".join(out) + "\r\n"


def write_lexisnexis(path: Path, **options: bool) -> Path:
    path.write_bytes(b"\xef\xbb\xbf" + lexisnexis_text(**options).encode("utf-8"))
    return path


def write_lexisnexis_rtf(path: Path) -> Path:
    """The same download as RTF, as nexis.com delivered it (also under a .doc name): one
    ``\\par`` per line, accented letters as ``\\'xx`` in code page 1252."""
    lines = []
    for line in lexisnexis_text().split("\r\n"):
        escaped = line.replace("\\", "\\\\").replace("{", "\\{").replace("}", "\\}")
        chars = []
        for ch in escaped:
            code = ord(ch)
            if code < 128:
                chars.append(ch)
            elif ch.encode("cp1252", "ignore"):
                chars.append(f"\\'{ch.encode('cp1252')[0]:02x}")
            else:
                chars.append(f"\\u{code}?")
        lines.append("".join(chars) + "\\par")
    body = "\n".join(lines)
    path.write_bytes(
        ("{\\rtf1\\ansi\\ansicpg1252\\deff0{\\fonttbl{\\f0 Courier New;}}\n" + body + "\n}").encode(
            "ascii"
        )
    )
    return path


# -- Factiva ----------------------------------------------------------------------------------


def _factiva_fields(article: Expected, number: int) -> list[tuple[str, str]]:
    fields = [("HD", article.title)]
    if article.byline:
        fields.append(("BY", article.byline))
    fields.append(("WC", f"{article.words} words"))
    day, time = article.date, article.time
    months = ["January", "February", "March", "April", "May", "June", "July"]
    y, m, d = day.split("-")
    fields.append(("PD", f"{int(d)} {months[int(m) - 1]} {y}"))
    if time:
        fields.append(("ET", time[:5]))
    fields.append(("SN", article.outlet))
    if article.section:
        fields.append(("SE", article.section))
    fields.append(("LA", "English"))
    fields.append(("CY", f"Copyright 2019 {article.outlet}"))
    return fields


def write_factiva_html(path: Path) -> Path:
    """Factiva's "Full Article/Report plus Indexing" page: a table of field codes per article;
    the third has no headline (HD)."""
    parts = ["<html><head><meta charset='utf-8'><title>Factiva</title></head><body>"]
    items = [*ARTICLES[:2], None, ARTICLES[2]]
    for number, article in enumerate(items, start=1):
        rows = []
        if article is None:
            rows.append(("PD", "3 July 2019"))
            rows.append(("LP", "<p>Text without a headline.</p>"))
        else:
            rows.extend(_factiva_fields(article, number))
            lead, *tail = article.paragraphs
            rows.append(("LP", f"<p>{lead}</p>"))
            rows.append(("TD", "".join(f"<p>{p}</p>" for p in tail)))
            rows.append(("AN", f"Document KOR0000{number}0190701ef71000{number}"))
        parts.append('<div class="article"><table border="0" width="100%">')
        for code, value in rows:
            parts.append(
                f'<tr><td align="right" valign="top" class="index"><b>{code}</b>&nbsp;</td>'
                f"<td>{value}</td></tr>"
            )
        parts.append("</table></div><br>")
    parts.append("</body></html>")
    path.write_text("\n".join(parts), encoding="utf-8")
    return path


def write_factiva_xml(path: Path) -> Path:
    """Factiva's XML export; the third article has no headline."""
    from xml.sax.saxutils import escape

    parts = ['<?xml version="1.0" encoding="UTF-8"?>', "<ppsArticleResponse><result>"]
    items = [*ARTICLES[:2], None, ARTICLES[2]]
    for number, article in enumerate(items, start=1):
        parts.append("<article>")
        if article is None:
            parts.append("<publicationDate>2019-07-03</publicationDate>")
            parts.append("<leadParagraph><paragraph>No headline.</paragraph></leadParagraph>")
        else:
            parts.append(f"<headline><paragraph>{escape(article.title)}</paragraph></headline>")
            if article.byline:
                parts.append(f"<byline>{escape(article.byline)}</byline>")
            parts.append(f"<sourceName>{escape(article.outlet)}</sourceName>")
            if article.section:
                parts.append(f"<sectionName>{escape(article.section)}</sectionName>")
            parts.append(f"<wordCount>{article.words}</wordCount>")
            parts.append(f"<publicationDate>{article.date}</publicationDate>")
            parts.append(f"<publicationTime>{(article.time or '')[:5]}</publicationTime>")
            lead, *tail = article.paragraphs
            parts.append(f"<leadParagraph><paragraph>{escape(lead)}</paragraph></leadParagraph>")
            parts.append(
                "<tailParagraphs>"
                + "".join(f"<paragraph>{escape(p)}</paragraph>" for p in tail)
                + "</tailParagraphs>"
            )
            parts.append(f"<accessionNo>KOR{number:04d}</accessionNo>")
        parts.append("</article>")
    parts.append("</result></ppsArticleResponse>")
    path.write_text("\n".join(parts), encoding="utf-8")
    return path


def write_web_page(path: Path) -> Path:
    """A news page saved from a browser: navigation, the article, a footer."""
    article = ARTICLES[0]
    paragraphs = "".join(f"<p>{p}</p>" for p in article.paragraphs)
    path.write_text(
        f"""<!DOCTYPE html><html lang="de"><head><meta charset="utf-8">
<title>{article.title} | Kölner Stadt-Anzeiger</title>
<meta property="og:site_name" content="{article.outlet}">
<meta property="og:title" content="{article.title}">
<meta name="author" content="{article.byline}">
<meta property="article:published_time" content="2019-07-01T09:20:00+00:00">
<link rel="canonical" href="https://www.ksta.example/politik/koeln-talks">
</head><body><nav><a href="/">Start</a> <a href="/politik">Politik</a></nav>
<article><h1>{article.title}</h1>{paragraphs}</article>
<footer>© Kölner Stadt-Anzeiger. Impressum. Datenschutz.</footer></body></html>""",
        encoding="utf-8",
    )
    return path
