"""The public page's visual templates, colour palette and font choices (code is the source of truth)."""

from __future__ import annotations

import re

TEMPLATES: tuple[dict[str, str], ...] = (
    {
        "key": "classic",
        "label": "Classic",
        "description": "Cover banner, round photo, centred and calm.",
        "default_color": "#4f46e5",
        "default_font": "inter",
    },
    {
        "key": "modern",
        "label": "Modern",
        "description": "Colour header, side panel with contact details on wide screens.",
        "default_color": "#0ea5e9",
        "default_font": "inter",
    },
    {
        "key": "bold",
        "label": "Bold",
        "description": "Dark canvas, big type and bright accents.",
        "default_color": "#db2777",
        "default_font": "rounded",
    },
    {
        "key": "minimal",
        "label": "Minimal",
        "description": "White space, fine rules, editorial serif.",
        "default_color": "#111827",
        "default_font": "serif",
    },
)
TEMPLATE_KEYS = tuple(t["key"] for t in TEMPLATES)

COLORS: tuple[dict[str, str], ...] = (
    {"key": "indigo", "label": "Indigo", "value": "#4f46e5"},
    {"key": "sky", "label": "Sky", "value": "#0ea5e9"},
    {"key": "emerald", "label": "Emerald", "value": "#059669"},
    {"key": "amber", "label": "Amber", "value": "#d97706"},
    {"key": "red", "label": "Red", "value": "#dc2626"},
    {"key": "pink", "label": "Pink", "value": "#db2777"},
    {"key": "ink", "label": "Ink", "value": "#111827"},
    {"key": "violet", "label": "Violet", "value": "#7c3aed"},
)
DEFAULT_COLOR = "#4f46e5"

# System font stacks only: nothing to download, so the first paint never waits for a font.
FONTS: tuple[dict[str, str], ...] = (
    {
        "key": "inter",
        "label": "Inter (clean)",
        "stack": "Inter, 'Segoe UI', Roboto, 'Helvetica Neue', 'Liberation Sans', Arial, system-ui, sans-serif",
    },
    {
        "key": "serif",
        "label": "Serif (classic)",
        "stack": "Charter, 'Bitstream Charter', 'Sitka Text', Cambria, Georgia, 'Liberation Serif', serif",
    },
    {
        "key": "rounded",
        "label": "Rounded (friendly)",
        "stack": "ui-rounded, 'SF Pro Rounded', 'Hiragino Maru Gothic ProN', Quicksand, Comfortaa, Manjari, "
        "'Arial Rounded MT', 'Arial Rounded MT Bold', Calibri, 'DejaVu Sans', sans-serif",
    },
    {
        "key": "mono",
        "label": "Mono (technical)",
        "stack": "ui-monospace, 'Cascadia Code', 'Source Code Pro', Menlo, Consolas, 'DejaVu Sans Mono', monospace",
    },
    {
        "key": "humanist",
        "label": "Humanist (warm)",
        "stack": "Seravek, 'Gill Sans Nova', Ubuntu, Calibri, 'DejaVu Sans', source-sans-pro, sans-serif",
    },
)
FONT_KEYS = tuple(f["key"] for f in FONTS)
DEFAULT_FONT = "inter"

_HEX = re.compile(r"^#?([0-9a-fA-F]{3}|[0-9a-fA-F]{6})$")


def templates() -> list[dict[str, str]]:
    """The templates a card can use, in display order."""
    return [dict(t) for t in TEMPLATES]


def fonts() -> list[dict[str, str]]:
    """The font choices (key, label, CSS stack)."""
    return [dict(f) for f in FONTS]


def colors() -> list[dict[str, str]]:
    """The suggested accent colours (key, label, hex value); any hex colour is also accepted."""
    return [dict(c) for c in COLORS]


def normalize_color(value: str) -> str | None:
    """A palette key or hex colour as lower-case `#rrggbb`, or None when it is neither."""
    raw = (value or "").strip().lower()
    for color in COLORS:
        if raw == color["key"]:
            return color["value"]
    match = _HEX.match(raw)
    if not match:
        return None
    digits = match.group(1)
    if len(digits) == 3:
        digits = "".join(ch * 2 for ch in digits)
    return f"#{digits}"


def font_stack(key: str) -> str:
    """The CSS font stack for a font key (the default for an unknown key)."""
    for font in FONTS:
        if font["key"] == key:
            return font["stack"]
    return FONTS[0]["stack"]
