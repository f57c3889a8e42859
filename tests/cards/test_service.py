"""Card service rules on SQLite and PostgreSQL: drafts, normalisation, validation, ownership, bulk actions."""

from __future__ import annotations

import uuid

import pytest

from metaic.cards import flows, service
from metaic.cards.schemas import CardContent
from metaic.core.errors import NotFound, ValidationError
from tests.cards.helpers import make_user, rich


def test_create_and_list(session):
    owner, other = make_user(session), make_user(session, "bob@example.com", "Bob")
    card = service.create(session=session, owner=owner, name="  Ada   Lovelace ")
    service.create(session=session, owner=other, name="Bob")
    [summary] = service.list_(session=session, owner=owner)
    assert (summary.id, summary.name, summary.slug, summary.status, summary.visibility, summary.view_count) == (
        card.id,
        "Ada Lovelace",
        "ada-lovelace",
        "draft",
        "public",
        0,
    )
    content = service.get_content(session=session, owner=owner, card_id=card.id)
    assert content.name == "Ada Lovelace" and content.theme.template == "classic"
    assert [(c.kind, c.value) for c in content.contacts] == [("email", "ada@example.com")]
    with pytest.raises(ValidationError) as err:
        service.create(session=session, owner=owner, name="   ")
    assert "name" in err.value.errors


def test_save_draft_normalises_and_round_trips(session):
    owner = make_user(session)
    card = service.create(session=session, owner=owner, name="Ada")
    saved = service.save_draft(session=session, owner=owner, card_id=card.id, content=rich())
    assert saved.contacts[0].value == "+442079460958"
    assert saved.contacts[1].value == "Ada@engines.example.com"
    assert saved.business.website == "https://engines.example.com"
    assert [s.url for s in saved.socials] == [
        "https://www.linkedin.com/in/ada",
        "https://x.com/ada",
        "https://wa.me/442079460958",
        "https://ada.example.com",
    ]
    assert saved.works[0].link == "https://example.com/note-g" and saved.works[0].image_url == "/files/note-g.png"
    assert service.get_content(session=session, owner=owner, card_id=card.id) == saved


def test_sections_reorder_and_remove(session):
    owner = make_user(session)
    card = service.create(session=session, owner=owner, name="Ada")
    doc = rich()
    service.save_draft(session=session, owner=owner, card_id=card.id, content=doc)
    doc["services"].reverse()
    doc["contacts"] = doc["contacts"][1:]
    doc["interests"] = ["Poetry", "Chess", "Mathematics"]
    doc["works"] = []
    doc["business"] = {}
    service.save_draft(session=session, owner=owner, card_id=card.id, content=CardContent.model_validate(doc))
    got = service.get_content(session=session, owner=owner, card_id=card.id)
    assert [s.title for s in got.services] == ["Notes", "Programs"]
    assert [c.kind for c in got.contacts] == ["email", "address"]
    assert got.interests == ["Poetry", "Chess", "Mathematics"] and got.works == []
    assert got.business.is_empty()


