"""Snapshots of the real reader on the seed articles, each state reached with a coder's keys.

The database is the ``store`` fixture's (the default codebook and the three seed articles, coder
"tester"); the status bar shows a fixed label instead of the temporary path, and nothing on
screen depends on the clock.
"""

from __future__ import annotations

import random
from typing import Any

from reader.store import Store
from reader.tui.app import ReaderApp

SIZE = (100, 30)

CODE_THREE = ("space", "a", "enter", "1", "enter", "j", "a", "enter", "2", "enter")
"""The title: no claim. The next sentence: its first suggestion (Japan) supports. The one after:
its first suggestion (China) opposes. No target either time."""


def reader(store: Store) -> ReaderApp:
    return ReaderApp(store, db_label="seeds.db")


def test_main_screen_after_coding(snap_compare: Any, store: Store) -> None:
    """The coding screen after three sentences were coded: progress, badges, the panel."""
    assert snap_compare(reader(store), press=CODE_THREE, terminal_size=SIZE)


def test_help_lists_the_keys_the_screen_binds(snap_compare: Any, store: Store) -> None:
    """? over the coding screen: every group, with the keys bound (j k, a, space, u, ...)."""
    assert snap_compare(reader(store), press=["question_mark"], terminal_size=(100, 60))


def test_actor_picker_suggests_who_the_sentence_names(snap_compare: Any, store: Store) -> None:
    """a on the sentence naming Nakasone: numbered suggestions, him first, then everyone."""
    press = ["j"] * 5 + ["a"]
    assert snap_compare(reader(store), press=press, terminal_size=SIZE)


def test_statistics_after_coding(snap_compare: Any, store: Store) -> None:
    """s after coding: the coder's stances by actor, as a table and as bars."""
    press = [*CODE_THREE, "s"]
    assert snap_compare(reader(store), press=press, terminal_size=SIZE)


def two_coders_code_the_seeds(store: Store) -> None:
    """alice and bob code the first ten sentences of each seed article, from one seeded draw:
    both find the same claims but now and then, bob another stance or another actor."""
    rng = random.Random(7)
    alice, bob = Store(store.conn, "alice"), Store(store.conn, "bob")
    actors, stances = [a.id for a in store.actors()][:6], [s.id for s in store.stances()]
    for article in store.article_progress():
        for sentence in store.sentences(article.id)[:10]:
            if rng.random() < 0.3:
                alice.set_no_claim(sentence.id, True)
                bob.set_no_claim(sentence.id, True)
                continue
            actor, stance = rng.choice(actors), rng.choice(stances)
            alice.add_annotation(sentence.id, actor, stance)
            if rng.random() < 0.2:
                stance = rng.choice(stances)
            elif rng.random() < 0.1:
                actor = rng.choice(actors)
            bob.add_annotation(sentence.id, actor, stance)


def test_agreement_between_two_coders(snap_compare: Any, store: Store) -> None:
    """A after alice and bob coded the seeds: alpha per variable with its interval at 80x24,
    the stance row spelled out under the table."""
    two_coders_code_the_seeds(store)

    async def computed(pilot: Any) -> None:
        await pilot.press("A")
        for _ in range(500):
            if not pilot.app.screen.computing:
                break
            await pilot.pause(0.02)

    press = ["j", "j"]
    assert snap_compare(reader(store), press=press, terminal_size=(80, 24), run_before=computed)
