"""vCard 3.0 export: escaping, folding at 75 octets, UTF-8, photo, and a lossless import with vobject."""

from __future__ import annotations

import base64
import io
import uuid
from datetime import UTC, datetime

import pytest
import vobject
from PIL import Image

from metaic.cards import vcard
from metaic.cards.normalize import normalize_content
from tests.cards.helpers import rich

CARD_ID = uuid.UUID("12345678-1234-5678-1234-567812345678")
REV = datetime(2026, 3, 4, 5, 6, 7, tzinfo=UTC)


def _jpeg() -> bytes:
    """A real little JPEG."""
    out = io.BytesIO()
    Image.new("RGB", (64, 64), (200, 30, 90)).save(out, "JPEG")
    return out.getvalue()


def _tricky():
    """A card full of characters that need escaping, and long non-Latin text."""
    return normalize_content(
        rich(
            name="王小明 Zoë 🚀",
            headline="CEO; Founder, Chief \\ Tinkerer",
            bio="Line one, with comma; and semicolon\nLine two: 東京で働いています。" * 3,
            business={"name": "Acme, Inc.; Asia", "website": "acme.example.com", "address": "1 Rue de l'Église, Paris"},
        )
    )


def test_vcard_is_crlf_utf8_folded_and_escaped():
    text = vcard.build(_tricky(), _jpeg(), card_id=CARD_ID, revised=REV, url="https://metaic.example/c/ada")
    data = text.encode("utf-8")
    assert not data.startswith(b"\xef\xbb\xbf")
    assert text.startswith("BEGIN:VCARD\r\nVERSION:3.0\r\n") and text.endswith("END:VCARD\r\n")
    assert "\n" not in text.replace("\r\n", "")
    for line in data.split(b"\r\n"):
        assert len(line) <= 75, line
        line.decode("utf-8")  # folding never splits a multi-byte character
    unfolded = text.replace("\r\n ", "")
    assert "FN:王小明 Zoë 🚀\r\n" in unfolded
    assert "\r\nN:Zoë;王小明;;;\r\n" in unfolded
    assert "TITLE:CEO\\; Founder\\, Chief \\\\ Tinkerer\r\n" in unfolded
    assert "ORG:Acme\\, Inc.\\; Asia\r\n" in unfolded
    assert "NOTE:Line one\\, with comma\\; and semicolon\\nLine two" in unfolded
    assert "TEL;TYPE=VOICE,CELL,PREF:+442079460958\r\n" in unfolded
    assert "X-SOCIALPROFILE;TYPE=linkedin:https://www.linkedin.com/in/ada\r\n" in unfolded
    assert "X-SOCIALPROFILE;TYPE=twitter:https://x.com/ada\r\n" in unfolded
    assert f"UID:urn:uuid:{CARD_ID}\r\n" in unfolded and "REV:2026-03-04T05:06:07Z\r\n" in unfolded
    assert "PHOTO;ENCODING=b;TYPE=JPEG:" + base64.b64encode(_jpeg()).decode() + "\r\n" in unfolded


def test_vcard_imports_into_vobject_without_loss():
    content = _tricky()
    text = vcard.build(content, _jpeg(), card_id=CARD_ID, revised=REV, url="https://metaic.example/c/ada")
    card = vobject.readOne(text)
    assert card.fn.value == content.name
    assert card.title.value == content.headline
    assert card.org.value == ["Acme, Inc.; Asia"]
    assert card.note.value == content.bio
    assert card.uid.value == f"urn:uuid:{CARD_ID}"
    tels = {t.value: t.params.get("TYPE") for t in card.contents["tel"]}
    assert tels["+442079460958"] == ["VOICE", "CELL", "PREF"]
    assert [e.value for e in card.contents["email"]] == ["Ada@engines.example.com"]
    places = [(a.value.street, a.value.city) for a in card.contents["adr"]]
    assert ("12 St James's Square", "London") in places and ("1 Rue de l'Église", "Paris") in places
    urls = [u.value for u in card.contents["url"]]
    assert urls[:2] == ["https://metaic.example/c/ada", "https://acme.example.com"]
    profiles = {p.params["TYPE"][0]: p.value for p in card.contents["x-socialprofile"]}
    assert profiles == {
        "linkedin": "https://www.linkedin.com/in/ada",
        "twitter": "https://x.com/ada",
        "whatsapp": "https://wa.me/442079460958",
    }
    assert card.photo.value == _jpeg()
    home = next(a for a in card.contents["adr"] if a.value.street.startswith("12 St"))
    assert home.params["TYPE"] == ["HOME"]
    # A label no TYPE expresses travels as Apple's X-ABLabel in the same item group.
    labels = {item.group: item.value for item in card.contents["x-ablabel"]}
    blog = next(u for u in card.contents["url"] if u.group)
    assert (blog.value, labels[blog.group]) == ("https://ada.example.com", "Blog")


