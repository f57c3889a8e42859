"""The account page's AI settings: the external-provider opt-in, stripping contact details, and today's usage."""

from __future__ import annotations

import reflex as rx

from metaic.ai import prefs, usage
from metaic.ui.state.auth import FormState

FEATURE_LABELS = {
    "write": "Write my card",
    "translate": "Translations",
    "summary": "Card summaries",
    "followup": "Follow-up plans",
    "networking": "Networking suggestions",
    "embedding": "Matching (embeddings)",
}


def share(used: int, limit: int) -> int:
    """`used` as a percentage of `limit` for a bar: at least 1 once anything is used, at most 100."""
    if not limit or not used:
        return 0
    return max(1, min(100, round(100 * used / limit)))


class AiSettingsState(FormState):
    """What /account?tab=ai shows; rebuilt from the database whenever the tab opens."""

    ai_loaded: bool = False
    external_opt_in: bool = False
    strip_contact_details: bool = True
    provider_configured: bool = False
    model: str = ""
    requests: int = 0
    tokens: int = 0
    request_limit: int = 0
    token_limit: int = 0
    exhausted: bool = False
    features: list[dict[str, str]] = []

    @rx.var
    def requests_text(self) -> str:
        """ "3 of 200" """
        return f"{self.requests:,} of {self.request_limit:,}"

    @rx.var
    def tokens_text(self) -> str:
        """ "1,234 of 50,000" """
        return f"{self.tokens:,} of {self.token_limit:,}"

    @rx.var
    def request_percent(self) -> int:
        """Today's provider requests as a share of the allowance."""
        return share(self.requests, self.request_limit)

    @rx.var
    def token_percent(self) -> int:
        """Today's provider tokens as a share of the allowance."""
        return share(self.tokens, self.token_limit)

    def _refresh(self, session, user) -> None:
        """Copy the user's choices and today's usage into the page."""
        chosen = prefs.read(session=session, user_id=user.id)
        self.external_opt_in, self.strip_contact_details = chosen.external_opt_in, chosen.strip_contact_details
        self.provider_configured, self.model = chosen.provider_configured, chosen.model
        found = usage.budget(session=session, user_id=user.id)
        self.requests, self.tokens, self.exhausted = found.requests, found.tokens, found.exhausted
        self.request_limit, self.token_limit = found.request_limit, found.token_limit
        self.features = [
            {
                "label": FEATURE_LABELS.get(feature, feature.capitalize()),
                "offline": str(counts.get("offline", 0)),
                "provider": str(counts.get("provider", 0)),
            }
            for feature, counts in sorted(usage.today_by_feature(session=session, user_id=user.id).items())
        ]
        self.ai_loaded = True

    async def _run(self, action, success: str = ""):
        """`action(session, user)` then the page again, in one transaction off the event loop."""
        return await self._transact_off_loop(action, back="/account?tab=ai", success=success, refresh=self._refresh)

    @rx.event
    async def load(self):
        """When the tab opens: the current choices and usage."""
        return await self._run(lambda s, u: None)

    @rx.event
    async def set_opt_in(self, value: bool):
        """Allow (or stop) sending what a feature needs to the external AI provider."""
        if not value:
            message = "Only the offline assistant answers now; nothing leaves MetaIC."
        elif self.provider_configured:
            message = "The AI provider may now answer your requests."
        else:
            message = "Saved. The AI provider will answer once one is set up on this server."
        return await self._run(lambda s, u: prefs.update(session=s, user_id=u.id, external_opt_in=bool(value)), message)

    @rx.event
    async def set_strip(self, value: bool):
        """Replace emails and phone numbers in prompts (or stop doing so)."""
        message = "Emails and phone numbers are removed from prompts." if value else "Prompts keep contact details."
        return await self._run(
            lambda s, u: prefs.update(session=s, user_id=u.id, strip_contact_details=bool(value)), message
        )
