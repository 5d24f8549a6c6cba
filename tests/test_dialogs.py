"""The modal dialogs answer with the right value for the keys a coder presses."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest
from textual.app import App, ComposeResult
from textual.screen import Screen
from textual.widgets import DataTable, Label, OptionList, Static

import reader.tui.screens
from reader.models import Actor, Stance, Target
from reader.tui.screens.dialogs import ChooseAnnotation, ConfirmDialog, NoteDialog
from reader.tui.screens.export import ExportDialog, ExportRequest, with_format
from reader.tui.screens.help import HelpScreen
from reader.tui.screens.pickers import (
    ActorPicker,
    NewActor,
    NewActorDialog,
    StancePicker,
    TargetChoice,
    TargetPicker,
)
from reader.tui.screens.stats import StatsScreen, segment_widths

APPS = Path(__file__).parent / "snapshot_apps"

NORTH = Actor(1, "North Korea", "state", ("DPRK", "Pyongyang"))
SOUTH = Actor(2, "South Korea", "state", ("ROK", "Seoul"))
JAPAN = Actor(3, "Japan", "state", ("Tokyo",))
NAKASONE = Actor(4, "Hirofumi Nakasone", "person", (), 3)
G20 = Actor(5, "Group of Twenty", "organization", ("G20",))
ACTORS = [NORTH, SOUTH, JAPAN, NAKASONE, G20]
SUGGESTED = [NAKASONE, NORTH]

SUPPORT = Stance(1, "support", "support", 1, 1)
OPPOSE = Stance(2, "oppose", "oppose", -1, 2)
NEUTRAL = Stance(3, "neutral", "neutral", 0, 3)
STANCES = [SUPPORT, OPPOSE, NEUTRAL]

SANCTIONS = Target(1, "sanctions")
SUMMIT = Target(2, "summit")
TARGETS = [SANCTIONS, SUMMIT]


class Host(App[None]):
    """Pushes dialogs and records what each dismisses with, as the coding screen would."""

    CSS_PATH = str(Path(reader.tui.screens.__file__).parent.with_name("reader.tcss"))

    def __init__(self) -> None:
        super().__init__()
        self.results: list[Any] = []

    def compose(self) -> ComposeResult:
        yield Label("host")


Step = Screen[Any] | str | Callable[[Host], None]


def drive(*steps: Step) -> list[Any]:
    """Run the steps in one app: push a screen, press keys (in one go), or check the app.

    Several dialogs share one app run because starting an app costs more than a dozen keys.
    Returns every value the pushed screens dismissed with, in order.
    """

    async def run() -> list[Any]:
        app = Host()
        async with app.run_test(size=(80, 24)) as pilot:
            keys: list[str] = []

            async def flush() -> None:
                if keys:
                    await pilot.press(*keys)
                    keys.clear()

            for step in steps:
                if isinstance(step, str):
                    keys.append(step)
                    continue
                await flush()
                if isinstance(step, Screen):
                    app.push_screen(step, app.results.append)
                else:
                    await pilot.pause()
                    step(app)
                    continue
                await pilot.pause()
            await flush()
            await pilot.pause()
        return app.results

    return asyncio.run(run())


def typed(text: str) -> list[str]:
    """Key names that type a text."""
    return ["space" if c == " " else c for c in text]


def prompts(app: Host) -> list[str]:
    """The rows of the list in the dialog on top, as plain text."""
    return [str(option.prompt) for option in app.screen.query_one(OptionList).options]


def picker(initial: Actor | None = None) -> ActorPicker:
    return ActorPicker(ACTORS, suggested=SUGGESTED, initial=initial)


# --- actor picker -------------------------------------------------------------------------------


def test_actor_suggestions_enter_digit_and_initial() -> None:
    """Enter takes the first suggestion, a digit the numbered one, and initial is preselected."""

    def listed(app: Host) -> None:
        # Suggestions numbered, then everyone else alphabetically, then the new-actor row.
        assert prompts(app) == [
            "1 Hirofumi Nakasone  person",
            "2 North Korea        state",
            "  Group of Twenty    organization",
            "  Japan              state",
            "  South Korea        state",
            "  + New actor…",
        ]

    results = drive(
        picker(), listed, "enter",
        picker(), "2",
        picker(initial=JAPAN), "enter",
        picker(), "down", "down", "enter",
    )  # fmt: skip
    assert results == [NAKASONE, NORTH, JAPAN, G20]


def test_actor_filter_by_alias_and_typo() -> None:
    """Typing an alias finds its actor and shows the alias; a misspelt surname still matches."""

    def shows_alias(app: Host) -> None:
        assert prompts(app) == ["  North Korea  state  = Pyongyang", "  + New actor “pyong”…"]

    results = drive(
        picker(), *typed("pyong"), shows_alias, "enter",
        picker(), *typed("nakasne"), "enter",
    )  # fmt: skip
    assert results == [NORTH, NAKASONE]


def test_actor_digit_in_typed_filter_is_text_and_escape_cancels() -> None:
    """Once something is typed, digits are part of the filter; escape gives None."""
    assert drive(picker(), "g", "2", "0", "enter", picker(), "j", "escape") == [G20, None]


def test_actor_new_actor_flow() -> None:
    """An unknown name leads to the new-actor row, whose dialog returns name and kind."""
    results = drive(
        picker(), *typed("Mo"), "enter", *typed(" J"), "tab", "1", "enter",
        picker(), *typed("Mo"), "enter", "enter",
    )  # fmt: skip
    assert results == [NewActor("Mo J", "state"), NewActor("Mo", "person")]


def test_actor_new_actor_cancel_resumes_picking() -> None:
    """Escape in the new-actor dialog goes back to the picker, which still answers."""
    assert drive(picker(), "m", "enter", "escape", "backspace", "enter") == [NAKASONE]


def test_new_actor_dialog_refuses_empty_name() -> None:
    """Enter with no name keeps the dialog open with a message; arrows choose the kind."""

    def says_name(app: Host) -> None:
        assert "Type the actor's name" in str(app.screen.query_one("#error", Label).render())

    results = drive(NewActorDialog(""), "enter", says_name, *typed("KCNA"), "down", "enter")
    assert results == [NewActor("KCNA", "media")]


# --- stances and targets ------------------------------------------------------------------------


def test_stance_picker() -> None:
    """Rows read "1 support (+1)"; digits pick in codebook order; arrows, initial, escape."""

    def rows(app: Host) -> None:
        assert prompts(app) == ["1 support (+1)", "2 oppose (-1)", "3 neutral (0)"]

    results = drive(
        StancePicker(STANCES), rows, "2",
        StancePicker(STANCES), "down", "down", "enter",
        StancePicker(STANCES, initial=NEUTRAL), "enter",
        StancePicker(STANCES), "escape",
    )  # fmt: skip
    assert results == [OPPOSE, NEUTRAL, NEUTRAL, None]


def test_target_picker() -> None:
    """ "(no target)" first; initial preselected; 0 and digits pick; typing filters; escape."""
    results = drive(
        TargetPicker(TARGETS), "enter",
        TargetPicker(TARGETS, initial=SUMMIT), "enter",
        TargetPicker(TARGETS, initial=SUMMIT), "0",
        TargetPicker(TARGETS), "1",
        TargetPicker(TARGETS), *typed("sum"), "enter",
        TargetPicker(TARGETS), "escape",
    )  # fmt: skip
    assert results == [
        TargetChoice(None),
        TargetChoice(SUMMIT),
        TargetChoice(None),
        TargetChoice(SANCTIONS),
        TargetChoice(SUMMIT),
        None,
    ]


# --- small dialogs ------------------------------------------------------------------------------


def test_note_dialog() -> None:
    """The note is prefilled and edited in place; escape drops the edit."""
    results = drive(NoteDialog("hawkish"), *typed(" x"), "enter", NoteDialog("old"), "x", "escape")
    assert results == ["hawkish x", None]


def test_choose_annotation() -> None:
    """A digit or enter answers with the annotation id, not the row number."""
    items = [(17, "North Korea oppose sanctions"), (42, "Japan support summit")]
    results = drive(
        ChooseAnnotation(items, "Delete which?"), "2",
        ChooseAnnotation(items, "Delete which?"), "enter",
        ChooseAnnotation(items, "Delete which?"), "escape",
    )  # fmt: skip
    assert results == [42, 17, None]


def test_confirm() -> None:
    """y and enter confirm; n and escape decline (never None)."""
    results = drive(*(step for key in ["y", "enter", "n", "escape"] for step in (confirm(), key)))
    assert results == [True, True, False, False]


def confirm() -> ConfirmDialog:
    return ConfirmDialog("Delete this annotation?")


# --- export -------------------------------------------------------------------------------------


def test_export_requests(tmp_path: Path) -> None:
    """Enter exports as CSV; JSONL renames the file; the checkbox asks for every sentence."""
    path = str(tmp_path / "out.csv")
    results = drive(
        ExportDialog(path), "enter",
        ExportDialog(path), "tab", "right", "space", "tab", "space", "enter",
    )  # fmt: skip
    assert results == [
        ExportRequest(path, "csv", all_sentences=False, force=False),
        ExportRequest(str(tmp_path / "out.jsonl"), "jsonl", all_sentences=True, force=False),
    ]


def test_export_existing_file_asks_first(tmp_path: Path) -> None:
    """An existing file is only overwritten after a yes; a no keeps the dialog open."""
    path = tmp_path / "annotations.csv"
    path.write_text("old\n")
    results = drive(ExportDialog(str(path)), "enter", "y", ExportDialog(str(path)), "enter", "n")
    assert results == [ExportRequest(str(path), "csv", False, True)]
    assert drive(ExportDialog(str(path)), "enter", "n", "escape") == [None]


def test_export_missing_folder_is_refused(tmp_path: Path) -> None:
    """A path in a folder that does not exist gets a message, not a request."""

    def says_folder(app: Host) -> None:
        assert "does not exist" in str(app.screen.query_one("#error", Label).render())

    assert drive(ExportDialog(str(tmp_path / "nope" / "a.csv")), "enter", says_folder) == []


def test_with_format() -> None:
    """Known extensions are swapped, a bare name gains one, others are left alone."""
    assert with_format("a/b.csv", "jsonl") == "a/b.jsonl"
    assert with_format("b.JSONL", "csv") == "b.csv"
    assert with_format("b", "csv") == "b.csv"
    assert with_format("b.txt", "csv") == "b.txt"


# --- help and statistics ------------------------------------------------------------------------


def test_help_closes() -> None:
    """Escape, q and ? close the help."""

    def closed(app: Host) -> None:
        assert not isinstance(app.screen, HelpScreen)

    groups = [("Move", [("j", "next")])]
    steps = [s for key in ("escape", "q", "question_mark") for s in (HelpScreen(groups), key)]
    assert drive(*steps, closed) == [None, None, None]


def test_stats_table_and_empty() -> None:
    """The table holds one row per actor with its counts; no data shows a friendly line."""

    def table(app: Host) -> None:
        data = app.screen.query_one(DataTable)
        assert data.row_count == 2
        assert data.get_row_at(0) == ["North Korea", 3, 1, 2, 6]

    def empty(app: Host) -> None:
        assert "Nothing coded yet" in str(app.screen.query_one(".stats-empty", Static).render())

    rows = [("North Korea", [3, 1, 2], 6), ("Japan", [0, 2, 1], 3)]
    results = drive(
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


# --- snapshots ----------------------------------------------------------------------------------


def test_snapshot_actor_picker(snap_compare: Any) -> None:
    """The actor picker over a sentence: numbered suggestions, a divider, then everyone."""
    assert snap_compare(APPS / "actor_picker.py", terminal_size=(100, 30))


def test_snapshot_help(snap_compare: Any) -> None:
    """The help screen groups keys under titles."""
    assert snap_compare(APPS / "help_screen.py", terminal_size=(100, 30))
