"""Contacts' emails, phones and notes and MFA secrets are ciphertext in the database; every service still works.

Dedupe, import matching and "who is this email" find people through the blind index (`contact_identities`).
"""

from __future__ import annotations

import uuid
from datetime import timedelta

import pyotp
import pytest
import sqlalchemy as sa

from metaic.auth import mfa
from metaic.config import get_settings
from metaic.contacts import dedupe, history, imports, reminders, service, sharing, store
from metaic.contacts.models import ContactIdentity
from metaic.contacts.schemas import ContactDraft, LabeledValue, ParsedRow
from metaic.core import clock, fieldcrypt
from metaic.core.fieldcrypt import FieldKeyError
from tests.contacts.helpers import card_doc, make_user, notifications, publish_card

EMAIL, PHONE, NOTE = "ada.lovelace@engines.example.com", "+442079460958", "Prefers calls after 4pm; twins"


def raw(session, table: str, column: str, row_id: uuid.UUID) -> str:
    """The stored text of one value, as a database copy would show it (JSON columns as their JSON text)."""
    t = sa.table(table, sa.column("id", sa.Uuid()), sa.column(column))
    query = sa.select(sa.cast(t.c[column], sa.Text)).where(t.c.id == row_id)
    return session.connection().execute(query).scalar_one()


def _ada(session, owner, **extra):
    """A contact with an email, a phone and a note."""
    data = {"full_name": "Ada Lovelace", "emails": [{"value": EMAIL}], "phones": [{"value": PHONE}], "note": NOTE}
    return service.create(session=session, owner=owner, data={**data, **extra})


def test_stored_emails_phones_notes_and_flags_are_ciphertext_and_read_back_plain(session):
    owner = make_user(session)
    contact = _ada(session, owner)
    session.flush()
    for column, secret in (("emails", EMAIL), ("phones", PHONE), ("notes", NOTE)):
        stored = raw(session, "saved_contacts", column, contact.id)
        assert "enc1:" in stored and secret not in stored and "lovelace" not in stored.lower(), (column, stored)
    # Nothing plaintext is left beside them: no email or phone in the search or sort columns, digests only.
    for column in ("search_text", "sort_name"):
        assert "engines.example" not in raw(session, "saved_contacts", column, contact.id)
    identities = session.exec(sa.select(ContactIdentity).where(ContactIdentity.contact_id == contact.id)).scalars()
    assert all(len(i.value_hash) == 64 and "@" not in i.value_hash for i in identities)
    session.expire_all()
    read = service.get(session=session, owner=owner, contact_id=contact.id)
    assert ([e.value for e in read.emails], [p.value for p in read.phones], read.notes) == ([EMAIL], [PHONE], NOTE)
    # An empty value stays empty (it names no one), so `notes != ""` style filters keep working.
    bare = service.create(session=session, owner=owner, data={"full_name": "Bare"})
    session.flush()
    assert (raw(session, "saved_contacts", "notes", bare.id), raw(session, "saved_contacts", "emails", bare.id)) == (
        "",
        "[]",
    )


def test_what_copies_these_values_is_encrypted_too(session):
    """Flags quote values as written, merges snapshot both contacts, history and share-backs hold notes."""
    owner = make_user(session)
    row = ParsedRow(row=1, draft=ContactDraft(full_name="Odd", emails=[LabeledValue(value="odd-at-example")]))
    [result] = imports.import_drafts(session=session, owner=owner, rows=[row]).rows
    first, second = _ada(session, owner), _ada(session, owner, full_name="A. Lovelace")
    record = dedupe.merge(session=session, owner=owner, keep_id=first.id, drop_id=second.id)
    entry = history.log(session=session, owner=owner, contact_id=first.id, channel="phone", body=NOTE)
    session.flush()
    stored = {
        "flags": raw(session, "saved_contacts", "flags", result.contact_id),
        "snapshot": raw(session, "contact_merges", "snapshot", record.id),
        "body": raw(session, "communication_history", "body", entry.id),
    }
    for name, text in stored.items():
        assert "enc1:" in text and "odd-at-example" not in text and EMAIL not in text and NOTE not in text, name
    session.expire_all()
    assert service.get(session=session, owner=owner, contact_id=result.contact_id).flags[0].value == "odd-at-example"
    _, restored = dedupe.undo_merge(session=session, owner=owner, merge_id=record.id)
    assert [e["value"] for e in restored.emails] == [EMAIL] and restored.notes == NOTE


def test_share_back_suggestions_are_encrypted(session):
    ada = make_user(session, "ada@example.com", "Ada")
    card = publish_card(session, ada, card_doc(name="Ada", email="ada@example.com"))
    known = service.create(session=session, owner=ada, data={"full_name": "Grace", "emails": [{"value": EMAIL}]})
    sharing.share_back(
        session=session,
        slug=card.slug,
        name="Grace H.",
        email=EMAIL.upper(),
        phone="+34 612 345 678",
        company="",
        note="Call me on my new number",
        consent=True,
        consent_text="I agree.",
        ip="203.0.113.9",
    )
    [suggestion] = sharing.suggestions(session=session, owner=ada, contact_id=known.id)
    assert [p.value for p in suggestion.phones] == ["+34612345678"] and suggestion.note == "Call me on my new number"
    for column in ("emails", "phones", "note"):
        stored = raw(session, "contact_suggestions", column, suggestion.id)
        assert "enc1:" in stored and "612345678" not in stored and "new number" not in stored


