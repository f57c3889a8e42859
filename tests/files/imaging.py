"""Image files for the upload tests, made with Pillow (plus a few hand-made hostile ones)."""

from __future__ import annotations

import io
import random
import struct
import zlib
from functools import lru_cache

from PIL import ExifTags, Image

GPS_LATITUDE = (52.0, 31.0, 12.0)
CAMERA_MAKE = "SpyCam-9000"


def encode(image: Image.Image, fmt: str, **params) -> bytes:
    """Save an image to bytes."""
    buffer = io.BytesIO()
    image.save(buffer, fmt, **params)
    return buffer.getvalue()


def jpeg(width: int = 640, height: int = 480, color: str = "steelblue") -> bytes:
    """A plain JPEG."""
    return encode(Image.new("RGB", (width, height), color), "JPEG", quality=90)


def png(width: int = 640, height: int = 480, *, alpha: bool = False) -> bytes:
    """A PNG, half transparent when `alpha`."""
    image = Image.new("RGBA" if alpha else "RGB", (width, height), (200, 40, 40, 128 if alpha else 255))
    return encode(image, "PNG")


def webp(width: int = 640, height: int = 480) -> bytes:
    """A WebP."""
    return encode(Image.new("RGB", (width, height), "orange"), "WEBP")


def gif_animated(width: int = 120, height: int = 80) -> bytes:
    """A two-frame animated GIF: a red first frame, a blue second one."""
    frames = [Image.new("RGB", (width, height), c).convert("P") for c in ("red", "blue")]
    return encode(frames[0], "GIF", save_all=True, append_images=frames[1:], duration=100, loop=0)


def noise(width: int, height: int, seed: int = 1) -> Image.Image:
    """Random pixels: the worst case for compression, so files are big."""
    rng = random.Random(seed)
    return Image.frombytes("RGB", (width, height), rng.randbytes(width * height * 3))


def noisy_jpeg(width: int, height: int, seed: int = 1) -> bytes:
    """A JPEG of random pixels (large on disk for its size)."""
    return encode(noise(width, height, seed), "JPEG", quality=95)


def jpeg_with_gps_and_orientation() -> bytes:
    """A 300x200 JPEG, EXIF orientation 6 (shown rotated 90° clockwise), a GPS position and a camera make.

    The top-left 30x30 block is red, so the rotation direction can be checked: after rotating 90°
    clockwise it sits at the top-right corner of the 200x300 upright image.
    """
    image = Image.new("RGB", (300, 200), "white")
    image.paste((255, 0, 0), (0, 0, 30, 30))
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6
    exif[ExifTags.Base.Make] = CAMERA_MAKE
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = GPS_LATITUDE
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (13.0, 24.0, 36.0)
    return encode(image, "JPEG", quality=95, exif=exif.tobytes())


def png_with_text_and_icc() -> bytes:
    """A PNG carrying a text chunk and an sRGB ICC profile."""
    from PIL import ImageCms, PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "home address: 12 Secret Lane")
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    return encode(Image.new("RGB", (64, 64), "green"), "PNG", pnginfo=info, icc_profile=icc)


def truncated_jpeg() -> bytes:
    """The first half of a real JPEG."""
    data = noisy_jpeg(400, 300)
    return data[: len(data) // 2]


@lru_cache
def png_bomb(side: int = 20000) -> bytes:
    """A real side x side PNG (400 megapixels at 20000) that compresses to a few tens of KB."""
    return encode(Image.new("1", (side, side)), "PNG", optimize=True)


def png_header_only(width: int, height: int) -> bytes:
    """A PNG signature and an IHDR claiming a size, then an empty image: a header-only bomb."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"")) + chunk(b"IEND", b"")


SVG_WITH_SCRIPT = (
    b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
    b'<script>alert(document.cookie)</script><rect width="10" height="10"/></svg>'
)
HTML_PAGE = b"<!doctype html><html><body><script>fetch('/api/v1/me')</script></body></html>"
