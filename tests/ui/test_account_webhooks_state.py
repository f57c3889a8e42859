"""The account page's webhooks section: add (secret once), events by label, deliveries, redeliver, on/off, delete."""

from __future__ import annotations

import json
import uuid

from metaic.cards import flows as card_flows
from metaic.cards import service as card_service
from metaic.config import get_settings
from metaic.db import session_scope
from metaic.jobs.queue import drain_local
from metaic.ui.components.account_security import security_tab
from metaic.ui.state.account_webhooks import EVENT_LABELS, WebhooksState
from metaic.webhooks import jobs
from metaic.webhooks.models import EVENTS, WebhookEndpoint
from tests.conftest import PRODUCTION_HASH_COST
from tests.ui.support import run, signed_in, state
from tests.webhooks.test_webhooks import receiver  # noqa: F401 (a fixture)

PAGE = "/account"


def _form(url: str, *events: str, note: str = "") -> dict:
    """What the add form submits."""
    return {"webhook_url": url, "webhook_description": note, **{f"event_{e}": "on" for e in events}}


def _publish(user) -> None:
    """Publish a new card of `user` and run the jobs it queues."""
    with session_scope() as s:
        owner = s.merge(user)
        card = card_service.create(session=s, owner=owner, name="Ada Lovelace")
        card_flows.publish(session=s, owner=owner, card_id=card.id)
    for _ in range(3):
        drain_local()


def test_the_section_is_on_the_security_tab_and_offers_every_event():
    """Rendered with the API keys; each event the service knows has a label."""
    rendered = json.dumps(security_tab().render(), default=str)
    assert "add-webhook" in rendered and "webhook_url" in rendered
    assert set(EVENT_LABELS) == set(EVENTS)


def test_add_shows_the_secret_once_then_delivers_and_redelivers(db, receiver):  # noqa: F811
    """The secret appears after adding and not after a reload; a published card shows up with its 200."""
    token, ada = signed_in("ada@example.com", "Ada")
    page = state(WebhooksState, token, PAGE)
    run(page.load())
    assert page.ready and page.endpoints == []
    run(page.create(_form(receiver.url, "card.published", note="CRM")))
    assert page.errors == {} and page.new_secret.startswith("whsec_")
    row = page.endpoints[0]
    assert row["url"] == receiver.url and row["events"] == "Card published" and row["enabled"] == "yes"
    again = state(WebhooksState, token, PAGE)
    run(again.load())
    assert again.new_secret == "" and len(again.endpoints) == 1
    _publish(ada)
    run(again.toggle_log(row["id"]))
    [delivery] = again.deliveries
    assert (delivery["event"], delivery["code"], delivery["ok"]) == ("card.published", "200", "yes")
    run(again.redeliver(delivery["id"]))
    drain_local()
    run(again.refresh())
    assert len(again.deliveries) == 2 and len(receiver.requests) == 2
    run(again.toggle_log(row["id"]))
    assert again.deliveries == [] and again.open_id == ""


def test_refusals_show_next_to_their_fields(db):
    """No events, or not a web address: the messages sit under the form's own fields."""
    token, _ada = signed_in("ada@example.com", "Ada")
    page = state(WebhooksState, token, PAGE)
    run(page.create(_form("http://127.0.0.1:9/hook")))
    assert "webhook_events" in page.errors and page.new_secret == ""
    run(page.create(_form("ftp://example.com/x", "lead.captured")))
    assert "https" in page.errors["webhook_url"] and page.endpoints == []


def test_production_refuses_a_private_address(db, monkeypatch):
    """In production an IP or local name is refused with a clear message (tests run with the check off)."""
    token, _ada = signed_in("ada@example.com", "Ada")
    monkeypatch.setenv("METAIC_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "a-real-secret-key-for-this-test-only-0123456789")
    monkeypatch.setenv("PUBLIC_BASE_URL", "https://metaic.example.com")
    for key, value in PRODUCTION_HASH_COST.items():
        monkeypatch.setenv(key, value)
    get_settings.cache_clear()
    page = state(WebhooksState, token, PAGE)
    run(page.create(_form("https://10.0.0.5/hook", "card.published")))
    assert page.errors["webhook_url"] == "Use a public host name, not an IP address or a local name."
    run(page.create(_form("http://127.0.0.1:8080/hook", "card.published")))
    assert page.errors["webhook_url"] == "Webhook endpoints must use https://."
    get_settings.cache_clear()


def test_turned_off_endpoints_show_why_and_come_back(db, receiver):  # noqa: F811
    """After repeated failures the row says so; Re-enable clears it; Delete asks first."""
    token, _ada = signed_in("ada@example.com", "Ada")
    page = state(WebhooksState, token, PAGE)
    run(page.create(_form(receiver.url, "contact.created")))
    ident = page.endpoints[0]["id"]
    with session_scope() as s:
        endpoint = s.get(WebhookEndpoint, uuid.UUID(ident))
        endpoint.enabled, endpoint.failure_streak = False, jobs.DISABLE_AFTER
        endpoint.disabled_reason = "Turned off after 5 failed deliveries in a row."
    run(page.refresh())
    assert page.endpoints[0]["enabled"] == "" and "5 failed deliveries" in page.endpoints[0]["reason"]
    run(page.set_enabled(ident, True))
    assert page.endpoints[0]["enabled"] == "yes" and page.endpoints[0]["reason"] == ""
    run(page.ping(ident))
    drain_local()
    run(page.refresh())
    assert page.deliveries[0]["event"] == "ping" and page.deliveries[0]["code"] == "200"
    page.ask_delete(ident)
    assert page.confirm_delete_id == ident and len(page.endpoints) == 1
    run(page.delete(ident))
    assert page.endpoints == [] and page.confirm_delete_id == ""


def test_someone_elses_endpoint_cannot_be_touched(db, receiver):  # noqa: F811
    """Another account's ids are refused as not found and change nothing."""
    token, _ada = signed_in("ada@example.com", "Ada")
    mine = state(WebhooksState, token, PAGE)
    run(mine.create(_form(receiver.url, "card.published")))
    eve_token, _eve = signed_in("eve@example.com", "Eve")
    theirs = state(WebhooksState, eve_token, PAGE)
    run(theirs.delete(mine.endpoints[0]["id"]))
    assert "form" in theirs.errors
    run(mine.refresh())
    assert len(mine.endpoints) == 1


def test_signed_out_goes_to_sign_in(db):
    """Without a session the section sends the tab to sign in."""
    page = state(WebhooksState, None, PAGE)
    event = run(page.load())
    assert "login" in str(event)
