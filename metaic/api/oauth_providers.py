"""Social sign-in providers: Google and Apple (OpenID Connect through authlib) and WeChat (OAuth 2).

The protocol side of metaic/api/oauth_routes.py: authorization URLs, code exchange and ID-token
checks, and the signed flow record the routes keep in a cookie (see that module for why).
"""

from __future__ import annotations

import json
import logging
import time
from dataclasses import dataclass
from urllib.parse import urlencode, urlsplit, urlunsplit

import httpx
import jwt
from authlib.common.security import generate_token
from authlib.integrations.starlette_client import OAuth, OAuthError

from metaic.config import Settings
from metaic.core.errors import DomainError
from metaic.core.security import sign, unsign

log = logging.getLogger(__name__)

FLOW_SECONDS = 600
REGISTRY_SECONDS = 3600  # re-read discovery documents and renew Apple's client secret hourly
HTTP_TIMEOUT = 10.0
APPLE_SECRET_SECONDS = 86400


class FlowFailed(Exception):
    """The provider round trip failed; `code` is the short reason put in the redirect."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class Flow:
    """What the callback needs from the start of a flow."""

    provider: str
    state: str
    next: str
    nonce: str | None = None
    verifier: str | None = None
    link_user: str | None = None

    def dump(self) -> str:
        """Sign the flow for its cookie."""
        return sign("oauth-flow", [self.provider, self.state, self.next, self.nonce, self.verifier, self.link_user])

    @classmethod
    def load(cls, raw: str | None) -> Flow | None:
        """Read a flow cookie back; None when missing, tampered with or older than FLOW_SECONDS."""
        if not raw:
            return None
        try:
            return cls(*unsign("oauth-flow", raw, max_age=FLOW_SECONDS))
        except (DomainError, TypeError):
            return None


@dataclass(frozen=True)
class Identity:
    """Who the provider says signed in."""

    subject: str
    email: str | None
    email_verified: bool
    name: str = ""


_registry: dict[tuple, tuple[float, OAuth]] = {}


def _oauth(settings: Settings) -> OAuth:
    """The authlib registry for the current settings (rebuilt when they change, and hourly)."""
    key = (
        settings.google_client_id,
        settings.google_client_secret,
        settings.google_metadata_url,
        settings.apple_client_id,
        settings.apple_team_id,
        settings.apple_key_id,
        settings.apple_private_key,
        settings.apple_metadata_url,
    )
    cached = _registry.get(key)
    if cached and time.monotonic() - cached[0] < REGISTRY_SECONDS:
        return cached[1]
    oauth = OAuth()
    if settings.google_enabled:
        oauth.register(
            "google",
            client_id=settings.google_client_id,
            client_secret=settings.google_client_secret,
            server_metadata_url=settings.google_metadata_url,
            client_kwargs={"scope": "openid email profile", "code_challenge_method": "S256", "timeout": HTTP_TIMEOUT},
        )
    if settings.apple_enabled:
        try:
            secret = _apple_client_secret(settings)
        except (ValueError, TypeError, jwt.PyJWTError):  # an unusable key must not take Google down with it
            log.exception("APPLE_PRIVATE_KEY cannot sign Apple's client secret; Apple sign-in is off")
        else:
            oauth.register(
                "apple",
                client_id=settings.apple_client_id,
                client_secret=secret,
                server_metadata_url=settings.apple_metadata_url,
                authorize_params={"response_mode": "form_post"},
                client_kwargs={
                    "scope": "name email",
                    "token_endpoint_auth_method": "client_secret_post",
                    "timeout": HTTP_TIMEOUT,
                },
            )
    _registry.clear()
    _registry[key] = (time.monotonic(), oauth)
    return oauth


def _apple_client_secret(settings: Settings) -> str:
    """Apple's client secret: an ES256 JWT signed with the team's key, valid for a day."""
    parts = urlsplit(settings.apple_metadata_url)
    now = int(time.time())
    claims = {
        "iss": settings.apple_team_id,
        "iat": now,
        "exp": now + APPLE_SECRET_SECONDS,
        "aud": urlunsplit((parts.scheme, parts.netloc, "", "", "")),
        "sub": settings.apple_client_id,
    }
    key = settings.apple_private_key.replace("\\n", "\n")  # PEM keys often arrive with escaped newlines
    return jwt.encode(claims, key, algorithm="ES256", headers={"kid": settings.apple_key_id})


def _redirect_uri(settings: Settings, provider: str) -> str:
    """The callback address registered with the provider."""
    return f"{settings.public_base_url.rstrip('/')}/auth/oauth/{provider}/callback"


async def authorization_url(
    settings: Settings, provider: str, next_path: str, link_user: str | None
) -> tuple[str, Flow]:
    """Build the provider's authorization URL and the flow to remember."""
    redirect_uri = _redirect_uri(settings, provider)
    if provider == "wechat":
        state = generate_token(30)
        query = urlencode(
            {
                "appid": settings.wechat_app_id,
                "redirect_uri": redirect_uri,
                "response_type": "code",
                "scope": "snsapi_login",
                "state": state,
            }
        )
        url = f"{settings.wechat_base_url.rstrip('/')}/connect/qrconnect?{query}#wechat_redirect"
        return url, Flow(provider=provider, state=state, next=next_path, link_user=link_user)
    client = _oauth(settings).create_client(provider)
    if client is None:
        raise RuntimeError(f"{provider} is configured but its client could not be built")
    metadata = await client.load_server_metadata()
    if "S256" in metadata.get("code_challenge_methods_supported", []):
        client.client_kwargs["code_challenge_method"] = "S256"  # PKCE wherever the provider supports it
    nonce = generate_token(20)
    found = await client.create_authorization_url(redirect_uri, nonce=nonce)
    return found["url"], Flow(
        provider=provider,
        state=found["state"],
        next=next_path,
        nonce=nonce,
        verifier=found.get("code_verifier"),
        link_user=link_user,
    )


