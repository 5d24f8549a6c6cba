"""Text from the data is only ever text: on every screen and in every command's output.

A title, a sentence, a name, a note, a coder's name or a file path may hold content markup
(``[/b]``, ``[link=file:///…]``), escape sequences a terminal obeys (``ESC ] 0 ;`` window title,
``ESC [ 2 J`` clear screen, OSC 52 clipboard), C1 and bidi controls, or a word of 10,000 letters.
Each must be shown as what it is: no crash, no markup read, nothing raw sent to the terminal.
"""

from __future__ import annotations

import asyncio
import json
import tempfile
from pathlib import Path
from typing import Any

from click.testing import CliRunner
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from textual.app import App
from textual.widgets import Input, Label

from reader.cli import cli
from reader.db import open_database
from reader.exchange.importing import import_paths
from reader.models import Actor
from reader.store import Store
from reader.tui.screens.codebook import ActorDialog, CodebookScreen
from reader.tui.screens.export import ExportDialog
from reader.tui.widgets import LiteralInput
from tests.helpers import CONTROL, Session, raw_on_screen, run_app, run_reader, screen_text

LONG_WORD = "W" * 10_000
"""A word without a space, far wider than any screen."""

CONTROLS = (
    "\x1b]0;PWNED\x07",
    "\x9b2J",
    "\u202e",
    "\x85",
    "\x1b[2J",
    "\x1b]52;c;cHduZWQ=\x07",
    "\x1b[31m",
    "\x9d0;title\x9c",
    "\u2067",
    "\x07",
    "\x7f",
    "\x00",
    "\r",
    "\t",
    "\n",
)
MARKUP = (
    "[/b]",
    "[b]",
    "[/]",
    "[link=file:///etc/passwd]x[/link]",
    "[@click=app.quit]q[/]",
    "[red on blue]",
    "$name",
)
FRAGMENTS = (*CONTROLS, *MARKUP, "日本語", "e\u0301", "W" * 2_000)
"""The pieces of hostile strings; NUL is dropped from article text at import, kept elsewhere.
The long word is shorter than ``LONG_WORD`` to keep the walk fast: 2,000 letters are as much
wider than a screen as 10,000 (``test_very_long_words_keep_the_layout`` has those)."""

EVERYTHING = "".join(FRAGMENTS)
"""Every piece in one string, control characters first: a narrow column (the article list)
shows only the start of a long title."""

PIECE = st.sampled_from(FRAGMENTS) | st.text(max_size=4)
HOSTILE = st.lists(PIECE, min_size=1, max_size=4).map("".join)
"""A hostile string: a few pieces, or any short text, one after another."""


async def check(ui: Session[Any], where: str) -> None:
    """The frame after the last key holds nothing raw."""
    await ui.pilot.pause()
    raw = raw_on_screen(ui.app)
    assert not raw, f"{where} ({type(ui.app.screen).__name__}): {raw[:3]!r}"


def file_name(text: str) -> str:
    """``text`` as a file name this system accepts (no slash or NUL, at most 100 characters)."""
    return (text.replace("/", "_").replace("\x00", "_")[:100] or "x").strip() or "x"


def hostile_store(folder: Path, texts: list[str]) -> Store:
    """A database holding one article and a codebook made of ``texts`` in every field, and one
    annotation with a hostile note, by a coder with a hostile name; a second coder, named after
    the first, marked its sentence "no claim" (the agreement screen names both)."""
    title, body, outlet, actor, alias, stance, label, target, note, coder = texts
    store = Store(open_database(folder / "hostile.db"), coder)
    feed = folder / f"{file_name(title)}.jsonl"
    record = {
        "title": title,
        "text": f"Kim said {body.replace(chr(0), '')} today.\n\nThen {actor} replied firmly.",
        "outlet": outlet,
        "date": "2024-06-11",
    }
    feed.write_text(json.dumps(record) + "\n", encoding="utf-8")
    [result] = import_paths(store, [feed])
    assert result.status == "imported", result.message
    first = store.add_actor(f"A1 {actor}", "person", [f"alias {alias}", "Kim"])
    store.add_actor(f"A2 {alias}", "state")
    store.add_stance(f"s {stance}", label, 1)
    store.add_stance("oppose", f"l {label}", -1)
    store.add_target(f"t {target}", note)
    sentence = store.sentences(int(str(result.article_id)))[0]
    chosen = store.codebook()
    store.add_annotation(
        sentence.id, first.id, chosen.stances[0].id, chosen.targets[0].id, f"n {note}"
    )
    Store(store.conn, f"{coder} 2").set_no_claim(sentence.id, True)
    return store


