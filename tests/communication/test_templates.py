"""Message templates: defaults seeded once, validation, rendering in a sandbox, previews and per-owner access."""

from __future__ import annotations

import uuid

import pytest

from metaic.communication import templates
from metaic.contacts import service as contact_service
from metaic.contacts import store
from metaic.core.errors import Conflict, NotFound, ValidationError
from tests.contacts.helpers import make_user


def _contact(session, owner, **fields):
    """A saved contact with a name, a company and an email address."""
    data = {
        "first_name": "Ada",
        "last_name": "Lovelace",
        "company": "Engines",
        "title": "Analyst",
        "emails": [{"value": "ada@engines.example.com"}],
        **fields,
    }
    return contact_service.create(session=session, owner=owner, data=data)


def test_defaults_are_seeded_once_per_user(session):
    owner, other = make_user(session), make_user(session, email="other@example.com", name="Other")
    first = templates.list_(session=session, owner=owner)
    assert [t.name for t in first] == ["Follow-up", "Introduction", "Nice to meet you"]
    assert [t.id for t in templates.list_(session=session, owner=owner)] == [t.id for t in first]
    assert len(templates.list_(session=session, owner=other)) == 3
    contact = store.to_read(_contact(session, owner))
    for template in first:
        assert "Ada" in templates.render(template_body=template.body, contact=contact, sender=owner)


def test_render_fills_contact_and_sender_variables(session):
    owner = make_user(session, name="Grace Hopper")
    contact = store.to_read(_contact(session, owner))
    text = templates.render(
        template_body="Hi {{ contact.first_name }} {{ contact.last_name }} "
        "({{ contact.full_name }}, {{ contact.title }} at {{ contact.company }}) "
        "- {{ me.name }} <{{ me.email }}>",
        contact=contact,
        sender=owner,
    )
    assert text == "Hi Ada Lovelace (Ada Lovelace, Analyst at Engines) - Grace Hopper <owner@example.com>"


@pytest.mark.parametrize(
    ("full_name", "expected"),
    [
        ("Ben Okafor", "Ben|Okafor"),
        ("Mary Ann Smith", "|"),  # three parts: not guessed, templates fall back to the full name
        ("王小明", "|"),
    ],
)
def test_first_and_last_name_come_from_a_two_part_full_name(session, full_name, expected):
    owner = make_user(session)
    contact = store.to_read(_contact(session, owner, first_name="", last_name="", full_name=full_name))
    text = templates.render(
        template_body="{{ contact.first_name }}|{{ contact.last_name }}", contact=contact, sender=owner
    )
    assert text == expected
    greeting = templates.render(
        template_body="Hi {{ contact.first_name or contact.full_name }}", contact=contact, sender=owner
    )
    assert greeting == f"Hi {expected.split('|')[0] or full_name}"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("Hi {{ contact.nickname }}", "Unknown variable: contact.nickname"),
        ("Hi {{ nickname }}", "Unknown variable: nickname"),
    ],
)
def test_unknown_variable_is_a_clear_error(session, body, message):
    owner = make_user(session)
    contact = store.to_read(_contact(session, owner))
    with pytest.raises(ValidationError) as info:
        templates.render(template_body=body, contact=contact, sender=owner)
    assert info.value.message == message
    with pytest.raises(ValidationError):
        templates.create(session=session, owner=owner, name="Bad", body=body)


@pytest.mark.parametrize(
    "body",
    [
        "{{ contact.__class__ }}",
        "{{ contact._values }}",
        "{{ me.__init__.__globals__ }}",
        "{{ ''.__class__.__mro__ }}",
        "{{ 'x' * 100000000 }}",
        "{{ 9 ** 9 ** 9 }}",
    ],
)
def test_sandbox_refuses_attribute_tricks(session, body):
    owner = make_user(session)
    contact = store.to_read(_contact(session, owner))
    with pytest.raises(ValidationError):
        templates.render(template_body=body, contact=contact, sender=owner)


def test_syntax_errors_carry_the_jinja_message(session):
    owner = make_user(session)
    with pytest.raises(ValidationError) as info:
        templates.create(session=session, owner=owner, name="Broken", body="Hi {{ contact.first_name ")
    assert info.value.field == "body" and "Template error (line 1)" in info.value.message


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"name": ""}, "name"),
        ({"name": "x" * 81}, "name"),
        ({"subject": "s" * 201}, "subject"),
        ({"body": ""}, "body"),
        ({"body": "b" * 5001}, "body"),
        ({"channel": "fax"}, "channel"),
    ],
)
def test_create_validates_fields(session, fields, field):
    owner = make_user(session)
    data = {"name": "Mine", "subject": "Hello", "body": "Hi {{ contact.first_name }}", **fields}
    with pytest.raises(ValidationError) as info:
        templates.create(session=session, owner=owner, **data)
    assert field in info.value.errors


def test_create_update_delete_and_name_conflict(session):
    owner = make_user(session)
    template = templates.create(
        session=session, owner=owner, name="Coffee", channel="whatsapp", body="Coffee, {{ contact.first_name }}?"
    )
    with pytest.raises(Conflict):
        templates.create(session=session, owner=owner, name="coffee", body="Again")
    updated = templates.update(session=session, owner=owner, template_id=template.id, body="Tea, {{ me.name }}?")
    assert (updated.name, updated.channel, updated.body) == ("Coffee", "whatsapp", "Tea, {{ me.name }}?")
    templates.delete(session=session, owner=owner, template_id=template.id)
    with pytest.raises(NotFound):
        templates.get(session=session, owner=owner, template_id=template.id)


def test_preview_from_a_template_or_free_text(session):
    owner = make_user(session, name="Grace")
    contact = _contact(session, owner)
    intro = next(t for t in templates.list_(session=session, owner=owner) if t.name == "Introduction")
    subject, body = templates.preview(session=session, owner=owner, contact_id=contact.id, template_id=intro.id)
    assert subject == "Introduction: Grace" and "Engines" in body
    assert templates.preview(
        session=session,
        owner=owner,
        contact_id=contact.id,
        subject="Hi {{ contact.first_name }}",
        body="Dear {{ contact.full_name }}",
    ) == ("Hi Ada", "Dear Ada Lovelace")


def test_other_owners_templates_and_contacts_are_not_found(session):
    owner, other = make_user(session), make_user(session, email="other@example.com", name="Other")
    mine = _contact(session, owner)
    theirs = _contact(session, other)
    their_template = templates.create(session=session, owner=other, name="Theirs", body="Hi")
    for call in (
        lambda: templates.preview(session=session, owner=owner, contact_id=theirs.id, body="Hi"),
        lambda: templates.preview(session=session, owner=owner, contact_id=mine.id, template_id=their_template.id),
        lambda: templates.update(session=session, owner=owner, template_id=their_template.id, name="Mine"),
        lambda: templates.delete(session=session, owner=owner, template_id=their_template.id),
        lambda: templates.get(session=session, owner=owner, template_id=uuid.uuid4()),
        lambda: templates.get(session=session, owner=owner, template_id="not-a-uuid"),
    ):
        with pytest.raises(NotFound):
            call()
