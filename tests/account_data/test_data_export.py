"""\"Download my data\": everything of the account in one zip, no secrets, nobody else's rows, a signed emailed link."""

from __future__ import annotations

import io
import json
import re
import zipfile

from sqlmodel import select

from metaic.admin import data_export
from metaic.audit.models import AuditEvent
from metaic.auth import service as user_service
from metaic.cards import service as card_service
from metaic.contacts import service as contact_service
from metaic.db import session_scope
from metaic.jobs.queue import drain_local
from metaic.messaging.models import Conversation, ConversationMember, DirectMessage

PASSWORD = "Correct-Horse-9-battery"


def _token(client, email: str) -> dict:
    """A fresh verified account's bearer headers."""
    with session_scope() as s:
        user_service.create(session=s, email=email, password=PASSWORD, name=email.split("@")[0], verified=True)
        s.commit()
    answer = client.post("/api/v1/auth/token", json={"email": email, "password": PASSWORD})
    return {"Authorization": f"Bearer {answer.json()['access_token']}"}


def _account_with_everything(email: str, other_email: str):
    """An account with a card, a contact and a conversation in which the other account wrote to it."""
    with session_scope() as s:
        ada = user_service.get_by_email(session=s, email=email)
        bob = user_service.get_by_email(session=s, email=other_email)
        card_service.create(session=s, owner=ada, name="Ada Lovelace")
        contact_service.create(session=s, owner=ada, data={"full_name": "Grace Hopper", "source": "manual"})
        contact_service.create(session=s, owner=bob, data={"full_name": "Bob's Secret Friend", "source": "manual"})
        pair = ":".join(sorted([str(ada.id), str(bob.id)]))
        talk = Conversation(pair_key=pair)
        s.add(talk)
        s.flush()
        s.add_all([ConversationMember(conversation_id=talk.id, user_id=u.id) for u in (ada, bob)])
        s.add(DirectMessage(conversation_id=talk.id, sender_id=bob.id, body="Lunch on Friday?"))
        s.commit()


def test_the_emailed_link_gives_the_whole_account_and_nothing_secret_or_foreign(client, outbox):
    ada, bob = _token(client, "ada@example.com"), _token(client, "bob@example.com")
    _account_with_everything("ada@example.com", "bob@example.com")
    asked = client.post("/api/v1/me/export", headers=ada)
    assert asked.status_code == 202
    drain_local()
    [mail] = outbox.emails("ada@example.com")[-1:]
    link = re.search(r"(/api/v1/me/export/download\?token=[^\s\"<]+)", outbox.body(mail)).group(1)
    assert client.get(link, headers=bob).status_code == 404  # the link is Ada's alone
    assert client.get(link + "x", headers=ada).status_code == 404  # tampered
    answer = client.get(link, headers=ada)
    assert answer.status_code == 200 and answer.headers["content-type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(answer.content))
    names = set(archive.namelist())
    assert {"README.txt", "contacts.vcf", "data/users.json", "data/business_cards.json"} <= names
    users = json.loads(archive.read("data/users.json"))
    assert [u["email"] for u in users] == ["ada@example.com"]
    assert not [k for row in users for k in row if re.search("hash|secret|password", k)]
    assert [c["name"] for c in json.loads(archive.read("data/business_cards.json"))] == ["Ada Lovelace"]
    assert [m["body"] for m in json.loads(archive.read("data/direct_messages.json"))] == ["Lunch on Friday?"]
    contacts = archive.read("contacts.vcf").decode()
    assert "Grace Hopper" in contacts and "Secret Friend" not in contacts
    everything = b"".join(archive.read(n) for n in names)
    assert b"Bob's Secret Friend" not in everything and b"argon2" not in everything
    with session_scope() as s:
        assert s.exec(select(AuditEvent).where(AuditEvent.action == "data.exported")).one()


def test_exports_are_limited_per_day(client, outbox):
    ada = _token(client, "ada@example.com")
    statuses = [
        client.post("/api/v1/me/export", headers=ada).status_code for _ in range(data_export.EXPORT_LIMIT[0] + 1)
    ]
    assert statuses[:-1] == [202] * data_export.EXPORT_LIMIT[0] and statuses[-1] == 429
