"""The coding screen driven by keys, checked by what the database holds afterwards."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pytest

from reader.db import open_database
from reader.models import Annotation
from reader.store import NO_CLAIM, Store
from reader.text.mentions import suggest_actors
from reader.tui.app import ReaderApp
from reader.tui.screens.article_screen import POSITION_KEY
from reader.tui.widgets import ArticleList, Notice
from tests.helpers import dump, run_reader

CODING = ("annotations", "sentence_status")
"""The tables a coder's keys write."""


def mine(store: Store) -> list[Annotation]:
    rows = store.conn.execute("SELECT id FROM annotations ORDER BY id").fetchall()
    annotations = [store.annotation(row[0]) for row in rows]
    return [a for a in annotations if a is not None]


def article_ids(store: Store) -> list[int]:
    return [s.id for s in store.article_summaries(0, 100)]


def sentence_ids(store: Store, article_id: int) -> list[int]:
    return [s.id for s in store.sentences(article_id)]


# --- moving --------------------------------------------------------------------------------------


async def test_sentence_and_article_keys_move_the_highlight(store: Store) -> None:
    """j/k/down/up, g/G and n/p land on the expected sentence and article."""
    first, second, _ = article_ids(store)
    ids = sentence_ids(store, first)
    seen: list[tuple[int | None, int | None]] = []
    async with run_reader(store) as ui:

        def note() -> None:
            seen.append((ui.app.current_article_id, ui.app.current_sentence_id))

        note()
        await ui.press("j", "j", "down")
        note()
        await ui.press("k", "up")
        note()
        await ui.press("G")
        note()
        await ui.press("g")
        note()
        await ui.press("n")
        note()
        await ui.press("p", "k")
        note()
    assert seen == [
        (first, ids[0]),
        (first, ids[3]),
        (first, ids[1]),
        (first, ids[-1]),
        (first, ids[0]),
        (second, sentence_ids(store, second)[0]),
        (first, ids[0]),
    ]


async def test_reader_reopens_at_the_saved_place_without_writing(store: Store) -> None:
    """The coder's saved place is where the reader opens; reopening it writes nothing, and the
    next move saves the new place."""
    _, second, _ = article_ids(store)
    ids = sentence_ids(store, second)
    store.set_state(POSITION_KEY, f"{second}:{ids[2]}")
    changes = store.conn.total_changes
    async with run_reader(store) as ui:
        opened = (ui.app.current_article_id, ui.app.current_sentence_id, store.conn.total_changes)
        await ui.press("j")
    assert opened == (second, ids[2], changes)
    assert store.get_state(POSITION_KEY) == f"{second}:{ids[3]}"


async def test_brackets_skip_coded_sentences_and_cross_articles(store: Store) -> None:
    """] and [ stop only at sentences this coder has neither coded nor marked."""
    first, second, _ = article_ids(store)
    ids = sentence_ids(store, first)
    actor, stance = store.actors()[0].id, store.stances()[0].id
    store.add_annotation(ids[1], actor, stance)
    store.set_no_claim(ids[2], True)
    for sentence_id in ids[4:]:
        store.set_no_claim(sentence_id, True)
    seen: list[int | None] = []
    async with run_reader(store) as ui:
        await ui.press("right_square_bracket")
        seen.append(ui.app.current_sentence_id)
        await ui.press("right_square_bracket")
        seen.append(ui.app.current_sentence_id)
        seen.append(ui.app.current_article_id)
        await ui.press("left_square_bracket")
        seen.append(ui.app.current_sentence_id)
    assert seen == [ids[3], sentence_ids(store, second)[0], second, ids[3]]


async def test_list_keys_pick_and_open_an_article(store: Store) -> None:
    """With the list focused (tab), j moves to the next article and enter opens it."""
    _, second, _ = article_ids(store)
    focused: list[str] = []
    async with run_reader(store) as ui:
        await ui.press("shift+tab")
        focused.append(type(ui.app.focused).__name__)
        await ui.press("j", "enter")
        focused.append(type(ui.app.focused).__name__)
        await ui.press("tab")
        focused.append(type(ui.app.focused).__name__)
    assert ui.app.current_article_id == second
    assert focused == ["ArticleList", "SentenceView", "AnnotationPanel"]


async def test_filter_narrows_the_list_and_escape_restores_it(store: Store) -> None:
    """/ plus words shows only matching articles; escape brings all of them back."""
    counts: list[int] = []
    matching = store.article_count("Nakasone")
    assert 0 < matching < 3
    async with run_reader(store) as ui:
        listing = ui.app.screen.query_one(ArticleList)
        await ui.press("slash", *"Nakasone")
        counts.append(listing.count)
        await ui.press("escape")
        counts.append(listing.count)
    assert counts == [matching, 3]


