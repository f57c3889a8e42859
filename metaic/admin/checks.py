"""The settings and connectivity report behind `python -m metaic check`; it never shows a secret."""

from __future__ import annotations

import smtplib
import tempfile
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import redis
import sqlalchemy as sa
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from metaic import migrations
from metaic.config import Settings

OK, INFO, WARN, FAIL = "ok", "info", "warn", "fail"
TIMEOUT_SECONDS = 5
MIGRATE_HINT = "run `python -m metaic migrate`"
_SECRET_QUERY_WORDS = ("password", "secret", "token", "key")
_MARKERS = {OK: "ok", INFO: "-", WARN: "warn", FAIL: "FAIL"}


@dataclass(frozen=True)
class CheckLine:
    """One line of the report: what was looked at, what was found, and how it went."""

    label: str
    value: str
    status: str = INFO


@dataclass(frozen=True)
class SchemaStatus:
    """The Alembic revision(s) a database is at, and the newest ones the code knows."""

    current: tuple[str, ...]
    heads: tuple[str, ...]

    @property
    def up_to_date(self) -> bool:
        """True when the database is at the newest revision."""
        return bool(self.current) and set(self.current) == set(self.heads)

    def describe(self) -> str:
        """A short human description such as `0001_accounts (head)`."""
        if not self.current:
            return "not migrated (empty database)"
        current = ", ".join(self.current)
        return f"{current} (head)" if self.up_to_date else f"{current}; newest is {', '.join(self.heads)}"


