"""Drafts may be incomplete, publishing may not: two rules in the cards domain, shared by the builder and the API."""

from __future__ import annotations

import pytest

from metaic.cards import flows, service
from metaic.cards.normalize import add_tag, normalize_draft
from metaic.cards.schemas import INDUSTRY_CHARS, INTEREST_CHARS, MAX_INDUSTRIES, field_label, max_chars
from metaic.core.errors import ValidationError
from tests.cards.helpers import make_user, rich


def test_a_work_from_an_image_without_a_title_saves_as_a_draft_and_publish_names_it(session):
    owner = make_user(session)
    card = service.create(session=session, owner=owner, name="Ada")
    works = [
        {"title": "Note G", "image_url": "/files/note-g.png"},
        {"title": "", "image_url": "/files/engine.png", "link": "example.com/engine"},
    ]
    saved = service.save_draft(session=session, owner=owner, card_id=card.id, content=rich(works=works))
    assert [w.title for w in saved.works] == ["Note G", ""]
    assert saved.works[1].link == "https://example.com/engine"  # what can be normalised still is
    assert service.get_content(session=session, owner=owner, card_id=card.id) == saved
    with pytest.raises(ValidationError) as err:
        flows.publish(session=session, owner=owner, card_id=card.id)
    assert list(err.value.errors) == ["works.1.title"]
    assert field_label("works.1.title") == "Works › item 2 › Title"


def test_a_draft_keeps_values_that_are_not_valid_yet_as_written(session):
    owner = make_user(session)
    card = service.create(session=session, owner=owner, name="Ada")
    doc = rich(
        name="",
        contacts=[{"kind": "phone", "label": "Office", "value": "020 7946 0958"}],
        socials=[{"kind": "website", "url": "my blog, soon"}],
        interests=["Chess", "chess"],
        theme={"template": "classic", "color": "blurple", "font": "inter"},
    )
    saved = service.save_draft(session=session, owner=owner, card_id=card.id, content=doc)
    assert saved.name == "" and saved.contacts[0].value == "020 7946 0958"
    assert saved.socials[0].url == "my blog, soon" and saved.interests == ["Chess", "chess"]
    assert saved.theme.color == "blurple"
    with pytest.raises(ValidationError) as err:
        flows.publish(session=session, owner=owner, card_id=card.id)
    assert {"name", "contacts.0.value", "socials.0.url", "interests.1", "theme.color"} <= err.value.errors.keys()


def test_an_avatar_attaches_to_an_incomplete_draft(session):
    owner = make_user(session)
    card = service.create(session=session, owner=owner, name="Ada")
    service.save_draft(session=session, owner=owner, card_id=card.id, content=rich(works=[{"title": ""}]))
    doc = service.set_avatar(session=session, owner=owner, card_id=card.id, file_id=None)
    assert doc.works[0].title == ""


def test_shape_and_length_still_refuse_a_draft():
    with pytest.raises(ValidationError) as err:
        normalize_draft(rich(headline="x" * 161, works=[{"title": "x" * 121}]))
    assert set(err.value.errors) == {"headline", "works.0.title"}


def test_field_labels_name_section_item_and_field():
    assert field_label("name") == "Profile › Full name"
    assert field_label("contacts.0.value") == "Contact details › item 1 › Detail"
    assert field_label("business.website") == "Business › Website"
    assert field_label("networking.industries.2") == "Networking › Industries › item 3"
    assert field_label("interests.0") == "Personal interests › item 1"
    assert field_label("theme.color") == "Design › Colour"


def test_text_limits_come_from_the_document_schema():
    assert max_chars("headline") == 160 and max_chars("business.industry") == 80
    assert max_chars("works.title") == 120 and max_chars("services.price_range") == 60
    assert max_chars("networking.offer") == 600 and max_chars("socials.url") == 500
    with pytest.raises(ValidationError):
        normalize_draft(rich(networking={"offer": "x" * (max_chars("networking.offer") + 1)}))
    assert normalize_draft(rich(networking={"offer": "x" * max_chars("networking.offer")})).networking.offer


def test_tags_follow_the_document_limits():
    industry = "y" * INDUSTRY_CHARS  # 60: the builder used to cut it at 40
    assert add_tag([], f"  {industry} ", kind="industries") == [industry]
    normalize_draft(rich(networking={"industries": [industry]}))  # and the document takes it
    assert add_tag(["Chess"], "Jazz  piano", kind="interests") == ["Chess", "Jazz piano"]
    for tags, raw, kind, fragment in (
        ([], "   ", "interests", "Enter an interest"),
        ([], "x" * (INTEREST_CHARS + 1), "interests", f"at most {INTEREST_CHARS} characters"),
        (["Chess"], "CHESS", "interests", "already listed"),
        ([str(i) for i in range(MAX_INDUSTRIES)], "More", "industries", f"at most {MAX_INDUSTRIES} items"),
    ):
        with pytest.raises(ValidationError) as err:
            add_tag(tags, raw, kind=kind)
        assert fragment in err.value.errors[kind]