@pytest.mark.parametrize(
    ("change", "key", "fragment", "stage"),
    [
        ({"name": ""}, "name", "Enter the name", "publish"),
        ({"name": "x" * 121}, "name", "at most 120", "draft"),
        ({"bio": "x" * 1001}, "bio", "at most 1000", "draft"),
        ({"contacts": [{"kind": "phone", "value": "020 7946 0958"}]}, "contacts.0.value", "country code", "publish"),
        ({"contacts": [{"kind": "phone", "value": "+1 555"}]}, "contacts.0.value", "not valid", "publish"),
        (
            {"contacts": [{"kind": "email", "value": "not-an-email"}]},
            "contacts.0.value",
            "not a valid email",
            "publish",
        ),
        ({"contacts": [{"kind": "fax", "value": "1"}]}, "contacts.0.kind", "Choose one of", "draft"),
        (
            {
                "contacts": [
                    {"kind": "email", "value": "a@example.com", "preferred": True},
                    {"kind": "email", "value": "b@example.com", "preferred": True},
                ]
            },
            "contacts.1.preferred",
            "only one",
            "publish",
        ),
        ({"socials": [{"kind": "website", "url": "javascript:alert(1)"}]}, "socials.0.url", "http", "publish"),
        ({"socials": [{"kind": "website", "url": "not a url"}]}, "socials.0.url", "not a valid", "publish"),
        (
            {"socials": [{"kind": "myspace", "url": "https://myspace.com/ada"}]},
            "socials.0.kind",
            "Choose one of",
            "draft",
        ),
        ({"works": [{"title": "", "link": "https://example.com"}]}, "works.0.title", "title", "publish"),
        ({"works": [{"title": "W", "link": "ftp://example.com/x"}]}, "works.0.link", "http", "publish"),
        ({"interests": ["Chess", "chess"]}, "interests.1", "already", "publish"),
        ({"interests": ["x" * 41]}, "interests.0", "at most 40", "draft"),
        ({"interests": [str(i) for i in range(31)]}, "interests", "at most 30 items", "draft"),
        ({"theme": {"template": "neon", "color": "#fff", "font": "inter"}}, "theme.template", "classic", "publish"),
        ({"theme": {"template": "bold", "color": "blurple", "font": "inter"}}, "theme.color", "colour", "publish"),
        ({"language": "english!"}, "language", "language code", "publish"),
        ({"networking": {"open_to": ["dating"]}}, "networking.open_to.0", "mentoring", "draft"),
        ({"business": {"website": "http://"}}, "business.website", "not a valid", "publish"),
    ],
)
def test_validation_messages(session, change, key, fragment, stage):
    """Shape and length rules refuse even a draft; every other rule lets the draft save as written and refuses
    publishing, naming the field."""
    owner = make_user(session)
    card = service.create(session=session, owner=owner, name="Ada")
    if stage == "draft":
        with pytest.raises(ValidationError) as err:
            service.save_draft(session=session, owner=owner, card_id=card.id, content=rich(**change))
        assert fragment in err.value.errors[key], err.value.errors
        assert service.get_content(session=session, owner=owner, card_id=card.id).name == "Ada"  # nothing stored
        return
    service.save_draft(session=session, owner=owner, card_id=card.id, content=rich(**change))
    with pytest.raises(ValidationError) as err:
        flows.publish(session=session, owner=owner, card_id=card.id)
    assert fragment in err.value.errors[key], err.value.errors
    assert service.list_(session=session, owner=owner)[0].status == "draft"  # nothing published


def test_every_problem_is_reported_at_once(session):
    owner = make_user(session)
    card = service.create(session=session, owner=owner, name="Ada")
    doc = rich(name="", contacts=[{"kind": "phone", "value": "12"}], socials=[{"kind": "x", "url": "bad url!"}])
    service.save_draft(session=session, owner=owner, card_id=card.id, content=doc)
    with pytest.raises(ValidationError) as err:
        flows.publish(session=session, owner=owner, card_id=card.id)
    assert {"name", "contacts.0.value", "socials.0.url"} <= err.value.errors.keys()


def test_theme_colour_keys_and_short_hex_are_normalised(session):
    owner = make_user(session)
    card = service.create(session=session, owner=owner, name="Ada")
    doc = rich(theme={"template": "bold", "color": "emerald", "font": "mono"})
    assert service.save_draft(session=session, owner=owner, card_id=card.id, content=doc).theme.color == "#059669"
    doc = rich(theme={"template": "minimal", "color": "#ABC", "font": "inter"})
    assert service.save_draft(session=session, owner=owner, card_id=card.id, content=doc).theme.color == "#aabbcc"
    assert {t["key"] for t in service.templates()} == {"classic", "modern", "bold", "minimal"}
    assert {"inter", "serif", "rounded", "mono"} <= {f["key"] for f in service.fonts()}
    assert all(c["value"].startswith("#") for c in service.colors())


