"""Slug rules on SQLite and PostgreSQL: generation, form, reserved words, uniqueness, history redirects."""

from __future__ import annotations

import pytest

from metaic.cards import flows, service, slugs
from metaic.cards.schemas import PublicCard, SlugRedirect
from metaic.core.errors import Conflict, ValidationError
from tests.cards.helpers import make_user


def _published(session, owner, name: str):
    """A published card."""
    card = service.create(session=session, owner=owner, name=name)
    flows.publish(session=session, owner=owner, card_id=card.id)
    return card


def test_slug_generated_from_unicode_names(session):
    owner = make_user(session)
    assert service.create(session=session, owner=owner, name="Zoë Smith").slug == "zoe-smith"
    assert service.create(session=session, owner=owner, name="Zoë Smith").slug == "zoe-smith-2"
    for name in ("王小明", "😀🚀", "Jo", "Admin", "Ünïcödé Łódź", "x" * 120):
        slug = service.create(session=session, owner=owner, name=name).slug
        assert slug and slugs.problem(slug) is None, (name, slug)
    assert service.create(session=session, owner=owner, name="王小明").slug.startswith("wang-xiao-ming")


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("ab", "at least 3"),
        ("a" * 61, "at most 60"),
        ("ada lovelace", "lower-case letters"),
        ("ada_lovelace", "lower-case letters"),
        ("-ada", "lower-case letters"),
        ("ada--l", "lower-case letters"),
        ("adà", "lower-case letters"),
        ("admin", "reserved"),
        ("api", "reserved"),
        ("login", "reserved"),
        ("signup", "reserved"),
        ("dashboard", "reserved"),
        ("account", "reserved"),
        ("static", "reserved"),
        ("assets", "reserved"),
        ("ping", "reserved"),
        ("auth", "reserved"),
    ],
)
def test_slug_rules(session, value, message):
    owner = make_user(session)
    card = service.create(session=session, owner=owner, name="Ada")
    with pytest.raises(ValidationError) as err:
        service.set_slug(session=session, owner=owner, card_id=card.id, slug=value)
    assert message in err.value.errors["slug"]
    for reserved in ("c", "_event"):
        assert slugs.problem(reserved) is not None


def test_slug_is_lower_cased_and_unique(session):
    owner, other = make_user(session), make_user(session, "bob@example.com", "Bob")
    card = service.create(session=session, owner=owner, name="Ada")
    assert service.set_slug(session=session, owner=owner, card_id=card.id, slug="  Ada-L  ") == "ada-l"
    bobs = service.create(session=session, owner=other, name="Bob")
    with pytest.raises(Conflict) as err:
        service.set_slug(session=session, owner=other, card_id=bobs.id, slug="ada-l")
    assert "taken" in err.value.errors["slug"]


def test_old_slug_redirects_after_renames_and_can_be_reclaimed(session):
    owner = make_user(session)
    card = _published(session, owner, "Ada")
    assert card.slug == "ada"
    service.set_slug(session=session, owner=owner, card_id=card.id, slug="ada-l")
    service.set_slug(session=session, owner=owner, card_id=card.id, slug="countess")
    for old in ("ada", "ada-l"):
        assert service.get_public(session=session, slug=old) == SlugRedirect(slug="countess")
    assert isinstance(service.get_public(session=session, slug="countess"), PublicCard)
    # Back to the first address: it is the card's again, and the others now point to it.
    service.set_slug(session=session, owner=owner, card_id=card.id, slug="ada")
    assert isinstance(service.get_public(session=session, slug="ada"), PublicCard)
    for old in ("ada-l", "countess"):
        assert service.get_public(session=session, slug=old) == SlugRedirect(slug="ada")


def test_former_slug_is_not_given_to_someone_else(session):
    owner, other = make_user(session), make_user(session, "bob@example.com", "Bob")
    card = _published(session, owner, "Ada")
    service.set_slug(session=session, owner=owner, card_id=card.id, slug="ada-new")
    bobs = service.create(session=session, owner=other, name="Bob")
    with pytest.raises(Conflict):
        service.set_slug(session=session, owner=other, card_id=bobs.id, slug="ada")
    assert service.create(session=session, owner=other, name="Ada").slug == "ada-2"
    # The same owner may move the old address to another of their cards.
    second = service.create(session=session, owner=owner, name="Ada Two")
    assert service.set_slug(session=session, owner=owner, card_id=second.id, slug="ada") == "ada"
    assert service.get_public(session=session, slug="ada") is None  # the second card is a draft


