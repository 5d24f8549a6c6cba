"""The coding loop at a practised coder's speed: keys typed ahead land in order, nothing crashes,
the picker never hides the sentence, focus follows the eyes."""

from __future__ import annotations

import random
import sqlite3
from pathlib import Path

import pytest
from textual import events

from reader.store import NO_CLAIM, Store
from tests.helpers import run_reader

TARGET_KEYS = [str(n) for n in range(10)]
KEYS = [
    *"jkgGnpaemdusxcr", "right_square_bracket", "left_square_bracket", "slash", "escape",
    "enter", "full_stop", "space", "ctrl+r", "question_mark", "tab", "shift+tab", "backspace",
    "up", "down", "pageup", "pagedown", "home", "end", *TARGET_KEYS, *"zwy",
]  # fmt: skip
"""Every key the reader answers, and a few it does not; never q or ctrl+c (they quit)."""


async def test_keys_typed_ahead_of_the_picker_code_in_order(store: Store) -> None:
    """a enter 1 9 j, typed five times before the app has handled the first key: five
    annotations, on five sentences, each with the first suggestion, support and target 9."""
    async with run_reader(store) as ui:
        await ui.burst(*["a", "enter", "1", "9", "j"] * 5)
        main = ui.app.main
        assert main.flow is None
    stored = store.annotations_for_article(store.first_article_id() or 0)
    ninth = store.targets()[8].id
    assert len(stored) == 5
    assert len({a.sentence_id for a in stored}) == 5
    assert {(a.stance_id, a.target_id) for a in stored} == {(store.stances()[0].id, ninth)}


async def test_typed_filter_and_enter_in_one_burst(store: Store) -> None:
    """A name typed and entered before the picker has drawn: the named actor is coded."""
    async with run_reader(store) as ui:
        await ui.burst("a", *"koizumi", "enter", "2", "0")
    [annotation] = store.annotations_for_article(store.first_article_id() or 0)
    koizumi = next(a for a in store.actors() if a.name == "Junichiro Koizumi")
    assert (annotation.actor_id, annotation.stance_id, annotation.target_id) == (
        koizumi.id, store.stances()[1].id, None,
    )  # fmt: skip


async def test_suggestion_numbers_stay_while_the_coder_stays(store: Store) -> None:
    """After coding the second suggestion, the same digit still means the same actor on this
    sentence: 1-9 never move under the coder's fingers."""
    async with run_reader(store) as ui:
        await ui.press("j", "a")
        first = [(r.number, r.label) for r in ui.app.main.picker.view.rows if r.number]
        await ui.press("2", "1", "0", "a")
        again = [(r.number, r.label) for r in ui.app.main.picker.view.rows if r.number]
        await ui.press("escape")
    assert first == again


async def test_escape_steps_back_and_a_new_target_is_kept(store: Store) -> None:
    """esc at the target goes back to the stance (the actor kept); a target typed there is
    created on enter (name plus one key) and stays in the codebook."""
    async with run_reader(store) as ui:
        await ui.press("a", "enter", "1", "escape")
        assert ui.app.main.picker.view.title == "Stance"
        await ui.press("2", *"Famine relief", "enter")
    [annotation] = store.annotations_for_article(store.first_article_id() or 0)
    relief = next(t for t in store.targets() if t.name == "Famine relief")
    assert (annotation.stance_id, annotation.target_id) == (store.stances()[1].id, relief.id)


@pytest.mark.parametrize("size", [(120, 40), (80, 24)])
async def test_the_picker_never_covers_the_sentence(store: Store, size: tuple[int, int]) -> None:
    """At 120x40 and 80x24, with each step of the picker open on the first, a middle and the
    last sentence, the picker's region and the reader's do not overlap, and the current
    sentence's first words are on screen in the reader."""
    async with run_reader(store, size) as ui:
        main = ui.app.main
        for keys in (("g",), ("j",) * 8, ("G",)):
            await ui.press(*keys)
            for step in (("a",), ("enter",), ("1",)):
                await ui.press(*step)
                await ui.pilot.pause()
                assert main.picker.display and not main.panel.display
                picker, reader = main.picker.region, main.reader.region
                assert not picker.overlaps(reader), (picker, reader)
                sentence = main.current_sentence
                assert sentence is not None
                words = " ".join(sentence.text.split()[:3])
                shown = " ".join(main.reader.visible_text().replace("▌", " ").split())
                assert words in shown, (keys, step, words, shown)
            await ui.press("escape", "escape", "escape")
            assert main.flow is None and main.panel.display


