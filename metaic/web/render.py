"""Server-rendered public card pages (Jinja2, autoescaped): view model, icons, CSS, the page itself."""

from __future__ import annotations

import base64
import hashlib
import re
from functools import lru_cache
from pathlib import Path
from urllib.parse import quote, urlencode

import phonenumbers
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from metaic.cards import themes
from metaic.cards.schemas import CardContent, ContactItem, PublicCard
from metaic.config import get_settings
from metaic.web import assets, strings
from metaic.web.icons_data import BRANDS, GLYPHS

HERE = Path(__file__).resolve().parent
SOCIAL_LABELS = {
    "linkedin": "LinkedIn",
    "x": "X",
    "instagram": "Instagram",
    "github": "GitHub",
    "whatsapp": "WhatsApp",
    "wechat": "WeChat",
    "telegram": "Telegram",
    "website": "Website",
    "custom": "Link",
}
SOCIAL_ICONS = {"website": "globe", "custom": "link"}
# Widths in CSS px times two (for 2x screens) at which each picture stays sharp: the avatar shows at 128 px,
# the cover across the card (up to 1040 px), the logo at 56 px, a portfolio picture across a phone screen.
AVATAR_SHARP_WIDTH = 256
COVER_SHARP_WIDTH = 1200
LOGO_SHARP_WIDTH = 112
WORK_SHARP_WIDTH = 800
OPEN_TO_ICONS = {"mentoring": "sparkles", "hiring": "user-plus", "investing": "briefcase", "partnering": "handshake"}