# --- coding --------------------------------------------------------------------------------------


async def test_annotate_with_four_keys_stores_the_suggested_codes(store: Store) -> None:
    """a enter 1 enter: first suggested actor, first stance, the preselected (last) target."""
    first = article_ids(store)[0]
    sentences = store.sentences(first)
    target = store.targets()[2]
    store.add_annotation(sentences[5].id, store.actors()[0].id, store.stances()[1].id, target.id)
    current = sentences[2]
    expected_actor = suggest_actors(current.text, store.actors(), store.recent_actor_ids())[0]
    async with run_reader(store) as ui:
        await ui.press("j", "j", "a", "enter", "1", "enter")
    added = store.annotations_for_sentence(current.id)
    assert [(a.actor_id, a.stance_id, a.target_id) for a in added] == [
        (expected_actor.id, store.stances()[0].id, target.id)
    ]
    assert len(mine(store)) == 2


@pytest.mark.parametrize(
    "keys",
    [("a", "escape"), ("a", "enter", "escape"), ("a", "enter", "1", "escape")],
    ids=["at-actor", "at-stance", "at-target"],
)
async def test_escape_at_any_step_stores_nothing(store: Store, keys: tuple[str, ...]) -> None:
    """Cancelling the annotation flow anywhere leaves the database as it was."""
    before = dump(store, CODING)
    async with run_reader(store) as ui:
        await ui.press(*keys)
        assert ui.app.screen is ui.app.main
    assert dump(store, CODING) == before


async def test_new_actor_is_created_only_when_the_annotation_is(store: Store) -> None:
    """Choosing "+ New actor" then cancelling at the stance adds no actor at all."""
    actors_before = len(store.actors())
    async with run_reader(store) as ui:
        await ui.press("a", *"Zork", "up", "enter")
        await ui.press("enter")
        await ui.press("escape")
    assert len(store.actors()) == actors_before
    assert mine(store) == []


async def test_repeat_copies_the_last_annotation_and_duplicates_are_refused(store: Store) -> None:
    """. repeats actor, stance and target on the next sentence; on the same one it is an error."""
    ids = sentence_ids(store, article_ids(store)[0])
    actor, stance, target = store.actors()[3].id, store.stances()[2].id, store.targets()[0].id
    store.add_annotation(ids[0], actor, stance, target)
    async with run_reader(store) as ui:
        await ui.press("j", "full_stop", "full_stop")
        errors = ui.messages("error")
    assert [(a.sentence_id, a.actor_id, a.stance_id, a.target_id) for a in mine(store)] == [
        (ids[0], actor, stance, target),
        (ids[1], actor, stance, target),
    ]
    assert len(errors) == 1 and "already" in errors[0]


async def test_space_marks_no_claim_and_moves_on(store: Store) -> None:
    """space records "no claim" for this coder and moves; space again (after k) removes it."""
    ids = sentence_ids(store, article_ids(store)[0])
    seen: list[object] = []
    async with run_reader(store) as ui:
        await ui.press("space")
        seen.append(ui.app.current_sentence_id)
        seen.append(store.statuses(ui.app.current_article_id or 0))
        await ui.press("k", "space")
        seen.append(ui.app.current_sentence_id)
    assert seen == [ids[1], {ids[0]: NO_CLAIM}, ids[0]]
    assert store.statuses(article_ids(store)[0]) == {}


async def test_edit_changes_stance_and_note(store: Store) -> None:
    """e, enter (same actor), 2 (second stance), enter (target) saves the edit; m, a note,
    enter saves the note, its own step, never the edit's silent last one."""
    ids = sentence_ids(store, article_ids(store)[0])
    actor, target = store.actors()[0].id, store.targets()[1].id
    annotation = store.add_annotation(ids[0], actor, store.stances()[0].id, target)
    async with run_reader(store) as ui:
        await ui.press("e", "enter", "2", "enter")
        edited = store.annotation(annotation.id)
        assert edited is not None and (edited.stance_id, edited.note) == (store.stances()[1].id, "")
        await ui.press("m", *"quoted", "enter")
    edited = store.annotation(annotation.id)
    assert edited is not None
    assert (edited.actor_id, edited.stance_id, edited.target_id, edited.note) == (
        actor,
        store.stances()[1].id,
        target,
        "quoted",
    )


