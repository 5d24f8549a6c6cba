"""The codebook screen, driven by keys over a bare host app; assertions read the database."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from textual.app import App
from textual.widgets import OptionList

from reader.db import open_database
from reader.exchange.codebook_file import codebook_to_toml, merge_codebook, parse_codebook
from reader.store import Store
from reader.tui.screens.codebook import CodebookScreen
from tests.helpers import DialogHost, Session, dump, run_dialogs

MERGED = ("actors", "annotations")
"""The tables a merge touches."""


@asynccontextmanager
async def codebook(store: Store) -> AsyncIterator[Session[DialogHost]]:
    """The codebook screen open on ``store``; ``ui.app.results`` gets what it dismissed with."""
    async with run_dialogs(size=(100, 40)) as ui:
        ui.app.open(CodebookScreen(store))
        await ui.pilot.pause()
        yield ui


def actor(store: Store, name: str) -> tuple[Any, ...] | None:
    """(kind, aliases, parent name) of the actor with that name, read from the database."""
    return store.conn.execute(
        "SELECT a.kind, a.aliases, p.name FROM actors a LEFT JOIN actors p ON p.id = a.parent_id"
        " WHERE a.name = ?",
        [name],
    ).fetchone()


def actor_id(store: Store, name: str) -> int:
    return int(store._value("SELECT id FROM actors WHERE name = ?", [name]))


def highlight(app: App[None], option_id: str) -> None:
    entries = app.screen.query_one("#codebook-entries", OptionList)
    entries.highlighted = entries.get_option_index(option_id)


async def test_add_actor_with_kind_aliases_and_fuzzy_parent(store: Store) -> None:
    """a, name, kind, aliases, a misspelt parent: the database holds the actor as typed."""
    async with codebook(store) as ui:
        await ui.press("a", *"Taro Kono", "tab", "up", "tab")
        await ui.press(*"Kono, FM Kono", "tab", *"Japn", "enter")
        assert actor(store, "Taro Kono") == ("organization", '["Kono", "FM Kono"]', "Japan")
        await ui.press("escape")
    assert ui.app.results == [True]


async def test_edit_actor_and_refuse_a_duplicate_alias(store: Store) -> None:
    """e rewrites the highlighted actor; an alias of another actor is one error, nothing written."""
    async with codebook(store) as ui:
        highlight(ui.app, f"actor:{actor_id(store, 'Lee Jong-seok')}")
        await ui.press("e", "tab", "tab", *"Lee, Minister Lee", "tab", *"Seoul", "enter")
        assert actor(store, "Lee Jong-seok") == (
            "person",
            '["Lee", "Minister Lee"]',
            "South Korea",
        )
        before = dump(store, MERGED)
        await ui.press("e", "tab", "tab", *"Pyongyang", "enter")
        assert dump(store, MERGED) == before
        assert ui.messages("error") == [
            "the alias 'Pyongyang' is already used by actor 'North Korea'"
        ]


async def test_merge_then_undo_restores_everything(store: Store) -> None:
    """m picks the target and confirms; the source's annotations move; store.undo() reverts."""
    cfm, china = actor_id(store, "Chinese Foreign Ministry"), actor_id(store, "China")
    sentence = store.sentences(1)[2].id
    note = store.add_annotation(sentence, cfm, store.stances()[0].id)
    before = dump(store, MERGED)
    async with codebook(store) as ui:
        highlight(ui.app, f"actor:{cfm}")
        await ui.press("m", *"China", "enter", "y")
        assert actor(store, "Chinese Foreign Ministry") is None
        assert store._value("SELECT actor_id FROM annotations WHERE id = ?", [note.id]) == china
        assert "Chinese Foreign Ministry" in json.loads(actor(store, "China")[1])
        await ui.press("escape")
    assert ui.app.results == [True]
    assert store.undo() is not None
    assert dump(store, MERGED) == before


async def test_delete_refused_in_use_then_allowed_when_unused(store: Store) -> None:
    """d on a used actor says to merge and deletes nothing; on an unused one it deletes."""
    japan = actor_id(store, "Japan")
    store.add_annotation(store.sentences(1)[1].id, japan, store.stances()[0].id)
    async with codebook(store) as ui:
        highlight(ui.app, f"actor:{japan}")
        await ui.press("d")
        assert actor(store, "Japan") is not None
        assert ui.messages("error") == [
            "“Japan” is used by 1 annotation(s); merge it (m) into another actor instead."
        ]
        highlight(ui.app, f"actor:{actor_id(store, '38 North')}")
        await ui.press("delete", "y")
        assert actor(store, "38 North") is None


async def test_targets_and_stances_up_to_nine(store: Store) -> None:
    """t adds a target, s adds the ninth stance, e edits a stance; a tenth stance is refused."""
    for n in range(len(store.stances()), 8):
        store.add_stance(f"k{n}")
    async with codebook(store) as ui:
        await ui.press("t", *"Aid", "enter")
        assert store._value("SELECT count(*) FROM targets WHERE name = 'Aid'") == 1
        await ui.press("s", "k", "tab", "L", "tab", "backspace", "2", "enter")
        ninth = store.stances()[-1]
        assert (ninth.key, ninth.label, ninth.score, ninth.position) == ("k", "L", 2.0, 9)
        await ui.press("s")
        assert len(store.stances()) == 9
        assert ui.messages("error")[-1].startswith("The codebook already has 9 stances")
        highlight(ui.app, f"stance:{store.stances()[0].id}")
        await ui.press("e", *"backing", "enter")
        assert store.stances()[0].key == "backing"
        await ui.press("escape")
    assert ui.app.results == [True]


async def test_closing_without_changes_dismisses_false(store: Store) -> None:
    """escape with nothing written tells the caller there is nothing to recompute."""
    async with codebook(store) as ui:
        await ui.press("a", "escape", "escape")
    assert ui.app.results == [False]


async def test_edits_survive_a_toml_round_trip(store: Store, tmp_path: Path) -> None:
    """What the screen wrote exports to TOML and imports into a fresh database unchanged."""
    async with codebook(store) as ui:
        await ui.press("a", *"Taro Kono", "tab", "tab", *"Kono", "tab", *"Japan", "enter")
        highlight(ui.app, f"actor:{actor_id(store, 'Wang Yi')}")
        await ui.press("m", *"Wang Qishan", "enter", "y", "t", *"Food aid", "enter")
    fresh = Store(open_database(tmp_path / "fresh.db"), "tester")
    merge_codebook(fresh, parse_codebook(codebook_to_toml(store), "export"))
    assert codebook_to_toml(fresh) == codebook_to_toml(store)
    assert fresh.conn.execute(
        "SELECT a.aliases, p.name FROM actors a JOIN actors p ON p.id = a.parent_id"
        " WHERE a.name = 'Taro Kono'"
    ).fetchone() == ('["Kono"]', "Japan")
    assert (
        "Wang Yi"
        in fresh.conn.execute("SELECT aliases FROM actors WHERE name = 'Wang Qishan'").fetchone()[0]
    )