def test_draft_rename_frees_the_old_slug(session):
    owner, other = make_user(session), make_user(session, "bob@example.com", "Bob")
    card = service.create(session=session, owner=owner, name="Ada")
    service.set_slug(session=session, owner=owner, card_id=card.id, slug="ada-draft")
    assert service.get_public(session=session, slug="ada") is None
    bobs = service.create(session=session, owner=other, name="Bob")
    assert service.set_slug(session=session, owner=other, card_id=bobs.id, slug="ada") == "ada"


def test_redirect_hidden_for_private_or_unpublished_cards(session):
    owner = make_user(session)
    card = _published(session, owner, "Ada")
    service.set_slug(session=session, owner=owner, card_id=card.id, slug="ada-new")
    service.set_visibility(session=session, owner=owner, card_id=card.id, visibility="private")
    assert service.get_public(session=session, slug="ada") is None
    service.set_visibility(session=session, owner=owner, card_id=card.id, visibility="unlisted")
    assert service.get_public(session=session, slug="ada") == SlugRedirect(slug="ada-new")
    service.unpublish(session=session, owner=owner, card_id=card.id)
    assert service.get_public(session=session, slug="ada") is None


@pytest.mark.parametrize(
    ("name", "look_alike"),
    [
        ("Alice", "a1ice"),
        ("Alice", "al1ce"),
        ("Script", "scrlpt"),
        ("Mary", "rnary"),
        ("Owen", "ovven"),
        ("Bob Shop", "b0b-shop"),
        ("Sam", "5am"),
    ],
)
def test_look_alike_of_someone_elses_public_address_is_refused(session, name, look_alike):
    owner, stranger = make_user(session), make_user(session, "mallory@example.com", "Mallory")
    original = _published(session, owner, name).slug
    card = service.create(session=session, owner=stranger, name="Mallory")
    with pytest.raises(Conflict) as err:
        service.set_slug(session=session, owner=stranger, card_id=card.id, slug=look_alike)
    assert original in err.value.errors["slug"]
    # Naming the card after the look-alike does not hand the address out either.
    generated = service.create(session=session, owner=stranger, name=look_alike.replace("-", " ")).slug
    assert generated != look_alike and slugs.skeleton(generated) != slugs.skeleton(original)


def test_look_alike_of_a_former_address_is_refused(session):
    owner, stranger = make_user(session), make_user(session, "mallory@example.com", "Mallory")
    card = _published(session, owner, "Alice")
    service.set_slug(session=session, owner=owner, card_id=card.id, slug="alice-jones")
    mallorys = service.create(session=session, owner=stranger, name="Mallory")
    with pytest.raises(Conflict) as err:
        service.set_slug(session=session, owner=stranger, card_id=mallorys.id, slug="a1ice")
    assert "alice" in err.value.errors["slug"]


@pytest.mark.parametrize("value", ["adm1n", "l0gin", "dashb0ard", "5upport", "he1p", "s1gnup"])
def test_look_alike_of_a_reserved_word_is_reserved(session, value):
    owner = make_user(session)
    card = service.create(session=session, owner=owner, name="Ada")
    with pytest.raises(ValidationError) as err:
        service.set_slug(session=session, owner=owner, card_id=card.id, slug=value)
    assert "reserved" in err.value.errors["slug"]
    assert slugs.base_from_name("Adm1n") == "adm1n-card"


def test_unrelated_and_own_addresses_still_work(session):
    owner, other = make_user(session), make_user(session, "bob@example.com", "Bob")
    _published(session, owner, "Alice")
    _published(session, owner, "Dark")
    for value in ("alicia", "alice-smith", "clark", "mallory", "a1ice-2"):
        card = service.create(session=session, owner=other, name="Bob")
        assert service.set_slug(session=session, owner=other, card_id=card.id, slug=value) == value
    # The owner may keep look-alikes of their own address, and a draft's address blocks no one.
    mine = service.create(session=session, owner=owner, name="Alice Two")
    assert service.set_slug(session=session, owner=owner, card_id=mine.id, slug="a1ice") == "a1ice"
    draft = service.create(session=session, owner=owner, name="Zed")
    service.set_slug(session=session, owner=owner, card_id=draft.id, slug="oscar")
    theirs = service.create(session=session, owner=other, name="Bob")
    assert service.set_slug(session=session, owner=other, card_id=theirs.id, slug="0scar") == "0scar"
    assert service.create(session=session, owner=other, name="Alice").slug == "alice-2"
