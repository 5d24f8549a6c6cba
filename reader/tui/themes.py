"""The themes the reader offers, and the colours it draws text in made readable in each.

Textual's themes choose their accent, success and footer colours for looks; on a light background
some of them are barely visible (orange digits on light grey). ``readable`` moves each colour the
reader draws as text or as a meaningful mark just far enough toward black (or white) to reach the
WCAG AA contrast against every background it is drawn on; a colour that reaches it already, as in
the default theme, is left exactly as it is. ``tests/test_themes.py`` renders every screen in every
theme offered and checks each character.
"""

from __future__ import annotations

from collections.abc import Mapping

from textual.color import Color, ColorParseError

THEMES: tuple[str, ...] = (
    "textual-dark",
    "textual-light",
    "dracula",
    "gruvbox",
    "rose-pine",
)
"""The themes offered in the palette's "Change theme"; the first is the default."""

BODY = 4.5
"""WCAG AA for text."""

MARK = 3.0
"""WCAG AA for graphics that carry meaning (bars, the highlight mark) and secondary text."""

HIGHLIGHT = "block-cursor-blurred-background"
"""The translucent highlight of a list row, drawn over the background or a dialog's surface."""

READABLE: tuple[tuple[str, float, tuple[str, ...]], ...] = (
    # variable, the contrast it needs, the backgrounds it is drawn on
    ("accent", BODY, ("background", "surface", "panel", f"background+{HIGHLIGHT}",
                      f"surface+{HIGHLIGHT}")),
    ("text-accent", BODY, ("accent-muted", "surface", "panel")),
    ("footer-key-foreground", BODY, ("footer-background",)),
    ("footer-description-foreground", BODY, ("footer-background",)),
    ("error", MARK, ("surface",)),
    ("success", MARK, ("background", "surface", "panel", f"background+{HIGHLIGHT}")),
    ("warning", MARK, ("surface",)),
    ("secondary", MARK, ("surface",)),
)  # fmt: skip
"""What the reader draws in each colour: key digits and headings in the accent, the stance
chart's bars and the coded part of a progress bar in success, warning and the others, the key
bar."""


def luminance(colour: Color) -> float:
    """WCAG 2 relative luminance."""
    channels = (colour.r / 255, colour.g / 255, colour.b / 255)
    r, g, b = (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: Color, b: Color) -> float:
    """WCAG 2 contrast ratio, from 1 to 21."""
    light, dark = sorted((luminance(a), luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def legible(colour: Color, backgrounds: list[Color], ratio: float) -> Color:
    """``colour``, or the first blend of it toward black or white (whichever the backgrounds
    contrast with) that reaches ``ratio`` against every background."""
    if not backgrounds or all(contrast(colour, b) >= ratio for b in backgrounds):
        return colour
    dark = sum(luminance(b) for b in backgrounds) / len(backgrounds) < 0.18
    target = Color(255, 255, 255) if dark else Color(0, 0, 0)
    for step in range(1, 21):
        blended = colour.blend(target, step / 20)
        if all(contrast(blended, b) >= ratio for b in backgrounds):
            return blended
    return target


def _parse(variables: Mapping[str, str], expression: str) -> Color | None:
    """A background: a variable, or ``base+overlay`` (a translucent colour over another)."""
    colour: Color | None = None
    for name in expression.split("+"):
        try:
            layer = Color.parse(variables[name])
        except (KeyError, ColorParseError):
            return None
        colour = layer if colour is None else colour + layer
    return colour


def readable(variables: Mapping[str, str]) -> dict[str, str]:
    """A theme's CSS variables with each colour in ``READABLE`` made legible where it is drawn."""
    result = dict(variables)
    for name, ratio, drawn_on in READABLE:
        colour = _parse(result, name)
        if colour is None or colour.a < 1:
            continue
        backgrounds = [b for b in (_parse(result, e) for e in drawn_on) if b is not None]
        legible_colour = legible(colour, backgrounds, ratio)
        if legible_colour != colour:
            result[name] = legible_colour.hex
    return result
