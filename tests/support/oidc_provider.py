"""Small real identity providers on 127.0.0.1 (a ThreadingHTTPServer each) for end-to-end sign-in tests.

`OIDCProvider` speaks OpenID Connect like Google (PKCE, client_secret_basic) or Apple (form_post, an ES256
client-secret JWT, `email_verified` as a string); `WeChatProvider` speaks WeChat's OAuth 2 dialect.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import re
import secrets
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, ClassVar
from urllib.parse import parse_qsl, unquote_plus, urlencode, urlsplit

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa

Response = tuple[int, dict[str, str], bytes]


def _json(status: int, body: dict, content_type: str = "application/json") -> Response:
    """A JSON response."""
    return status, {"Content-Type": content_type, "Cache-Control": "no-store"}, json.dumps(body).encode()


def _redirect(url: str) -> Response:
    """A 302 redirect."""
    return 302, {"Location": url}, b""


def _with_params(url: str, params: dict[str, str]) -> str:
    """Append query parameters to a URL."""
    return f"{url}{'&' if '?' in url else '?'}{urlencode(params)}"


@dataclass
class Request:
    """What a handler needs from an HTTP request."""

    method: str
    path: str
    query: dict[str, str]
    form: dict[str, str]
    headers: dict[str, str]


class _Provider:
    """A background HTTP server that dispatches `METHOD /path` to methods of a subclass."""

    routes: ClassVar[dict[str, str]] = {}

    def __init__(self) -> None:
        self.errors: list[str] = []
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        """http://127.0.0.1:<port>"""
        assert self._server is not None, "start() the provider first"
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> _Provider:
        """Listen on a free port and serve in a daemon thread."""
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def _serve(self) -> None:
                """Parse the request, call the route's method, write its answer."""
                parts = urlsplit(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length).decode() if length else ""
                request = Request(
                    self.command,
                    parts.path,
                    dict(parse_qsl(parts.query)),
                    dict(parse_qsl(raw)),
                    {k.lower(): v for k, v in self.headers.items()},
                )
                name = provider.routes.get(f"{self.command} {parts.path}")
                status, headers, body = getattr(provider, name)(request) if name else (404, {}, b"not found")
                self.send_response(status)
                for key, value in headers.items():
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST = _serve

            def log_message(self, *_args: Any) -> None:
                """Keep test output quiet."""

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Shut the server down."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> _Provider:
        """Start on entry."""
        return self.start()

    def __exit__(self, *_exc: object) -> None:
        """Stop on exit."""
        self.stop()

    def _fail(self, status: int, error: str, description: str) -> Response:
        """Record and return an OAuth error."""
        self.errors.append(f"{error}: {description}")
        return _json(status, {"error": error, "error_description": description})


@dataclass
class OIDCUser:
    """The account the provider signs in, without asking."""

    sub: str
    email: str | None
    email_verified: bool = True
    name: str = ""


@dataclass
class _Grant:
    """An issued authorization code and what it was issued for."""

    client_id: str
    redirect_uri: str
    nonce: str | None
    challenge: str | None
    method: str | None
    user: OIDCUser
    used: bool = False


