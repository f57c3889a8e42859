"""Image checks and processing without a database: types by content, limits, metadata, variants."""

from __future__ import annotations

import io
import time
import tracemalloc

import pytest
from PIL import Image

from metaic.core.errors import ValidationError
from metaic.files import images
from tests.files import imaging

MB = 1_000_000
LIMITS = {"max_bytes": 10 * MB, "max_pixels": 40_000_000}


def _open(data: bytes) -> Image.Image:
    """Decode bytes for inspection."""
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


@pytest.mark.parametrize(
    ("data", "content_type"),
    [
        (imaging.jpeg(), "image/jpeg"),
        (imaging.png(), "image/png"),
        (imaging.webp(), "image/webp"),
        (imaging.gif_animated(), "image/gif"),
    ],
)
def test_accepted_types_by_content(data, content_type):
    """JPEG, PNG, WebP and GIF are recognised by their bytes."""
    info = images.inspect(data, **LIMITS)
    assert info.content_type == content_type and info.width > 0 and info.height > 0


REFUSED = {
    "svg with script": imaging.SVG_WITH_SCRIPT,
    "html": imaging.HTML_PAGE,
    "pdf": b"%PDF-1.7\n1 0 obj <<>> endobj\n",
    "text": b"just some words",
    "riff wav": b"RIFF\x24\x00\x00\x00WAVEfmt " + b"\x00" * 24,
    "tiff": imaging.encode(Image.new("RGB", (8, 8)), "TIFF"),
    "bmp": imaging.encode(Image.new("RGB", (8, 8)), "BMP"),
    "utf16 bom svg": "\ufeff<svg onload='alert(1)'/>".encode("utf-16"),
    "leading space svg": b"  <svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>",
}


@pytest.mark.parametrize("name", REFUSED)
def test_other_types_refused_with_a_clear_message(name):
    """SVG, HTML and everything else get the same plain refusal naming the accepted types."""
    with pytest.raises(ValidationError) as info:
        images.inspect(REFUSED[name], **LIMITS)
    assert info.value.message == "This file is not an image we accept (JPEG, PNG, WebP or GIF)."
    assert info.value.field == "file" and info.value.status == 422


def test_empty_file_refused():
    """An empty upload says so."""
    with pytest.raises(ValidationError, match="The file is empty"):
        images.inspect(b"", **LIMITS)


def test_over_size_refused_with_both_numbers():
    """Too big: 413 with the file's size and the limit."""
    data = imaging.noisy_jpeg(1000, 1000)
    assert 1 * MB < len(data) < 3 * MB
    with pytest.raises(images.FileTooLarge) as info:
        images.inspect(data, max_bytes=1 * MB, max_pixels=40_000_000)
    assert info.value.status == 413
    assert "the limit is 1 MB" in info.value.message and f"{len(data) / MB:.1f}" in info.value.message


@pytest.mark.parametrize(
    "data",
    [
        imaging.truncated_jpeg(),
        imaging.png()[:200],
        b"\x89PNG\r\n\x1a\n" + b"\x00" * 100,
        b"\xff\xd8\xff\xe0" + b"garbage" * 20,
        b"GIF89a\x01",
        b"RIFF\x10\x00\x00\x00WEBPVP8 nonsense",
    ],
)
def test_damaged_files_refused(data):
    """A truncated or corrupt file with a good signature is refused as damaged (never a crash)."""
    with pytest.raises(ValidationError) as info:
        images.decode(data, max_pixels=40_000_000)
    assert info.value.message.startswith("This image file is damaged or incomplete.")


def test_truncated_jpeg_passes_the_header_check_but_not_the_decode():
    """The header of a truncated JPEG is fine; only a full decode finds the damage."""
    data = imaging.truncated_jpeg()
    assert images.inspect(data, **LIMITS).width == 400
    with pytest.raises(ValidationError, match="damaged or incomplete"):
        images.decode(data, max_pixels=40_000_000)


def test_real_decompression_bomb_refused_before_decoding():
    """A genuine 20000x20000 PNG of a few KB is refused quickly and without allocating its pixels."""
    bomb = imaging.png_bomb()
    assert len(bomb) < 100_000
    tracemalloc.start()
    started = time.perf_counter()
    try:
        with pytest.raises(ValidationError) as info:
            images.decode(bomb, max_pixels=40_000_000)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert time.perf_counter() - started < 2
    assert peak < 20 * MB  # decoding would need 400 MB
    assert info.value.message.startswith("This image")
    assert "the limit is 40 megapixels" in info.value.message


def test_header_only_bomb_refused_by_its_claimed_size():
    """A PNG header claiming 20000x20000 is refused for its size, not as a broken file."""
    with pytest.raises(ValidationError) as info:
        images.inspect(imaging.png_header_only(20000, 20000), **LIMITS)
    assert "megapixels" in info.value.message


def test_pixel_limit_is_our_own_check():
    """Just above the configured limit is refused with the dimensions; at the limit it is accepted."""
    with pytest.raises(ValidationError) as info:
        images.inspect(imaging.png(41, 40), max_bytes=MB, max_pixels=1600)
    assert info.value.message == (
        "This image is 41 × 40 pixels; the limit is 0.0016 megapixels. Resize it and upload it again."
    )
    assert images.inspect(imaging.png(40, 40), max_bytes=MB, max_pixels=1600).width == 40


