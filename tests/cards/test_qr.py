"""QR options and the print budget (segno), decoded with a real reader (zxing-cpp)."""

from __future__ import annotations

import io

import pytest
import zxingcpp
from PIL import Image

from metaic.cards import qr
from metaic.core.errors import ValidationError


def _decode(png: bytes) -> str:
    """The text of the single QR code in a PNG."""
    results = zxingcpp.read_barcodes(Image.open(io.BytesIO(png)).convert("RGB"))
    assert len(results) == 1, results
    return results[0].text


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"payload": "sms"}, "payload"),
        ({"scale": 0}, "scale"),
        ({"scale": 65}, "scale"),
        ({"size": 20}, "size"),
        ({"size": 5000}, "size"),
        ({"border": -1}, "border"),
        ({"border": 17}, "border"),
        ({"error": "X"}, "error"),
        ({"dark": "red"}, "dark"),
        ({"dark": "#12345"}, "dark"),
        ({"light": "javascript:"}, "light"),
        ({"dark": "#ffffff", "light": "#000000"}, "dark"),
        ({"dark": "#777777", "light": "#888888"}, "dark"),
        ({"print_mm": 5}, "print_mm"),
        ({"print_mm": float("nan")}, "print_mm"),
    ],
)
def test_bad_options_are_refused(kwargs, field):
    with pytest.raises(ValidationError) as err:
        qr.options(**kwargs)
    assert field in err.value.errors


def test_options_normalise_colours():
    opts = qr.options(dark="1F2937", light="transparent", error="q")
    assert (opts.dark, opts.light, opts.error) == ("#1f2937", None, "Q")
    assert qr.options(dark="#000", light="#FFF").light == "#ffffff"


def test_budget_rule():
    assert qr.max_version(25, 4) == 6  # 50 modules across: 17 + 4*6 + 8 = 49
    assert qr.max_version(40, 4) == 13  # 80 modules: 17 + 4*13 + 8 = 77
    assert qr.max_version(30, 2) == 9  # 60 modules: 17 + 4*9 + 4 = 57; v10 would need 61
    assert qr.max_version(12, 4) == 0


def test_refuses_a_payload_too_dense_for_the_print_width():
    long_text = "BEGIN:VCARD\r\nVERSION:3.0\r\n" + "NOTE:" + "x" * 300 + "\r\nEND:VCARD"
    with pytest.raises(ValidationError) as err:
        qr.make(long_text, qr.options(payload="vcard", print_mm=25))
    message = err.value.errors["payload"]
    assert "printed at least" in message and "mm" in message
    assert qr.make(long_text, qr.options(payload="vcard", print_mm=60)).version <= qr.max_version(60, 4)


@pytest.mark.parametrize("error", ["L", "M", "Q", "H"])
def test_png_decodes(error):
    opts = qr.options(error=error, scale=6, dark="#1e3a8a", light="#f8fafc")
    text = "https://metaic.example/c/ada-lovelace?src=qr"
    assert _decode(qr.render(qr.make(text, opts), opts, "png")) == text


def test_size_sets_pixels_and_svg_is_svg():
    opts = qr.options(size=300, border=2)
    code = qr.make("https://metaic.example/c/ada", opts)
    image = Image.open(io.BytesIO(qr.render(code, opts, "png")))
    assert 250 <= image.width <= 300 and image.width == image.height
    svg = qr.render(code, opts, "svg").decode()
    assert svg.startswith("<svg") and "<path" in svg
