"""The moderation pages' words in the page's language, the domain's English refusals mapped onto them.

The domain (metaic/moderation) names each refusal it can raise on these pages; this edge turns the named
refusal into the page's words. A refusal missing here shows in English (the tests send every one of them).
"""

from __future__ import annotations

from metaic.moderation import flows, reports
from metaic.moderation.models import REASONS
from metaic.web import strings, strings_appeal, strings_moderation

# Each refusal the report and appeal pages may show: the key of its words and what fills them in.
REFUSALS: dict[str, tuple[str, dict[str, int]]] = {
    reports.FORM_INVALID: ("err_form_invalid", {}),
    reports.FORM_QUICK: ("err_form_quick", {}),
    reports.FORM_EXPIRED: ("err_form_expired", {}),
    reports.NO_REASON: ("err_no_reason", {}),
    reports.DETAILS_TOO_LONG: ("err_too_long", {"max": reports.MAX_DETAILS}),
    reports.DETAILS_TOO_SHORT: ("err_details_short", {"min": reports.MIN_OTHER_DETAILS}),
    reports.BAD_EMAIL: ("err_email", {}),
    reports.CHECK_FIELDS: ("check_fields", {}),
    flows.too_short(flows.APPEAL_WHY): ("err_appeal_short", {"min": flows.MIN_REASON}),
    flows.TOO_LONG: ("err_too_long", {"max": flows.MAX_TEXT}),
    flows.ONLINE_AGAIN: ("err_online_again", {}),
    flows.APPEALED_ALREADY: ("err_appealed", {}),
}


def html_lang(language: str) -> str:
    """The <html lang> of a page in `language`: the language its words are really in."""
    return strings.language_code(language)


def report_words(language: str) -> dict[str, str]:
    """The report page's words (and the shared ones) for a card's language."""
    return strings_moderation.for_language(language)


def appeal_words(language: str) -> dict[str, str]:
    """The appeal page's words, with the shared ones (footer, refusals of length), for the owner's language."""
    return {**strings_moderation.for_language(language), **strings_appeal.for_language(language)}


def reasons(t: dict[str, str]) -> dict[str, str]:
    """The report reasons (domain keys, in the domain's order) labelled in the page's language."""
    return {key: t[f"reason_{key}"] for key in REASONS}


def refusal(message: str, t: dict[str, str]) -> str:
    """A domain refusal in the page's language (as the domain wrote it when this edge has no words for it)."""
    found = REFUSALS.get(message)
    return t[found[0]].format(**found[1]) if found else message


def refusals(errors: dict[str, str], t: dict[str, str]) -> dict[str, str]:
    """Each field's refusal in the page's language."""
    return {field: refusal(message, t) for field, message in errors.items()}
