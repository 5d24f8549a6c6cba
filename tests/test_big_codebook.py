"""The mention finder of a big codebook: built off the first frame's way, a new actor taken in at
once, and rebuilt when the codebook changes (undo, another process)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from reader.db import open_database
from reader.models import Actor, Sentence
from reader.store import Store
from reader.text.mentions import Mention
from reader.tui.screens import article_screen
from reader.tui.screens.main import MainScreen
from tests.helpers import Session, run_reader


@pytest.fixture(autouse=True)
def every_codebook_is_big(monkeypatch: pytest.MonkeyPatch) -> None:
    """The default codebook (36 actors) takes the path of a 5,000-actor one: its finder is
    built on a thread after the first frame."""
    monkeypatch.setattr(article_screen, "BUILD_AT_ONCE", 0)


async def settled(ui: Session[Any]) -> MainScreen:
    """The coding screen once every finder build on a thread has been taken in."""
    await ui.app.workers.wait_for_complete()
    await ui.pilot.pause()
    screen = ui.app.main
    assert isinstance(screen, MainScreen)
    return screen


def shown(screen: MainScreen, sentence: Sentence) -> list[Mention]:
    """The mentions the reader shows in ``sentence``: none while the finder is being built."""
    return list(screen.mentions.of(sentence)) if screen.mentions is not None else []


def unnamed_word(screen: MainScreen) -> str:
    """A word of the highlighted sentence that no actor's name covers."""
    sentence = screen.current_sentence
    assert sentence is not None
    taken = [(m.start, m.end) for m in shown(screen, sentence)]
    for word in re.finditer(r"\b[A-Za-z]{5,}\b", sentence.text):
        if not any(start <= word.start() < end for start, end in taken):
            return word.group()
    raise AssertionError(f"every word is a name: {sentence.text!r}")


def found_ids(screen: MainScreen) -> set[int]:
    sentence = screen.current_sentence
    assert sentence is not None
    return {m.actor_id for m in screen.finder.find(sentence.text)}


def mentioned_ids(screen: MainScreen) -> set[int]:
    sentence = screen.current_sentence
    assert sentence is not None
    return {m.actor_id for m in shown(screen, sentence)}


async def test_mentions_are_shown_once_the_finder_is_built(store: Store) -> None:
    """The first frame needs no finder; once it is built the open article's mentions are the
    same as a finder built at once finds."""
    async with run_reader(store) as ui:
        screen = await settled(ui)
        expected = article_screen.MentionFinder(store.actors()).find_in_article(
            [s.text for s in screen.sentences]
        )
        assert [shown(screen, s) for s in screen.sentences] == expected
        assert any(expected)


async def test_an_actor_made_in_the_picker_is_found_at_once_and_undo_forgets_it(
    store: Store,
) -> None:
    """A new actor named after a word of the sentence is found in it as soon as it is made (no
    rebuild); undoing the actor's creation rebuilds the finder without it."""
    async with run_reader(store) as ui:
        screen = await settled(ui)
        word = unnamed_word(screen)
        await ui.press("a", *word, "up", "enter", "enter", "enter")
        [made] = [a for a in store.actors() if a.name == word]
        assert made.id in found_ids(screen)
        assert made.id in mentioned_ids(screen)
        assert any(a.id == made.id for a in screen.codebook.actors)
        await ui.press("escape", "escape", "escape")
        await ui.press("u")
        screen = await settled(ui)
        assert not [a for a in store.actors() if a.name == word]
        assert made.id not in found_ids(screen)
        assert made.id not in mentioned_ids(screen)


async def test_an_actor_added_by_another_process_is_found_after_a_refresh(
    store: Store, db_path: Path
) -> None:
    """Another process adds an actor; `r` reads the codebook again and the finder finds it."""
    async with run_reader(store) as ui:
        screen = await settled(ui)
        word = unnamed_word(screen)
        other = Store(open_database(db_path), "other")
        made: Actor = other.add_actor(word, "organization")
        other.close()
        assert made.id not in found_ids(screen)
        await ui.press("r")
        screen = await settled(ui)
        assert made.id in found_ids(screen)
        assert made.id in mentioned_ids(screen)