async def test_slash_then_typing_fills_the_search_and_enter_gives_keys_back(store: Store) -> None:
    """/ and letters typed at once go into the search box; after enter the next letters are
    commands in the reader again (j moves)."""
    async with run_reader(store) as ui:
        await ui.burst("slash", *"korea")
        main = ui.app.main
        assert main.filter_box.value == "korea"
        before = main.reader.cursor
        await ui.burst("enter", "j")
        assert ui.app.focused is main.reader
        assert main.reader.cursor == before + 1
        assert main.filter_box.value == "korea"


async def test_a_word_typed_in_one_burst_runs_one_or_two_searches(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The first letter filters at once; the letters that come right behind it are taken
    together once they are in the box, not searched one by one; the list ends filtered for the
    whole word."""
    searched: list[str] = []
    count = store.article_count

    def counting(query: str = "") -> int:
        if query:
            searched.append(query)
        return count(query)

    monkeypatch.setattr(store, "article_count", counting)
    async with run_reader(store) as ui:
        await ui.burst("slash", *"nuclear")
        assert ui.app.main.article_list.query_text == "nuclear"
        assert searched[0] == "n" and searched[-1] == "nuclear"
        assert len(searched) <= 2, searched


async def test_a_paste_right_after_slash_goes_into_the_search(store: Store) -> None:
    """A paste that arrives with the / key goes into the search box, not to the keys."""
    async with run_reader(store) as ui:
        ui.app.post_message(events.Key("slash", "/"))
        ui.app.post_message(events.Paste("nuclear talks"))
        await ui.pilot.pause()
        await ui.pilot.pause()
        assert ui.app.main.filter_box.value == "nuclear talks"
        assert store.annotations_for_article(store.first_article_id() or 0) == []


async def test_space_on_a_coded_sentence_offers_no_claim_in_one_undo(store: Store) -> None:
    """space on a sentence with codes asks; space again replaces them with "no claim"; u puts
    the codes back and removes the mark, in one step."""
    async with run_reader(store) as ui:
        await ui.press("a", "enter", "1", "enter", "a", "enter", "2", "enter")
        sentence = ui.app.main.current_sentence
        assert sentence is not None
        coded = store.annotations_for_sentence(sentence.id)
        assert len(coded) == 2
        await ui.press("space")
        assert ui.app.main.picker.view.title.startswith("Replace your 2 codes")
        await ui.press("space")
        assert store.annotations_for_sentence(sentence.id) == []
        assert store.statuses(sentence.article_id) == {sentence.id: NO_CLAIM}
        await ui.press("k", "u")
        assert store.annotations_for_sentence(sentence.id) == coded
        assert store.statuses(sentence.article_id) == {}


def consistent(path: Path) -> None:
    """The file is intact and every annotation points at an actor, stance and target."""
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        orphans = conn.execute(
            "SELECT count(*) FROM annotations x"
            " LEFT JOIN actors a ON a.id = x.actor_id LEFT JOIN stances s ON s.id = x.stance_id"
            " LEFT JOIN targets t ON t.id = x.target_id"
            " WHERE a.id IS NULL OR s.id IS NULL OR (x.target_id IS NOT NULL AND t.id IS NULL)"
        ).fetchone()[0]
        assert orphans == 0
    conn.close()


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
async def test_random_keys_in_bursts_never_crash(
    store: Store, db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, seed: int
) -> None:
    """500 random keys per seed (2,000 in all), typed in bursts of up to 60 without waiting:
    no exception, a consistent database, and the reader still answers keys afterwards."""
    monkeypatch.chdir(tmp_path)  # an export dialog's enter writes here
    rng = random.Random(seed)
    async with run_reader(store) as ui:
        sent = 0
        while sent < 500:
            burst = [rng.choice(KEYS) for _ in range(rng.randint(1, 60))]
            await ui.burst(*burst)
            sent += len(burst)
        for _ in range(6):  # close whatever is open: questions, views, dialogs
            await ui.press("escape")
        while ui.app.screen is not ui.app.main:
            ui.app.pop_screen()
            await ui.pilot.pause()
        main = ui.app.main
        assert main.flow is None
        await ui.press("g")
        await ui.press("j")
        assert main.reader.cursor == min(1, len(main.sentences) - 1)
    consistent(db_path)
