"""QR codes for a card (segno), with a print budget so every code stays scannable.

Payloads:
- `url` (default): `{PUBLIC_BASE_URL}/c/{slug}?src=qr`. The `?src=qr` tail (7 bytes) lets a scan count as a scan;
  the address printed as text beside a code stays the short `/c/{slug}`. `variant=badge` makes it
  `?src=qr-badge`, so each printed code (badge, flyer, ...) is counted on its own.
- `vcard`: a compact vCard 3.0 (name, organisation, title, one phone, one email, page URL) that works offline.
- `mecard`: the same in MECARD form, shorter still.

Print budget: a code is printed `print_mm` wide (quiet zone included; default 40 mm, 10-1000 mm accepted;
pass `print_mm=25` for a code on a business card). Each module must stay at least 0.5 mm wide, so the symbol
may be at most `floor(print_mm / 0.5)` modules across: 17 + 4 × version + 2 × border <= 2 × print_mm.
With the standard 4-module border: 25 mm allows version 6 (~100 bytes at level M, plenty for the link),
40 mm allows version 13 (~330 bytes at M, a compact vCard). A payload that needs a bigger symbol is refused
(422) with the smallest print width that would carry it. Pixels (`scale`, `size`) only set the image
resolution; they do not change the budget.
"""

from __future__ import annotations

import io
import math
import re
from dataclasses import dataclass
from typing import Literal

import segno
from segno import DataOverflowError

from metaic.core.errors import ValidationError

MIN_MODULE_MM = 0.5
DEFAULT_PRINT_MM = 40.0
MIN_PRINT_MM, MAX_PRINT_MM = 10.0, 1000.0
MAX_PX = 4096
MAX_SCALE = 64
PAYLOADS = ("url", "vcard", "mecard")
_VARIANT = re.compile(r"^[a-z0-9][a-z0-9-]{0,23}$")
_HEX = re.compile(r"^#?([0-9a-fA-F]{6}|[0-9a-fA-F]{3})$")


@dataclass(frozen=True)
class QrOptions:
    """Rendering choices, already checked."""

    payload: Literal["url", "vcard", "mecard"] = "url"
    scale: int | None = None
    size: int | None = None
    dark: str = "#000000"
    light: str | None = "#ffffff"
    border: int = 4
    error: Literal["L", "M", "Q", "H"] = "M"
    print_mm: float = DEFAULT_PRINT_MM
    variant: str = ""  # a printed code's name: its scans count as `?src=qr-<variant>`


def source_query(variant: str) -> str:
    """The query a URL payload carries so its scans are counted (per printed variant when named)."""
    return f"src=qr-{variant}" if variant else "src=qr"


def _color(value: str, field: str, *, allow_transparent: bool) -> str | None:
    """`#rrggbb` from `#rgb`, `rrggbb` or `#rrggbb`; `transparent` for the light colour."""
    raw = (value or "").strip().lower()
    if allow_transparent and raw in ("transparent", "none"):
        return None
    match = _HEX.match(raw)
    if not match:
        raise ValidationError("Use a hex colour such as #000000 or 1f2937.", field=field)
    digits = match.group(1)
    return "#" + ("".join(c * 2 for c in digits) if len(digits) == 3 else digits)


