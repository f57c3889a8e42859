"""Nobody can find out who is on MetaIC by typing emails (issue 11, finding 4).

The attack: add any email as a contact, then start a conversation with it: 422 "not on MetaIC yet" for
strangers, 201 with the account's name and id for members, at 50 probes a second.
"""

from __future__ import annotations

from metaic.contacts import service as contact_service
from metaic.db import session_scope
from metaic.messaging import service as messaging
from tests.api.test_messaging_api import BASE, account
from tests.contacts.helpers import card_doc, make_user, publish_card
from tests.support.http import problem

CONTACTS = "/api/v1/contacts"
VOLATILE = {"id", "created_at", "updated_at", "emails", "full_name", "sort_name"}


def _probe(client, attacker: dict, email: str) -> tuple[dict, object, object, object]:
    """What an attacker learns about an email: the contact answer, a start, a request, and their own list."""
    made = client.post(CONTACTS, json={"full_name": "Probe", "emails": [{"value": email}]}, headers=attacker)
    assert made.status_code == 201, made.text
    contact = made.json()
    start = client.post(BASE, json={"contact_id": contact["id"]}, headers=attacker)
    ask = client.post(f"{BASE}/requests", json={"contact_id": contact["id"], "body": "Hello!"}, headers=attacker)
    listed = client.get(BASE, headers=attacker)
    shown = {k: v for k, v in contact.items() if k not in VOLATILE}
    return shown, (start.status_code, start.json()), (ask.status_code, ask.json()), listed.json()


def test_a_member_and_a_stranger_look_the_same(client):
    attacker, _ = account("mallory@example.com", "Mallory")
    account("victim@example.com", "Victor Victim")
    member = _probe(client, attacker, "victim@example.com")
    stranger = _probe(client, attacker, "nobody-here@example.com")
    assert member == stranger
    assert member[1][0] == 403 and member[2] == (202, stranger[2][1]) and member[3] == []
    assert "Victor" not in repr(member)


def test_enrichment_comes_only_from_a_card_its_owner_made_public(client):
    attacker, _ = account("mallory@example.com")
    with session_scope() as s:
        unlisted = make_user(s, "quiet@example.com", "Quiet Person")
        card = publish_card(s, unlisted, card_doc(name="Quiet Person", email="quiet@example.com"))
        card.visibility = "unlisted"
        s.add(card)
        public = make_user(s, "loud@example.com", "Loud Person")
        publish_card(s, public, card_doc(name="Loud Person", email="loud@example.com"))
    quiet = client.post(CONTACTS, json={"emails": [{"value": "quiet@example.com"}]}, headers=attacker).json()
    loud = client.post(CONTACTS, json={"emails": [{"value": "loud@example.com"}]}, headers=attacker).json()
    assert quiet["card_id"] is None
    assert loud["card_id"] is not None  # published for everyone, email included: fine to link


def test_adding_contacts_is_rate_limited(client, monkeypatch):
    monkeypatch.setattr(contact_service, "CREATES_PER_MINUTE", 3)
    attacker, _ = account("mallory@example.com")
    codes = [
        client.post(CONTACTS, json={"emails": [{"value": f"p{n}@example.com"}]}, headers=attacker).status_code
        for n in range(5)
    ]
    assert codes == [201, 201, 201, 429, 429]


def test_starting_conversations_is_rate_limited(client, monkeypatch):
    monkeypatch.setattr(messaging, "STARTS_PER_HOUR", 2)
    attacker, _ = account("mallory@example.com")
    _, victim_id = account("victim@example.com")
    codes = [client.post(BASE, json={"user_id": victim_id}, headers=attacker).status_code for _ in range(3)]
    assert codes == [403, 403, 429]
    problem(client.post(BASE, json={"user_id": victim_id}, headers=attacker), 429)
