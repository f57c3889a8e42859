"""`/c/{slug}.vcf` and `/c/{slug}/qr.{svg,png}` over HTTP: headers, vobject import, decoded QR payloads, 422s."""

from __future__ import annotations

import io

import vobject
import zxingcpp
from PIL import Image

PROBLEM = "application/problem+json"


def _decode(png: bytes) -> str:
    """The text of the QR code in a PNG, read by zxing-cpp."""
    [result] = zxingcpp.read_barcodes(Image.open(io.BytesIO(png)).convert("RGB"))
    return result.text


def test_vcard_download(client, publish):
    slug = publish(name="Zoë 王小明 🚀", bio="Hi, I'm here; really.\nNew line", headline="CTO, Engines; Ltd")
    response = client.get(f"/c/{slug}.vcf")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/vcard; charset=utf-8"
    assert response.headers["content-disposition"] == f'attachment; filename="{slug}.vcf"'
    assert not response.content.startswith(b"\xef\xbb\xbf") and b"\r\n" in response.content
    card = vobject.readOne(response.content.decode("utf-8"))
    assert card.fn.value == "Zoë 王小明 🚀" and card.n.value.given == "Zoë" and card.n.value.family == "王小明"
    assert card.note.value == "Hi, I'm here; really.\nNew line" and card.title.value == "CTO, Engines; Ltd"
    assert card.uid.value.startswith("urn:uuid:") and card.rev.value.endswith("Z")
    assert f"http://testserver/c/{slug}" in [u.value for u in card.contents["url"]]
    again = client.get(f"/c/{slug}.vcf", headers={"if-none-match": response.headers["etag"]})
    assert again.status_code == 304


def test_qr_png_decodes_to_the_card_address(client, publish):
    slug = publish()
    response = client.get(f"/c/{slug}/qr.png")
    assert response.status_code == 200 and response.headers["content-type"] == "image/png"
    assert _decode(response.content) == f"http://testserver/c/{slug}?src=qr"
    styled = client.get(f"/c/{slug}/qr.png?dark=0f172a&light=%23f1f5f9&margin=2&ecc=H&size=256")
    assert _decode(styled.content) == f"http://testserver/c/{slug}?src=qr"
    assert Image.open(io.BytesIO(styled.content)).width <= 256
    svg = client.get(f"/c/{slug}/qr.svg?scale=3")
    assert svg.headers["content-type"] == "image/svg+xml" and svg.text.startswith("<svg")


def test_qr_offline_payloads_decode(client, publish):
    slug = publish(name="王小明")
    vcard_text = _decode(client.get(f"/c/{slug}/qr.png?payload=vcard&scale=4").content)
    card = vobject.readOne(vcard_text)
    assert card.fn.value == "王小明" and card.tel.value == "+442079460958"
    assert card.url.value == f"http://testserver/c/{slug}"
    mecard = _decode(client.get(f"/c/{slug}/qr.png?payload=mecard&scale=4").content)
    assert mecard.startswith("MECARD:N:王小明;") and "TEL:+442079460958;" in mecard
    assert "EMAIL:Ada@engines.example.com;" in mecard


def test_qr_refuses_what_cannot_be_printed(client, publish):
    slug = publish(headline="H" * 150, business={"name": "B" * 120})
    response = client.get(f"/c/{slug}/qr.png?payload=vcard&print_mm=25")
    assert response.status_code == 422 and response.headers["content-type"] == PROBLEM
    body = response.json()
    assert "printed at least" in body["errors"]["payload"] and body["status"] == 422
    assert client.get(f"/c/{slug}/qr.png?payload=vcard&print_mm=120").status_code == 200
    for query, field in (
        ("dark=red", "dark"),
        ("error=Z", "error"),
        ("payload=sms", "payload"),
        ("scale=999", "scale"),
        ("size=abc", "size"),
        ("dark=fff&light=fff", "dark"),
    ):
        response = client.get(f"/c/{slug}/qr.svg?{query}")
        assert response.status_code == 422, query
        assert any(key.split(".")[-1] == field for key in response.json()["errors"]), query
