"""Shared test data for the contact file formats: sample paths and drafts that exercise every field."""

from __future__ import annotations

import io
from pathlib import Path

from PIL import Image

from metaic.contacts.schemas import ContactDraft, LabeledValue

SAMPLES = Path(__file__).resolve().parent / "samples"


def sample(name: str) -> bytes:
    """The bytes of one sample file."""
    return (SAMPLES / name).read_bytes()


def jpeg(size: int = 64) -> bytes:
    """A real JPEG image (big enough that its base64 spans many folded lines)."""
    out = io.BytesIO()
    Image.effect_noise((size, size), 60).convert("RGB").save(out, "JPEG")
    return out.getvalue()


def lv(label: str, value: str) -> LabeledValue:
    """A LabeledValue, briefly."""
    return LabeledValue(label=label, value=value)


def rich_drafts() -> list[ContactDraft]:
    """Drafts with non-Latin names, awkward punctuation in every text field, and many labelled values."""
    return [
        ContactDraft(
            full_name="Zoë Ångström",
            first_name="Zoë",
            last_name="Ångström",
            company="Ångström & Co, Ltd.",
            title="CTO; Founder",
            emails=[
                lv("work", "zoe@angstrom.example"),
                lv("home", "zoe@home.example"),
                lv("Club", "zoe@club.example"),
                lv("", "z@plain.example"),
            ],
            phones=[
                lv("mobile", "+46 70 123 45 67"),
                lv("work", "+46 8 123 456"),
                lv("home", "+46 8 654 321"),
                lv("work fax", "+46 8 123 499"),
                lv("Assistant", "+46 8 123 400"),
                lv("", "+46 8 000 000"),
            ],
            addresses=[
                lv("work", "Drottninggatan 1\n111 51 Stockholm, Sweden; Floor 3"),
                lv("home", "Storgatan 2, Uppsala"),
            ],
            links=[
                lv("", "https://angstrom.example/?q=1,2"),
                lv("home", "https://zoe.example"),
                lv("linkedin", "https://www.linkedin.com/in/zoe"),
                lv("Portfolio", "https://art.example/zoe"),
            ],
            note='Line one, with a comma; and a semicolon.\nLine two: "quotes" and a back\\slash.\n\nEnd.',
            birthday="1990-05-17",
            photo_jpeg=jpeg(),
            uid="urn:uuid:5b0f5f9e-8f1e-4c8e-9b7a-2f6d1c3e4a5b",
            tags=["Friends", "VIP, gold"],
        ),
        ContactDraft(
            full_name="张伟",
            first_name="伟",
            last_name="张",
            company="华为技术有限公司",
            title="总经理",
            emails=[lv("work", "zhang.wei@example.cn")],
            phones=[lv("mobile", "+86 138 0013 8000")],
            note="第一行，逗号；分号\n第二行",
            birthday="--04-01",
            uid="contact-zhang-1",
        ),
        ContactDraft(
            full_name="محمد علي",
            first_name="محمد",
            last_name="علي",
            phones=[lv("home", "+20 2 1234 5678"), lv("mobile", "+20 100 123 4567")],
            uid="contact-ali-2",
        ),
    ]