async def test_delete_asks_which_when_there_are_several(store: Store) -> None:
    """d removes the only annotation at once, or the one chosen from a list."""
    ids = sentence_ids(store, article_ids(store)[0])
    stance = store.stances()[0].id
    a, b, c = (actor.id for actor in store.actors()[:3])
    store.add_annotation(ids[0], a, stance)
    kept = store.add_annotation(ids[1], b, stance)
    store.add_annotation(ids[1], c, stance)
    async with run_reader(store) as ui:
        await ui.press("d", "j", "d", "down", "enter")
    assert mine(store) == [kept]


async def test_undo_and_redo_restore_the_tables_exactly(store: Store) -> None:
    """u undoes an annotation and a no-claim in turn; ctrl+r brings both back, ids included."""
    states = [dump(store, CODING)]
    async with run_reader(store) as ui:
        await ui.press("a", "enter", "1", "enter", "j", "j", "space")
        states.append(dump(store, CODING))
        await ui.press("u", "u")
        place = ui.app.current_sentence_id
        states.append(dump(store, CODING))
        await ui.press("ctrl+r", "ctrl+r")
        states.append(dump(store, CODING))
    initial, coded, undone, redone = states
    assert coded != initial and len(coded["annotations"]) == 1
    assert undone == initial
    assert redone == coded
    assert place == sentence_ids(store, article_ids(store)[0])[0]


async def test_reopening_restores_the_place_and_undo_still_works(
    store: Store, db_path: Path
) -> None:
    """A new app on the same file opens the last article and sentence; u undoes across it."""
    _, second, _ = article_ids(store)
    async with run_reader(store) as ui:
        await ui.press("n", "j", "j", "j", "a", "enter", "1", "enter")
        left = (ui.app.current_article_id, ui.app.current_sentence_id)
    assert len(mine(store)) == 1

    reopened = Store(open_database(db_path), store.annotator)
    try:
        async with run_reader(reopened) as ui:
            opened = (ui.app.current_article_id, ui.app.current_sentence_id)
            await ui.press("u")
        assert mine(reopened) == []
    finally:
        reopened.close()
    assert left == opened
    assert left[0] == second


# --- screens -------------------------------------------------------------------------------------