async def walk(store: Store, folder: Path, typed: str) -> None:
    """Every screen, picker and dialog the reader has, with a check of each frame; ``typed`` is
    what the coder types (or pastes) into the filters and the export path."""
    async with run_reader(store, toasts=True) as ui:
        app = ui.app
        await check(ui, "main screen")
        await ui.press("a")
        await check(ui, "actor picker")
        app.screen.query_one("#filter", Input).value = typed
        await check(ui, "actor picker, filtered")
        app.screen.query_one("#filter", Input).value = ""
        await ui.press("enter")
        await check(ui, "stance picker")
        await ui.press("1")
        await check(ui, "target picker")
        await ui.press("escape", "e", "enter", "enter", "enter")
        await check(ui, "note dialog")
        for key, where in (("question_mark", "help"), ("s", "statistics"), ("A", "agreement")):
            await ui.press("escape", key)
            for _ in range(500):  # the agreement screen computes on a thread
                if not getattr(app.screen, "computing", False):
                    break
                await ui.pilot.pause(0.02)
            await check(ui, where)
        await ui.press("escape", "c")
        await check(ui, "codebook")
        await ui.press("e")
        await check(ui, "actor dialog")
        await ui.press("escape", "m")
        await check(ui, "merge picker")
        await ui.press("enter")
        await check(ui, "merge question")
        await ui.press("n", "end", "e")
        await check(ui, "target dialog")
        await ui.press("escape", "escape", "x")
        path = app.screen.query_one("#path", Input)
        path.value = str(folder / file_name(typed) / "codes.csv")
        await ui.press("enter")
        await check(ui, "export dialog error")
        path.value = str(folder / f"{file_name(typed)}.csv")
        await ui.press("enter")
        await check(ui, "export done (notification)")
        await ui.press("ctrl+p", *"Kim")
        await ui.pilot.pause(0.2)
        await check(ui, "command palette")
        await ui.press("escape", "slash")
        app.main.filter_box.value = typed
        await check(ui, "filter")
        await ui.press("escape", "d")
        await check(ui, "deleted (notification)")


