"""Draw MetaIC's icons into assets/ (Reflex serves that folder at the site root).

Run `python scripts/make_icons.py` after changing the colours or the glyph. It writes:
favicon.ico (16, 32, 48), icon.svg, apple-touch-icon.png (180, full bleed: iOS rounds it itself),
icon-192.png and icon-512.png (for the web manifest), and manifest.webmanifest.

The mark is the app's own logo (the header's): Lucide's "contact" glyph in white on a rounded square in
the accent colour (Radix indigo 9, see metaic/ui/styles.py), lit from the top. The glyph is drawn from
the same strokes for the PNGs and the SVG, a little bolder at tab sizes so it stays readable at 16 px.
"""

from __future__ import annotations

import json
from pathlib import Path

from PIL import Image, ImageDraw

WHITE = (255, 255, 255, 255)
ASSETS = Path(__file__).resolve().parents[1] / "assets"
GRID = 512  # the tile's drawing grid
TOP, BOTTOM = (0x4C, 0x6F, 0xEA), (0x33, 0x51, 0xC4)  # indigo 9 lit from above, to a deeper indigo
ACCENT = "#3E63DD"  # Radix indigo 9, the app's ACCENT
RADIUS = 116  # corner radius of the rounded square, on GRID
GLYPH = 0.62  # the glyph's 24-unit box, as a share of the tile
SUPERSAMPLE = 8
# Lucide "contact" (ISC licence) on its 24-unit grid: card outline, head, shoulders, two binder tabs.
CARD = (3, 4, 21, 22, 2)  # x0, y0, x1, y1, corner radius
HEAD = (12, 11, 3)  # cx, cy, r
TABS = [((8, 2), (8, 4)), ((16, 2), (16, 4))]
SVG_GLYPH = (
    '<path d="M16 2v2"/><path d="M7 22v-2a2 2 0 0 1 2-2h6a2 2 0 0 1 2 2v2"/><path d="M8 2v2"/>'
    '<circle cx="12" cy="11" r="3"/><rect x="3" y="4" width="18" height="18" rx="2"/>'
)


SMALL = 48  # at this size and below the glyph is drawn larger and bolder, so it stays sharp in a tab


def stroke_for(size: int) -> float:
    """Stroke width in glyph units: Lucide's 2 at large sizes, bolder at tab sizes."""
    return 2.0 if size > SMALL else 2.5


def glyph_share(size: int) -> float:
    """How much of the tile the glyph's 24-unit box fills."""
    return GLYPH if size > SMALL else 0.74


def _gradient(size: int) -> Image.Image:
    """A square filled with the vertical brand gradient."""
    column = Image.new("RGB", (1, size))
    for y in range(size):
        t = y / max(size - 1, 1)
        column.putpixel((0, y), tuple(round(a + (b - a) * t) for a, b in zip(TOP, BOTTOM, strict=True)))
    return column.resize((size, size))


def _glyph(image: Image.Image, size: int) -> None:
    """Draw the white contact glyph, centred, onto a tile of `size` (image may be supersampled)."""
    unit = image.width * glyph_share(size) / 24
    origin = (image.width - 24 * unit) / 2
    width = stroke_for(size) * unit
    half = width / 2

    def at(x: float, y: float) -> tuple[float, float]:
        """A glyph point in image pixels."""
        return origin + x * unit, origin + y * unit

    def cap(x: float, y: float) -> None:
        """A round line end."""
        cx, cy = at(x, y)
        pen.ellipse((cx - half, cy - half, cx + half, cy + half), fill=WHITE)

    def line(a: tuple[float, float], b: tuple[float, float]) -> None:
        """A stroke with round ends."""
        pen.line([at(*a), at(*b)], fill=WHITE, width=round(width))
        cap(*a)
        cap(*b)

    def ring(cx: float, cy: float, r: float, start: float = 0, end: float = 360) -> None:
        """A stroked circle or arc (degrees clockwise from 3 o'clock)."""
        x, y = at(cx, cy)
        box = (x - r * unit - half, y - r * unit - half, x + r * unit + half, y + r * unit + half)
        pen.arc(box, start, end, fill=WHITE, width=round(width))

    pen = ImageDraw.Draw(image)
    x0, y0, x1, y1, r = CARD
    (ax, ay), (bx, by) = at(x0, y0), at(x1, y1)
    pen.rounded_rectangle(
        (ax - half, ay - half, bx + half, by + half), radius=r * unit + half, outline=WHITE, width=round(width)
    )
    ring(*HEAD)
    for a, b in TABS:
        line(a, b)
    # The shoulders: up from the card's bottom edge, round over, across, round down.
    line((7, 22), (7, 20))
    ring(9, 20, 2, 180, 270)
    line((9, 18), (15, 18))
    ring(15, 20, 2, 270, 360)
    line((17, 20), (17, 22))


