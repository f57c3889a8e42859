"""One typed Settings object for the whole application; every provider has a local default."""

from __future__ import annotations

import base64
import binascii
import secrets
from functools import lru_cache
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PLACEHOLDER_SECRETS = {"", "changeme", "change-me", "secret", "dev"}


class Settings(BaseSettings):
    """Application settings read from environment variables and `.env`."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    environment: Literal["development", "test", "production"] = Field("development", validation_alias="METAIC_ENV")
    data_dir: Path = Field(Path("data"), validation_alias="METAIC_DATA_DIR")
    database_url: str = Field("", validation_alias="DATABASE_URL")
    redis_url: str = Field("", validation_alias="REDIS_URL")
    # A read replica for read-only work (dashboards, exports); the primary when unset or unreachable.
    database_replica_url: str = Field("", validation_alias="DATABASE_REPLICA_URL")
    public_base_url: str = Field("http://127.0.0.1:3000", validation_alias="PUBLIC_BASE_URL")
    # Other browser origins trusted with the user's cookies (CORS) and Reflex's websocket, comma-separated;
    # PUBLIC_BASE_URL's origin always is. Never "*": a wildcard with credentials hands every site the account.
    cors_allowed_origins: str = Field("", validation_alias="CORS_ALLOWED_ORIGINS")
    secret_key: str = Field("", validation_alias="SECRET_KEY")
    # Field encryption at rest (metaic/core/fieldcrypt.py): comma-separated keys (`python -m metaic keys generate`),
    # the first encrypts, all decrypt; and the HMAC key of the blind indexes that let exact matches find
    # encrypted emails and phones. Required in production; development derives both from SECRET_KEY.
    field_encryption_keys: str = Field("", validation_alias="FIELD_ENCRYPTION_KEYS")
    blind_index_key: str = Field("", validation_alias="BLIND_INDEX_KEY")

    email_backend: Literal["outbox", "smtp", "sendgrid"] = Field("outbox", validation_alias="EMAIL_BACKEND")
    email_from: str = Field("MetaIC <no-reply@metaic.local>", validation_alias="EMAIL_FROM")
    smtp_host: str = Field("127.0.0.1", validation_alias="SMTP_HOST")
    smtp_port: int = Field(25, validation_alias="SMTP_PORT")
    smtp_user: str = Field("", validation_alias="SMTP_USER")
    smtp_password: str = Field("", validation_alias="SMTP_PASSWORD")
    smtp_starttls: bool = Field(False, validation_alias="SMTP_STARTTLS")
    # Only the backends that exist are accepted, so a typo or an unbuilt provider fails at start-up.
    sms_backend: Literal["console", "twilio"] = Field("console", validation_alias="SMS_BACKEND")
    whatsapp_backend: Literal["console", "twilio"] = Field("console", validation_alias="WHATSAPP_BACKEND")
    # Storage: `local` keeps files in `{data_dir}/files`; `s3` uses the S3_* settings below (boto3).
    storage_backend: Literal["local", "s3"] = Field("local", validation_alias="STORAGE_BACKEND")
    # The assistant: `local` is the offline engine (metaic/ai/offline.py); `openai` any OpenAI-compatible endpoint.
    llm_backend: Literal["local", "openai"] = Field("local", validation_alias="LLM_BACKEND")
    # Search: `whoosh` keeps its indexes in `{data_dir}/search`; the SearchBackend protocol
    # (metaic/search/backend.py) is where an OpenSearch or Meilisearch adapter would plug in.
    search_backend: Literal["whoosh"] = Field("whoosh", validation_alias="SEARCH_BACKEND")
    openai_api_key: str = Field("", validation_alias="OPENAI_API_KEY")
    openai_base_url: str = Field("https://api.openai.com/v1", validation_alias="OPENAI_BASE_URL")
    openai_model: str = Field("gpt-4o-mini", validation_alias="OPENAI_MODEL")
    openai_embedding_model: str = Field("text-embedding-3-small", validation_alias="OPENAI_EMBEDDING_MODEL")
    # Reads photographed business cards: empty uses OPENAI_MODEL (it must accept images); `off` keeps scans on OCR.
    openai_vision_model: str = Field("", validation_alias="OPENAI_VISION_MODEL")
    openai_timeout_seconds: float = Field(20.0, gt=0, le=300, validation_alias="OPENAI_TIMEOUT_SECONDS")
    # The SDK retries 408/409/429/5xx and timeouts with exponential backoff (honouring Retry-After).
    openai_max_retries: int = Field(2, ge=0, le=10, validation_alias="OPENAI_MAX_RETRIES")
    # Per user and day, external provider only (the offline engine is free).
    ai_daily_tokens: int = Field(50_000, ge=0, validation_alias="AI_DAILY_TOKENS")
    ai_daily_requests: int = Field(200, ge=0, validation_alias="AI_DAILY_REQUESTS")
    # US dollars per million tokens, for the admin's cost estimate.
    ai_price_input_per_mtok: float = Field(0.15, ge=0, validation_alias="AI_PRICE_INPUT_PER_MTOK")
    ai_price_output_per_mtok: float = Field(0.60, ge=0, validation_alias="AI_PRICE_OUTPUT_PER_MTOK")
    # The default of each user's "strip emails and phone numbers from prompts" setting.
    ai_strip_contact_details: bool = Field(True, validation_alias="AI_STRIP_CONTACT_DETAILS")

    google_client_id: str = Field("", validation_alias="GOOGLE_CLIENT_ID")
    google_client_secret: str = Field("", validation_alias="GOOGLE_CLIENT_SECRET")
    google_metadata_url: str = Field(
        "https://accounts.google.com/.well-known/openid-configuration",
        validation_alias="GOOGLE_METADATA_URL",
    )
    apple_client_id: str = Field("", validation_alias="APPLE_CLIENT_ID")
    apple_team_id: str = Field("", validation_alias="APPLE_TEAM_ID")
    apple_key_id: str = Field("", validation_alias="APPLE_KEY_ID")
    apple_private_key: str = Field("", validation_alias="APPLE_PRIVATE_KEY")
    apple_metadata_url: str = Field(
        "https://appleid.apple.com/.well-known/openid-configuration",
        validation_alias="APPLE_METADATA_URL",
    )
    wechat_app_id: str = Field("", validation_alias="WECHAT_APP_ID")
    wechat_app_secret: str = Field("", validation_alias="WECHAT_APP_SECRET")
    wechat_base_url: str = Field("https://open.weixin.qq.com", validation_alias="WECHAT_BASE_URL")
    wechat_api_url: str = Field("https://api.weixin.qq.com", validation_alias="WECHAT_API_URL")

    s3_bucket: str = Field("", validation_alias="S3_BUCKET")
    s3_region: str = Field("us-east-1", validation_alias="S3_REGION")
    s3_endpoint_url: str = Field("", validation_alias="S3_ENDPOINT_URL")
    s3_access_key_id: str = Field("", validation_alias="S3_ACCESS_KEY_ID")
    s3_secret_access_key: str = Field("", validation_alias="S3_SECRET_ACCESS_KEY")
    # Public origin of the bucket (CDN or public bucket); empty: images are served through /files/.
    s3_public_base_url: str = Field("", validation_alias="S3_PUBLIC_BASE_URL")
    # A pull CDN in front of the app (origin PUBLIC_BASE_URL): every content-hashed image and static file
    # address the app writes starts with it (metaic/core/cdn.py). Empty: the app's own origin.
    cdn_base_url: str = Field("", validation_alias="CDN_BASE_URL")
    max_upload_mb: int = Field(10, validation_alias="MAX_UPLOAD_MB")
    max_image_pixels: int = Field(40_000_000, validation_alias="MAX_IMAGE_PIXELS")
    storage_quota_mb: int = Field(200, validation_alias="STORAGE_QUOTA_MB")
    # Virus scanning of uploads: `clamd` holds each upload until ClamAV's daemon says it is clean.
    virus_scanner: Literal["none", "clamd"] = Field("none", validation_alias="VIRUS_SCANNER")
    clamd_host: str = Field("127.0.0.1", validation_alias="CLAMD_HOST")
    clamd_port: int = Field(3310, ge=1, le=65535, validation_alias="CLAMD_PORT")
    clamd_timeout_seconds: float = Field(30.0, gt=0, le=600, validation_alias="CLAMD_TIMEOUT_SECONDS")
    # Analytics: raw visitor events older than this are deleted once rolled up (daily rollups are kept).
    analytics_raw_retention_days: int = Field(180, ge=1, validation_alias="ANALYTICS_RAW_RETENTION_DAYS")

    # Notifications: SendGrid email, Twilio SMS/WhatsApp, Web Push (VAPID) and FCM for mobile apps.
    sendgrid_api_key: str = Field("", validation_alias="SENDGRID_API_KEY")
    sendgrid_api_url: str = Field("https://api.sendgrid.com", validation_alias="SENDGRID_API_URL")
    sendgrid_webhook_public_key: str = Field("", validation_alias="SENDGRID_WEBHOOK_PUBLIC_KEY")
    # The secret path segment of the Inbound Parse webhook (SendGrid does not sign those); empty turns it off.
    sendgrid_inbound_token: str = Field("", validation_alias="SENDGRID_INBOUND_TOKEN")
    twilio_account_sid: str = Field("", validation_alias="TWILIO_ACCOUNT_SID")
    twilio_auth_token: str = Field("", validation_alias="TWILIO_AUTH_TOKEN")
    twilio_from: str = Field("", validation_alias="TWILIO_FROM")
    twilio_whatsapp_from: str = Field("", validation_alias="TWILIO_WHATSAPP_FROM")
    twilio_api_url: str = Field("https://api.twilio.com", validation_alias="TWILIO_API_URL")
    vapid_public_key: str = Field("", validation_alias="VAPID_PUBLIC_KEY")
    vapid_private_key: str = Field("", validation_alias="VAPID_PRIVATE_KEY")
    vapid_subject: str = Field("", validation_alias="VAPID_SUBJECT")
    fcm_project_id: str = Field("", validation_alias="FCM_PROJECT_ID")
    fcm_credentials_json: str = Field("", validation_alias="FCM_CREDENTIALS_JSON")
    fcm_api_url: str = Field("https://fcm.googleapis.com", validation_alias="FCM_API_URL")
    fcm_token_url: str = Field("https://oauth2.googleapis.com/token", validation_alias="FCM_TOKEN_URL")

    # Reverse proxies (CIDRs, comma-separated) whose X-Forwarded-For / Forwarded headers are believed:
    # behind a proxy every visitor has the proxy's address, which would put everyone in one rate limit.
    trusted_proxies: str = Field("", validation_alias="TRUSTED_PROXIES")
    # Observability: `auto` writes JSON log lines in production and readable ones elsewhere.
    log_format: Literal["auto", "json", "console"] = Field("auto", validation_alias="LOG_FORMAT")
    log_level: str = Field("INFO", validation_alias="LOG_LEVEL")
    # /metrics answers these addresses (CIDRs), or anyone presenting METRICS_TOKEN as a bearer token.
    metrics_allowed: str = Field("127.0.0.1/32,::1/128", validation_alias="METRICS_ALLOWED")
    metrics_token: str = Field("", validation_alias="METRICS_TOKEN")
    # Error tracking (sentry-sdk) when set; tracing over OTLP/HTTP when set and the optional
    # requirements-otel.txt is installed (metaic/core/error_reports.py, metaic/core/tracing.py).
    sentry_dsn: str = Field("", validation_alias="SENTRY_DSN")
    otel_endpoint: str = Field("", validation_alias="OTEL_EXPORTER_OTLP_ENDPOINT")
    otel_service_name: str = Field("metaic", validation_alias="OTEL_SERVICE_NAME")

    session_days: int = Field(1, validation_alias="SESSION_DAYS")
    remember_days: int = Field(30, validation_alias="REMEMBER_DAYS")
    # argon2id cost (OWASP's defaults); only a test run turns it down, and never in production.
    argon2_time_cost: int = Field(3, ge=1, le=20, validation_alias="ARGON2_TIME_COST")
    argon2_memory_kib: int = Field(65536, ge=1024, le=1048576, validation_alias="ARGON2_MEMORY_KIB")
    access_token_minutes: int = Field(15, validation_alias="ACCESS_TOKEN_MINUTES")
    refresh_token_days: int = Field(30, validation_alias="REFRESH_TOKEN_DAYS")

    @model_validator(mode="after")
    def _fill_defaults(self) -> Settings:
        """Derive the SQLite default and refuse a placeholder secret in production."""
        if not self.database_url:
            self.database_url = f"sqlite:///{(self.data_dir / 'metaic.db').as_posix()}"
        if self.is_production and self.secret_key.strip().lower() in PLACEHOLDER_SECRETS:
            raise ValueError("SECRET_KEY must be set to a real secret in production")
        if self.is_production and (self.argon2_time_cost < 2 or self.argon2_memory_kib < 19456):
            raise ValueError("ARGON2_TIME_COST >= 2 and ARGON2_MEMORY_KIB >= 19456 in production")
        if not self.secret_key:
            self.secret_key = _development_secret(self.data_dir)
        _check_field_keys(self)
        _check_providers(self)
        self.cdn_base_url = cdn = self.cdn_base_url.strip().rstrip("/")
        if cdn and (not origin_of(cdn, strict=False) or "?" in cdn or "#" in cdn):
            raise ValueError(f"CDN_BASE_URL: {self.cdn_base_url!r} is not an address like https://cdn.example.com")
        for entry in _split(self.cors_allowed_origins):
            if not origin_of(entry):
                raise ValueError(f"CORS_ALLOWED_ORIGINS: {entry!r} is not an origin like https://app.example.com")
        return self

    @property
    def is_production(self) -> bool:
        """True when running in production mode."""
        return self.environment == "production"

    @property
    def redis_enabled(self) -> bool:
        """True when a Redis server is configured."""
        return bool(self.redis_url)

    @property
    def search_dir(self) -> Path:
        """Folder holding the search indexes (one sub-folder per index)."""
        return self.data_dir / "search"

    @property
    def outbox_dir(self) -> Path:
        """Folder where the outbox email/SMS backends write messages."""
        return self.data_dir / "outbox"

    @property
    def google_enabled(self) -> bool:
        """True when Google sign-in is configured."""
        return bool(self.google_client_id and self.google_client_secret)

    @property
    def apple_enabled(self) -> bool:
        """True when Sign in with Apple is configured."""
        return bool(self.apple_client_id and self.apple_team_id and self.apple_private_key)

    @property
    def wechat_enabled(self) -> bool:
        """True when WeChat sign-in is configured."""
        return bool(self.wechat_app_id and self.wechat_app_secret)

    @property
    def fcm_enabled(self) -> bool:
        """True when FCM push to mobile apps is configured."""
        return bool(self.fcm_project_id and self.fcm_credentials_json)

    @property
    def allowed_origins(self) -> tuple[str, ...]:
        """Browser origins trusted with credentials: PUBLIC_BASE_URL's and CORS_ALLOWED_ORIGINS."""
        public = origin_of(self.public_base_url, strict=False)
        origins = [public, *(origin_of(entry) for entry in _split(self.cors_allowed_origins))]
        if not self.is_production:
            # `reflex run` in development serves the page on localhost while links say 127.0.0.1 (or back).
            for a, b in (("://127.0.0.1", "://localhost"), ("://localhost", "://127.0.0.1")):
                if a in public:
                    origins.append(public.replace(a, b, 1))
        return tuple(dict.fromkeys(origin for origin in origins if origin))

    @property
    def cookie_secure(self) -> bool:
        """Session cookies carry the Secure flag in production."""
        return self.is_production


