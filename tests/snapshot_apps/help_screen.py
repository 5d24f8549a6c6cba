"""The help screen with a few groups of keys, for a snapshot."""

from __future__ import annotations

from pathlib import Path

from textual.app import App, ComposeResult
from textual.widgets import Static

import reader.tui.screens
from reader.tui.screens.help import HelpScreen

GROUPS = [
    ("Move", [("j, down", "next sentence"), ("k, up", "previous sentence"), ("[ ]", "article")]),
    ("Code", [("a", "add an annotation"), ("1-9", "stance"), ("x", "no claim in this sentence")]),
    ("Other", [("u, ctrl+z", "undo"), ("e", "export"), ("?", "this help")]),
]


class HelpHost(App[None]):
    CSS_PATH = str(Path(reader.tui.screens.__file__).parent.with_name("reader.tcss"))

    def compose(self) -> ComposeResult:
        yield Static("The coding screen")

    def on_mount(self) -> None:
        self.push_screen(HelpScreen(GROUPS))


app = HelpHost()
