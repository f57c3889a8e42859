"""Image checks and processing with Pillow: type by content, size and pixel limits, clean re-encodes."""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass

from PIL import Image, ImageCms, ImageOps

from metaic.core.errors import ValidationError

VARIANT_WIDTHS = (96, 400, 1200)
WEBP_QUALITY = 82
JPEG_QUALITY = 90
VCARD_MAX_SIDE = 400
VCARD_BUDGET = 60_000

NOT_ACCEPTED = "This file is not an image we accept (JPEG, PNG, WebP or GIF)."
DAMAGED = "This image file is damaged or incomplete. Open it, save it again and upload the new file."

# Signature -> (Pillow format, content type). Checked before Pillow sees a byte, so only these
# four decoders ever run on uploads (no SVG, HTML, PDF, TIFF, PSD or any exotic plugin).
_FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp", "GIF": "image/gif"}


class FileTooLarge(ValidationError):
    """The upload is over the size limit."""

    status = 413
    code = "file_too_large"


@dataclass(frozen=True)
class ImageInfo:
    """What the header says: the real format (by content) and the dimensions."""

    format: str
    content_type: str
    width: int
    height: int


@dataclass(frozen=True)
class EncodedImage:
    """A re-encoded image without metadata."""

    data: bytes
    content_type: str
    extension: str
    width: int
    height: int


def sniff(data: bytes) -> str | None:
    """The Pillow format name for JPEG, PNG, WebP or GIF content, else None."""
    if data.startswith(b"\xff\xd8\xff"):
        return "JPEG"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "PNG"
    if data[:6] in (b"GIF87a", b"GIF89a"):
        return "GIF"
    if len(data) >= 12 and data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "WEBP"
    return None


def _mb(value: float) -> str:
    """Format a byte count in megabytes, short."""
    mb = value / 1_000_000
    return f"{mb:.1f}".rstrip("0").rstrip(".") if mb < 100 else f"{mb:.0f}"


def check_size(data: bytes, *, max_bytes: int) -> None:
    """Refuse an empty file or one over the size limit."""
    if not data:
        raise ValidationError("The file is empty. Choose an image to upload.", field="file")
    if len(data) > max_bytes:
        raise FileTooLarge(
            f"This file is {_mb(len(data))} MB; the limit is {_mb(max_bytes)} MB. Choose a smaller image.", field="file"
        )


def _open(data: bytes, max_pixels: int) -> Image.Image:
    """Open (header only) an image whose signature is accepted, refusing bombs before any decode."""
    fmt = sniff(data)
    if fmt is None:
        raise ValidationError(NOT_ACCEPTED, field="file")
    # Pillow's own process-wide bomb limit (MAX_IMAGE_PIXELS) stays as a backstop; lowering it here would
    # change Pillow for every other user in the process. Our limit is the explicit check just below.
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data), formats=[fmt])
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise ValidationError(_too_many_pixels_message(None, max_pixels), field="file") from exc
    except (OSError, SyntaxError, ValueError, EOFError) as exc:
        raise ValidationError(DAMAGED, field="file") from exc
    width, height = image.size
    if width <= 0 or height <= 0:
        raise ValidationError(DAMAGED, field="file")
    if width * height > max_pixels:
        raise ValidationError(_too_many_pixels_message(image.size, max_pixels), field="file")
    return image


def _too_many_pixels_message(size: tuple[int, int] | None, max_pixels: int) -> str:
    """Explain the pixel limit, with the image's dimensions when known."""
    limit = f"{max_pixels / 1_000_000:g} megapixels"
    if size:
        return f"This image is {size[0]} × {size[1]} pixels; the limit is {limit}. Resize it and upload it again."
    return f"This image has too many pixels; the limit is {limit}. Resize it and upload it again."


def inspect(data: bytes, *, max_bytes: int, max_pixels: int) -> ImageInfo:
    """Check size, type (by content) and pixel count from the header alone (fast refusals)."""
    check_size(data, max_bytes=max_bytes)
    image = _open(data, max_pixels)
    fmt = image.format or sniff(data) or ""
    return ImageInfo(format=fmt, content_type=_FORMATS[fmt], width=image.size[0], height=image.size[1])


