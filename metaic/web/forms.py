"""The card page's visitor forms: share-back (anonymous) and save-to-contacts (signed in)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from metaic.cards.schemas import CardContent, PublicCard
from metaic.contacts.sharing import issue_form_token
from metaic.core import clock
from metaic.web import render, strings

FIELDS = ("name", "email", "phone", "company", "note")
HONEYPOT = "website"
# Caching and the form's timing token: the page stays publicly cacheable and embeds a token signed at render
# time. A cached copy only ever holds an *older* token, which check_form_timing accepts (it refuses tokens
# younger than 3 s or older than a day). To keep 304 revalidation from pinning one token for ever, the ETag
# carries the token's hour: a page body (and its token) is at most TOKEN_WINDOW + max-age + s-w-r old, far
# under MAX_FORM_SECONDS. Trade-off: a copy served by a CDN weakens the "too fast" check against bots;
# the honeypot and the service's per-IP limit still apply.
TOKEN_WINDOW = 3600


@dataclass
class ShareForm:
    """What the share-back form shows: typed values, field messages and whether it was sent."""

    values: dict[str, str] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    consent: bool = False
    sent: bool = False


def consent_text(content: CardContent) -> str:
    """The consent sentence exactly as the page shows it (and as it is recorded)."""
    return strings.for_language(content.language)["share_consent"].format(name=content.name)


def etag(card: PublicCard, *, signed_in: bool, shared: bool, saved: bool, summary: str = "") -> str:
    """The page ETag: the card's, plus the token window, which variant of the page this is and its summary."""
    window = int(clock.now().timestamp()) // TOKEN_WINDOW
    variant = ("u" if signed_in else "") + ("s" if shared else "") + ("v" if saved and signed_in else "")
    # The summary is written by a job just after publishing: a page revalidated then must not stay without it.
    written = f"-m{hashlib.sha256(summary.encode()).hexdigest()[:8]}" if summary else ""
    return card.etag[:-1] + f'-f{window}{variant}{written}"'


def render_page(
    card: PublicCard,
    *,
    preview: bool = False,
    signed_in: bool = False,
    saved: bool = False,
    form: ShareForm | None = None,
    images: dict[str, dict[int, str]] | None = None,
    summary: str | None = None,
) -> str:
    """The card page with its share-back form and the save button (or the sign-in link)."""
    model = render.view_model(card, preview=preview, images=images, summary=summary)
    form = form or ShareForm()
    model.update(
        share_form=form,
        form_token=issue_form_token(),
        consent_text=consent_text(card.content),
        honeypot=HONEYPOT,
        signed_in=signed_in,
        saved=saved,
        login_url=f"/login?next=/c/{card.slug}",
        form_error=form.errors.get("form", ""),
    )
    return render.environment().get_template("card.html").render(**model)