@settings(
    max_examples=1,  # and the explicit example with every piece: each walks every screen
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(st.lists(HOSTILE, min_size=11, max_size=11))
@example([EVERYTHING] * 11)
def test_hostile_data_on_every_screen_is_shown_as_text(texts: list[str]) -> None:
    """Hostile strings in every field (title, text, outlet, actor names and aliases, stance keys
    and labels, targets, notes, the coder's name, file paths), through every screen and dialog:
    no exception, and nothing raw in any frame."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        store = hostile_store(folder, texts[:10])
        try:
            asyncio.run(walk(store, folder, texts[10]))
        finally:
            store.close()


# -- the cases the adversarial pass found, one by one --------------------------------------------


async def test_codebook_opens_with_markup_in_names(empty_store: Store) -> None:
    """A target named ``[/b] target`` (as a codebook file can import) used to raise MarkupError
    each time the codebook screen opened; names now show as typed."""
    store = empty_store
    store.add_target("[/b] target")
    store.add_stance("[i]key", "[/i]label\x1b[2J")
    store.add_actor("[link=file:///etc/passwd]Kim[/link]", "person", ["[/]alias"])
    async with run_reader(store) as ui:
        await ui.press("c")
        assert isinstance(ui.app.screen, CodebookScreen)
        shown = screen_text(ui.app)
        assert "[/b] target" in shown
        assert "[i]key" in shown and "[/i]label␛[2J" in shown
        assert "[link=file:///etc/passwd]Kim[/link]" in shown and "[/]alias" in shown
        assert not raw_on_screen(ui.app)


async def test_reader_shows_escapes_as_placeholders(store: Store) -> None:
    """A title and sentence with OSC and CSI escapes: the reader, the list and the status bar show
    ␛ where the terminal would have obeyed ESC."""
    feed = Path(store.conn.execute("PRAGMA database_list").fetchone()[2]).parent / "feed.jsonl"
    title = "Pwned \x1b]0;WINDOW\x07 [b]title"
    text = "Kim said \x1b[2J hello. Japan urged China \x1b]52;c;aGk=\x07 to act."
    feed.write_text(json.dumps({"title": title, "text": text}) + "\n", encoding="utf-8")
    [result] = import_paths(store, [feed])
    async with run_reader(store) as ui:
        ui.app.main.jump_to_article(int(str(result.article_id)))
        await ui.pilot.pause()
        shown = screen_text(ui.app)
        assert "Pwned ␛]0;WINDOW␇ [b]title" in shown
        assert "said ␛[2J hello." in shown
        assert "␛]52;c;aGk=␇" in shown
        assert not raw_on_screen(ui.app)


async def test_mentions_stay_on_the_names_after_a_longer_placeholder(store: Store) -> None:
    """A C1 or bidi control before a name shows as ⟨U+…⟩, longer than the one character it
    stands for; the mention highlight is still on the name, not shifted by the difference."""
    feed = Path(store.conn.execute("PRAGMA database_list").fetchone()[2]).parent / "bidi.jsonl"
    text = "\u202e\x85 Japan urged China to act."
    feed.write_text(json.dumps({"title": "Bidi", "text": text}) + "\n", encoding="utf-8")
    [result] = import_paths(store, [feed])
    async with run_reader(store) as ui:
        ui.app.main.jump_to_article(int(str(result.article_id)))
        await ui.pilot.pause()
        view = ui.app.main.reader
        [line] = view._wrap(0)
        assert line.plain.startswith("⟨U+202E⟩⟨U+0085⟩ Japan urged China")
        mention = view._style("sentence-view--mention")
        marked = [line.plain[span.start : span.end] for span in line.spans if span.style == mention]
        assert marked == ["Japan", "China"]


async def test_very_long_words_keep_the_layout(store: Store) -> None:
    """A 10,000-letter title, sentence, actor name, target, note and coder at 80x24: no crash,
    no line wider than the screen, in the reader, the pickers, the codebook, the statistics and
    the agreement screen (whose table keeps its rows under the coder's name)."""
    feed = Path(store.conn.execute("PRAGMA database_list").fetchone()[2]).parent / "long.jsonl"
    record = {"title": LONG_WORD, "text": f"Kim said {LONG_WORD} today. Japan agreed."}
    feed.write_text(json.dumps(record) + "\n", encoding="utf-8")
    [result] = import_paths(store, [feed])
    actor = store.add_actor("L" * 10_000, "person")
    target = store.add_target("T" * 10_000)
    sentence = store.sentences(int(str(result.article_id)))[0]
    store.add_annotation(sentence.id, actor.id, store.stances()[0].id, target.id, "N" * 10_000)
    Store(store.conn, "C" * 10_000).set_no_claim(sentence.id, True)
    async with run_reader(store, (80, 24)) as ui:
        ui.app.main.jump_to_article(int(str(result.article_id)))
        # esc goes back one question at a time: three close the picker from the target step.
        steps = [(), ("a",), ("enter",), ("1",), ("escape",) * 3 + ("c",), ("escape", "s")]
        for keys in steps:
            await ui.press(*keys)
            await ui.pilot.pause()
            lines = screen_text(ui.app).splitlines()
            assert len(lines) == 24 and all(len(line) <= 80 for line in lines), keys
            assert not raw_on_screen(ui.app)
        assert "LLLL" in screen_text(ui.app)
        await ui.press("escape", "A")
        for _ in range(500):
            if not getattr(ui.app.screen, "computing", True):
                break
            await ui.pilot.pause(0.02)
        lines = screen_text(ui.app).splitlines()
        assert len(lines) == 24 and all(len(line) <= 80 for line in lines)
        assert any(line.split()[1:3] == ["claim", "nominal"] for line in lines if line.strip())


async def test_export_dialog_shows_a_path_with_brackets_as_typed(tmp_path: Path) -> None:
    """A path with ``[/]`` in a folder that does not exist: the error names it as typed (it used
    to raise MarkupError)."""
    async with run_app(App[None](), (100, 24)) as ui:
        ui.app.push_screen(ExportDialog())
        await ui.pilot.pause()
        typed = str(tmp_path / "[/]x[link=file:///etc]" / "out.csv")
        ui.app.screen.query_one("#path", Input).value = typed
        await ui.press("enter")
        error = ui.app.screen.query_one("#error", Label)
        assert str(error.render()) == (
            f"{typed}: the folder {Path(typed).parent} does not exist; create it or choose"
            " another path"
        )


async def test_literal_input_shows_placeholders_and_keeps_its_value() -> None:
    """An edit field holding a name with ESC and a bidi override shows ␛ and �; its value (what
    a save writes back) stays the stored name, and typing goes where the cursor is shown."""

    class Host(App[None]):
        def compose(self) -> Any:
            yield LiteralInput("a\x1b[2Jb\u202ec", id="field")

    async with run_app(Host(), (40, 5)) as ui:
        field = ui.app.query_one("#field", LiteralInput)
        field.focus()
        assert field.stored == "a\x1b[2Jb\u202ec"  # shown unchanged: saved as given
        await ui.press("end", "x")
        assert field.value == "a␛[2Jb�cx"  # the same length: the cursor stands where it is drawn
        assert field.cursor_position == len("a\x1b[2Jb\u202ecx")
        assert field.stored == "a␛[2Jb�cx"  # edited: what the coder sees is what is saved
        assert not raw_on_screen(ui.app)


async def test_editing_an_actor_keeps_its_name_byte_for_byte(empty_store: Store) -> None:
    """The edit dialog shows ␛ for the ESC in a name, but saving it unchanged writes the name
    back as stored: placeholders are for the eye only."""
    store = empty_store
    actor = store.add_actor("Kim \x1b]0;x\x07 [/b]", "person", ["\u202eal"])
    async with run_reader(store) as ui:
        await ui.press("c", "e")
        assert isinstance(ui.app.screen, ActorDialog)
        assert ui.app.screen.query_one("#name", LiteralInput).value == "Kim ␛]0;x␇ [/b]"
        assert ui.app.screen.query_one("#aliases", LiteralInput).value == "�al"
        assert not raw_on_screen(ui.app)
        await ui.press("enter")
        await ui.pilot.pause()
    assert store.codebook().actors == (
        Actor(actor.id, "Kim \x1b]0;x\x07 [/b]", "person", ("\u202eal",)),
    )


def test_every_notification_with_data_is_sent_without_markup() -> None:
    """Textual reads a notification as markup unless told otherwise: each ``notify`` whose
    message is not a fixed string passes ``markup=False``."""
    import ast

    root = Path(__file__).resolve().parent.parent / "reader" / "tui"
    unsafe = []
    for source in root.rglob("*.py"):
        for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
                continue
            if node.func.attr != "notify" or not node.args:
                continue
            if isinstance(node.func.value, ast.Call) and ast.unparse(node.func.value) == "super()":
                continue  # ReaderApp.notify passing a message on
            fixed = isinstance(node.args[0], ast.Constant)
            markup = {k.arg: k.value for k in node.keywords}.get("markup")
            off = isinstance(markup, ast.Constant) and markup.value is False
            if not fixed and not off:
                unsafe.append(f"{source.name}:{node.lineno}")
    assert not unsafe, unsafe


async def test_notifications_show_names_as_typed(store: Store) -> None:
    """Deleting an annotation says which one; names with brackets and escapes are shown as they
    are, not read as markup."""
    actor = store.add_actor("[b]Kim[/] \x1b]0;x\x07", "person")
    sentence = store.sentences(store.first_article_id() or 0)[0]
    store.add_annotation(sentence.id, actor.id, store.stances()[0].id)
    async with run_reader(store, toasts=True) as ui:
        await ui.press("d")
        await ui.pilot.pause()
        assert "Deleted [b]Kim[/] ␛]0;x␇ · Support (u undoes)" in screen_text(ui.app)
        assert not raw_on_screen(ui.app)


# -- the commands --------------------------------------------------------------------------------


def test_commands_print_data_as_visible_text(tmp_path: Path) -> None:
    """`articles`, `stats` and `log` print titles, names and notes with their control characters
    visible, and keep their columns lined up with wide and very long values."""
    runner = CliRunner()
    store = hostile_store(
        tmp_path,
        [
            "T \x1b]0;PWNED\x07 [b]日本語タイトル",
            "said \x1b[2J",
            "O \x9b31m",
            "Kim \u202e",
            "al \x85",
            "k\x07",
            "l \u2067",
            "t \x7f",
            f"note \x1b]52;c;aGk=\x07 {LONG_WORD}",
            "coder \x1b[31m",
        ],
    )
    store.close()
    db = str(tmp_path / "hostile.db")
    for command in (["articles"], ["stats"], ["log"]):
        result = runner.invoke(cli, [*command, "--db", db])
        assert result.exit_code == 0, result.output
        assert not CONTROL.search(result.output), (command, CONTROL.findall(result.output))
    articles = runner.invoke(cli, ["articles", "--db", db]).stdout.splitlines()
    assert "T ␛]0;PWNED␇ [b]日本語タイトル" in articles[2]
    stats = runner.invoke(cli, ["stats", "--db", db]).stdout
    assert "A1 Kim ⟨U+202E⟩" in stats and "s k␇" in stats
    log = runner.invoke(cli, ["log", "--db", db]).stdout
    assert "coder ␛[31m" in log and all(line.count("\t") == 6 for line in log.splitlines())


def test_tables_line_up_wide_and_long_cells() -> None:
    """Columns are aligned by terminal cells; a cell longer than 100 cells is cut with …."""
    from reader.exchange.reports import MAX_CELL, format_table
    from reader.text.visible import cell_width

    table = format_table(
        ["id", "title", "n"], [["1", "日本語", "5"], ["2", "abc", "17"], ["3", LONG_WORD, "2"]]
    ).splitlines()
    widths = {cell_width(line) for line in table[2:]}
    assert len(widths) == 1
    assert table[4].endswith("…   2") and widths.pop() <= 2 + 2 + MAX_CELL + 2 + 2


def test_command_errors_show_file_names_as_visible_text(tmp_path: Path) -> None:
    """An error that names a file (an import of a file named with escapes, a codebook file that
    is not there) shows the name's control characters as placeholders."""
    runner = CliRunner()
    db = str(tmp_path / "a.db")
    named = tmp_path / "news \x1b]0;PWNED\x07.txt"
    named.write_text("")
    imported = runner.invoke(cli, ["import", str(named), "--db", db])
    assert "news ␛]0;PWNED␇.txt" in imported.stderr
    missing = runner.invoke(cli, ["codebook", "import", str(tmp_path / "\x1b[2J.toml")])
    assert missing.exit_code != 0 and "␛[2J.toml" in missing.stderr
    for result in (imported, missing):
        assert not CONTROL.search(result.output), result.output