def draw(size: int, *, rounded: bool = True) -> Image.Image:
    """The icon at `size` pixels, drawn large and scaled down for smooth edges."""
    big = size * SUPERSAMPLE
    icon = _gradient(big).convert("RGBA")
    mask = Image.new("L", (big, big), 0)
    radius = round(RADIUS * big / GRID) if rounded else 0
    ImageDraw.Draw(mask).rounded_rectangle((0, 0, big - 1, big - 1), radius=radius, fill=255)
    icon.putalpha(mask)
    _glyph(icon, size)
    return icon.resize((size, size), Image.Resampling.LANCZOS)


def svg() -> str:
    """The same icon as SVG (browsers that take an SVG favicon use it at any size)."""
    top, bottom = ("#" + "".join(f"{v:02X}" for v in c) for c in (TOP, BOTTOM))
    scale = GRID * GLYPH / 24
    offset = (GRID - 24 * scale) / 2
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {GRID} {GRID}">'
        '<defs><linearGradient id="g" x1="0" y1="0" x2="0" y2="1">'
        f'<stop offset="0" stop-color="{top}"/><stop offset="1" stop-color="{bottom}"/>'
        "</linearGradient></defs>"
        f'<rect width="{GRID}" height="{GRID}" rx="{RADIUS}" fill="url(#g)"/>'
        f'<g transform="translate({offset:g} {offset:g}) scale({scale:g})" fill="none" stroke="#fff" '
        f'stroke-width="{stroke_for(GRID):g}" stroke-linecap="round" stroke-linejoin="round">{SVG_GLYPH}</g></svg>\n'
    )


def manifest() -> str:
    """The web app manifest: name, colours, and the icons a phone puts on its home screen."""
    return json.dumps(
        {
            "name": "MetaIC",
            "short_name": "MetaIC",
            "description": "Digital business cards and the people you meet.",
            "start_url": "/dashboard",
            "display": "standalone",
            "background_color": "#ffffff",
            "theme_color": ACCENT,
            "icons": [
                {"src": "/icon-192.png", "sizes": "192x192", "type": "image/png"},
                {"src": "/icon-512.png", "sizes": "512x512", "type": "image/png"},
                {"src": "/icon.svg", "sizes": "any", "type": "image/svg+xml"},
            ],
        },
        indent=2,
    )


def main() -> None:
    """Write every icon file into assets/."""
    ASSETS.mkdir(exist_ok=True)
    small = [draw(size) for size in (16, 32, 48)]  # each drawn at its own size, not shrunk from one
    small[-1].save(ASSETS / "favicon.ico", sizes=[im.size for im in small], append_images=small[:-1])
    draw(180, rounded=False).convert("RGB").save(ASSETS / "apple-touch-icon.png", optimize=True)
    for size in (192, 512):
        draw(size).save(ASSETS / f"icon-{size}.png", optimize=True)
    (ASSETS / "icon.svg").write_text(svg(), encoding="utf-8")
    (ASSETS / "manifest.webmanifest").write_text(manifest() + "\n", encoding="utf-8")
    print(f"icons written to {ASSETS}")


if __name__ == "__main__":
    main()
