"""The codebook screen, driven by keys through a tiny host app; assertions read the database."""

from __future__ import annotations

import asyncio
import functools
import json
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any

from textual.app import App
from textual.widgets import OptionList

from reader.db import open_database
from reader.exchange.codebook_file import codebook_to_toml, merge_codebook, parse_codebook
from reader.store import Store
from reader.tui.screens.codebook import CodebookScreen

CSS = Path(__file__).resolve().parent.parent / "reader" / "tui" / "reader.tcss"


def sync(test: Callable[..., Coroutine[Any, Any, None]]) -> Callable[..., None]:
    """Run an async Pilot test in its own event loop (no async pytest plugin is installed)."""

    @functools.wraps(test)
    def run(*args: Any, **kwargs: Any) -> None:
        asyncio.run(test(*args, **kwargs))

    return run


class Host(App[None]):
    """Opens the codebook screen at once and keeps what it dismissed with."""

    CSS_PATH = CSS

    def __init__(self, store: Store) -> None:
        super().__init__()
        self.store = store
        self.result: bool | None = None

    def on_mount(self) -> None:
        self.push_screen(CodebookScreen(self.store), self._codebook_closed)

    def _codebook_closed(self, changed: bool | None) -> None:
        self.result = changed


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


def errors(app: App[None]) -> list[str]:
    return [n.message for n in app._notifications if n.severity == "error"]


def dump(store: Store) -> dict[str, list[tuple[Any, ...]]]:
    return {
        t: store.conn.execute(f"SELECT * FROM {t} ORDER BY id").fetchall()
        for t in ("actors", "annotations")
    }


@sync
async def test_add_actor_with_kind_aliases_and_fuzzy_parent(store: Store) -> None:
    """a, name, kind, aliases, a misspelt parent: the database holds the actor as typed."""
    app = Host(store)
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.press("a", *"Taro Kono", "tab", "up", "tab")
        await pilot.press(*"Kono, FM Kono", "tab", *"Japn", "enter")
        assert actor(store, "Taro Kono") == ("organization", '["Kono", "FM Kono"]', "Japan")
        await pilot.press("escape")
    assert app.result is True


@sync
async def test_edit_actor_and_refuse_a_duplicate_alias(store: Store) -> None:
    """e rewrites the highlighted actor; an alias of another actor is one error, nothing written."""
    app = Host(store)
    async with app.run_test(size=(100, 40)) as pilot:
        highlight(app, f"actor:{actor_id(store, 'Lee Jong-seok')}")
        await pilot.press("e", "tab", "tab", *"Lee, Minister Lee", "tab", *"Seoul", "enter")
        assert actor(store, "Lee Jong-seok") == (
            "person",
            '["Lee", "Minister Lee"]',
            "South Korea",
        )
        before = dump(store)
        await pilot.press("e", "tab", "tab", *"Pyongyang", "enter")
        assert dump(store) == before
        assert errors(app) == ["the alias 'Pyongyang' is already used by actor 'North Korea'"]


@sync
async def test_merge_then_undo_restores_everything(store: Store) -> None:
    """m picks the target and confirms; the source's annotations move; store.undo() reverts."""
    cfm, china = actor_id(store, "Chinese Foreign Ministry"), actor_id(store, "China")
    sentence = store.sentences(1)[2].id
    note = store.add_annotation(sentence, cfm, store.stances()[0].id)
    before = dump(store)
    app = Host(store)
    async with app.run_test(size=(100, 40)) as pilot:
        highlight(app, f"actor:{cfm}")
        await pilot.press("m", *"China", "enter", "y")
        assert actor(store, "Chinese Foreign Ministry") is None
        assert store._value("SELECT actor_id FROM annotations WHERE id = ?", [note.id]) == china
        assert "Chinese Foreign Ministry" in json.loads(actor(store, "China")[1])
        await pilot.press("escape")
    assert app.result is True
    assert store.undo() is not None
    assert dump(store) == before


@sync
async def test_delete_refused_in_use_then_allowed_when_unused(store: Store) -> None:
    """d on a used actor says to merge and deletes nothing; on an unused one it deletes."""
    japan = actor_id(store, "Japan")
    store.add_annotation(store.sentences(1)[1].id, japan, store.stances()[0].id)
    app = Host(store)
    async with app.run_test(size=(100, 40)) as pilot:
        highlight(app, f"actor:{japan}")
        await pilot.press("d")
        assert actor(store, "Japan") is not None
        assert errors(app) == [
            "“Japan” is used by 1 annotation(s); merge it (m) into another actor instead."
        ]
        highlight(app, f"actor:{actor_id(store, '38 North')}")
        await pilot.press("delete", "y")
        assert actor(store, "38 North") is None


@sync
async def test_targets_and_stances_up_to_nine(store: Store) -> None:
    """t adds a target, s adds the ninth stance, e edits a stance; a tenth stance is refused."""
    for n in range(len(store.stances()), 8):
        store.add_stance(f"k{n}")
    app = Host(store)
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.press("t", *"Aid", "enter")
        assert store._value("SELECT count(*) FROM targets WHERE name = 'Aid'") == 1
        await pilot.press("s", "k", "tab", "L", "tab", "backspace", "2", "enter")
        ninth = store.stances()[-1]
        assert (ninth.key, ninth.label, ninth.score, ninth.position) == ("k", "L", 2.0, 9)
        await pilot.press("s")
        assert len(store.stances()) == 9
        assert errors(app)[-1].startswith("The codebook already has 9 stances")
        highlight(app, f"stance:{store.stances()[0].id}")
        await pilot.press("e", *"backing", "enter")
        assert store.stances()[0].key == "backing"
        await pilot.press("escape")
    assert app.result is True


@sync
async def test_closing_without_changes_dismisses_false(store: Store) -> None:
    """escape with nothing written tells the caller there is nothing to recompute."""
    app = Host(store)
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.press("a", "escape", "escape")
    assert app.result is False


@sync
async def test_edits_survive_a_toml_round_trip(store: Store, tmp_path: Path) -> None:
    """What the screen wrote exports to TOML and imports into a fresh database unchanged."""
    app = Host(store)
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.press("a", *"Taro Kono", "tab", "tab", *"Kono", "tab", *"Japan", "enter")
        highlight(app, f"actor:{actor_id(store, 'Wang Yi')}")
        await pilot.press("m", *"Wang Qishan", "enter", "y", "t", *"Food aid", "enter")
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
