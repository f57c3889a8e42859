"""Real local servers standing in for SendGrid, Twilio, a Web Push service, FCM + Google OAuth, and SMTP.

Each fake speaks the provider's wire protocol on 127.0.0.1 and checks what a real provider would
(credentials, required fields, encryption headers), so the adapters are tested end to end over HTTP.
"""

from __future__ import annotations

import base64
import json
import socket
import threading
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import http_ece
import jwt
import pytest
from aiosmtpd.controller import Controller
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa


@dataclass
class Recorded:
    """One request a fake received."""

    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes

    def json(self):
        """The body as JSON."""
        return json.loads(self.body)

    def form(self) -> dict[str, str]:
        """The body as a url-encoded form (single values)."""
        return {k: v[0] for k, v in parse_qs(self.body.decode()).items()}


Reply = tuple[int, dict[str, str], bytes]


class FakeServer:
    """A ThreadingHTTPServer on a free port that records requests and answers through `respond`."""

    def __init__(self, respond: Callable[[Recorded], Reply]):
        self.respond = respond
        self.requests: list[Recorded] = []
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def _handle(self) -> None:
                """Record the request and send the fake's answer."""
                length = int(self.headers.get("Content-Length") or 0)
                parts = urlsplit(self.path)
                rec = Recorded(
                    self.command,
                    parts.path,
                    parse_qs(parts.query),
                    {k.lower(): v for k, v in self.headers.items()},
                    self.rfile.read(length),
                )
                fake.requests.append(rec)
                status, headers, body = fake.respond(rec)
                self.send_response(status)
                for key, value in headers.items():
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST = do_PUT = do_DELETE = _handle

            def log_message(self, *args) -> None:
                """Keep test output quiet."""

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        """Base URL of the fake."""
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def close(self) -> None:
        """Stop serving."""
        self.server.shutdown()
        self.server.server_close()


def _json(status: int, data: object, headers: dict[str, str] | None = None) -> Reply:
    """A JSON answer."""
    return status, {"Content-Type": "application/json", **(headers or {})}, json.dumps(data).encode()


# --- SendGrid v3 ------------------------------------------------------------------------------------

SENDGRID_KEY = "SG.test-key"


def sendgrid_respond(rec: Recorded) -> Reply:
    """POST /v3/mail/send: Bearer key, personalizations/from/subject/content; 202 + X-Message-Id."""
    if rec.method != "POST" or rec.path != "/v3/mail/send":
        return _json(404, {"errors": [{"message": "not found"}]})
    if rec.headers.get("authorization") != f"Bearer {SENDGRID_KEY}":
        return _json(401, {"errors": [{"message": "The provided authorization grant is invalid"}]})
    body = rec.json()
    problems = [f for f in ("personalizations", "from", "subject", "content") if not body.get(f)]
    if body.get("content") and body["content"][0].get("type") != "text/plain":
        problems.append("content[0] must be text/plain")
    if problems:
        return _json(400, {"errors": [{"message": p} for p in problems]})
    if body["personalizations"][0]["to"][0]["email"].endswith("@invalid.test"):
        return _json(400, {"errors": [{"message": "Does not contain a valid address.", "field": "to"}]})
    return 202, {"X-Message-Id": uuid.uuid4().hex[:22]}, b""


# --- Twilio Messages API ----------------------------------------------------------------------------

TWILIO_SID = "AC" + "0" * 32
TWILIO_TOKEN = "twilio-auth-token"
INVALID_NUMBER = "+15005550001"  # Twilio's magic "invalid number" test number