def redact_url(url: str) -> str:
    """The URL with any password (in the user part or the query string) replaced by `***`."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return "<unparseable URL>"
    result = url
    if "@" in parts.netloc:
        userinfo, host = parts.netloc.rsplit("@", 1)
        if ":" in userinfo:
            result = result.replace(parts.netloc, f"{userinfo.split(':', 1)[0]}:***@{host}", 1)
    if parts.query:
        pairs = []
        for pair in parts.query.split("&"):
            name, sep, value = pair.partition("=")
            secret = sep and any(word in name.lower() for word in _SECRET_QUERY_WORDS)
            pairs.append(f"{name}{sep}{'***' if secret else value}")
        result = result.replace(f"?{parts.query}", f"?{'&'.join(pairs)}", 1)
    return result


def _short_error(exc: BaseException, *, url: str = "") -> str:
    """The first line of an error (the driver's own message for database errors), without secrets."""
    text = str(getattr(exc, "orig", None) or exc).strip().splitlines()
    message = text[0] if text else type(exc).__name__
    password = _password_of(url)
    return message.replace(password, "***") if password else message


def _password_of(url: str) -> str:
    """The password inside a URL, or an empty string."""
    try:
        return urlsplit(url).password or ""
    except ValueError:
        return ""


def head_revisions() -> tuple[str, ...]:
    """The newest migration revision(s) in `alembic/versions`."""
    return tuple(ScriptDirectory.from_config(migrations.alembic_config()).get_heads())


def probe_engine(url: str) -> sa.Engine:
    """A pool-less engine with a short connect timeout, for one-off checks."""
    connect_args = {"connect_timeout": TIMEOUT_SECONDS} if make_url(url).get_backend_name() == "postgresql" else {}
    return sa.create_engine(url, poolclass=NullPool, connect_args=connect_args)


def schema_status(url: str) -> SchemaStatus:
    """Connect to a database and read its Alembic revision."""
    engine = probe_engine(url)
    try:
        with engine.connect() as connection:
            current = tuple(MigrationContext.configure(connection).get_current_heads())
    finally:
        engine.dispose()
    return SchemaStatus(current=current, heads=head_revisions())


def ping_redis(url: str) -> None:
    """PING a Redis server; raises redis.exceptions.RedisError when it does not answer."""
    client = redis.Redis.from_url(url, socket_connect_timeout=TIMEOUT_SECONDS, socket_timeout=TIMEOUT_SECONDS)
    try:
        client.ping()
    finally:
        client.close()


def run_checks(*, settings: Settings) -> list[CheckLine]:
    """Every line of the report, in a fixed order."""
    return [
        CheckLine("environment", settings.environment),
        _check_data_dir(settings.data_dir),
        CheckLine("secret key", _secret_source(settings), OK),
        _check_public_url(settings),
        *_check_database(settings.database_url),
        _check_redis(settings.redis_url),
        _check_email(settings),
        CheckLine("SMS backend", settings.sms_backend),
        CheckLine("storage backend", settings.storage_backend),
        CheckLine("LLM backend", settings.llm_backend),
        CheckLine("social sign-in", _social_providers(settings)),
    ]


def _check_data_dir(path: Path) -> CheckLine:
    """Is the data folder there and writable (or can it be created)?"""
    label, shown = "data dir", str(path.resolve())
    if not path.exists():
        parent = next((p for p in path.resolve().parents if p.exists()), None)
        if parent is not None and _writable(parent):
            return CheckLine(label, f"{shown} (does not exist yet; it is created on first use)", OK)
        return CheckLine(label, f"{shown} does not exist and cannot be created", FAIL)
    if not path.is_dir():
        return CheckLine(label, f"{shown} is not a folder", FAIL)
    if not _writable(path):
        return CheckLine(label, f"{shown} is not writable", FAIL)
    return CheckLine(label, f"{shown} (writable)", OK)


def _writable(folder: Path) -> bool:
    """Try to create a file in a folder (os.access is wrong for root and read-only mounts)."""
    try:
        with tempfile.TemporaryFile(dir=folder):
            return True
    except OSError:
        return False


def _secret_source(settings: Settings) -> str:
    """Where the secret key came from, never the key itself."""
    generated = settings.data_dir / "secret_key"
    try:
        kept = generated.read_text().strip() if generated.exists() else None
    except OSError:
        kept = None
    if kept == settings.secret_key:
        return "set (generated)"
    return "set (env)"


def _check_public_url(settings: Settings) -> CheckLine:
    """The public address: well-formed, and HTTPS in production (session cookies are Secure there)."""
    url = settings.public_base_url
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return CheckLine("public base URL", f"{url} is not an http(s) address", WARN)
    if settings.is_production and parts.scheme != "https":
        return CheckLine("public base URL", f"{url} is not HTTPS; Secure session cookies need HTTPS", WARN)
    return CheckLine("public base URL", url, OK)


def _check_database(url: str) -> list[CheckLine]:
    """The database address, whether it answers, and whether its schema is current."""
    shown = CheckLine("database", redact_url(url))
    try:
        parsed = make_url(url)
    except (sa.exc.ArgumentError, ValueError) as exc:
        return [CheckLine("database", f"{redact_url(url)}: not a valid database URL ({exc})", FAIL)]
    if parsed.get_backend_name() == "sqlite":
        if not parsed.database or parsed.database == ":memory:":
            return [shown, CheckLine("database connection", "in-memory SQLite: nothing is kept", WARN)]
        if not Path(parsed.database).exists():
            return [shown, CheckLine("database connection", f"the file does not exist yet; {MIGRATE_HINT}", WARN)]
    try:
        status = schema_status(url)
    except Exception as exc:  # any driver error means "cannot use it"; report it instead of a traceback
        return [shown, CheckLine("database connection", f"unreachable: {_short_error(exc, url=url)}", FAIL)]
    lines = [shown, CheckLine("database connection", "connected", OK)]
    if status.up_to_date:
        lines.append(CheckLine("database schema", status.describe(), OK))
    elif not set(status.current) <= known_revisions():
        # The database was migrated by newer code than this: running would be unsafe.
        lines.append(CheckLine("database schema", f"{status.describe()}: revision unknown to this code", FAIL))
    else:
        lines.append(CheckLine("database schema", f"{status.describe()}; {MIGRATE_HINT}", WARN))
    return lines


def known_revisions() -> set[str]:
    """Every revision id in `alembic/versions`."""
    script = ScriptDirectory.from_config(migrations.alembic_config())
    return {rev.revision for rev in script.walk_revisions()}


def _check_redis(url: str) -> CheckLine:
    """Redis: not configured (fine), or configured and answering PING."""
    if not url:
        return CheckLine("redis", "not configured: background jobs run inside the app process", OK)
    try:
        ping_redis(url)
    except (redis.exceptions.RedisError, OSError, ValueError) as exc:
        return CheckLine("redis", f"{redact_url(url)} unreachable: {_short_error(exc, url=url)}", FAIL)
    return CheckLine("redis", f"{redact_url(url)} (PING answered)", OK)


def _check_email(settings: Settings) -> CheckLine:
    """The email backend; an SMTP server must accept a connection."""
    if settings.email_backend == "outbox":
        folder = (settings.outbox_dir / "email").resolve()
        if settings.is_production:
            return CheckLine("email backend", f"outbox: emails are written to {folder}, not sent", WARN)
        return CheckLine("email backend", f"outbox: emails are written to {folder}", OK)
    extras = [word for word, on in (("STARTTLS", settings.smtp_starttls), ("login", settings.smtp_user)) if on]
    shown = f"smtp {settings.smtp_host}:{settings.smtp_port}" + (f" ({', '.join(extras)})" if extras else "")
    try:
        with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=TIMEOUT_SECONDS) as smtp:
            smtp.noop()
    except (OSError, smtplib.SMTPException) as exc:
        return CheckLine("email backend", f"{shown} unreachable: {_short_error(exc)}", FAIL)
    return CheckLine("email backend", f"{shown} (connection accepted)", OK)


def _social_providers(settings: Settings) -> str:
    """The social sign-in providers that are fully configured."""
    enabled = [
        name
        for name, on in (
            ("Google", settings.google_enabled),
            ("Apple", settings.apple_enabled),
            ("WeChat", settings.wechat_enabled),
        )
        if on
    ]
    return ", ".join(enabled) or "none"


def failures(lines: list[CheckLine]) -> list[CheckLine]:
    """The lines that make the check fail."""
    return [line for line in lines if line.status == FAIL]


def format_report(lines: list[CheckLine]) -> str:
    """The report as aligned text, ending with a one-line verdict."""
    width = max(len(line.label) for line in lines)
    body = [f"  {_MARKERS[line.status]:<5} {line.label:<{width}}  {line.value}" for line in lines]
    failed = failures(lines)
    warned = [line for line in lines if line.status == WARN]
    if failed:
        verdict = f"{len(failed)} problem(s): {', '.join(line.label for line in failed)}."
    else:
        verdict = "Everything configured is reachable."
    if warned:
        verdict += f" {len(warned)} warning(s): {', '.join(line.label for line in warned)}."
    return "\n".join(["MetaIC configuration check", *body, verdict])
