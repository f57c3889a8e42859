"""What 0027 encrypts is ciphertext in the database and plain through the services, on SQLite and PostgreSQL.

Webhook delivery payloads (kept for redelivery), Ask MetaIC questions, answers' actions and titles, reminder
notes, account and pending phone numbers, and share-back consent records (the visitor's address).
"""

from __future__ import annotations

import uuid

import sqlalchemy as sa
from sqlmodel import select

from metaic.ai import actions, chat
from metaic.ai.chat_models import AiConversation, AiMessage
from metaic.auth import verification
from metaic.auth.models import PhoneVerification, User
from metaic.contacts import reminders, service, sharing
from metaic.contacts.models import ShareSuggestion
from metaic.webhooks import service as webhooks
from metaic.webhooks.models import WebhookDelivery
from tests.contacts.helpers import card_doc, make_user, publish_card

NOTE = "Prefers calls after 4pm; twins"
PHONE = "+442079460958"
ADDRESS = "203.0.113.9"


def raw(session, table: str, column: str, row_id: uuid.UUID) -> str:
    """The stored text of one value, as a database copy would show it (JSON columns as their JSON text)."""
    t = sa.table(table, sa.column("id", sa.Uuid()), sa.column(column))
    query = sa.select(sa.cast(t.c[column], sa.Text)).where(t.c.id == row_id)
    return session.connection().execute(query).scalar_one()


def _sealed(session, table: str, column: str, row_id: uuid.UUID, *secrets: str) -> None:
    """The stored value is one ciphertext and shows none of `secrets`."""
    stored = raw(session, table, column, row_id)
    assert "enc1:" in stored, (table, column, stored)
    assert not any(secret.lower() in stored.lower() for secret in secrets), (table, column, stored)


def test_webhook_payloads_are_ciphertext_and_redelivered_as_sent(session):
    owner = make_user(session)
    endpoint = webhooks.create(
        session=session, owner=owner, url="https://hooks.example.com/in", events=["contact.created"]
    )
    sent = []
    [first] = webhooks.queue_event(
        session=session, owner_id=owner.id, event="contact.created", data={"note": NOTE}, send=sent.append
    )
    again = webhooks.redeliver(session=session, owner=owner, delivery_id=first.id, send=sent.append)
    session.flush()
    for row in (first, again):
        _sealed(session, "webhook_deliveries", "payload", row.id, NOTE, "contact.created")
    session.expire_all()
    payloads = {d.payload for d in webhooks.deliveries(session=session, owner=owner, endpoint_id=endpoint.id)}
    assert len(payloads) == 1 and NOTE in payloads.pop()


def test_chat_questions_titles_and_proposed_actions_are_ciphertext(session):
    owner = make_user(session)
    contact = service.create(session=session, owner=owner, data={"full_name": "Ada Lovelace", "note": NOTE})
    conversation = chat.create(session=session, owner=owner)
    question = chat.ask(session=session, owner=owner, conversation_id=conversation.id, text=f"Who said '{NOTE}'?")
    proposal = actions.reminder(contact, "tomorrow", "en")
    answer = AiMessage(conversation_id=conversation.id, owner_id=owner.id, role="assistant", actions=[proposal])
    session.add(answer)
    session.flush()
    _sealed(session, "ai_conversations", "title", conversation.id, NOTE)
    _sealed(session, "ai_messages", "content", question.id, NOTE)
    _sealed(session, "ai_messages", "actions", answer.id, "Ada", "tomorrow")
    session.expire_all()
    detail = chat.get(session=session, owner=owner, conversation_id=conversation.id)
    assert detail.title == f"Who said '{NOTE}'?" and detail.messages[0].content == f"Who said '{NOTE}'?"
    # Confirming rewrites the actions (flag_modified on the encrypted JSON): still sealed, still readable.
    done = chat.confirm_action(session=session, owner=owner, conversation_id=conversation.id, action_id=proposal["id"])
    session.flush()
    _sealed(session, "ai_messages", "actions", answer.id, "Ada")
    session.expire_all()
    assert done.status == "done" and session.get(AiMessage, answer.id).actions[0]["status"] == "done"
    assert session.get(AiConversation, conversation.id).title.startswith("Who said")


def test_reminder_notes_are_ciphertext(session):
    owner = make_user(session)
    contact = service.create(session=session, owner=owner, data={"full_name": "Ada"})
    made = reminders.set_reminder(session=session, owner=owner, contact_id=contact.id, quick="tomorrow", note=NOTE)
    session.flush()
    _sealed(session, "reminders", "note", made.id, NOTE, "twins")
    session.expire_all()
    assert [r.note for r in reminders.list_for(session=session, owner=owner, contact_id=contact.id)] == [NOTE]


def test_account_phones_are_ciphertext_pending_and_verified(session):
    user = make_user(session)
    number, code = verification.start_phone_verification(session=session, user=user, phone="+44 20 7946 0958")
    [pending] = session.exec(select(PhoneVerification).where(PhoneVerification.user_id == user.id)).all()
    _sealed(session, "phone_verifications", "phone", pending.id, PHONE, "7946")
    verification.confirm_phone(session=session, user=user, code=code)
    session.flush()
    _sealed(session, "users", "phone", user.id, PHONE, "7946")
    session.expire_all()
    assert number == PHONE and session.get(User, user.id).phone == PHONE


def test_share_back_consent_records_are_ciphertext(session):
    ada = make_user(session, "ada@example.com", "Ada")
    card = publish_card(session, ada, card_doc(name="Ada", email="ada@example.com"))
    visit = {
        "slug": card.slug,
        "name": "Grace",
        "email": "grace@navy.example.com",
        "phone": "",
        "company": "",
        "note": "",
        "consent": True,
        "consent_text": "I agree that Ada may store the details above.",
        "ip": ADDRESS,
    }
    contact = sharing.share_back(session=session, **visit)
    sharing.share_back(session=session, **visit)  # the same visitor again: a suggestion on the contact
    [suggestion] = session.exec(select(ShareSuggestion).where(ShareSuggestion.contact_id == contact.id)).all()
    session.flush()
    _sealed(session, "saved_contacts", "consents", contact.id, ADDRESS, "I agree")
    _sealed(session, "contact_suggestions", "consent", suggestion.id, ADDRESS, "I agree")
    session.expire_all()
    read = service.get(session=session, owner=ada, contact_id=contact.id)
    assert [c["ip"] for c in read.consents] == [ADDRESS]
    assert session.get(ShareSuggestion, suggestion.id).consent["ip"] == ADDRESS
    empty = service.create(session=session, owner=ada, data={"full_name": "No consent"})
    session.flush()
    assert raw(session, "saved_contacts", "consents", empty.id) == "[]"  # empty stays empty (names no one)


def test_delivery_rows_read_back_through_the_model(session):
    """The model alone (no service) decrypts: what jobs.deliver reads before posting."""
    owner = make_user(session)
    endpoint = webhooks.create(session=session, owner=owner, url="https://hooks.example.com/in", events=["card.viewed"])
    row = WebhookDelivery(endpoint_id=endpoint.id, event="card.viewed", payload='{"views":3}')
    session.add(row)
    session.flush()
    session.expire_all()
    assert session.get(WebhookDelivery, row.id).payload == '{"views":3}'
    _sealed(session, "webhook_deliveries", "payload", row.id, "views")
