"""Push: Web Push to browsers (VAPID, pywebpush) and FCM HTTP v1 to mobile apps (service-account OAuth)."""

from __future__ import annotations

import base64
import ipaddress
import json
import logging
import socket
import threading
import time
from dataclasses import dataclass
from email.utils import parseaddr
from pathlib import Path

import httpx
import jwt
import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import NewConnectionError
from urllib3.util import connection as urllib3_connection

from metaic.adapters.errors import ProviderError, RecipientGone
from metaic.config import Settings

log = logging.getLogger(__name__)

FCM_SCOPE = "https://www.googleapis.com/auth/firebase.messaging"
WEB_PUSH_TTL = 24 * 3600


@dataclass(frozen=True)
class PushMessage:
    """What a push shows: a title, a body and the page it opens."""

    title: str
    body: str
    url: str = "/"
    tag: str = ""

    def as_json(self) -> str:
        """The payload the service worker reads."""
        return json.dumps({"title": self.title, "body": self.body, "url": self.url, "tag": self.tag})


def _b64url(data: bytes) -> str:
    """Unpadded base64url, the encoding Web Push uses everywhere."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def generate_vapid_keys() -> tuple[str, str]:
    """A new P-256 key pair as (public uncompressed point, private raw scalar), both base64url."""
    key = ec.generate_private_key(ec.SECP256R1())
    public = key.public_key().public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
    private = key.private_numbers().private_value.to_bytes(32, "big")
    return _b64url(public), _b64url(private)


def vapid_keys(settings: Settings) -> tuple[str, str] | None:
    """The VAPID (public, private) pair: from settings, else generated once into the data folder (not in production)."""
    if settings.vapid_public_key and settings.vapid_private_key:
        return settings.vapid_public_key, settings.vapid_private_key
    if settings.is_production:
        return None
    path = Path(settings.data_dir) / "vapid_keys.json"
    if path.exists():
        data = json.loads(path.read_text())
        return data["public"], data["private"]
    path.parent.mkdir(parents=True, exist_ok=True)
    public, private = generate_vapid_keys()
    path.write_text(json.dumps({"public": public, "private": private}))
    path.chmod(0o600)
    log.info("generated a development VAPID key pair in %s", path)
    return public, private


def vapid_subject(settings: Settings) -> str:
    """The VAPID `sub` claim: VAPID_SUBJECT, else a mailto: of the sender address."""
    if settings.vapid_subject:
        return settings.vapid_subject
    return f"mailto:{parseaddr(settings.email_from)[1] or 'admin@metaic.local'}"


class UnsafeEndpoint(ProviderError):
    """A push endpoint whose host does not resolve, or resolves to an address inside a private network."""

    def __init__(self, message: str):
        super().__init__(message, permanent=True)


def _public(address: str) -> bool:
    """Whether an IP address is on the public internet (not private, loopback, link-local, multicast, reserved)."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and (ip.ipv4_mapped or ip.sixtofour):
        ip = ip.ipv4_mapped or ip.sixtofour
    return ip.is_global and not (
        ip.is_private
        or ip.is_loopback
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_reserved
        or ip.is_unspecified
        or getattr(ip, "is_site_local", False)
    )