@pytest.mark.parametrize("name", ["Ada", "Ada King Lovelace", "Ünïcödé Nämé", "李", "👩‍💻 Dev"])
def test_names_survive(name):
    text = vcard.build(normalize_content(rich(name=name, contacts=[], socials=[])))
    card = vobject.readOne(text)
    assert card.fn.value == name
    assert "N" in [c.name for c in card.getChildren()]


def test_photo_left_out_without_avatar():
    assert "PHOTO" not in vcard.build(normalize_content(rich()), None)


def test_fold_counts_octets():
    line = "NOTE:" + "é" * 100
    folded = vcard.fold(line)
    parts = folded.encode().split(b"\r\n")
    assert all(len(p) <= 75 for p in parts) and parts[1].startswith(b" ")
    assert folded.replace("\r\n ", "") == line


def test_compact_and_mecard_payloads():
    content = normalize_content(rich(name="Ada King; Lovelace"))
    small = vcard.compact(content, url="https://m.example/c/ada")
    card = vobject.readOne(small)
    assert card.fn.value == "Ada King; Lovelace" and card.tel.value == "+442079460958"
    assert card.url.value == "https://m.example/c/ada" and "NOTE" not in small
    me = vcard.mecard(content, url="https://m.example/c/ada")
    assert me.startswith("MECARD:N:Lovelace,Ada King\\;;") and me.endswith(";;")
    assert "TEL:+442079460958;" in me and "URL:https\\://m.example/c/ada;" in me


@pytest.mark.parametrize(
    ("written", "parts"),
    [
        ("221 Kingsland Road\nLondon E2 8AN", ("221 Kingsland Road", "London", "", "E2 8AN", "")),
        (
            "1600 Amphitheatre Parkway, Mountain View, CA 94043, USA",
            ("1600 Amphitheatre Parkway", "Mountain View", "CA", "94043", "USA"),
        ),
        (
            "Unit 4, Hauptstraße 12\n10115 Berlin\nDeutschland",
            ("Unit 4, Hauptstraße 12", "Berlin", "", "10115", "Deutschland"),
        ),
        ("100 Queen St W, Toronto, ON M5H 2N2, Canada", ("100 Queen St W", "Toronto", "ON", "M5H 2N2", "Canada")),
        ("Calle Mayor 5; 2º, 28013 Madrid, España", ("Calle Mayor 5; 2º", "Madrid", "", "28013", "España")),
        # Nothing to go on: the whole address stays in the street rather than being guessed apart.
        ("東京都千代田区丸の内1-1-1", ("東京都千代田区丸の内1-1-1", "", "", "", "")),
        ("Flat 3, 5 High St", ("Flat 3, 5 High St", "", "", "", "")),
    ],
)
def test_addresses_are_split_into_their_parts(written, parts):
    content = normalize_content(
        rich(
            business={"name": "Acme", "address": written},
            contacts=[{"kind": "address", "label": "Home", "value": written}],
        )
    )
    card = vobject.readOne(vcard.build(content))
    for adr in card.contents["adr"]:
        value = adr.value
        assert (value.street, value.city, value.region, value.code, value.country) == parts
    assert [a.params["TYPE"] for a in card.contents["adr"]] == [["HOME"], ["WORK"]]
