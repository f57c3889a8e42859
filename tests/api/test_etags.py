"""ETags on contacts (cards: test_cards_api): 304 while current, 412 for a write based on an old copy."""

from __future__ import annotations

from tests.api.test_contacts_api import BASE, add, bearer
from tests.support.http import problem


def test_contact_etag_round_trip(client):
    """GET -> ETag; If-None-Match -> 304; a PATCH with the current tag works, with the old one it is a 412."""
    ada = bearer("ada@example.com")
    url = f"{BASE}/{add(client, ada, full_name='Grace Hopper')['id']}"
    tag = client.get(url, headers=ada).headers["etag"]
    assert client.get(url, headers={**ada, "If-None-Match": f'W/{tag}, "other"'}).status_code == 304
    changed = client.patch(url, json={"company": "Navy"}, headers={**ada, "If-Match": tag})
    assert changed.status_code == 200 and changed.headers["etag"] != tag
    problem(client.patch(url, json={"company": "Army"}, headers={**ada, "If-Match": tag}), 412)
    assert client.get(url, headers={**ada, "If-None-Match": tag}).json()["company"] == "Navy"
    assert client.patch(url, json={"stage": "warm"}, headers={**ada, "If-Match": "*"}).status_code == 200