async def test_export_writes_a_csv_file(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """x then enter writes annotations.csv (in the working folder) with the coded row."""
    monkeypatch.chdir(tmp_path)
    ids = sentence_ids(store, article_ids(store)[0])
    store.add_annotation(ids[0], store.actors()[0].id, store.stances()[0].id)
    async with run_reader(store) as ui:
        await ui.press("x", "enter")
    with open(tmp_path / "annotations.csv", encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 1
    assert "1 rows written to annotations.csv" in ui.messages()


async def test_stats_help_and_palette_open(store: Store) -> None:
    """s, ? and ctrl+p open their screens; the palette can jump to an article by title."""
    from reader.tui.screens.help import HelpScreen
    from reader.tui.screens.stats import StatsScreen

    _, _, third = article_ids(store)
    title = store.article(third)
    assert title is not None
    opened: list[str] = []
    async with run_reader(store) as ui:
        await ui.press("s")
        opened.append(type(ui.app.screen).__name__)
        assert isinstance(ui.app.screen, StatsScreen)
        await ui.press("escape", "question_mark")
        assert isinstance(ui.app.screen, HelpScreen)
        opened.append(type(ui.app.screen).__name__)
        await ui.press("escape", "ctrl+p", *"special represent")
        await ui.pilot.pause(0.3)
        await ui.press("enter")
        opened.append(type(ui.app.screen).__name__)
    assert opened == ["StatsScreen", "HelpScreen", "MainScreen"]
    assert ui.app.current_article_id == third


def test_help_lists_every_coding_key(store: Store) -> None:
    """The help groups are built from the bindings, so each key the screen binds is listed."""
    app = ReaderApp(store)
    listed = {keys for _, rows in app.key_groups() for keys, _ in rows}
    for expected in ("a", ".", "space", "e", "d", "u", "^r", "]", "[", "/", "s", "x", "?"):
        assert any(expected in keys.split(" ") for keys in listed), expected


# --- the codebook from the coding screen ---------------------------------------------------------


async def test_codebook_key_opens_the_codebook_and_escape_returns(store: Store) -> None:
    """c opens the codebook; an actor added there is offered for coding once escape returns."""
    from reader.tui.screens.codebook import CodebookScreen

    async with run_reader(store) as ui:
        await ui.press("c")
        assert isinstance(ui.app.screen, CodebookScreen)
        await ui.press("a", *"Zork Ministry", "enter")
        await ui.press("escape")
        assert ui.app.screen is ui.app.main
        assert "Zork Ministry" in ui.app.main.actor_names.values()
    assert "Zork Ministry" in {actor.name for actor in store.actors()}


async def test_undo_and_redo_say_what_they_undid_and_redid(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The notice names the change itself each time, never "undo" or "redo"."""
    monkeypatch.setattr(Notice, "TIMEOUT", 3600)  # however slow the machine, it is still there
    async with run_reader(store) as ui:
        shown = []
        for key in ("a", "enter", "1", "enter", "u", "ctrl+r", "u", "space", "u", "ctrl+r"):
            await ui.press(key)
            shown.append(ui.app.main.notice.text)
    assert shown[4:] == [
        "Undone: add annotation",
        "Redone: add annotation",
        "Undone: add annotation",
        "Undone: add annotation",  # space moved on; the notice stays until its time is up
        "Undone: no claim",
        "Redone: no claim",
    ]


async def test_undo_names_a_no_claim_taken_back_and_codes_replaced(store: Store) -> None:
    """Taking a "no claim" back, and replacing one's codes with "no claim", are named so."""
    async with run_reader(store) as ui:
        await ui.press("space", "k", "space")  # marked, then taken back
        assert store.statuses(ui.app.main.article.id) == {}
        await ui.press("u")
        assert ui.app.main.notice.text == "Undone: no claim taken back"
        await ui.press("j", "a", "enter", "1", "enter", "space", "space")  # codes replaced
        await ui.press("u")
        assert ui.app.main.notice.text == "Undone: no claim, your codes replaced"


async def test_undoing_a_merge_brings_the_actor_back_without_moving(store: Store) -> None:
    """u after a merge restores the merged actor in the screen's codebook, highlight unmoved."""
    actors = {actor.name: actor.id for actor in store.actors()}
    ids = sentence_ids(store, article_ids(store)[0])
    store.merge_actors(actors["Chinese Foreign Ministry"], actors["China"])
    async with run_reader(store) as ui:
        await ui.press("j", "j")
        assert "Chinese Foreign Ministry" not in ui.app.main.actor_names.values()
        await ui.press("u")
        assert "Chinese Foreign Ministry" in ui.app.main.actor_names.values()
        assert ui.app.current_sentence_id == ids[2]
        assert ui.app.main.notice.text == "Undone: merge actor"
        assert ui.messages() == []
    assert "Chinese Foreign Ministry" in {actor.name for actor in store.actors()}


def test_help_lists_the_codebook_key(store: Store) -> None:
    """? shows c next to "Codebook" among the views."""
    app = ReaderApp(store)
    groups = dict(app.key_groups())
    assert ("c", "Codebook") in groups["Views"]


async def test_a_surname_counts_only_once_the_article_introduced_the_person(
    empty_store: Store, tmp_path: Path
) -> None:
    """ "Kishida said Japan agreed" before "Fumio Kishida" is named: Japan is suggested first."""
    from reader.exchange.codebook_file import load_default_codebook
    from reader.exchange.importing import import_file

    load_default_codebook(empty_store)
    text = (
        "Talks in Tokyo\n\nKishida said Japan agreed to the plan."
        " Foreign Minister Fumio Kishida met reporters.\n"
    )
    (tmp_path / "talks.txt").write_text(text, encoding="utf-8")
    import_file(empty_store, tmp_path / "talks.txt")
    actors = {actor.name: actor.id for actor in empty_store.actors()}
    async with run_reader(empty_store) as ui:
        await ui.press("j", "a", "enter", "1", "enter")
    assert [a.actor_id for a in mine(empty_store)] == [actors["Japan"]]


async def test_refresh_shows_another_coders_change(store: Store, db_path: Path) -> None:
    """`r` re-reads the file: a second process's annotation and no-claim mark appear on screen."""
    other = Store(open_database(db_path), "second")
    async with run_reader(store) as ui:
        sentence_id = ui.app.current_sentence_id
        assert sentence_id is not None
        actor, stance = other.actors()[0], other.stances()[0]
        other.add_annotation(sentence_id, actor.id, stance.id)
        screen: Any = ui.app.screen
        assert len(screen.annotations.get(sentence_id, [])) == 0
        await ui.press("r")
        await ui.pilot.pause()
        assert [a.annotator for a in screen.annotations.get(sentence_id, [])] == ["second"]
        assert ui.app.current_sentence_id == sentence_id
