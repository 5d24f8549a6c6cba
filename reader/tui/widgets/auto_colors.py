"""Component styles for the widgets that draw their own lines, readable on every theme.

A line-drawing widget takes a component's *partial* style (``get_component_rich_style(name,
partial=True)``) and lays it over the background of the row it draws: the cursor row, a badge.
Textual leaves an ``auto`` colour in a partial style unresolved (``$text``, ``$text-muted`` and
``$text-disabled`` are ``auto``): it comes out white whatever lies under it, which is white on
light grey in a light theme. ``AutoColors`` resolves it the way ``auto`` means, to the text colour
that contrasts with the background the text is drawn on.

Only the choice between light and dark text is made here; the alpha of ``auto 60%`` is not
applied, as it never was in these widgets, so the dark themes look exactly as before.
"""

from __future__ import annotations

from rich.style import Style
from textual.color import Color
from textual.widget import Widget


class AutoColors:
    """The component styles of one widget, with ``auto`` colours resolved per background.

    The widget calls ``clear`` when its styles change (``notify_style_update``).
    """

    def __init__(self, widget: Widget) -> None:
        self._widget = widget
        self._auto: dict[str, bool] = {}
        self._styles: dict[tuple[str, Style], Style] = {}

    def clear(self) -> None:
        self._auto.clear()
        self._styles.clear()

    def style(self, name: str, under: Style) -> Style:
        """Component ``name``'s partial style as drawn over ``under`` (the row's style).

        An ``auto`` colour becomes the contrasting text colour for the component's own
        background if it has one, else for ``under``'s.
        """
        key = (name, under)
        style = self._styles.get(key)
        if style is None:
            style = self._resolve(name, under)
            self._styles[key] = style
        return style

    def _resolve(self, name: str, under: Style) -> Style:
        partial = self._widget.get_component_rich_style(name, partial=True)
        if not self._is_auto(name):
            return partial
        background = partial.bgcolor or under.bgcolor
        if background is None:
            return partial
        text = Color.from_rich_color(background).get_contrast_text(1.0)
        return partial + Style(color=text.rich_color)

    def _is_auto(self, name: str) -> bool:
        auto = self._auto.get(name)
        if auto is None:
            styles = self._widget.get_component_styles(name)
            auto = bool(styles.has_rule("color") and styles.auto_color)
            self._auto[name] = auto
        return auto