def _check_providers(settings: Settings) -> None:
    """Refuse a chosen provider backend whose credentials are missing, at start-up rather than at first send."""
    if settings.email_backend == "sendgrid" and not settings.sendgrid_api_key:
        raise ValueError("EMAIL_BACKEND=sendgrid needs SENDGRID_API_KEY")
    twilio = (settings.twilio_account_sid, settings.twilio_auth_token)
    if settings.sms_backend == "twilio" and not (all(twilio) and settings.twilio_from):
        raise ValueError("SMS_BACKEND=twilio needs TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and TWILIO_FROM")
    if settings.whatsapp_backend == "twilio" and not (all(twilio) and settings.twilio_whatsapp_from):
        raise ValueError("WHATSAPP_BACKEND=twilio needs TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and TWILIO_WHATSAPP_FROM")
    if settings.llm_backend == "openai" and not settings.openai_api_key:
        raise ValueError("LLM_BACKEND=openai needs OPENAI_API_KEY (any value for a server that ignores it)")
    if 0 < len(settings.sendgrid_inbound_token) < 16:
        raise ValueError("SENDGRID_INBOUND_TOKEN must be at least 16 characters (it is the webhook's only secret)")


def _check_field_keys(settings: Settings) -> None:
    """Refuse malformed encryption keys, and missing ones in production (a derived key would tie data to SECRET_KEY)."""
    if settings.is_production and not (settings.field_encryption_keys.strip() and settings.blind_index_key.strip()):
        raise ValueError(
            "FIELD_ENCRYPTION_KEYS and BLIND_INDEX_KEY must be set in production (python -m metaic keys generate)"
        )
    for name, value in (
        ("FIELD_ENCRYPTION_KEYS", settings.field_encryption_keys),
        ("BLIND_INDEX_KEY", settings.blind_index_key),
    ):
        for key in _split(value):
            if len(decode_key(key)) != 32:
                raise ValueError(
                    f"{name}: each key is 32 random bytes in URL-safe base64 (python -m metaic keys generate)"
                )
    if len(_split(settings.blind_index_key)) > 1:
        raise ValueError(
            "BLIND_INDEX_KEY takes one key (changing it needs `python -m metaic keys rotate --blind-index`)"
        )