def resolve(host: str, port: int, *, allow_private: bool = False) -> list[str]:
    """The addresses `host` resolves to; UnsafeEndpoint when it does not resolve or ANY of them is not public.

    Every address is checked, not just the first: a name with one public and one private record would
    otherwise reach the private one whenever the resolver happens to order it first.
    """
    name = (host or "").strip("[]").rstrip(".")
    try:
        infos = socket.getaddrinfo(name, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as exc:
        raise UnsafeEndpoint(f"push endpoint host {name!r} does not resolve") from exc
    addresses = list(dict.fromkeys(str(info[4][0]) for info in infos))
    if not addresses:
        raise UnsafeEndpoint(f"push endpoint host {name!r} does not resolve")
    if not allow_private and not all(_public(a) for a in addresses):
        raise UnsafeEndpoint(f"push endpoint host {name!r} resolves to a private or reserved address")
    return addresses


class _CheckedConnection:
    """Connects only to an address `resolve` has just checked; the host name still drives SNI, Host and TLS checks.

    Resolving once to check and letting the HTTP library resolve again to connect would let a DNS answer
    change in between (rebinding); here the checked address is the one dialled.
    """

    allow_private = False

    def _new_conn(self) -> socket.socket:
        """A socket to the first checked address that answers."""
        error: OSError | None = None
        for address in resolve(self._dns_host, self.port, allow_private=self.allow_private):
            try:
                return urllib3_connection.create_connection(
                    (address, self.port),
                    self.timeout,
                    source_address=self.source_address,
                    socket_options=self.socket_options,
                )
            except OSError as exc:
                error = exc
        raise NewConnectionError(self, f"Failed to establish a new connection: {error}")


def _pools(allow_private: bool) -> dict[str, type]:
    """Connection pools for http and https whose connections dial checked addresses only."""
    pools = {}
    for scheme, pool, conn in (
        ("http", HTTPConnectionPool, HTTPConnection),
        ("https", HTTPSConnectionPool, HTTPSConnection),
    ):
        checked = type(f"Checked{conn.__name__}", (_CheckedConnection, conn), {"allow_private": allow_private})
        pools[scheme] = type(f"Checked{pool.__name__}", (pool,), {"ConnectionCls": checked})
    return pools


_POOLS = {True: _pools(True), False: _pools(False)}


class _CheckedAdapter(HTTPAdapter):
    """A requests transport whose pools dial only checked addresses."""

    def __init__(self, allow_private: bool):
        self.allow_private = allow_private
        super().__init__()

    def init_poolmanager(self, *args, **kwargs) -> None:
        """The usual pool manager, with our pool classes."""
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = _POOLS[self.allow_private]


def checked_session(*, allow_private: bool) -> requests.Session:
    """A requests session for user-given URLs: no proxies from the environment, checked addresses only."""
    http = requests.Session()
    http.trust_env = False  # a proxy would resolve the name itself, past our check
    adapter = _CheckedAdapter(allow_private)
    http.mount("http://", adapter)
    http.mount("https://", adapter)
    return http


@dataclass(frozen=True)
class WebPushTarget:
    """A browser's subscription: its push-service endpoint and its encryption keys."""

    endpoint: str
    p256dh: str
    auth: str


class WebPushSender:
    """Encrypts (aes128gcm) and signs (VAPID) a message and POSTs it to the browser's push service."""

    def __init__(self, settings: Settings, *, timeout: float = 20):
        keys = vapid_keys(settings)
        if keys is None:
            raise ProviderError(
                "Web Push is not configured: set VAPID_PUBLIC_KEY and VAPID_PRIVATE_KEY.", permanent=True
            )
        self.private_key = keys[1]
        self.subject = vapid_subject(settings)
        self.timeout = timeout
        # Endpoints come from browsers, i.e. from anyone: in production only public addresses are dialled
        # (checked again at every send, not only at subscribe time); elsewhere a local stand-in is allowed.
        self.http = checked_session(allow_private=not settings.is_production)

    def send(self, target: WebPushTarget, message: PushMessage) -> str:
        """Deliver one push; returns the push service's message location (or "")."""
        from pywebpush import WebPushException, webpush

        info = {"endpoint": target.endpoint, "keys": {"p256dh": target.p256dh, "auth": target.auth}}
        try:
            response = webpush(
                info,
                data=message.as_json(),
                vapid_private_key=self.private_key,
                vapid_claims={"sub": self.subject},
                ttl=WEB_PUSH_TTL,
                timeout=self.timeout,
                headers={"Urgency": "normal"},
                requests_session=self.http,
            )
        except WebPushException as exc:
            status = exc.response.status_code if exc.response is not None else None
            if status in (404, 410):
                raise RecipientGone(f"push subscription expired ({status})", status=status) from exc
            permanent = status is not None and 400 <= status < 500 and status != 429
            raise ProviderError(f"Web Push failed: {str(exc)[:300]}", permanent=permanent, status=status) from exc
        except UnsafeEndpoint:
            raise  # urllib3 passes our own refusal through unwrapped
        except Exception as exc:  # network errors come from requests; all of them are worth a retry
            raise ProviderError(f"push service unreachable: {exc}") from exc
        return str(getattr(response, "headers", {}).get("Location", ""))


def load_service_account(raw: str) -> dict:
    """FCM_CREDENTIALS_JSON: the service-account JSON itself, or a path to the file."""
    text = raw.strip()
    if not text.startswith("{"):
        text = Path(text).read_text()
    data = json.loads(text)
    for key in ("client_email", "private_key"):
        if not data.get(key):
            raise ProviderError(f"FCM credentials lack {key!r}", permanent=True)
    return data


class _TokenCache:
    """OAuth access tokens per service account, reused until a minute before they expire."""

    def __init__(self):
        self.lock = threading.Lock()
        self.tokens: dict[tuple[str, str], tuple[str, float]] = {}

    def get(self, key: tuple[str, str]) -> str | None:
        """A still-valid token, or None."""
        with self.lock:
            token, expires = self.tokens.get(key, ("", 0.0))
        return token if token and expires - 60 > time.monotonic() else None

    def put(self, key: tuple[str, str], token: str, expires_in: int) -> None:
        """Remember a token."""
        with self.lock:
            self.tokens[key] = (token, time.monotonic() + expires_in)

    def clear(self) -> None:
        """Forget every token (tests, key rotation)."""
        with self.lock:
            self.tokens.clear()


token_cache = _TokenCache()


class FcmSender:
    """Firebase Cloud Messaging HTTP v1: a signed JWT buys an access token, which sends to a device token."""

    def __init__(self, settings: Settings, *, timeout: float = 20):
        if not settings.fcm_enabled:
            raise ProviderError("FCM is not configured: set FCM_PROJECT_ID and FCM_CREDENTIALS_JSON.", permanent=True)
        self.settings = settings
        self.account = load_service_account(settings.fcm_credentials_json)
        self.timeout = timeout

    def access_token(self) -> str:
        """An OAuth2 access token for the service account (JWT bearer grant), cached until near expiry."""
        token_url = self.settings.fcm_token_url
        key = (self.account["client_email"], token_url)
        cached = token_cache.get(key)
        if cached:
            return cached
        now = int(time.time())
        claims = {
            "iss": self.account["client_email"],
            "scope": FCM_SCOPE,
            "aud": token_url,
            "iat": now,
            "exp": now + 3600,
        }
        headers = {"kid": self.account["private_key_id"]} if self.account.get("private_key_id") else None
        assertion = jwt.encode(claims, self.account["private_key"], algorithm="RS256", headers=headers)
        try:
            response = httpx.post(
                token_url,
                timeout=self.timeout,
                data={"grant_type": "urn:ietf:params:oauth:grant-type:jwt-bearer", "assertion": assertion},
            )
        except httpx.HTTPError as exc:
            raise ProviderError(f"Google token endpoint unreachable: {exc}") from exc
        if response.status_code != 200:
            raise ProviderError(
                f"Google token endpoint answered {response.status_code}: {response.text[:200]}",
                permanent=response.status_code in (400, 401, 403),
                status=response.status_code,
            )
        data = response.json()
        token_cache.put(key, data["access_token"], int(data.get("expires_in", 3600)))
        return data["access_token"]

    def send(self, device_token: str, message: PushMessage) -> str:
        """Send one message to a device; returns FCM's message name."""
        s = self.settings
        url = f"{s.fcm_api_url.rstrip('/')}/v1/projects/{s.fcm_project_id}/messages:send"
        body = {
            "message": {
                "token": device_token,
                "notification": {"title": message.title, "body": message.body},
                "data": {"url": message.url, "tag": message.tag},
            }
        }
        try:
            response = httpx.post(
                url, json=body, timeout=self.timeout, headers={"Authorization": f"Bearer {self.access_token()}"}
            )
        except httpx.HTTPError as exc:
            raise ProviderError(f"FCM unreachable: {exc}") from exc
        if response.status_code == 200:
            return str(response.json().get("name", ""))
        return self._fail(response)

    @staticmethod
    def _fail(response: httpx.Response) -> str:
        """Raise the right error for an FCM refusal."""
        try:
            error = response.json().get("error", {})
        except ValueError:
            error = {}
        details = " ".join(str(d.get("errorCode", "")) for d in error.get("details", []) if isinstance(d, dict))
        if response.status_code == 404 or "UNREGISTERED" in details:
            raise RecipientGone(f"FCM token unregistered ({response.status_code})", status=response.status_code)
        if response.status_code == 401:
            token_cache.clear()
        permanent = response.status_code in (400, 403)
        raise ProviderError(
            f"FCM answered {response.status_code}: {error.get('message', '')}"[:300],
            permanent=permanent,
            status=response.status_code,
        )