@lru_cache
def environment() -> Environment:
    """The Jinja environment (autoescaping on for every template)."""
    env = Environment(
        loader=FileSystemLoader(HERE / "templates"),
        autoescape=select_autoescape(default=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals.update(icon=icon, brand=brand, picture=assets.picture_url)
    return env


# The CSS every card page shares, under a content-hashed name (metaic/web/assets.py).
stylesheet, stylesheet_digest, stylesheet_url = assets.stylesheet, assets.stylesheet_digest, assets.stylesheet_url


@lru_cache
def script() -> str:
    """The optional share/copy enhancement (the page works without it)."""
    return (HERE / "static" / "card.js").read_text(encoding="utf-8")


def script_hash() -> str:
    """CSP hash of the inline script."""
    return "sha256-" + base64.b64encode(hashlib.sha256(script().encode()).digest()).decode()


def icon(name: str, cls: str = "i") -> Markup:
    """An inline Lucide glyph (stroke icon)."""
    body = GLYPHS.get(name, GLYPHS["link"])
    return Markup(  # noqa: S704 - constant markup from icons_data
        f'<svg class="{cls}" viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2" '
        f'stroke-linecap="round" stroke-linejoin="round" aria-hidden="true">{body}</svg>'
    )


def brand(kind: str, cls: str = "i") -> Markup:
    """A brand mark (filled) or a glyph for generic links."""
    if kind in BRANDS:
        return Markup(  # noqa: S704 - constant markup from icons_data
            f'<svg class="{cls}" viewBox="0 0 24 24" fill="currentColor" aria-hidden="true">'
            f'<path d="{BRANDS[kind]}"/></svg>'
        )
    return icon(SOCIAL_ICONS.get(kind, "link"), cls)


def absolute(url: str) -> str:
    """A site-relative URL made absolute against PUBLIC_BASE_URL (for Open Graph)."""
    if url.startswith("/"):
        return get_settings().public_base_url.rstrip("/") + url
    return url


def public_url(slug: str) -> str:
    """The card's canonical address."""
    return f"{get_settings().public_base_url.rstrip('/')}/c/{slug}"


def initials(name: str) -> str:
    """Up to two initials for the avatar placeholder."""
    words = [w for w in name.split() if w]
    if not words:
        return "?"
    if len(words) == 1:
        return words[0][:2].upper() if words[0].isascii() else words[0][:1]
    return (words[0][:1] + words[-1][:1]).upper()


def display_phone(e164: str) -> str:
    """`+442079460958` as `+44 20 7946 0958`."""
    try:
        return phonenumbers.format_number(phonenumbers.parse(e164, None), phonenumbers.PhoneNumberFormat.INTERNATIONAL)
    except phonenumbers.NumberParseException:
        return e164


def contact_row(item: ContactItem) -> dict:
    """A contact as icon, label, shown value and link."""
    if item.kind == "phone":
        return {
            "icon": "phone",
            "label": item.label or "Phone",
            "value": display_phone(item.value),
            "href": f"tel:{item.value}",
            "preferred": item.preferred,
        }
    if item.kind == "email":
        return {
            "icon": "mail",
            "label": item.label or "Email",
            "value": item.value,
            "href": f"mailto:{item.value}",
            "preferred": item.preferred,
        }
    query = urlencode({"api": 1, "query": item.value})
    return {
        "icon": "map-pin",
        "label": item.label or "Address",
        "value": item.value,
        "href": f"https://www.google.com/maps/search/?{query}",
        "preferred": item.preferred,
    }


def _whatsapp(content: CardContent) -> str | None:
    """A wa.me link: the WhatsApp social link, else none (a phone number is not always on WhatsApp)."""
    return next((s.url for s in content.socials if s.kind == "whatsapp" and s.url.startswith("https://wa.me/")), None)


def mix(hex_color: str, other: str, amount: float) -> str:
    """`amount` of `other` blended into `hex_color` (both `#rrggbb`)."""
    a = [int(hex_color[i : i + 2], 16) for i in (1, 3, 5)]
    b = [int(other[i : i + 2], 16) for i in (1, 3, 5)]
    return "#" + "".join(f"{round(x + (y - x) * amount):02x}" for x, y in zip(a, b, strict=True))


def accent_ink(hex_color: str) -> str:
    """Black or white text, whichever reads better on the accent colour."""
    r, g, b = (int(hex_color[i : i + 2], 16) for i in (1, 3, 5))
    return "#111827" if (0.299 * r + 0.587 * g + 0.114 * b) > 170 else "#ffffff"


def responsive(url: str, sources: dict[int, str] | None, sharp_width: int) -> tuple[str, str]:
    """An image's `src` (the smallest variant at least `sharp_width` wide, else the largest) and `srcset`.

    Without variants (none uploaded, or still being made) the image shows as stored (on the CDN when it is
    ours), with no `srcset`.
    """
    if not url or not sources:
        return assets.picture_url(url), ""
    widths = sorted(sources)
    src = sources[next((w for w in widths if w >= sharp_width), widths[-1])]
    return src, ", ".join(f"{sources[w]} {w}w" for w in widths)


def _images(content: CardContent, images: dict[str, dict[int, str]]) -> dict:
    """`src`/`srcset` of every picture on the page, each the right size for where it shows."""

    def pair(url: str, sharp: int) -> dict[str, str]:
        """One picture's addresses."""
        src, srcset = responsive(url, images.get(url), sharp)
        return {"src": src, "srcset": srcset}

    return {
        "avatar": pair(content.avatar_url, AVATAR_SHARP_WIDTH),
        "cover": pair(content.cover_url, COVER_SHARP_WIDTH),
        "logo": pair(content.business.logo_url, LOGO_SHARP_WIDTH),
        "works": [pair(w.image_url, WORK_SHARP_WIDTH) for w in content.works],
    }


def view_model(
    card: PublicCard,
    *,
    preview: bool = False,
    images: dict[str, dict[int, str]] | None = None,
    summary: str | None = None,
) -> dict:
    """Everything the template needs, derived from the published snapshot (its pictures' variants, its summary)."""
    content = card.content
    t = strings.for_language(content.language)
    url = public_url(card.slug)
    color = themes.normalize_color(content.theme.color) or themes.DEFAULT_COLOR
    template = content.theme.template if content.theme.template in themes.TEMPLATE_KEYS else "classic"
    phone, email = content.preferred_contact("phone"), content.preferred_contact("email")
    actions = []
    if phone:
        actions.append({"icon": "phone", "label": t["call"], "href": f"tel:{phone.value}"})
    if email:
        actions.append({"icon": "mail", "label": t["email"], "href": f"mailto:{email.value}"})
    whatsapp = _whatsapp(content)
    if whatsapp:
        actions.append({"brand": "whatsapp", "label": "WhatsApp", "href": whatsapp})
    subtitle = " · ".join(p for p in (content.headline, content.business.name) if p)
    # Link previews and search results read the assistant's two-line summary when the publish job wrote one.
    description = " ".join((summary or "").split()) or content.bio or subtitle or t["card_of"].format(name=content.name)
    # Link previews get the 1200x630 PNG drawn for the card (with the photo in it): a size and format every
    # site shows large, where the uploaded original could be a 3000 px file or a WebP some previews ignore.
    og_image = assets.preview_url(card, images or {})
    share_text = t["share_text"].format(name=content.name)
    return {
        "t": t,
        "card": card,
        "c": content,
        "url": url,
        "template": template,
        "preview": preview,
        "accent": color,
        "accent_ink": accent_ink(color),
        "font": themes.font_stack(content.theme.font),
        "accent_soft": mix(color, "#ffffff", 0.88),
        "accent_deep": mix(color, "#000000", 0.35),
        "home": get_settings().public_base_url.rstrip("/") + "/",
        "initials": initials(content.name),
        "subtitle": subtitle,
        "actions": actions,
        "contacts": [contact_row(c) for c in content.contacts],
        "socials": [
            {
                "kind": s.kind,
                "label": s.label or SOCIAL_LABELS[s.kind],
                "href": s.url if "://" in s.url else None,
                "value": s.url,
            }
            for s in content.socials
        ],
        "open_to": [{"key": k, "label": t["open_" + k], "icon": OPEN_TO_ICONS[k]} for k in content.networking.open_to],
        "meeting": t["meet_" + content.networking.meeting_format],
        "show_networking": not content.networking.is_empty(),
        "show_business": bool(
            content.business.description
            or content.business.logo_url
            or content.business.website
            or content.business.address
            or content.business.industry
        ),
        "noindex": card.visibility != "public",
        "description": clip(description, 200),
        "og_image": og_image,
        "vcf_url": f"/c/{card.slug}.vcf",
        "qr_url": assets.qr_url(card),
        "share_links": [
            {"channel": "whatsapp", "label": "WhatsApp", "brand": "whatsapp", "blank": True},
            {"channel": "email", "label": t["email"], "icon": "mail", "blank": False},
            {"channel": "linkedin", "label": "LinkedIn", "brand": "linkedin", "blank": True},
        ],
        "share_text": share_text,
        "css_url": stylesheet_url(),
        "script": script(),
        "maps_query": quote(content.business.address),
        "img": _images(content, images or {}),
    }


def clip(text: str, limit: int) -> str:
    """`text` within `limit` characters, cut at a word with an ellipsis when it is longer."""
    if len(text) <= limit:
        return text
    return text[: limit - 1].rsplit(" ", 1)[0].rstrip(" ,;:·-") + "…"


def render_card(card: PublicCard, *, preview: bool = False) -> str:
    """The public page HTML for a published card (`preview` marks an owner's view of a hidden card)."""
    return environment().get_template("card.html").render(**view_model(card, preview=preview))


def inline_style_hashes(html: str) -> tuple[str, ...]:
    """CSP hashes of the page's inline <style> blocks, so a policy can allow exactly them."""
    blocks = re.findall(r"<style>(.*?)</style>", html, flags=re.S)
    return tuple("'sha256-" + base64.b64encode(hashlib.sha256(b.encode()).digest()).decode() + "'" for b in blocks)


def render_message(template: str, *, status: int, title: str, message: str, language: str = "en") -> str:
    """A small branded page for 404, 429 and similar answers."""
    return (
        environment()
        .get_template(template)
        .render(
            status=status,
            title=title,
            message=message,
            css_url=stylesheet_url(),
            t=strings.for_language(language),
            lang=strings.language_code(language),
            home=get_settings().public_base_url.rstrip("/") + "/",
        )
    )


def share_target(channel: str, *, url: str, name: str, language: str = "en") -> str | None:
    """Where a share link sends the visitor (None for channels that need the browser: copy, native)."""
    t = strings.for_language(language)
    text = t["share_text"].format(name=name)
    if channel == "whatsapp":
        return "https://wa.me/?" + urlencode({"text": f"{text} {url}"}, quote_via=quote)
    if channel == "email":
        return "mailto:?" + urlencode({"subject": text, "body": f"{text}\n{url}"}, quote_via=quote)
    if channel == "linkedin":
        return "https://www.linkedin.com/sharing/share-offsite/?" + urlencode({"url": url})
    return None
