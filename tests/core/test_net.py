"""Client addresses behind reverse proxies: the forwarded address is believed only from a trusted peer."""

from __future__ import annotations

import pytest
from fastapi import FastAPI, Request
from fastapi.testclient import TestClient

from metaic.api.deps import client_ip
from metaic.config import get_settings
from metaic.core.net import client_address, parse_networks

PROXIES = "10.0.0.0/8, 192.168.1.5"


@pytest.mark.parametrize(
    ("peer", "headers", "expected"),
    [
        # No proxy trusted: the peer, whatever the headers claim.
        ("203.0.113.9", {"x-forwarded-for": "1.1.1.1"}, "203.0.113.9"),
        # A trusted proxy: the client it forwarded for.
        ("10.1.2.3", {"x-forwarded-for": "198.51.100.7"}, "198.51.100.7"),
        # A client that writes its own header in front: the rightmost untrusted hop wins, not the spoofed left one.
        ("10.1.2.3", {"x-forwarded-for": "6.6.6.6, 198.51.100.7"}, "198.51.100.7"),
        # Two trusted proxies in a chain are skipped.
        ("10.1.2.3", {"x-forwarded-for": "198.51.100.7, 192.168.1.5, 10.9.9.9"}, "198.51.100.7"),
        # RFC 7239 Forwarded, IPv6 with a port, quoted.
        ("10.1.2.3", {"forwarded": 'for="[2001:db8::1]:4711";proto=https'}, "2001:db8::1"),
        ("10.1.2.3", {"forwarded": "for=198.51.100.7:5555, for=10.2.2.2"}, "198.51.100.7"),
        # Junk or `unknown` next to the proxy: nothing left of it is believed.
        ("10.1.2.3", {"x-forwarded-for": "198.51.100.7, unknown"}, "10.1.2.3"),
        # A trusted proxy that sent no header at all.
        ("10.1.2.3", {}, "10.1.2.3"),
    ],
)
def test_client_address(peer, headers, expected):
    trusted = PROXIES if peer.startswith("10.") else ""
    assert client_address(peer, headers, trusted) == expected


def test_an_untrusted_peer_cannot_borrow_a_trusted_list():
    assert client_address("203.0.113.9", {"x-forwarded-for": "1.1.1.1"}, PROXIES) == "203.0.113.9"


def test_a_bad_setting_names_the_entry():
    with pytest.raises(ValueError, match="not-an-ip"):
        parse_networks("10.0.0.0/8, not-an-ip")


def test_routes_see_the_forwarded_client_only_from_a_trusted_proxy(monkeypatch):
    app = FastAPI()

    @app.get("/ip")
    def ip(request: Request) -> dict:
        return {"ip": client_ip(request)}

    client = TestClient(app)  # its peer address is "testclient"
    spoofed = {"x-forwarded-for": "198.51.100.7"}
    assert client.get("/ip", headers=spoofed).json() == {"ip": "testclient"}
    with TestClient(app, client=("10.0.0.2", 50000)) as proxied:
        assert proxied.get("/ip", headers=spoofed).json() == {"ip": "10.0.0.2"}
        monkeypatch.setenv("TRUSTED_PROXIES", "10.0.0.0/24")
        get_settings.cache_clear()
        assert proxied.get("/ip", headers=spoofed).json() == {"ip": "198.51.100.7"}
