"""The statistics screen's actor x target matrix (``s``, then ``m``): who takes which stance on
what, readable at 80 x 24."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from textual.widgets import DataTable

from reader.db import open_database
from reader.store import Store
from reader.tui.screens.stats import StatsScreen, signed_cell
from tests.helpers import run_reader, screen_text
from tests.test_network import build, hand_codes


def test_a_cell_is_the_signed_sum_and_its_statements() -> None:
    """+2 (2): two supports; -1 (1); 0 (2): a support and an oppose, or neutral; · none."""
    assert [signed_cell(*cell) for cell in ((2, 2), (-1, 1), (0, 2), (0, 0), (0.5, 3))] == [
        "+2 (2)", "-1 (1)", "0 (2)", "·", "+0.5 (3)",
    ]  # fmt: skip


async def test_the_matrix_at_80_by_24(tmp_path: Path) -> None:
    """s opens the statistics, m the coder's actor x target matrix: a row per actor (its name
    kept in place), a column per target (long names cut with …), each cell the sum of the
    stance scores and the statements; the arrow keys scroll to the targets out of view; m goes
    back to the stances, esc closes."""
    db = build(tmp_path / "hand.db", {"ana": hand_codes(), "ben": [(0, "A", "oppose", "Y")]})
    long_name = "Resumption of the six-party talks on denuclearisation"
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE targets SET name = ? WHERE name = 'X'", [long_name])
        for number in range(6):
            conn.execute("INSERT INTO targets (name) VALUES (?)", [f"Target {number}"])
        conn.execute(
            "UPDATE annotations SET target_id = (SELECT id FROM targets WHERE name ="
            " 'Target 5') WHERE id = 8"
        )
    store = Store(open_database(db), "ana")
    try:
        async with run_reader(store, size=(80, 24)) as ui:
            await ui.press("s", "m")
            screen = ui.app.screen
            assert isinstance(screen, StatsScreen)
            table = screen.query_one("#stats-matrix", DataTable)
            assert table.has_focus and table.row_count == 4
            labels = [str(column.label) for column in table.columns.values()]
            assert labels == ["actor", "Resumption of…", "Target 5", "Y"]
            rows = [[str(cell) for cell in table.get_row_at(i)] for i in range(4)]
            assert rows == [
                ["A", "+2 (2)", "·", "-1 (1)"],
                ["B", "+1 (1)", "·", "+1 (1)"],
                ["C", "-1 (1)", "·", "0 (1)"],
                ["D", "·", "-1 (1)", "·"],
            ]
            text = screen_text(ui.app)
            assert "Resumption of…" in text and "+2 (2)" in text
            assert "sum of the stance scores (support +1, oppose -1, neutral 0)" in text
            assert max(len(line) for line in text.splitlines()) <= 80
            await ui.press("right", "right", "right")
            assert table.cursor_coordinate.column == 3
            assert "A" in screen_text(ui.app).split("\n", 6)[-1]
            await ui.press("m")
            assert screen.query_one("#stats-table", DataTable).has_focus
            await ui.press("escape")
            assert not isinstance(ui.app.screen, StatsScreen)
    finally:
        store.close()


async def test_no_statement_with_a_target_says_so(tmp_path: Path) -> None:
    """A coder whose statements have no target sees a line saying so, not an empty grid."""
    db = build(tmp_path / "none.db", {"ana": [(8, "C", "support", None)]})
    store = Store(open_database(db), "ana")
    try:
        async with run_reader(store, size=(80, 24)) as ui:
            await ui.press("s", "m")
            assert "No statement has a target yet." in screen_text(ui.app)
    finally:
        store.close()
