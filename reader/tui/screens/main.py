"""The coding screen: article list, reader and annotation panel, and every key that codes.

This module puts the screen together: the layout, the key table, which keys apply now and how
a new terminal size is laid out. The state it shows lives in ``article_screen``, the moving keys
in ``navigation``, the writing keys in ``coding`` and the keys that open other screens in
``views``, so that each stays small enough to read whole.
"""

from __future__ import annotations

from typing import ClassVar

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.reactive import Reactive
from textual.widget import Widget

from reader.tui.screens.article_screen import POSITION_KEY
from reader.tui.screens.coding import CodingActions
from reader.tui.screens.flow_host import FLOW_BINDINGS
from reader.tui.screens.navigation import NavigationActions
from reader.tui.screens.views import ViewActions
from reader.tui.widgets import KeyBar, NoticeRack
from reader.tui.widgets.repaint import RepaintsChangedLines
from reader.tui.widgets.steady_scroll import SteadyScrollView


class MainScreen(NavigationActions, CodingActions, ViewActions):
    """Where coders spend their day: read a sentence, code it, move on."""

    AUTO_FOCUS = "SentenceView"
    NARROW = 110
    """Below this many columns the annotation panel (and the coding picker) moves under the
    reader: the ``-narrow`` rules of reader.tcss."""

    focused: Reactive[Widget | None] = Reactive(None, repaint=False)
    """Textual's ``Screen.focused`` without its repaint: a change of focus (``/`` into the
    filter, ``enter`` or ``escape`` back to the reader) repainted the whole screen, every cell
    of the terminal. The widgets whose look depends on the focus restyle and repaint
    themselves (``Screen._update_focus_styles``, ``Widget._on_focus`` and ``_on_blur``)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        # Every key of this screen is a priority binding: it is handled by the app as it
        # arrives, in order, whatever has the focus, so keys typed ahead of a change (a picker
        # opening, the search box appearing) act on what the coder will see by then.
        # ``check_action`` passes a key on (to the search box, say) where it does not apply.
        Binding("j,down", "move(1)", "Next sentence", show=False, priority=True,
                id="nav.next-sentence"),
        Binding("k,up", "move(-1)", "Previous sentence", show=False, priority=True,
                id="nav.previous-sentence"),
        Binding("g,home", "jump(0)", "First sentence", show=False, priority=True,
                id="nav.first-sentence"),
        Binding("G,end", "jump(-1)", "Last sentence", show=False, priority=True,
                id="nav.last-sentence"),
        Binding("right_square_bracket", "open_sentence(1)", "Next uncoded", priority=True,
                id="nav.next-open"),
        Binding("left_square_bracket", "open_sentence(-1)", "Previous uncoded", show=False,
                priority=True, id="nav.previous-open"),
        Binding("n", "article(1)", "Next article", show=False, priority=True,
                id="nav.next-article"),
        Binding("p", "article(-1)", "Previous article", show=False, priority=True,
                id="nav.previous-article"),
        Binding("slash", "filter", "Filter", show=False, priority=True, id="nav.filter"),
        Binding("enter", "filter_done", "Search", show=False, priority=True,
                id="nav.filter-done"),
        Binding("escape", "clear_filter", "Clear filter", priority=True, id="nav.clear-filter"),
        Binding("a", "annotate", "Annotate", priority=True, id="code.annotate"),
        Binding("full_stop", "repeat", "Repeat last", show=False, priority=True,
                id="code.repeat"),
        Binding("space", "no_claim", "No claim", priority=True, id="code.no-claim"),
        Binding("e", "edit", "Edit", priority=True, id="code.edit"),
        Binding("m", "note", "Note", priority=True, id="code.note"),
        Binding("d", "delete", "Delete", priority=True, id="code.delete"),
        Binding("u", "undo", "Undo", priority=True, id="code.undo"),
        Binding("ctrl+r", "redo", "Redo", show=False, priority=True, id="code.redo"),
        Binding("s", "stats", "Statistics", show=False, priority=True, id="view.stats"),
        Binding("x", "export", "Export", show=False, priority=True, id="view.export"),
        Binding("c", "codebook", "Codebook", show=False, priority=True, id="view.codebook"),
        Binding("r", "refresh", "Refresh", show=False, priority=True, id="view.refresh"),
        Binding("o", "other_articles", "Others' articles", show=False, priority=True,
                id="view.other-articles"),
        Binding("R", "review", "Review disagreements", show=False, priority=True,
                id="view.review"),
        Binding("A", "agreement", "Agreement between coders", show=False, priority=True,
                id="view.agreement"),
        # The open question (actor, stance, target, ...) in the picker; printable keys go to
        # its filter through ``ReaderApp.on_event``.
        *FLOW_BINDINGS,
    ]  # fmt: skip

    # -- layout -------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield self.status_bar
        self.list_pane = Vertical(id="list-pane")
        with Horizontal(id="body"):
            with self.list_pane:
                yield self.filter_box
                yield self.article_list
            yield self.reader
            yield self.panel
            yield self.picker
        yield KeyBar(id="keys")
        with NoticeRack(id="notices"):
            yield self.notice
        # Set before the first styling pass: switching it afterwards restyles them once more.
        self._fit_width(self.app.size.width, restyle=False)

    def _fit_width(self, width: int, restyle: bool = True) -> None:
        """The ``-narrow`` class on the two widgets whose place depends on the width.

        On them alone, and before the layout pass, not as Textual's breakpoints put it: they
        switched a class of the screen after laying it out at the new size, so a resize across
        the edge was laid out twice, and a class of the screen restyles every widget of it
        (5-10 ms on a resize, the reader's wrapped lines thrown away; these two take 2 ms).
        The list's width needs no class (its ``min-width``): switching one restyled the list,
        its scrollbar and the filter box too (2.6 ms).
        """
        narrow = width < self.NARROW
        for widget in (self.panel, self.picker):
            widget.set_class(narrow, "-narrow", update=restyle)

    async def _on_resize(self, event: events.Resize) -> None:
        """A new terminal size: laid out and drawn in one pass, with the classes it calls for.

        Textual's handler (``Screen._on_resize``) is called from here, not after (hence
        ``prevent_default``): it lays the screen out at the new size and draws all of it.
        Three things made that several passes and frames:

        - its breakpoints switched a class of the screen after the pass (``_fit_width``);
        - the pass sends the screen a resize of the size it has just laid out, which the
          handler answered with another full pass: such a resize is left out here;
        - every widget the pass resized (the screen, the panes, the bars, the scrollbars)
          asked for a repaint of what the pass had just drawn whole, and all but the views
          for a layout pass it had just made: two more frames of the same screen at 120x40
          (13,200 cells sent for 4,800), the last some 30 ms after the first; so did a hidden
          widget restyled for the new width (the picker). Those requests are dropped once the
          screen is drawn, when it is (this screen shown, no batch of updates holding the
          frame back); a view's layout request is kept (a scrollbar its new height brings is
          placed by a layout pass), and what is asked after the frame is drawn as usual.
        """
        self._fit_width(event.size.width)
        event.prevent_default()
        if event.size == self.outer_size:
            event.stop()
            return
        with RepaintsChangedLines.drawing_whole():
            await super()._on_resize(event)
        if self.is_current and not self.app._batch_count:
            self._repaint_required = self._layout_required = False
            # What the pass placed (scrollbars too), and what it left hidden: a hidden widget's
            # restyle for the new width asks for a pass it has no part in.
            placed = {widget for widget, _ in self._compositor.layers}
            for widget in placed.union(self.walk_children(Widget)):
                widget._repaint_required = False
                if not isinstance(widget, SteadyScrollView):
                    widget._layout_required = False
                if isinstance(widget, RepaintsChangedLines):
                    widget.drawn_whole()

    def on_mount(self) -> None:
        self.article_list.reload()
        done, self.total_sentences = self.store.progress()
        self._show_progress(done)
        article_id, sentence_id = self._saved_position()
        if article_id is None:
            article_id = self.store.first_article_id()
        if article_id is not None:
            self.open_article(article_id, sentence_id)
        else:
            self.reader.load(None, [], {}, set())
            self._show_panel()

    def _saved_position(self) -> tuple[int | None, int | None]:
        """The coder's place from the last session, if its article still exists.

        Noted as already saved: reopening it then writes nothing, so starting the reader does
        not wait for a commit (a disk flush) that would store the same place again.
        """
        saved = self.store.get_state(POSITION_KEY) or ""
        article, _, sentence = saved.partition(":")
        if not article.isdigit() or not self.store.article_exists(int(article)):
            return None, None
        self._saved_place = saved
        return int(article), int(sentence) if sentence.isdigit() else None

    # -- which keys apply now -----------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        answer = self.flow_check(action, parameters)
        if answer is not None:
            return answer
        if self.focused is self.filter_box:
            # Typing a search: the letters are the search; enter and escape end it.
            return action in ("filter_done", "clear_filter")
        if action == "filter_done":
            return False
        if self.focused is self.article_list and action in ("move", "jump"):
            return False  # the list's own keys move through the list
        sentence = self.current_sentence
        if action in ("move", "jump", "annotate", "repeat", "no_claim"):
            return sentence is not None
        if action in ("edit", "delete", "note"):
            return sentence is not None and bool(self.my_annotations(sentence.id))
        if action == "clear_filter":
            return bool(self.article_list.query_text) or self.filter_box.display
        if action in ("article", "open_sentence"):
            return self.article is not None
        if action == "other_articles":
            return self.store.has_assignments(self.store.annotator)
        return True

    def flow_changed(self) -> None:
        self._refresh_keys()