def test_other_users_cannot_touch_a_card(session):
    owner, other = make_user(session), make_user(session, "bob@example.com", "Bob")
    card = service.create(session=session, owner=owner, name="Ada")
    calls = [
        lambda: service.get_content(session=session, owner=other, card_id=card.id),
        lambda: service.save_draft(session=session, owner=other, card_id=card.id, content=rich()),
        lambda: service.set_slug(session=session, owner=other, card_id=card.id, slug="mine"),
        lambda: service.set_visibility(session=session, owner=other, card_id=card.id, visibility="private"),
        lambda: flows.publish(session=session, owner=other, card_id=card.id),
        lambda: service.unpublish(session=session, owner=other, card_id=card.id),
        lambda: service.list_versions(session=session, owner=other, card_id=card.id),
        lambda: service.restore_version(session=session, owner=other, card_id=card.id, number=1),
        lambda: service.compare_versions(session=session, owner=other, card_id=card.id, a=1, b=2),
        lambda: service.duplicate(session=session, owner=other, card_id=card.id),
        lambda: service.delete(session=session, owner=other, card_id=card.id),
        lambda: service.get_content(session=session, owner=owner, card_id=uuid.uuid4()),
        lambda: service.get_content(session=session, owner=owner, card_id="not-a-uuid"),
    ]
    for call in calls:
        with pytest.raises(NotFound):
            call()
    assert service.list_(session=session, owner=other) == []
    assert service.get_content(session=session, owner=owner, card_id=card.id).name == "Ada"


def test_duplicate_and_delete(session):
    owner = make_user(session)
    card = service.create(session=session, owner=owner, name="Ada")
    service.save_draft(session=session, owner=owner, card_id=card.id, content=rich())
    flows.publish(session=session, owner=owner, card_id=card.id)
    copy = service.duplicate(session=session, owner=owner, card_id=card.id)
    assert copy.id != card.id and copy.slug == "ada-lovelace"
    assert service.get_content(session=session, owner=owner, card_id=copy.id) == service.get_content(
        session=session, owner=owner, card_id=card.id
    )
    statuses = {s.id: s.status for s in service.list_(session=session, owner=owner)}
    assert statuses == {card.id: "published", copy.id: "draft"}
    service.delete(session=session, owner=owner, card_id=card.id)
    assert [s.id for s in service.list_(session=session, owner=owner)] == [copy.id]
    assert service.get_public(session=session, slug=card.slug) is None
    assert service.create(session=session, owner=owner, name="Ada").slug == "ada"


def test_bulk_is_all_or_nothing(session):
    owner, other = make_user(session), make_user(session, "bob@example.com", "Bob")
    a = service.create(session=session, owner=owner, name="Ada")
    b = service.create(session=session, owner=owner, name="Babbage")
    foreign = service.create(session=session, owner=other, name="Bob")
    with pytest.raises(NotFound):
        flows.bulk(session=session, owner=owner, card_ids=[a.id, b.id, foreign.id], action="publish")
    with pytest.raises(NotFound):
        flows.bulk(session=session, owner=owner, card_ids=[a.id, uuid.uuid4()], action="delete")
    assert {s.status for s in service.list_(session=session, owner=owner)} == {"draft"}
    assert flows.bulk(session=session, owner=owner, card_ids=[a.id, b.id, a.id], action="publish") == 2
    assert {s.status for s in service.list_(session=session, owner=owner)} == {"published"}
    assert flows.bulk(session=session, owner=owner, card_ids=[b.id], action="unpublish") == 1
    assert service.get_public(session=session, slug=b.slug) is None
    assert flows.bulk(session=session, owner=owner, card_ids=[a.id, b.id], action="delete") == 2
    assert service.list_(session=session, owner=owner) == []
    assert len(service.list_(session=session, owner=other)) == 1
    for ids, action in (([], "publish"), ([foreign.id], "archive")):
        with pytest.raises(ValidationError):
            flows.bulk(session=session, owner=owner, card_ids=ids, action=action)


def test_visibility_values(session):
    owner = make_user(session)
    card = service.create(session=session, owner=owner, name="Ada")
    assert service.set_visibility(session=session, owner=owner, card_id=card.id, visibility="unlisted") == "unlisted"
    with pytest.raises(ValidationError) as err:
        service.set_visibility(session=session, owner=owner, card_id=card.id, visibility="secret")
    assert "visibility" in err.value.errors
    assert service.list_(session=session, owner=owner)[0].visibility == "unlisted"


def test_avatar_file_and_url(session):
    owner = make_user(session)
    card = service.create(session=session, owner=owner, name="Ada")
    file_id = uuid.uuid4()
    doc = service.set_avatar(session=session, owner=owner, card_id=card.id, file_id=file_id, url="/files/a.jpg")
    assert doc.avatar_url == "/files/a.jpg" and card.avatar_file_id == file_id
    assert service.set_avatar(session=session, owner=owner, card_id=card.id, file_id=None).avatar_url == ""
