"""Colours a chart or a shaded table may use, checked against WCAG 2.2: relative luminance, the
contrast ratio, and the shade of a heat-table cell with a text colour that keeps 4.5:1."""

from __future__ import annotations

import itertools
import math
import re


def _rgb(colour: str) -> tuple[int, int, int]:
    text = colour.strip().lstrip("#")
    if len(text) == 3:
        text = "".join(char * 2 for char in text)
    if len(text) != 6 or not re.fullmatch(r"[0-9a-fA-F]{6}", text):
        raise ValueError(f"not a hex colour: {colour!r}")
    return int(text[0:2], 16), int(text[2:4], 16), int(text[4:6], 16)


def relative_luminance(colour: str) -> float:
    """WCAG 2 relative luminance of a "#rrggbb" (or "#rgb") colour, from 0 (black) to 1 (white)."""

    def channel(value: int) -> float:
        srgb = value / 255
        return srgb / 12.92 if srgb <= 0.04045 else ((srgb + 0.055) / 1.055) ** 2.4

    red, green, blue = (channel(value) for value in _rgb(colour))
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast_ratio(first: str, second: str) -> float:
    """WCAG 2 contrast ratio between two colours, from 1 to 21."""
    lighter, darker = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


# White for nothing, through GOV.UK light blue, to GOV.UK dark blue for the maximum.
_HEAT_STOPS: tuple[tuple[float, tuple[int, int, int]], ...] = (
    (0.0, (0xFF, 0xFF, 0xFF)),
    (0.5, (0x56, 0x94, 0xCA)),
    (1.0, (0x00, 0x30, 0x78)),
)
_DARK_TEXT = "#0b0c0c"
_LIGHT_TEXT = "#ffffff"
_BLACK = "#000000"


def heat_table_colour(value: float, maximum: float) -> tuple[str, str]:
    """(background, text) hex colours for a table cell shaded by ``value`` out of ``maximum``.

    The text is black or white, whichever contrasts more with the background; it is always at least 4.5:1
    (pure black is used in the rare middle tones where GOV.UK black would fall just short).
    """
    if math.isfinite(maximum) and maximum > 0 and not math.isnan(value):
        fraction = min(max(value / maximum, 0.0), 1.0)
    else:
        fraction = 1.0 if maximum == math.inf and value == math.inf else 0.0
    for (start, low), (end, high) in itertools.pairwise(_HEAT_STOPS):
        if fraction <= end:
            share = (fraction - start) / (end - start)
            rgb = tuple(round(a + (b - a) * share) for a, b in zip(low, high, strict=True))
            break
    else:  # pragma: no cover - fraction is at most 1
        rgb = _HEAT_STOPS[-1][1]
    background = "#{:02x}{:02x}{:02x}".format(*rgb)
    # One of pure black and white always reaches 4.58:1 (the worst case is a background of luminance 0.18).
    if contrast_ratio(background, _LIGHT_TEXT) >= contrast_ratio(background, _BLACK):
        return background, _LIGHT_TEXT
    return background, _DARK_TEXT if contrast_ratio(background, _DARK_TEXT) >= 4.5 else _BLACK
