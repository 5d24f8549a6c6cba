"""The main screen's widgets: article list, reader, annotation panel and status bar; and the
helpers every screen shows data through (``literal``, ``LiteralInput``)."""

from __future__ import annotations

from reader.tui.widgets.annotation_panel import AnnotationPanel, PanelItem
from reader.tui.widgets.article_list import ArticleList, ArticleSource
from reader.tui.widgets.coding_picker import CodingPicker
from reader.tui.widgets.key_bar import KeyBar
from reader.tui.widgets.literal import LiteralInput, literal, literal_text
from reader.tui.widgets.notice import Notice, NoticeRack
from reader.tui.widgets.sentence_view import Badge, SentenceView
from reader.tui.widgets.status_bar import StatusBar

__all__ = [
    "AnnotationPanel",
    "ArticleList",
    "ArticleSource",
    "Badge",
    "CodingPicker",
    "KeyBar",
    "LiteralInput",
    "Notice",
    "NoticeRack",
    "PanelItem",
    "SentenceView",
    "StatusBar",
    "literal",
    "literal_text",
]
