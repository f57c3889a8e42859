"""Draft and publish on SQLite and PostgreSQL: versions, compare, restore, visibility, one-row public reads."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from sqlalchemy import event

from metaic.cards import flows, service
from metaic.cards.schemas import PublicCard
from metaic.core.errors import NotFound
from tests.cards.helpers import make_user, rich
from tests.support.ast_parse import parse_file


def _status(session, owner, card) -> str:
    """The card's status in the owner's list."""
    return next(s.status for s in service.list_(session=session, owner=owner) if s.id == card.id)


def test_publish_edit_republish_compare_restore(session):
    owner = make_user(session)
    card = service.create(session=session, owner=owner, name="Ada")
    service.save_draft(session=session, owner=owner, card_id=card.id, content=rich())
    v1 = flows.publish(session=session, owner=owner, card_id=card.id)
    assert (v1.number, v1.name, v1.is_live) == (1, "Ada Lovelace", True)
    assert _status(session, owner, card) == "published"

    service.save_draft(
        session=session,
        owner=owner,
        card_id=card.id,
        content=rich(name="Ada King", interests=["Mathematics", "Poetry", "Horses"]),
    )
    assert _status(session, owner, card) == "changed"
    public = service.get_public(session=session, slug=card.slug)
    assert public.content.name == "Ada Lovelace" and public.version == 1  # visitors still see v1

    v2 = flows.publish(session=session, owner=owner, card_id=card.id)
    assert v2.number == 2 and service.get_public(session=session, slug=card.slug).content.name == "Ada King"
    assert flows.publish(session=session, owner=owner, card_id=card.id).number == 2  # nothing changed
    versions = service.list_versions(session=session, owner=owner, card_id=card.id)
    assert [(v.number, v.is_live) for v in versions] == [(2, True), (1, False)]

    rows = service.compare_versions(session=session, owner=owner, card_id=card.id, a=1, b=2)
    assert rows == [
        {"field": "name", "before": "Ada Lovelace", "after": "Ada King"},
        {"field": "interests", "before": ["Mathematics", "Poetry"], "after": ["Mathematics", "Poetry", "Horses"]},
    ]
    assert service.compare_versions(session=session, owner=owner, card_id=card.id, a=2, b=2) == []
    with pytest.raises(NotFound):
        service.compare_versions(session=session, owner=owner, card_id=card.id, a=1, b=9)

    restored = service.restore_version(session=session, owner=owner, card_id=card.id, number=1)
    assert restored.name == "Ada Lovelace"
    assert service.get_content(session=session, owner=owner, card_id=card.id) == restored
    assert _status(session, owner, card) == "changed"
    assert service.get_public(session=session, slug=card.slug).content.name == "Ada King"  # not live yet
    v3 = flows.publish(session=session, owner=owner, card_id=card.id)
    assert v3.number == 3 and service.get_public(session=session, slug=card.slug).content.name == "Ada Lovelace"


def test_compare_reports_item_fields_added_and_removed(session):
    owner = make_user(session)
    card = service.create(session=session, owner=owner, name="Ada")
    service.save_draft(session=session, owner=owner, card_id=card.id, content=rich())
    flows.publish(session=session, owner=owner, card_id=card.id)
    doc = rich()
    doc["services"][0]["price_range"] = "£300"
    doc["services"].pop(1)
    doc["theme"]["template"] = "bold"
    doc["works"].append({"title": "Note H", "description": "", "image_url": "", "link": ""})
    service.save_draft(session=session, owner=owner, card_id=card.id, content=doc)
    flows.publish(session=session, owner=owner, card_id=card.id)
    rows = {
        r["field"]: (r["before"], r["after"])
        for r in service.compare_versions(session=session, owner=owner, card_id=card.id, a=1, b=2)
    }
    assert rows["theme.template"] == ("modern", "bold")
    assert rows["services.0.price_range"] == ("£100-£200", "£300")
    assert rows["services.1.title"] == ("Notes", None)
    assert rows["works.1.title"] == (None, "Note H")


def test_switching_template_keeps_content(session):
    owner = make_user(session)
    card = service.create(session=session, owner=owner, name="Ada")
    first = service.save_draft(session=session, owner=owner, card_id=card.id, content=rich())
    for template in ("classic", "bold", "minimal", "modern"):
        doc = first.model_dump()
        doc["theme"]["template"] = template
        saved = service.save_draft(session=session, owner=owner, card_id=card.id, content=doc)
        assert saved.model_dump(exclude={"theme"}) == first.model_dump(exclude={"theme"})


def test_visibility_and_drafts_for_visitors(session):
    owner, other = make_user(session), make_user(session, "bob@example.com", "Bob")
    card = service.create(session=session, owner=owner, name="Ada")
    assert service.get_public(session=session, slug=card.slug) is None  # never published
    flows.publish(session=session, owner=owner, card_id=card.id)
    assert service.get_public(session=session, slug=card.slug).visibility == "public"
    service.set_visibility(session=session, owner=owner, card_id=card.id, visibility="unlisted")
    assert service.get_public(session=session, slug=card.slug).visibility == "unlisted"
    service.set_visibility(session=session, owner=owner, card_id=card.id, visibility="private")
    assert service.get_public(session=session, slug=card.slug) is None
    assert service.get_public(session=session, slug=card.slug, viewer_id=other.id) is None
    assert isinstance(service.get_public(session=session, slug=card.slug, viewer_id=owner.id), PublicCard)
    service.set_visibility(session=session, owner=owner, card_id=card.id, visibility="public")
    service.unpublish(session=session, owner=owner, card_id=card.id)
    assert service.get_public(session=session, slug=card.slug) is None
    assert _status(session, owner, card) == "draft"
    assert flows.publish(session=session, owner=owner, card_id=card.id).number == 2


def test_public_read_is_one_query_and_etag_follows_versions(session):
    owner = make_user(session)
    card = service.create(session=session, owner=owner, name="Ada")
    service.save_draft(session=session, owner=owner, card_id=card.id, content=rich())
    flows.publish(session=session, owner=owner, card_id=card.id)
    slug = card.slug
    session.flush()
    session.expire_all()
    statements: list[str] = []
    engine = session.get_bind()

    def count(_conn, _cursor, statement, *_args):
        """Record each SQL statement."""
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        found = service.get_public(session=session, slug=slug)
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert isinstance(found, PublicCard) and found.content.services[1].title == "Notes"
    assert len(statements) == 1, statements
    first_etag = found.etag
    service.save_draft(session=session, owner=owner, card_id=card.id, content=rich(headline="New"))
    assert service.get_public(session=session, slug=card.slug).etag == first_etag  # drafts do not change it
    flows.publish(session=session, owner=owner, card_id=card.id)
    assert service.get_public(session=session, slug=card.slug).etag != first_etag


def test_only_the_flow_is_called_publish():
    """One name, one place: everything that puts a card live goes through cards.flows.publish."""
    root = Path(flows.__file__).resolve().parents[1]
    defined, snapshots = [], []
    for path in root.rglob("*.py"):
        tree = parse_file(path)
        where = str(path.relative_to(root))
        if not where.startswith("ui/"):  # Reflex event handlers may be named after the button they serve
            functions = [node for node in ast.walk(tree) if isinstance(node, ast.FunctionDef)]
            defined += [where for node in functions if node.name == "publish"]
        snapshots += [
            where
            for node in ast.walk(tree)
            if isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and (node.value.id, node.attr) in {("versions", "snapshot"), ("versions", "snapshot_draft")}
        ]
    assert defined == ["cards/flows.py"]
    assert set(snapshots) <= {"cards/flows.py", "cards/versions.py"}
    assert not hasattr(service, "publish") and not hasattr(service, "bulk")
