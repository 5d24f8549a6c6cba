"""The main screen's widgets: article list, reader, annotation panel and status bar."""

from __future__ import annotations

from reader.tui.widgets.annotation_panel import AnnotationPanel, PanelItem
from reader.tui.widgets.article_list import ArticleList, ArticleSource
from reader.tui.widgets.key_bar import KeyBar
from reader.tui.widgets.sentence_view import Badge, SentenceView
from reader.tui.widgets.status_bar import StatusBar

__all__ = [
    "AnnotationPanel",
    "ArticleList",
    "ArticleSource",
    "Badge",
    "KeyBar",
    "PanelItem",
    "SentenceView",
    "StatusBar",
]