def test_exif_orientation_applied_then_all_metadata_removed():
    """Orientation 6 is turned into real pixels; GPS, camera and every EXIF byte are gone."""
    data = imaging.jpeg_with_gps_and_orientation()
    source = Image.open(io.BytesIO(data))
    assert source.getexif().get_ifd(0x8825)[2] == imaging.GPS_LATITUDE  # the input really has GPS
    cleaned = images.encode_original(images.decode(data, max_pixels=40_000_000))
    assert cleaned.content_type == "image/jpeg" and (cleaned.width, cleaned.height) == (200, 300)
    out = _open(cleaned.data)
    assert out.size == (200, 300)
    assert not out.getexif() and "exif" not in out.info and "icc_profile" not in out.info
    assert imaging.CAMERA_MAKE.encode() not in cleaned.data and b"Exif" not in cleaned.data
    # The red top-left block of the stored pixels sits top-right once rotated 90° clockwise.
    assert out.getpixel((190, 10))[0] > 200 and out.getpixel((190, 10))[1] < 60
    assert out.getpixel((10, 10)) > (240, 240, 240)


def test_png_text_and_profile_removed():
    """PNG text chunks and colour profiles do not survive."""
    data = imaging.png_with_text_and_icc()
    assert b"Secret Lane" in data
    cleaned = images.encode_original(images.decode(data, max_pixels=40_000_000))
    assert b"Secret Lane" not in cleaned.data and b"iCCP" not in cleaned.data
    assert not _open(cleaned.data).info.get("icc_profile")


def test_unusable_colour_profile_dropped_too():
    """A profile that cannot be applied is still removed (Pillow would copy it into a PNG by itself)."""
    image = Image.new("RGBA", (32, 32), (10, 20, 30, 100))
    data = imaging.encode(image, "PNG", icc_profile=b"Owner: Ada Lovelace's laptop (not a real profile)")
    assert Image.open(io.BytesIO(data)).info.get("icc_profile")
    cleaned = images.encode_original(images.decode(data, max_pixels=10**6))
    assert cleaned.content_type == "image/png"
    assert b"iCCP" not in cleaned.data and not _open(cleaned.data).info.get("icc_profile")


def test_transparency_kept_as_png_opaque_becomes_jpeg():
    """Alpha needs PNG; a fully opaque RGBA image is stored as JPEG."""
    alpha = images.encode_original(images.decode(imaging.png(50, 40, alpha=True), max_pixels=10**6))
    assert alpha.content_type == "image/png" and _open(alpha.data).mode == "RGBA"
    opaque = imaging.encode(Image.new("RGBA", (50, 40), (1, 2, 3, 255)), "PNG")
    assert images.encode_original(images.decode(opaque, max_pixels=10**6)).content_type == "image/jpeg"


def test_gif_first_frame_converted():
    """An animated GIF becomes a still image of its first frame."""
    cleaned = images.encode_original(images.decode(imaging.gif_animated(), max_pixels=10**6))
    out = _open(cleaned.data)
    assert cleaned.content_type == "image/jpeg" and out.format == "JPEG"
    red, _green, blue = out.getpixel((60, 40))
    assert red > 200 and blue < 60


def test_sixteen_bit_grey_scaled_not_clipped():
    """A 16-bit greyscale PNG keeps its tones (a naive convert turns it white)."""
    data = imaging.encode(Image.new("I;16", (20, 20), 30000), "PNG")
    out = _open(images.encode_original(images.decode(data, max_pixels=10**6)).data)
    assert 100 < out.getpixel((5, 5))[0] < 140


def test_cmyk_jpeg_converted_to_rgb():
    """CMYK JPEGs (print exports) come out as RGB."""
    data = imaging.encode(Image.new("CMYK", (30, 30), (0, 255, 255, 0)), "JPEG")
    out = _open(images.encode_original(images.decode(data, max_pixels=10**6)).data)
    assert out.mode == "RGB" and out.getpixel((5, 5))[0] > 200


def test_variants_widths_and_never_upscaled():
    """Variants are WebP at 96, 400 and 1200 px wide, keeping the aspect; small images keep their width."""
    made = images.variants(imaging.jpeg(1600, 900), max_pixels=10**8)
    assert {w: (v.width, v.height) for w, v in made.items()} == {96: (96, 54), 400: (400, 225), 1200: (1200, 675)}
    for variant in made.values():
        assert variant.content_type == "image/webp" and _open(variant.data).format == "WEBP"
    small = images.variants(imaging.jpeg(300, 100), max_pixels=10**8)
    assert {w: (v.width, v.height) for w, v in small.items()} == {96: (96, 32), 400: (300, 100), 1200: (300, 100)}


def test_vcard_jpeg_small_even_for_noise():
    """The vCard photo is a JPEG of at most 400 px and under 60 KB, even for incompressible pixels."""
    data = images.vcard_jpeg(imaging.noisy_jpeg(1500, 1000), max_pixels=10**8)
    out = _open(data)
    assert out.format == "JPEG" and max(out.size) <= 400 and len(data) <= 60_000
    transparent = _open(images.vcard_jpeg(imaging.png(100, 100, alpha=True), max_pixels=10**8))
    assert transparent.mode == "RGB" and transparent.size == (100, 100)