def twilio_respond(rec: Recorded) -> Reply:
    """POST /2010-04-01/Accounts/{sid}/Messages.json with basic auth and To/From/Body; 201 with sid/status."""
    expected = f"/2010-04-01/Accounts/{TWILIO_SID}/Messages.json"
    if rec.method != "POST" or rec.path != expected:
        return _json(404, {"code": 20404, "message": "The requested resource was not found", "status": 404})
    auth = base64.b64encode(f"{TWILIO_SID}:{TWILIO_TOKEN}".encode()).decode()
    if rec.headers.get("authorization") != f"Basic {auth}":
        return _json(401, {"code": 20003, "message": "Authenticate", "status": 401})
    form = rec.form()
    if not all(form.get(k) for k in ("To", "From", "Body")):
        return _json(400, {"code": 21604, "message": "A 'To', 'From' and 'Body' are required", "status": 400})
    if form["To"].removeprefix("whatsapp:") == INVALID_NUMBER:
        return _json(400, {"code": 21211, "message": f"The 'To' number {form['To']} is not valid.", "status": 400})
    if form["To"].startswith("whatsapp:") != form["From"].startswith("whatsapp:"):
        return _json(400, {"code": 63007, "message": "Twilio could not find a Channel with the From address"})
    sid = "SM" + uuid.uuid4().hex
    return _json(201, {"sid": sid, "status": "queued", "to": form["To"], "from": form["From"], "body": form["Body"]})


# --- Web Push service -------------------------------------------------------------------------------


@dataclass
class Browser:
    """A pretend browser: its own P-256 key and auth secret, as PushManager.subscribe() makes them."""

    private_key: ec.EllipticCurvePrivateKey = field(default_factory=lambda: ec.generate_private_key(ec.SECP256R1()))
    auth_secret: bytes = field(default_factory=lambda: uuid.uuid4().bytes)

    @property
    def p256dh(self) -> str:
        """The public key, base64url, as in PushSubscription.toJSON()."""
        raw = self.private_key.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
        return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()

    @property
    def auth(self) -> str:
        """The auth secret, base64url."""
        return base64.urlsafe_b64encode(self.auth_secret).rstrip(b"=").decode()

    def decrypt(self, body: bytes) -> dict:
        """Decrypt an aes128gcm push payload the way the browser does."""
        plain = http_ece.decrypt(body, private_key=self.private_key, auth_secret=self.auth_secret, version="aes128gcm")
        return json.loads(plain)


def check_vapid(authorization: str, audience: str) -> dict:
    """Verify `Authorization: vapid t=<jwt>,k=<key>` like a push service; returns the JWT claims."""
    scheme, _, params = authorization.partition(" ")
    assert scheme == "vapid", authorization
    parts = dict(p.split("=", 1) for p in params.split(","))
    raw = base64.urlsafe_b64decode(parts["k"] + "=" * (-len(parts["k"]) % 4))
    key = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), raw)
    return jwt.decode(parts["t"], key, algorithms=["ES256"], audience=audience)


class PushService(FakeServer):
    """A push service: checks VAPID and encryption headers, answers 201, or 410 for /gone/ endpoints."""

    def __init__(self):
        self.received: list[tuple[str, Recorded, dict]] = []
        super().__init__(self._respond)

    def _respond(self, rec: Recorded) -> Reply:
        """Validate one push message."""
        if rec.path.startswith("/gone/"):
            return 410, {}, b"push subscription has unsubscribed or expired."
        try:
            claims = check_vapid(rec.headers.get("authorization", ""), self.url)
        except Exception as exc:
            return 401, {}, f"bad VAPID: {exc}".encode()
        if rec.headers.get("content-encoding") != "aes128gcm" or "ttl" not in rec.headers:
            return 400, {}, b"missing Content-Encoding: aes128gcm or TTL"
        self.received.append((rec.path, rec, claims))
        return 201, {"Location": f"{self.url}/messages/{uuid.uuid4().hex}"}, b""


# --- FCM HTTP v1 + Google OAuth token endpoint ----------------------------------------------------