class OIDCProvider(_Provider):
    """An OpenID Connect provider that auto-approves `user`.

    Google style: `OIDCProvider(client_id=..., client_secret=...)`.
    Apple style: `OIDCProvider(client_id=..., apple_key=(team_id, key_id, ec_public_key), pkce=False)`:
    the client secret must be an ES256 JWT signed by that key, and `email_verified` is sent as a string.
    """

    routes: ClassVar[dict[str, str]] = {
        "GET /.well-known/openid-configuration": "discovery",
        "GET /authorize": "authorize",
        "POST /token": "token",
        "GET /jwks": "jwks",
        "GET /userinfo": "userinfo",
    }

    def __init__(
        self,
        *,
        client_id: str,
        client_secret: str | None = None,
        apple_key: tuple[str, str, Any] | None = None,
        pkce: bool = True,
        user: OIDCUser | None = None,
    ) -> None:
        super().__init__()
        self.client_id = client_id
        self.client_secret = client_secret
        self.apple_key = apple_key
        self.pkce = pkce
        self.user = user or OIDCUser(sub="user-1", email="ada@example.com", name="Ada Lovelace")
        # Knobs a test may turn.
        self.deny = False
        self.nonce_override: str | None = None
        # What the provider saw.
        self.authorize_requests: list[dict[str, str]] = []
        self.token_requests: list[dict[str, str]] = []
        self._grants: dict[str, _Grant] = {}
        self._tokens: dict[str, OIDCUser] = {}
        self._key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self._kid = secrets.token_hex(4)

    @property
    def issuer(self) -> str:
        """The `iss` of every ID token (the base URL, like Google's and Apple's)."""
        return self.base_url

    @property
    def metadata_url(self) -> str:
        """The discovery document's address."""
        return f"{self.base_url}/.well-known/openid-configuration"

    def discovery(self, _request: Request) -> Response:
        """GET /.well-known/openid-configuration"""
        body = {
            "issuer": self.issuer,
            "authorization_endpoint": f"{self.base_url}/authorize",
            "token_endpoint": f"{self.base_url}/token",
            "jwks_uri": f"{self.base_url}/jwks",
            "userinfo_endpoint": f"{self.base_url}/userinfo",
            "response_types_supported": ["code"],
            "response_modes_supported": ["query", "form_post"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "scopes_supported": ["openid", "email", "profile", "name"],
            "token_endpoint_auth_methods_supported": ["client_secret_post"]
            if self.apple_key
            else ["client_secret_basic", "client_secret_post"],
            "claims_supported": ["sub", "email", "email_verified", "name", "nonce"],
        }
        if self.pkce:
            body["code_challenge_methods_supported"] = ["S256"]
        return _json(200, body)

    def jwks(self, _request: Request) -> Response:
        """GET /jwks"""
        key = jwt.algorithms.RSAAlgorithm.to_jwk(self._key.public_key(), as_dict=True)
        key.update(kid=self._kid, use="sig", alg="RS256")
        return _json(200, {"keys": [key]})

    def authorize(self, request: Request) -> Response:
        """GET /authorize: approve at once and send the browser back with a code (or an error)."""
        q = request.query
        self.authorize_requests.append(q)
        if q.get("client_id") != self.client_id or not q.get("redirect_uri"):
            self.errors.append("authorize: unknown client or no redirect_uri")
            return 400, {"Content-Type": "text/plain"}, b"unknown client"
        if q.get("response_type") != "code":
            return self._back(q, {"error": "unsupported_response_type"})
        if self.deny:
            return self._back(q, {"error": "access_denied", "error_description": "The user said no."})
        code = secrets.token_urlsafe(16)
        self._grants[code] = _Grant(
            client_id=q["client_id"],
            redirect_uri=q["redirect_uri"],
            nonce=q.get("nonce"),
            challenge=q.get("code_challenge"),
            method=q.get("code_challenge_method"),
            user=self.user,
        )
        params = {"code": code}
        if self.apple_key and q.get("response_mode") == "form_post" and "name" in q.get("scope", "").split():
            first, _, last = self.user.name.partition(" ")
            params["user"] = json.dumps({"name": {"firstName": first, "lastName": last}, "email": self.user.email})
        return self._back(q, params)

    def _back(self, q: dict[str, str], params: dict[str, str]) -> Response:
        """Return to the client by redirect, or by an auto-submitting form for response_mode=form_post."""
        if "state" in q:
            params = {**params, "state": q["state"]}
        if q.get("response_mode") != "form_post":
            return _redirect(_with_params(q["redirect_uri"], params))
        inputs = "".join(
            f'<input type="hidden" name="{html.escape(k)}" value="{html.escape(v)}">' for k, v in params.items()
        )
        page = (
            f'<html><body onload="document.forms[0].submit()"><form method="post" '
            f'action="{html.escape(q["redirect_uri"])}">{inputs}</form></body></html>'
        )
        return 200, {"Content-Type": "text/html; charset=utf-8"}, page.encode()

    def _client_ok(self, request: Request) -> bool:
        """Check client authentication: a shared secret (basic or post), or Apple's signed JWT."""
        form, header = request.form, request.headers.get("authorization", "")
        client_id, secret = form.get("client_id"), form.get("client_secret")
        if header.lower().startswith("basic "):
            decoded = base64.b64decode(header[6:]).decode()
            raw_id, _, raw_secret = decoded.partition(":")
            client_id, secret = unquote_plus(raw_id), unquote_plus(raw_secret)
        if client_id != self.client_id or not secret:
            return False
        if self.apple_key is None:
            return secrets.compare_digest(secret, self.client_secret or "")
        team_id, key_id, public_key = self.apple_key
        try:
            claims = jwt.decode(
                secret,
                public_key,
                algorithms=["ES256"],
                audience=self.issuer,
                issuer=team_id,
                options={"require": ["exp", "iat", "sub"]},
            )
        except jwt.PyJWTError as exc:
            self.errors.append(f"client secret JWT: {exc}")
            return False
        return claims["sub"] == self.client_id and jwt.get_unverified_header(secret).get("kid") == key_id

    def token(self, request: Request) -> Response:
        """POST /token: the authorization-code grant with client auth and PKCE checks."""
        form = request.form
        self.token_requests.append(form)
        if not self._client_ok(request):
            return self._fail(401, "invalid_client", "client authentication failed")
        if form.get("grant_type") != "authorization_code":
            return self._fail(400, "unsupported_grant_type", form.get("grant_type", ""))
        grant = self._grants.get(form.get("code", ""))
        if grant is None or grant.used or grant.client_id != self.client_id:
            return self._fail(400, "invalid_grant", "unknown or used code")
        grant.used = True
        if form.get("redirect_uri") != grant.redirect_uri:
            return self._fail(400, "invalid_grant", "redirect_uri mismatch")
        if grant.challenge:
            verifier = form.get("code_verifier", "")
            digest = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
            if grant.method != "S256" or not verifier or not secrets.compare_digest(digest, grant.challenge):
                return self._fail(400, "invalid_grant", "PKCE verification failed")
        access_token = secrets.token_urlsafe(24)
        self._tokens[access_token] = grant.user
        return _json(
            200,
            {
                "access_token": access_token,
                "token_type": "Bearer",
                "expires_in": 3600,
                "id_token": self._id_token(grant),
            },
        )

    def _id_token(self, grant: _Grant) -> str:
        """An RS256 ID token for a grant."""
        now = int(time.time())
        user = grant.user
        claims: dict[str, Any] = {
            "iss": self.issuer,
            "sub": user.sub,
            "aud": self.client_id,
            "iat": now,
            "exp": now + 600,
            "auth_time": now,
        }
        nonce = self.nonce_override if self.nonce_override is not None else grant.nonce
        if nonce:
            claims["nonce"] = nonce
        if user.email:
            claims["email"] = user.email
            verified = user.email_verified
            claims["email_verified"] = ("true" if verified else "false") if self.apple_key else verified
        if user.name and not self.apple_key:
            claims["name"] = user.name
        return jwt.encode(claims, self._key, algorithm="RS256", headers={"kid": self._kid})

    def userinfo(self, request: Request) -> Response:
        """GET /userinfo with a bearer access token."""
        token = request.headers.get("authorization", "").removeprefix("Bearer ").strip()
        user = self._tokens.get(token)
        if user is None:
            return self._fail(401, "invalid_token", "unknown access token")
        return _json(
            200, {"sub": user.sub, "email": user.email, "email_verified": user.email_verified, "name": user.name}
        )


@dataclass
class WeChatUser:
    """A WeChat identity (WeChat never shares an email address)."""

    openid: str
    unionid: str | None = None
    nickname: str = ""


class WeChatProvider(_Provider):
    """WeChat's website sign-in (QR connect) and its `/sns` API, with WeChat's `errcode` errors."""

    routes: ClassVar[dict[str, str]] = {
        "GET /connect/qrconnect": "qrconnect",
        "GET /sns/oauth2/access_token": "access_token",
        "GET /sns/userinfo": "userinfo",
    }

    def __init__(self, *, app_id: str, app_secret: str, user: WeChatUser | None = None) -> None:
        super().__init__()
        self.app_id = app_id
        self.app_secret = app_secret
        self.user = user or WeChatUser(openid="o-openid-1", unionid="u-union-1", nickname="小明")
        self.deny = False
        self.authorize_requests: list[dict[str, str]] = []
        self._codes: dict[str, WeChatUser] = {}
        self._tokens: dict[str, WeChatUser] = {}

    def _errcode(self, code: int, message: str) -> Response:
        """WeChat reports errors as HTTP 200 with `errcode`, typed text/plain."""
        self.errors.append(f"{code}: {message}")
        return _json(200, {"errcode": code, "errmsg": message}, content_type="text/plain")

    def qrconnect(self, request: Request) -> Response:
        """GET /connect/qrconnect: the scan is approved at once."""
        q = request.query
        self.authorize_requests.append(q)
        if q.get("appid") != self.app_id or q.get("scope") != "snsapi_login" or q.get("response_type") != "code":
            return 400, {"Content-Type": "text/plain"}, b"bad request"
        if self.deny:  # WeChat sends the browser back without a code when the user declines.
            return _redirect(_with_params(q["redirect_uri"], {"state": q.get("state", "")}))
        code = secrets.token_urlsafe(12)
        self._codes[code] = self.user
        return _redirect(_with_params(q["redirect_uri"], {"code": code, "state": q.get("state", "")}))

    def access_token(self, request: Request) -> Response:
        """GET /sns/oauth2/access_token"""
        q = request.query
        if q.get("appid") != self.app_id or q.get("secret") != self.app_secret:
            return self._errcode(40125, "invalid appsecret")
        if q.get("grant_type") != "authorization_code":
            return self._errcode(40002, "invalid grant_type")
        user = self._codes.pop(q.get("code", ""), None)
        if user is None:
            return self._errcode(40029, "invalid code")
        token = secrets.token_urlsafe(16)
        self._tokens[token] = user
        body = {
            "access_token": token,
            "expires_in": 7200,
            "refresh_token": secrets.token_urlsafe(16),
            "openid": user.openid,
            "scope": "snsapi_login",
        }
        if user.unionid:
            body["unionid"] = user.unionid
        return _json(200, body, content_type="text/plain")

    def userinfo(self, request: Request) -> Response:
        """GET /sns/userinfo"""
        q = request.query
        user = self._tokens.get(q.get("access_token", ""))
        if user is None or q.get("openid") != user.openid:
            return self._errcode(40001, "invalid credential, access_token is invalid or not latest")
        body = {
            "openid": user.openid,
            "nickname": user.nickname,
            "sex": 0,
            "province": "",
            "city": "",
            "country": "CN",
            "headimgurl": "",
            "privilege": [],
        }
        if user.unionid:
            body["unionid"] = user.unionid
        return _json(200, body, content_type="text/plain")


def parse_form(page: str) -> tuple[str, dict[str, str]]:
    """The action and hidden fields of an auto-submitting form_post page."""
    action = re.search(r'<form[^>]*action="([^"]*)"', page)
    assert action, page
    fields = dict(re.findall(r'<input type="hidden" name="([^"]*)" value="([^"]*)">', page))
    return html.unescape(action.group(1)), {html.unescape(k): html.unescape(v) for k, v in fields.items()}