def decode_key(text: str) -> bytes:
    """The bytes of a URL-safe base64 key (padding optional); b"" when it is not base64."""
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (ValueError, binascii.Error):
        return b""


def _split(value: str) -> list[str]:
    """The non-empty items of a comma-separated setting."""
    return [item.strip() for item in value.split(",") if item.strip()]


def origin_of(url: str, *, strict: bool = True) -> str:
    """The origin browsers send for a page at `url` (`scheme://host[:port]`, default port dropped), or "".

    Strict: `url` must be an origin already (no path, query or user); otherwise any path is dropped."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return ""
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return ""
    if strict and (parts.path not in ("", "/") or parts.query or parts.fragment or parts.username or parts.password):
        return ""
    host = f"[{parts.hostname}]" if ":" in parts.hostname else parts.hostname
    default = 443 if parts.scheme == "https" else 80
    return f"{parts.scheme}://{host}" + (f":{port}" if port and port != default else "")


def _development_secret(data_dir: Path) -> str:
    """Return a random secret kept in the data folder, generated on first use."""
    path = data_dir / "secret_key"
    if path.exists():
        return path.read_text().strip()
    data_dir.mkdir(parents=True, exist_ok=True)
    value = secrets.token_urlsafe(48)
    path.write_text(value)
    path.chmod(0o600)
    return value


@lru_cache
def get_settings() -> Settings:
    """Return the process-wide settings (cached; call `get_settings.cache_clear()` in tests)."""
    return Settings()
