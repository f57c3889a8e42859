"""Push endpoints come from browsers, so from anyone: in production the server never dials a private address.

A name that looks public may resolve to 10.0.0.5 or 169.254.169.254 (cloud metadata), at subscribe time or
only later (DNS rebinding). The resolver is faked at our adapter boundary (socket.getaddrinfo); nothing here
touches the network.
"""

from __future__ import annotations

import ipaddress
import socket

import pytest

from metaic.adapters.errors import ProviderError
from metaic.adapters.push import PushMessage, UnsafeEndpoint, WebPushSender, WebPushTarget, generate_vapid_keys
from metaic.config import get_settings
from metaic.core.errors import ValidationError
from metaic.notifications import subscriptions
from tests.conftest import PRODUCTION_HASH_COST
from tests.contacts.helpers import make_user
from tests.support.fake_providers import Browser, FakeServer

REAL_GETADDRINFO = socket.getaddrinfo
PUBLIC = "93.184.216.34"
INSIDE = {
    "intranet.example": ["10.0.0.5"],
    "metadata.example": ["169.254.169.254"],
    "loopback.example": ["127.0.0.1"],
    "mixed.example": [PUBLIC, "192.168.1.10"],
    "v6-loopback.example": ["::1"],
    "v6-mapped.example": ["::ffff:10.0.0.1"],
    "multicast.example": ["224.0.0.1"],
    "cgnat.example": ["100.64.0.1"],
    "zero.example": ["0.0.0.0"],
}


@pytest.fixture
def dns(monkeypatch):
    """A fake resolver: names map to the addresses a test gives; literals resolve as themselves."""
    records: dict[str, list[str]] = {"push.example": [PUBLIC], **INSIDE}

    def getaddrinfo(host, port, *args, **kwargs):
        try:
            ipaddress.ip_address(str(host).split("%", 1)[0])
            return REAL_GETADDRINFO(host, port, *args, **kwargs)  # a literal needs no lookup
        except ValueError:
            pass
        if host not in records:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return [
            (socket.AF_INET6, socket.SOCK_STREAM, 6, "", (a, port, 0, 0))
            if ":" in a
            else (socket.AF_INET, socket.SOCK_STREAM, 6, "", (a, port))
            for a in records[host]
        ]

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return records


def _production(monkeypatch, tmp_path) -> None:
    """Production settings with a VAPID key pair."""
    public, private = generate_vapid_keys()
    env = {
        "METAIC_ENV": "production",
        "METAIC_DATA_DIR": str(tmp_path),
        "VAPID_PUBLIC_KEY": public,
        "VAPID_PRIVATE_KEY": private,
        **PRODUCTION_HASH_COST,
    }
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    get_settings.cache_clear()


@pytest.fixture
def push_server():
    """A stand-in push service on 127.0.0.1 that accepts everything (201) and records what reached it."""
    server = FakeServer(lambda rec: (201, {"Location": "/messages/1"}, b""))
    yield server
    server.close()


def _subscribe(session, user, host: str):
    """Subscribe a browser whose endpoint is on `host`."""
    browser = Browser()
    return subscriptions.subscribe(
        session=session, user=user, endpoint=f"https://{host}/push/abc", p256dh=browser.p256dh, auth=browser.auth
    )


def test_production_refuses_endpoints_that_resolve_inside_the_network(session, dns, monkeypatch, tmp_path):
    _production(monkeypatch, tmp_path)
    user = make_user(session, "ada@example.com", "Ada")
    for host in [*INSIDE, "nowhere.example"]:
        with pytest.raises(ValidationError) as exc:
            _subscribe(session, user, host)
        assert exc.value.field == "endpoint", host
    assert subscriptions.list_for_user(session=session, user=user) == []
    row = _subscribe(session, user, "push.example")
    assert row.endpoint == "https://push.example/push/abc"


def test_the_sender_dials_the_address_it_checked(dns, push_server):
    """Outside production a local stand-in is fine, and the name is dialled at the address our resolver gave."""
    port = push_server.server.server_address[1]
    dns["push.example"] = ["127.0.0.1"]
    browser = Browser()
    target = WebPushTarget(f"http://push.example:{port}/push/abc", browser.p256dh, browser.auth)
    WebPushSender(get_settings()).send(target, PushMessage(title="Hi", body="there"))
    [request] = push_server.requests
    assert request.path == "/push/abc" and request.headers["host"] == f"push.example:{port}"


@pytest.mark.parametrize("addresses", [["127.0.0.1"], [PUBLIC, "127.0.0.1"]])
def test_production_checks_again_at_send_time(dns, push_server, monkeypatch, tmp_path, addresses):
    """A name that was public at subscribe time and now points inside (rebinding) is never dialled."""
    _production(monkeypatch, tmp_path)
    port = push_server.server.server_address[1]
    dns["push.example"] = addresses
    browser = Browser()
    target = WebPushTarget(f"https://push.example:{port}/push/abc", browser.p256dh, browser.auth)
    with pytest.raises(UnsafeEndpoint) as exc:
        WebPushSender(get_settings()).send(target, PushMessage(title="Hi", body="there"))
    assert isinstance(exc.value, ProviderError) and exc.value.permanent
    assert push_server.requests == []
