"""Rows in every column migration 0027 encrypts, made through the services, and the check that they read back."""

from __future__ import annotations

from sqlmodel import select

from metaic.ai import actions, chat
from metaic.ai.chat_models import AiMessage
from metaic.auth import verification
from metaic.auth.models import PhoneVerification, User
from metaic.contacts import reminders, service, sharing
from metaic.contacts.models import ShareSuggestion
from metaic.db import session_scope
from metaic.webhooks import service as webhooks
from metaic.webhooks.models import WebhookDelivery
from tests.contacts.helpers import card_doc, make_user, publish_card

NOTE, PHONE, ADDRESS = "Prefers calls after 4pm; twins", "+442079460958", "203.0.113.9"
# (table, column) -> a text its plaintext holds and its ciphertext must not show.
SEALED = {
    ("webhook_deliveries", "payload"): NOTE,
    ("ai_conversations", "title"): NOTE,
    ("ai_messages", "content"): NOTE,
    ("ai_messages", "actions"): "Ada",
    ("reminders", "note"): NOTE,
    ("users", "phone"): PHONE,
    ("phone_verifications", "phone"): PHONE,
    ("saved_contacts", "consents"): ADDRESS,
    ("contact_suggestions", "consent"): ADDRESS,
}


def make_rows() -> dict:
    """One row of every column 0027 encrypts, made at head through the services; returns ids."""
    with session_scope() as s:
        owner = make_user(s, "ada@example.com", "Ada")
        _, code = verification.start_phone_verification(session=s, user=owner, phone=PHONE)
        verification.confirm_phone(session=s, user=owner, code=code)
        verification.start_phone_verification(session=s, user=owner, phone=PHONE)  # a pending one stays
        contact = service.create(session=s, owner=owner, data={"full_name": "Ada Lovelace"})
        reminders.set_reminder(session=s, owner=owner, contact_id=contact.id, quick="tomorrow", note=NOTE)
        conversation = chat.create(session=s, owner=owner)
        chat.ask(session=s, owner=owner, conversation_id=conversation.id, text=NOTE)
        answer = AiMessage(conversation_id=conversation.id, owner_id=owner.id, role="assistant")
        answer.actions = [actions.reminder(contact, "tomorrow", "en")]
        s.add(answer)
        # card.viewed: no service below queues it on its own (no delivery jobs left behind to run later)
        webhooks.create(session=s, owner=owner, url="https://hooks.example.com/in", events=["card.viewed"])
        webhooks.queue_event(
            session=s, owner_id=owner.id, event="card.viewed", data={"note": NOTE}, send=lambda _: None
        )
        card = publish_card(s, owner, card_doc(name="Ada", email="ada@example.com"))
        visit = {"slug": card.slug, "name": "Grace", "email": "grace@navy.example.com", "phone": "", "company": ""}
        visit |= {"note": "", "consent": True, "consent_text": "I agree.", "ip": ADDRESS}
        shared = sharing.share_back(session=s, **visit)
        sharing.share_back(session=s, **visit)
        return {"owner": owner.id, "conversation": conversation.id, "shared": shared.id}


def reads_back(ids: dict) -> None:
    """Every value reads as written, through the models and services."""
    with session_scope() as s:
        owner = s.get(User, ids["owner"])
        assert owner.phone == PHONE
        assert {p.phone for p in s.exec(select(PhoneVerification)).all()} == {PHONE}
        assert [r.note for r in reminders.list_for(session=s, owner=owner)] == [NOTE]
        detail = chat.get(session=s, owner=owner, conversation_id=ids["conversation"])
        assert detail.title == NOTE and detail.messages[0].content == NOTE
        assert "Ada" in detail.messages[-1].actions[0].label
        assert NOTE in s.exec(select(WebhookDelivery)).one().payload
        shared = service.get(session=s, owner=owner, contact_id=ids["shared"])
        assert [c["ip"] for c in shared.consents] == [ADDRESS]
        assert s.exec(select(ShareSuggestion)).one().consent["ip"] == ADDRESS