class Fcm(FakeServer):
    """Google's token endpoint (JWT bearer grant) and FCM's messages:send on one server."""

    project = "metaic-test"

    def __init__(self):
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.tokens: set[str] = set()
        self.messages: list[dict] = []
        super().__init__(self._respond)

    def credentials(self) -> dict:
        """A service-account JSON for this fake."""
        pem = self.key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        ).decode()
        return {
            "type": "service_account",
            "project_id": self.project,
            "private_key_id": "k1",
            "private_key": pem,
            "client_email": "push@metaic-test.iam.gserviceaccount.com",
            "token_uri": f"{self.url}/token",
        }

    def _respond(self, rec: Recorded) -> Reply:
        """Route to the token endpoint or messages:send."""
        if rec.path == "/token":
            return self._token(rec)
        if rec.path == f"/v1/projects/{self.project}/messages:send":
            return self._send(rec)
        return _json(404, {"error": {"code": 404, "message": "not found", "status": "NOT_FOUND"}})

    def _token(self, rec: Recorded) -> Reply:
        """Verify the signed assertion and hand out an access token."""
        form = rec.form()
        if form.get("grant_type") != "urn:ietf:params:oauth:grant-type:jwt-bearer":
            return _json(400, {"error": "unsupported_grant_type"})
        try:
            claims = jwt.decode(
                form.get("assertion", ""), self.key.public_key(), algorithms=["RS256"], audience=f"{self.url}/token"
            )
        except jwt.PyJWTError as exc:
            return _json(400, {"error": "invalid_grant", "error_description": str(exc)})
        if claims.get("scope") != "https://www.googleapis.com/auth/firebase.messaging":
            return _json(400, {"error": "invalid_scope"})
        token = f"ya29.{uuid.uuid4().hex}"
        self.tokens.add(token)
        return _json(200, {"access_token": token, "expires_in": 3599, "token_type": "Bearer"})

    def _send(self, rec: Recorded) -> Reply:
        """Accept a message for a device token when the bearer token is one we issued."""
        if rec.headers.get("authorization", "").removeprefix("Bearer ") not in self.tokens:
            return _json(
                401,
                {
                    "error": {
                        "code": 401,
                        "message": "Request had invalid authentication credentials.",
                        "status": "UNAUTHENTICATED",
                    }
                },
            )
        message = rec.json().get("message", {})
        if message.get("token") == "unregistered-device":
            return _json(
                404,
                {
                    "error": {
                        "code": 404,
                        "message": "Requested entity was not found.",
                        "status": "NOT_FOUND",
                        "details": [
                            {
                                "@type": "type.googleapis.com/google.firebase.fcm.v1.FcmError",
                                "errorCode": "UNREGISTERED",
                            }
                        ],
                    }
                },
            )
        self.messages.append(message)
        return _json(200, {"name": f"projects/{self.project}/messages/{len(self.messages)}"})


# --- SMTP ---------------------------------------------------------------------------------------------


class SmtpSink:
    """An aiosmtpd handler keeping every message it receives."""

    def __init__(self):
        self.messages: list[EmailMessage] = []
        self.envelopes: list[tuple[str, list[str]]] = []

    async def handle_DATA(self, server, session, envelope) -> str:
        """Store the message."""
        self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 Message accepted for delivery"


@dataclass
class SmtpServer:
    """A running SMTP server and what it received."""

    host: str
    port: int
    sink: SmtpSink


# --- fixtures -----------------------------------------------------------------------------------------


def _free_port() -> int:
    """A port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    """A real SMTP server on 127.0.0.1 (aiosmtpd)."""
    sink = SmtpSink()
    port = _free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield SmtpServer("127.0.0.1", port, sink)
    finally:
        controller.stop()


@pytest.fixture
def sendgrid_server() -> Iterator[FakeServer]:
    """A fake SendGrid v3 API."""
    server = FakeServer(sendgrid_respond)
    yield server
    server.close()


@pytest.fixture
def twilio_server() -> Iterator[FakeServer]:
    """A fake Twilio Messages API."""
    server = FakeServer(twilio_respond)
    yield server
    server.close()


@pytest.fixture
def push_service() -> Iterator[PushService]:
    """A fake Web Push service."""
    server = PushService()
    yield server
    server.close()


@pytest.fixture
def fcm_server() -> Iterator[Fcm]:
    """A fake FCM v1 API with its OAuth token endpoint."""
    from metaic.adapters.push import token_cache

    token_cache.clear()
    server = Fcm()
    yield server
    server.close()
    token_cache.clear()
