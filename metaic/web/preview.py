"""The 1200×630 link-preview image (Open Graph) drawn with Pillow from the published card."""

from __future__ import annotations

import io
from functools import lru_cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont, ImageOps, UnidentifiedImageError

from metaic.cards import themes
from metaic.cards.schemas import CardContent
from metaic.web.render import initials, mix

WIDTH, HEIGHT = 1200, 630
# First font found wins; CJK-capable faces first so Chinese or Japanese names render.
_FONT_CANDIDATES = {
    "bold": [
        "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc",
        "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
        "/usr/share/fonts/truetype/liberation/LiberationSans-Bold.ttf",
    ],
    "regular": [
        "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
        "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
        "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
    ],
}


@lru_cache(maxsize=32)
def _font(weight: str, size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    """A system font of a weight and size, or Pillow's built-in one."""
    for path in _FONT_CANDIDATES[weight]:
        if Path(path).exists():
            return ImageFont.truetype(path, size)
    return ImageFont.load_default(size)


def _rgb(hex_color: str) -> tuple[int, int, int]:
    """`#rrggbb` as a tuple."""
    return tuple(int(hex_color[i : i + 2], 16) for i in (1, 3, 5))


def _fit(draw: ImageDraw.ImageDraw, text: str, weight: str, size: int, max_width: int, min_size: int = 28):
    """The largest font (down to `min_size`) that fits `text` in `max_width`, and the text, cut if needed."""
    while size > min_size and draw.textlength(text, font=_font(weight, size)) > max_width:
        size -= 4
    font = _font(weight, size)
    while text and draw.textlength(text, font=font) > max_width:
        text = text[:-2] + "…"
    return font, text


BADGE = (80, 90, 240, 250)  # where the photo (or the initials) goes
BADGE_RADIUS = 44


def _paste_photo(image: Image.Image, photo: bytes) -> bool:
    """Put the owner's photo in the badge, cropped to a rounded square; False when the bytes are no image."""
    try:
        with Image.open(io.BytesIO(photo)) as source:
            size = (BADGE[2] - BADGE[0], BADGE[3] - BADGE[1])
            face = ImageOps.fit(source.convert("RGB"), size, Image.Resampling.LANCZOS)
    except (UnidentifiedImageError, OSError):
        return False
    mask = Image.new("L", size, 0)
    ImageDraw.Draw(mask).rounded_rectangle((0, 0, size[0] - 1, size[1] - 1), radius=BADGE_RADIUS, fill=255)
    image.paste(face, BADGE[:2], mask)
    return True


def render_png(content: CardContent, *, url: str, photo: bytes | None = None) -> bytes:
    """A branded preview: accent gradient, the photo (or initials), name, headline, company and the short address."""
    accent = themes.normalize_color(content.theme.color) or themes.DEFAULT_COLOR
    deep = mix(accent, "#000000", 0.45)
    image = Image.new("RGB", (WIDTH, HEIGHT), _rgb(deep))
    top, bottom = _rgb(accent), _rgb(deep)
    draw = ImageDraw.Draw(image)
    for x in range(WIDTH):
        t = x / WIDTH
        draw.line([(x, 0), (x, HEIGHT)], fill=tuple(round(a + (b - a) * t) for a, b in zip(top, bottom, strict=True)))
    draw.ellipse((860, -180, 1420, 380), fill=_rgb(mix(accent, "#ffffff", 0.18)))
    draw.ellipse((980, 360, 1300, 680), fill=_rgb(mix(deep, "#000000", 0.2)))
    draw.rounded_rectangle(BADGE, radius=BADGE_RADIUS, fill=(255, 255, 255))
    if not (photo and _paste_photo(image, photo)):
        badge_font = _font("bold", 64)
        text = initials(content.name)
        box = draw.textbbox((0, 0), text, font=badge_font)
        draw.text(
            (160 - (box[2] - box[0]) / 2 - box[0], 170 - (box[3] - box[1]) / 2 - box[1]),
            text,
            font=badge_font,
            fill=_rgb(accent),
        )
    name_font, name = _fit(draw, content.name, "bold", 76, WIDTH - 200)
    draw.text((80, 300), name, font=name_font, fill=(255, 255, 255))
    y = 300 + name_font.size + 22
    for line, size, alpha in ((content.headline, 38, 235), (content.business.name, 32, 200)):
        if line:
            font, line = _fit(draw, line, "regular", size, WIDTH - 200, min_size=22)
            draw.text((80, y), line, font=font, fill=(alpha, alpha, alpha))
            y += font.size + 14
    footer_font = _font("regular", 28)
    draw.text((80, HEIGHT - 80), url.split("://", 1)[-1], font=footer_font, fill=(230, 230, 240))
    mark = "MetaIC"
    draw.text(
        (WIDTH - 80 - draw.textlength(mark, font=_font("bold", 30)), HEIGHT - 82),
        mark,
        font=_font("bold", 30),
        fill=(255, 255, 255),
    )
    out = io.BytesIO()
    image.save(out, "PNG", optimize=True)
    return out.getvalue()
