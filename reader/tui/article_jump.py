"""The command palette's "Jump to article…": titles and texts searched through the Store."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, Protocol, cast

from textual.content import Content

from reader.store import Store
from reader.text.visible import visible
from reader.tui.screens.main import MainScreen

if TYPE_CHECKING:
    from textual.command import Provider


class Reader(Protocol):
    """What the palette needs of the app (``ReaderApp``): its coding screen and its Store."""

    @property
    def main(self) -> MainScreen: ...

    store: Store


def article_jump_provider() -> type[Provider]:
    """The "Jump to article…" palette source, built on first use.

    ``textual.command`` costs about 20 ms to import; the palette is rarely the first thing a
    coder opens, so that cost stays off the way to the first frame.
    """
    from textual.command import DiscoveryHit, Hit, Hits
    from textual.command import Provider as Base

    class ArticleJumpProvider(Base):
        """Palette search over titles and texts, through the Store."""

        @property
        def _app(self) -> Reader:
            return cast(Reader, self.app)

        async def discover(self) -> Hits:
            yield DiscoveryHit(
                "Jump to article…",
                self._app.main.action_filter,
                help="Type words from a title to find an article",
            )

        async def search(self, query: str) -> Hits:
            app = self._app
            matcher = self.matcher(query)
            prompt = "Jump to article…"
            if score := matcher.match(prompt):
                yield Hit(score, matcher.highlight(prompt), app.main.action_filter, help="Filter")
            if not query.strip():
                return
            for summary in app.store.article_summaries(0, 20, query):
                # Content, not a str: the palette reads a str prompt as markup.
                text = f"Jump to article: {visible(summary.title, one_line=True)}"
                yield Hit(
                    max(matcher.match(text), 0.5),
                    Content(text),
                    partial(app.main.jump_to_article, summary.id),
                    text=text,
                    help=f"{summary.coded_count}/{summary.sentence_count} sentences coded",
                )

    return ArticleJumpProvider