def _luminance(hex_color: str) -> float:
    """Relative luminance (WCAG) of `#rrggbb`."""
    channels = [int(hex_color[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def options(
    *,
    payload: str = "url",
    scale: int | None = None,
    size: int | None = None,
    dark: str = "#000000",
    light: str = "#ffffff",
    border: int = 4,
    error: str = "M",
    print_mm: float | None = None,
    variant: str = "",
) -> QrOptions:
    """Check raw query options; raises ValidationError naming the bad option."""
    if payload not in PAYLOADS:
        raise ValidationError("Choose url, vcard or mecard.", field="payload")
    if scale is not None and not 1 <= scale <= MAX_SCALE:
        raise ValidationError(f"Use a scale from 1 to {MAX_SCALE} pixels per module.", field="scale")
    if size is not None and not 64 <= size <= MAX_PX:
        raise ValidationError(f"Use a size from 64 to {MAX_PX} pixels.", field="size")
    if not 0 <= border <= 16:
        raise ValidationError("Use a margin (border) from 0 to 16 modules.", field="border")
    level = (error or "").upper()
    if level not in ("L", "M", "Q", "H"):
        raise ValidationError("Choose error correction L, M, Q or H.", field="error")
    mm = DEFAULT_PRINT_MM if print_mm is None else float(print_mm)
    if not (math.isfinite(mm) and MIN_PRINT_MM <= mm <= MAX_PRINT_MM):
        raise ValidationError(f"Use a print width from {MIN_PRINT_MM:g} to {MAX_PRINT_MM:g} mm.", field="print_mm")
    dark_hex = _color(dark, "dark", allow_transparent=False)
    light_hex = _color(light, "light", allow_transparent=True)
    # Scanners need dark modules on a light ground with real contrast (3:1 in WCAG terms).
    if (_luminance(light_hex or "#ffffff") + 0.05) / (_luminance(dark_hex) + 0.05) < 3:
        raise ValidationError(
            "The dark colour must be clearly darker than the light colour, or scanners cannot read the code.",
            field="dark",
        )
    if variant and not _VARIANT.match(variant):
        raise ValidationError("Name the variant with up to 24 letters, digits or dashes.", field="variant")
    return QrOptions(
        payload=payload,
        scale=scale,
        size=size,
        dark=dark_hex,
        light=light_hex,
        border=border,
        error=level,
        print_mm=mm,
        variant=variant,
    )


def max_version(print_mm: float, border: int) -> int:
    """The largest QR version whose modules stay >= 0.5 mm at `print_mm` wide (0 when none fits)."""
    modules = math.floor(print_mm / MIN_MODULE_MM + 1e-9)
    return max(0, min(40, (modules - 2 * border - 17) // 4))


def make(data: str, opts: QrOptions) -> segno.QRCode:
    """Encode `data`, refusing it (422) when the code would be too dense to print at the requested width."""
    limit = max_version(opts.print_mm, opts.border)
    if limit < 1:
        raise ValidationError(
            f"A {opts.print_mm:g} mm code with a {opts.border}-module margin has no room "
            "for data; print it larger or use a smaller margin.",
            field="print_mm",
        )
    try:
        code = segno.make(data, error=opts.error.lower(), micro=False, boost_error=True)
    except DataOverflowError as exc:
        raise ValidationError(
            "This content is too large for any QR code; use the link payload.", field="payload"
        ) from exc
    if code.version > limit:
        needed = (17 + 4 * code.version + 2 * opts.border) * MIN_MODULE_MM
        raise ValidationError(
            f"This {opts.payload} payload ({len(data.encode())} bytes) needs a version {code.version} code, "
            f"which must be printed at least {math.ceil(needed)} mm wide to keep modules 0.5 mm or larger; "
            f"the limit at {opts.print_mm:g} mm is version {limit}. Print it larger, lower the error "
            "correction, or use the link payload.",
            field="payload",
        )
    return code


def _scale(code: segno.QRCode, opts: QrOptions) -> int:
    """Pixels per module: the requested scale, or the largest that fits `size`, or 10."""
    width = code.symbol_size(scale=1, border=opts.border)[0]
    if opts.size is not None:
        scale = opts.size // width
        if scale < 1:
            raise ValidationError(f"At least {width} pixels are needed for this code.", field="size")
        return scale
    scale = opts.scale or 10
    if width * scale > MAX_PX:
        raise ValidationError(f"That scale makes an image over {MAX_PX} pixels wide.", field="scale")
    return scale


def render(code: segno.QRCode, opts: QrOptions, kind: Literal["png", "svg"]) -> bytes:
    """The code as PNG or SVG bytes."""
    out = io.BytesIO()
    scale = _scale(code, opts)
    extra = {"xmldecl": False, "svgclass": None, "lineclass": None, "title": "QR code"} if kind == "svg" else {}
    code.save(out, kind=kind, scale=scale, border=opts.border, dark=opts.dark, light=opts.light, **extra)
    return out.getvalue()
