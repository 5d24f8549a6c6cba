"""The line at the top: which database, which coder, how far along."""

from __future__ import annotations

from textual.content import Content
from textual.widget import Widget

from reader.text.visible import visible


class StatusBar(Widget):
    """Database file, coder and overall progress; no clock, so the screen is reproducible.

    A fixed one-line widget that only repaints: a ``Static.update`` would re-lay out the screen
    after every annotation.
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._content = Content("")

    def show(
        self,
        db_label: str,
        annotator: str,
        done: int,
        total: int,
        *,
        blind: bool = False,
        mine: bool = False,
    ) -> None:
        """Template variables are inserted as text, never read as markup. ``blind``: the
        project codes blind; ``mine``: the counts are of this coder's assigned articles."""
        percent = f"{100 * done / total:.0f}%" if total else "–"
        what = "of your sentences coded" if mine else "sentences coded"
        # "blind" comes before the counts: in a narrow terminal the end of the line is cut.
        self._content = Content.from_markup(
            "[b]nkreader[/b]  $db  ·  coder [b]$who[/b]$blind  ·  $done/$total $what ($pct)",
            db=visible(db_label, one_line=True),
            who=visible(annotator, one_line=True),
            done=f"{done:,}",
            total=f"{total:,}",
            what=what,
            pct=percent,
            blind="  ·  blind" if blind else "",
        )
        self.refresh()

    @property
    def text(self) -> str:
        return self._content.plain

    def render(self) -> Content:
        return self._content