def decode(data: bytes, *, max_pixels: int, min_width: int | None = None) -> Image.Image:
    """Fully decode the first frame, upright (EXIF orientation applied), in sRGB, with no metadata.

    With `min_width`, a JPEG may be decoded at a reduced scale that is still at least that wide
    (much faster and smaller for making variants); only use it on upright images (no EXIF turn).
    """
    image = _open(data, max_pixels)
    try:
        image.seek(0)
        if min_width and image.format == "JPEG" and image.width > min_width:
            image.draft("RGB", (min_width, max(1, image.height * min_width // image.width)))
        image.load()
        image = ImageOps.exif_transpose(image)
        image = _to_srgb(image)
    except (OSError, SyntaxError, ValueError, EOFError) as exc:
        raise ValidationError(DAMAGED, field="file") from exc
    return _bare(image)


def _to_srgb(image: Image.Image) -> Image.Image:
    """Convert to RGB or RGBA, honouring an embedded colour profile (so dropping it keeps colours)."""
    if image.mode.startswith("I"):
        # 16-bit greyscale: scale to 8 bits (a plain convert would clip everything above 255 to white).
        image = image.convert("I").point(lambda v: v * (1 / 257)).convert("L")
    has_alpha = image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info
    target = "RGBA" if has_alpha else "RGB"
    icc = image.info.get("icc_profile")
    if icc and image.mode in ("RGB", "RGBA", "CMYK", "L"):
        try:
            source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
            srgb = ImageCms.createProfile("sRGB")
            mode = "RGBA" if image.mode == "RGBA" else "RGB"
            converted = ImageCms.profileToProfile(image, source, srgb, outputMode=mode)
            if converted is not None:
                image = converted
        except (ImageCms.PyCMSError, OSError, ValueError):
            pass  # A broken profile: keep the pixels as they are.
    image = image.convert(target)
    if target == "RGBA" and image.getchannel("A").getextrema()[0] == 255:
        image = image.convert("RGB")  # Fully opaque: no need for an alpha channel.
    return image


def _bare(image: Image.Image) -> Image.Image:
    """A copy made from the pixels only, so no EXIF, GPS, XMP, ICC or text chunk can survive."""
    bare = Image.new(image.mode, image.size)
    bare.paste(image, (0, 0))
    return bare


def encode_original(image: Image.Image) -> EncodedImage:
    """The cleaned original: PNG when it has transparency, JPEG otherwise."""
    buffer = io.BytesIO()
    if image.mode == "RGBA":
        image.save(buffer, "PNG", optimize=False, compress_level=6)
        content_type, extension = "image/png", "png"
    else:
        image.save(buffer, "JPEG", quality=JPEG_QUALITY, optimize=True, progressive=True)
        content_type, extension = "image/jpeg", "jpg"
    return EncodedImage(buffer.getvalue(), content_type, extension, image.width, image.height)


def clean(data: bytes, *, max_bytes: int, max_pixels: int) -> EncodedImage:
    """Validate an upload and return its cleaned original (upright, metadata stripped)."""
    inspect(data, max_bytes=max_bytes, max_pixels=max_pixels)
    return encode_original(decode(data, max_pixels=max_pixels))


def resize_to_width(image: Image.Image, width: int) -> Image.Image:
    """Scale down to a width, keeping the aspect ratio; never scale up."""
    if image.width <= width:
        return image
    height = max(1, round(image.height * width / image.width))
    return image.resize((width, height), Image.Resampling.LANCZOS, reducing_gap=3.0)


def webp(image: Image.Image) -> EncodedImage:
    """Encode as WebP without metadata."""
    buffer = io.BytesIO()
    image.save(buffer, "WEBP", quality=WEBP_QUALITY, method=4)
    return EncodedImage(buffer.getvalue(), "image/webp", "webp", image.width, image.height)


def variants(data: bytes, *, max_pixels: int, widths: tuple[int, ...] = VARIANT_WIDTHS) -> dict[int, EncodedImage]:
    """WebP variants of a cleaned original, one per width (smaller images keep their own width)."""
    image = decode(data, max_pixels=max_pixels, min_width=max(widths))
    return {width: webp(resize_to_width(image, width)) for width in sorted(widths)}


def vcard_jpeg(data: bytes, *, max_pixels: int, max_side: int = VCARD_MAX_SIDE, budget: int = VCARD_BUDGET) -> bytes:
    """A small baseline JPEG (longest side <= max_side, under `budget` bytes) for a vCard PHOTO."""
    image = decode(data, max_pixels=max_pixels, min_width=max_side)
    if image.mode == "RGBA":
        flat = Image.new("RGB", image.size, (255, 255, 255))
        flat.paste(image, mask=image.getchannel("A"))
        image = flat
    side = max_side
    while True:
        small = image.copy()
        small.thumbnail((side, side), Image.Resampling.LANCZOS)
        for quality in (85, 75, 65, 55, 45):
            buffer = io.BytesIO()
            small.save(buffer, "JPEG", quality=quality, optimize=True)
            if buffer.tell() <= budget or (quality == 45 and side <= 64):
                return buffer.getvalue()
        side = max(64, side * 3 // 4)