async def oidc_identity(settings: Settings, flow: Flow, code: str, params: dict[str, str]) -> Identity:
    """Exchange the code (with the PKCE verifier) and check the ID token, nonce included."""
    client = _oauth(settings).create_client(flow.provider)
    extra = {"code_verifier": flow.verifier} if flow.verifier else {}
    try:
        token = await client.fetch_access_token(redirect_uri=_redirect_uri(settings, flow.provider), code=code, **extra)
    except OAuthError as exc:
        log.warning("%s token exchange refused: %s", flow.provider, exc)
        raise FlowFailed("provider") from exc
    try:
        claims = await client.parse_id_token(token, nonce=flow.nonce)
    except Exception as exc:  # joserfc and authlib raise many types for a bad token
        log.warning("%s ID token refused: %s", flow.provider, exc)
        raise FlowFailed("token") from exc
    if not claims or not claims.get("sub"):
        raise FlowFailed("token")
    verified = claims.get("email_verified")  # Apple sends "true" as a string
    name = _apple_name(params.get("user", "")) if flow.provider == "apple" else str(claims.get("name") or "")
    return Identity(
        subject=str(claims["sub"]),
        email=claims.get("email") or None,
        email_verified=verified is True or str(verified).lower() == "true",
        name=name,
    )


def _apple_name(raw: str) -> str:
    """The name Apple posts, once, as JSON beside the code."""
    try:
        name = json.loads(raw).get("name") or {}
        return f"{name.get('firstName', '')} {name.get('lastName', '')}".strip()
    except (ValueError, AttributeError):
        return ""


async def wechat_identity(settings: Settings, code: str) -> Identity:
    """Exchange a WeChat code for openid/unionid, then read the nickname; WeChat never gives an email."""
    api = settings.wechat_api_url.rstrip("/")
    async with httpx.AsyncClient(timeout=HTTP_TIMEOUT) as client:
        response = await client.get(
            f"{api}/sns/oauth2/access_token",
            params={
                "appid": settings.wechat_app_id,
                "secret": settings.wechat_app_secret,
                "code": code,
                "grant_type": "authorization_code",
            },
        )
        data = response.json()  # WeChat answers JSON typed as text/plain, errors as 200 + errcode
        if data.get("errcode") or not data.get("openid") or not data.get("access_token"):
            log.warning("wechat token exchange refused: %s", data.get("errmsg") or data)
            raise FlowFailed("provider")
        info = (
            await client.get(
                f"{api}/sns/userinfo",
                params={
                    "access_token": data["access_token"],
                    "openid": data["openid"],
                },
            )
        ).json()
    name = "" if info.get("errcode") else str(info.get("nickname") or "")
    # unionid is stable across all of one company's WeChat apps; openid is per app.
    subject = data.get("unionid") or info.get("unionid") or data["openid"]
    return Identity(subject=str(subject), email=None, email_verified=False, name=name)
