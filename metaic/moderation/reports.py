"""Visitors' reports about public cards: the form's signed token, the checks, the limits, the row.

No account is needed, so nothing rides on a cookie: the form carries a token signed for this card and
its render time (a post without one, for another card, sent within 2 s or after a day is refused), and
each address may send a few reports an hour, each card receive a few dozen.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from email_validator import EmailNotValidError, validate_email
from sqlmodel import Session

from metaic.audit.service import hash_address
from metaic.core import clock, ratelimit
from metaic.core.errors import AuthenticationFailed, ValidationError
from metaic.core.security import sign, unsign
from metaic.moderation.models import REASONS, CardReport

FORM_PURPOSE = "moderation.report_form"
MIN_FORM_SECONDS = 2
MAX_FORM_SECONDS = 86400
MAX_DETAILS = 2000
ADDRESS_LIMIT = (5, 3600)  # reports per address per hour
CARD_LIMIT = (30, 3600)  # reports about one card per hour, from everyone
MIN_OTHER_DETAILS = 10  # characters a report of "Something else" must explain
# The refusals, named so that the pages can show each in the visitor's language (metaic/web/moderation_words.py).
FORM_INVALID = "This form is not valid. Reload the page and try again."
FORM_QUICK = "That was quick! Check your report and send it again."
FORM_EXPIRED = "This form has expired. Reload the page and try again."
NO_REASON = "Choose what is wrong with this card."
DETAILS_TOO_LONG = f"Use at most {MAX_DETAILS} characters."
DETAILS_TOO_SHORT = f"Tell us in a few words what is wrong (at least {MIN_OTHER_DETAILS} characters)."
BAD_EMAIL = "Enter a valid email address, or leave it empty."
CHECK_FIELDS = "Please check the highlighted fields."


@dataclass(frozen=True)
class ReportedCard:
    """The card a report is about, as its public page showed it."""

    card_id: uuid.UUID
    owner_id: uuid.UUID
    slug: str
    name: str


def issue_token(slug: str, now: float | None = None) -> str:
    """The form's hidden token: this card's address and the render time, signed."""
    return sign(FORM_PURPOSE, {"s": slug, "t": now if now is not None else clock.now().timestamp()})


def token_to_keep(token: str, slug: str) -> str:
    """The posted token when it is good for this card, else a fresh one.

    A form shown again with what to fix keeps the time it was first shown: the visitor already spent
    it, and a new token would call their next send "quick" again.
    """
    try:
        value = unsign(FORM_PURPOSE, token or "", max_age=MAX_FORM_SECONDS)
        if str(value["s"]) == slug:
            float(value["t"])  # a readable render time, or a fresh token
            return token
    except (AuthenticationFailed, TypeError, ValueError, KeyError):
        pass
    return issue_token(slug)


def check_token(token: str, slug: str, now: float | None = None) -> None:
    """Refuse a token not made for this card, sent too fast (a bot) or too late (stale)."""
    try:
        value = unsign(FORM_PURPOSE, token or "", max_age=10 * 365 * 86400)
        issued, for_slug = float(value["t"]), str(value["s"])
    except (AuthenticationFailed, TypeError, ValueError, KeyError):
        raise ValidationError(FORM_INVALID, field="form") from None
    if for_slug != slug:
        raise ValidationError(FORM_INVALID, field="form")
    age = (now if now is not None else clock.now().timestamp()) - issued
    if age < MIN_FORM_SECONDS:
        raise ValidationError(FORM_QUICK, field="form")
    if age > MAX_FORM_SECONDS:
        raise ValidationError(FORM_EXPIRED, field="form")


def check(reason: str, details: str, contact_email: str) -> tuple[str, str, str]:
    """Reason, details and contact address, cleaned; one ValidationError naming every bad field."""
    errors: dict[str, str] = {}
    reason = (reason or "").strip()
    if reason not in REASONS:
        errors["reason"] = NO_REASON
    details = (details or "").strip()
    if len(details) > MAX_DETAILS:
        errors["details"] = DETAILS_TOO_LONG
    elif reason == "other" and len(details) < MIN_OTHER_DETAILS:
        errors["details"] = DETAILS_TOO_SHORT
    email = (contact_email or "").strip()
    if email:
        try:
            email = validate_email(email, check_deliverability=False).normalized
        except EmailNotValidError:
            errors["contact_email"] = BAD_EMAIL
    if errors:
        raise ValidationError(CHECK_FIELDS, errors=errors)
    return reason, details, email


def submit(
    *, session: Session, card: ReportedCard, reason: str, details: str = "", contact_email: str = "", ip: str = ""
) -> CardReport:
    """Store a visitor's report (validated, then counted against the address's and the card's limits)."""
    reason, details, email = check(reason, details, contact_email)
    ratelimit.hit(f"report:ip:{ip}", limit=ADDRESS_LIMIT[0], window=ADDRESS_LIMIT[1])
    ratelimit.hit(f"report:card:{card.card_id}", limit=CARD_LIMIT[0], window=CARD_LIMIT[1])
    report = CardReport(
        card_id=card.card_id,
        owner_id=card.owner_id,
        slug=card.slug,
        card_name=card.name[:120],
        reason=reason,
        details=details,
        contact_email=email,
        address_hash=hash_address(ip),
        created_at=clock.now(),
    )
    session.add(report)
    session.flush()
    return report
