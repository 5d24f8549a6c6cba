"""The actor picker over a host screen, with suggestions, for a snapshot."""

from __future__ import annotations

from pathlib import Path

from textual.app import App, ComposeResult
from textual.widgets import Footer, Static

import reader.tui.screens
from reader.models import Actor
from reader.tui.screens.pickers import ActorPicker

SENTENCE = (
    "Former Prime Minister Hirofumi Nakasone said Pyongyang would return to the talks "
    "only if Seoul and Tokyo eased sanctions first."
)
ACTORS = [
    Actor(1, "North Korea", "state", ("DPRK", "Pyongyang")),
    Actor(2, "South Korea", "state", ("ROK", "Seoul")),
    Actor(3, "Japan", "state", ("Tokyo",)),
    Actor(4, "Hirofumi Nakasone", "person", (), 3),
    Actor(5, "Kim Jong-un", "person", ("Kim Jong Un",), 1),
    Actor(6, "United Nations", "organization", ("UN",)),
    Actor(7, "Korean Central News Agency", "media", ("KCNA",), 1),
]


class PickerHost(App[None]):
    CSS_PATH = str(Path(reader.tui.screens.__file__).parent.with_name("reader.tcss"))

    def compose(self) -> ComposeResult:
        yield Static(SENTENCE)
        yield Footer()

    def on_mount(self) -> None:
        self.push_screen(ActorPicker(ACTORS, suggested=[ACTORS[3], ACTORS[0], ACTORS[2]]))


app = PickerHost()
