"""Component styles for the widgets that draw their own lines, readable on every theme.

A line-drawing widget takes a component's *partial* style (``get_component_rich_style(name,
partial=True)``) and lays it over the background of the row it draws: the cursor row, a badge.
Textual leaves an ``auto`` colour in a partial style unresolved (``$text``, ``$text-muted`` and
``$text-disabled`` are ``auto``): it comes out white whatever lies under it, which is white on
light grey in a light theme. ``AutoColors`` resolves it the way ``auto`` means, to the text colour
that contrasts with the background the text is drawn on.

Only the choice between light and dark text is made for ``auto``; its alpha (``auto 60%``) is not
applied, as it never was in these widgets, so the dark themes look exactly as before. Any other
colour with an alpha (``$foreground 50%``) is blended over the background it is drawn on.
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
        self._declared_colours: dict[str, tuple[bool, Color | None]] = {}
        self._styles: dict[tuple[str, Style], Style] = {}

    def clear(self) -> None:
        self._declared_colours.clear()
        self._styles.clear()

    def style(self, name: str, under: Style) -> Style:
        """Component ``name``'s partial style as drawn over ``under`` (the row's style).

        An ``auto`` colour becomes the contrasting text colour for the component's own
        background if it has one, else for ``under``'s; a translucent one is blended over it.
        """
        key = (name, under)
        style = self._styles.get(key)
        if style is None:
            style = self._resolve(name, under)
            self._styles[key] = style
        return style

    def _resolve(self, name: str, under: Style) -> Style:
        partial = self._widget.get_component_rich_style(name, partial=True)
        auto, colour = self._declared(name)
        background = partial.bgcolor or under.bgcolor
        if colour is None or background is None:
            return partial
        base = Color.from_rich_color(background)
        if auto:
            resolved = base.get_contrast_text(1.0)
        elif colour.a < 1:
            resolved = base + colour
        else:
            return partial
        return partial + Style(color=resolved.rich_color)

    def _declared(self, name: str) -> tuple[bool, Color | None]:
        """Whether the component's colour is ``auto``, and the colour (None if it has none)."""
        declared = self._declared_colours.get(name)
        if declared is None:
            styles = self._widget.get_component_styles(name)
            if styles.has_rule("color"):
                declared = (bool(styles.auto_color), styles.color)
            else:
                declared = (False, None)
            self._declared_colours[name] = declared
        return declared