def test_dedupe_finds_the_same_email_and_phone_written_differently(session):
    owner = make_user(session)
    a = service.create(session=session, owner=owner, data={"full_name": "Ada", "emails": [{"value": EMAIL}]})
    b = service.create(
        session=session, owner=owner, data={"full_name": "Countess", "emails": [{"value": EMAIL.upper()}]}
    )
    c = service.create(session=session, owner=owner, data={"full_name": "Grace", "phones": [{"value": PHONE}]})
    d = service.create(
        session=session, owner=owner, data={"full_name": "Hopper", "phones": [{"value": "+44 20 7946 0958"}]}
    )
    pairs = {frozenset((p.a, p.b)): p.reasons for p in dedupe.find_duplicates(session=session, owner=owner)}
    assert pairs[frozenset((a.id, b.id))] == [f"same email {EMAIL}"]
    assert pairs[frozenset((c.id, d.id))] == [f"same phone {PHONE}"]
    assert len(pairs) == 2


def test_import_matches_existing_contacts_by_email_and_by_phone(session):
    owner = make_user(session)
    by_email, by_phone = (
        _ada(session, owner),
        service.create(
            session=session, owner=owner, data={"full_name": "Grace", "phones": [{"value": "+1 202 555 0143"}]}
        ),
    )
    rows = [
        ParsedRow(row=1, draft=ContactDraft(full_name="Ada L.", emails=[LabeledValue(value=EMAIL.title())])),
        ParsedRow(row=2, draft=ContactDraft(full_name="G. Hopper", phones=[LabeledValue(value="+1 (202) 555-0143")])),
    ]
    report = imports.import_drafts(session=session, owner=owner, rows=rows)
    assert [(r.status, r.contact_id) for r in report.rows] == [("merged", by_email.id), ("merged", by_phone.id)]
    assert store.find_by_identity(session=session, owner_id=owner.id, emails=[{"value": EMAIL}], phones=[]) == by_email


def test_the_same_person_in_two_books_has_unrelated_digests(session):
    ada, bob = make_user(session, "ada@example.com"), make_user(session, "bob@example.com")
    mine, theirs = _ada(session, ada), _ada(session, bob)
    digests = {
        owner.email: set(
            session.exec(sa.select(ContactIdentity.value_hash).where(ContactIdentity.contact_id == c.id)).scalars()
        )
        for owner, c in ((ada, mine), (bob, theirs))
    }
    assert len(digests[ada.email]) == 2 and not digests[ada.email] & digests[bob.email]
    found = store.find_by_identity(session=session, owner_id=bob.id, emails=[{"value": EMAIL}], phones=[])
    assert found == theirs


def test_mfa_secret_is_encrypted_and_codes_still_verify(session):
    user = make_user(session, "ada@example.com")
    secret = mfa.start_enrolment(session=session, user=user)
    mfa.confirm_enrolment(session=session, user=user, code=pyotp.TOTP(secret).now())
    session.flush()
    stored = raw(session, "users", "mfa_secret", user.id)
    assert stored.startswith("enc1:") and secret not in stored
    session.expire_all()
    assert user.mfa_secret == secret
    assert mfa.verify(session=session, user=user, code=pyotp.TOTP(secret).now())
    stale = pyotp.TOTP(secret).at(clock.now() - timedelta(hours=1))
    assert stale == pyotp.TOTP(secret).now() or not mfa.verify(session=session, user=user, code=stale)


def test_a_wrong_key_is_a_clear_error_not_garbage(session, monkeypatch):
    owner = make_user(session)
    contact = _ada(session, owner)
    session.flush()
    session.expire_all()
    monkeypatch.setenv("FIELD_ENCRYPTION_KEYS", fieldcrypt.generate_key())
    get_settings.cache_clear()
    with pytest.raises(FieldKeyError, match=r"saved_contacts\.\w+: encrypted with key \w{8}, which is not in"):
        service.get(session=session, owner=owner, contact_id=contact.id)


def test_sql_search_finds_whole_emails_and_numbers_only(session):
    owner = make_user(session)
    contact = _ada(session, owner)
    for query in (EMAIL.upper(), "+44 20 7946 0958", "442079460958", "Lovelace"):
        assert [c.id for c in service.list_(session=session, owner=owner, filters={"query": query}).items] == [
            contact.id
        ], query
    for query in ("lovelace@engines", "7946"):  # parts of encrypted values: the search index finds those
        assert service.list_(session=session, owner=owner, filters={"query": query}).total == 0, query


def test_a_reminder_about_a_contact_known_by_email_only_does_not_copy_the_email(session):
    """A reminder's notification names the contact by name or company, never by its email."""
    owner = make_user(session)
    contact = service.create(session=session, owner=owner, data={"emails": [{"value": EMAIL}]})
    reminders.set_reminder(session=session, owner=owner, contact_id=contact.id, quick="tomorrow")
    clock.advance(timedelta(days=1, minutes=1))
    assert reminders.fire_due(session=session) == 1
    [note] = notifications(session, owner, "reminder")
    assert note.data["contact"] == "(no name)" and EMAIL not in f"{note.title} {note.body} {note.data}"
