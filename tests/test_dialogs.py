"""The modal dialogs answer with the right value for the keys a coder presses."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest
from textual.screen import Screen
from textual.widgets import DataTable, Label, OptionList, Static

from reader.models import Actor
from reader.tui.screens.dialogs import ConfirmDialog
from reader.tui.screens.export import ExportDialog, ExportRequest, with_format
from reader.tui.screens.help import HelpScreen
from reader.tui.screens.pickers import ActorPicker
from reader.tui.screens.stats import StatsScreen, segment_widths
from tests.helpers import DialogHost, run_dialogs

NORTH = Actor(1, "North Korea", "state", ("DPRK", "Pyongyang"))
SOUTH = Actor(2, "South Korea", "state", ("ROK", "Seoul"))
JAPAN = Actor(3, "Japan", "state", ("Tokyo",))
NAKASONE = Actor(4, "Hirofumi Nakasone", "person", (), 3)
G20 = Actor(5, "Group of Twenty", "organization", ("G20",))
ACTORS = [NORTH, SOUTH, JAPAN, NAKASONE, G20]
SUGGESTED = [NAKASONE, NORTH]


Step = Screen[Any] | str | Callable[[DialogHost], None]


async def drive(*steps: Step) -> list[Any]:
    """Run the steps in one app: open a screen, press keys (in one go), or check the app.

    Several dialogs share one app run because starting an app costs more than a dozen keys.
    Returns every value the opened screens dismissed with, in order.
    """
    async with run_dialogs() as ui:
        keys: list[str] = []

        async def flush() -> None:
            if keys:
                await ui.press(*keys)
                keys.clear()

        for step in steps:
            if isinstance(step, str):
                keys.append(step)
                continue
            await flush()
            if isinstance(step, Screen):
                ui.app.open(step)
            else:
                await ui.pilot.pause()
                step(ui.app)
                continue
            await ui.pilot.pause()
        await flush()
        await ui.pilot.pause()
    return ui.app.results


def typed(text: str) -> list[str]:
    """Key names that type a text."""
    return ["space" if c == " " else c for c in text]


def prompts(app: DialogHost) -> list[str]:
    """The rows of the list in the dialog on top, as plain text."""
    return [str(option.prompt) for option in app.screen.query_one(OptionList).options]


def picker(initial: Actor | None = None) -> ActorPicker:
    return ActorPicker(ACTORS, suggested=SUGGESTED, initial=initial)


# --- actor picker (the codebook screen's merge) ---------------------------------------------


async def test_actor_suggestions_enter_digit_and_initial() -> None:
    """Enter takes the first suggestion, a digit the numbered one, and initial is preselected."""

    def listed(app: DialogHost) -> None:
        # Suggestions numbered, then everyone else alphabetically, then the new-actor row.
        assert prompts(app) == [
            "1 Hirofumi Nakasone  person",
            "2 North Korea        state",
            "  Group of Twenty    organization",
            "  Japan              state",
            "  South Korea        state",
        ]

    results = await drive(
        picker(), listed, "enter",
        picker(), "2",
        picker(initial=JAPAN), "enter",
        picker(), "down", "down", "enter",
    )  # fmt: skip
    assert results == [NAKASONE, NORTH, JAPAN, G20]


async def test_actor_filter_by_alias_and_typo() -> None:
    """Typing an alias finds its actor and shows the alias; a misspelt surname still matches."""

    def shows_alias(app: DialogHost) -> None:
        assert prompts(app) == ["  North Korea  state  = Pyongyang"]

    results = await drive(
        picker(), *typed("pyong"), shows_alias, "enter",
        picker(), *typed("nakasne"), "enter",
    )  # fmt: skip
    assert results == [NORTH, NAKASONE]


async def test_actor_digit_in_typed_filter_is_text_and_escape_cancels() -> None:
    """Once something is typed, digits are part of the filter; escape gives None."""
    assert await drive(picker(), "g", "2", "0", "enter", picker(), "j", "escape") == [G20, None]


async def test_confirm() -> None:
    """y and enter confirm; n and escape decline (never None)."""
    results = await drive(
        *(step for key in ["y", "enter", "n", "escape"] for step in (confirm(), key))
    )
    assert results == [True, True, False, False]


def confirm() -> ConfirmDialog:
    return ConfirmDialog("Delete this annotation?")


# --- export -------------------------------------------------------------------------------------


async def test_export_requests(tmp_path: Path) -> None:
    """Enter exports as CSV; JSONL renames the file; the checkbox asks for every sentence."""
    path = str(tmp_path / "out.csv")
    results = await drive(
        ExportDialog(path), "enter",
        ExportDialog(path), "tab", "right", "space", "tab", "space", "enter",
    )  # fmt: skip
    assert results == [
        ExportRequest(path, "csv", all_sentences=False, force=False),
        ExportRequest(str(tmp_path / "out.jsonl"), "jsonl", all_sentences=True, force=False),
    ]


async def test_export_existing_file_asks_first(tmp_path: Path) -> None:
    """An existing file is only overwritten after a yes; a no keeps the dialog open."""
    path = tmp_path / "annotations.csv"
    path.write_text("old\n")
    results = await drive(
        ExportDialog(str(path)), "enter", "y", ExportDialog(str(path)), "enter", "n"
    )
    assert results == [ExportRequest(str(path), "csv", False, True)]
    assert await drive(ExportDialog(str(path)), "enter", "n", "escape") == [None]


async def test_export_missing_folder_is_refused(tmp_path: Path) -> None:
    """A path in a folder that does not exist gets a message, not a request."""

    def says_folder(app: DialogHost) -> None:
        error = app.screen.query_one("#error", Label)
        assert "does not exist" in str(error.render()) and error.region.height > 0

    assert await drive(ExportDialog(str(tmp_path / "nope" / "a.csv")), "enter", says_folder) == []


def test_with_format() -> None:
    """Known extensions are swapped, a bare name gains one, others are left alone."""
    assert with_format("a/b.csv", "jsonl") == "a/b.jsonl"
    assert with_format("b.JSONL", "csv") == "b.csv"
    assert with_format("b", "csv") == "b.csv"
    assert with_format("b.txt", "csv") == "b.txt"


# --- help and statistics ------------------------------------------------------------------------


async def test_help_closes() -> None:
    """Escape, q and ? close the help."""

    def closed(app: DialogHost) -> None:
        assert not isinstance(app.screen, HelpScreen)

    groups = [("Move", [("j", "next")])]
    steps = [s for key in ("escape", "q", "question_mark") for s in (HelpScreen(groups), key)]
    assert await drive(*steps, closed) == [None, None, None]


async def test_stats_table_and_empty() -> None:
    """The table holds one row per actor with its counts; no data shows a friendly line."""

    def table(app: DialogHost) -> None:
        data = app.screen.query_one(DataTable)
        assert data.row_count == 2
        assert [str(cell) for cell in data.get_row_at(0)] == ["North Korea", "3", "1", "2", "6"]

    def empty(app: DialogHost) -> None:
        assert "Nothing coded yet" in str(app.screen.query_one(".stats-empty", Static).render())

    rows = [("North Korea", [3, 1, 2], 6), ("Japan", [0, 2, 1], 3)]
    results = await drive(
        StatsScreen(["support", "oppose", "neutral"], rows), table, "s",
        StatsScreen(["support"], []), empty, "escape",
    )  # fmt: skip
    assert results == [None, None]


@pytest.mark.parametrize(
    ("counts", "width", "expected"),
    [([3, 1, 2], 12, [6, 2, 4]), ([1, 1, 1], 10, [3, 4, 3]), ([0, 5], 7, [0, 7]), ([0], 5, [0])],
)
def test_segment_widths(counts: Sequence[int], width: int, expected: list[int]) -> None:
    """Stacked bar segments always add up to the bar's width."""
    assert segment_widths(counts, width) == expected
