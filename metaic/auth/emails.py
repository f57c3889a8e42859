"""Account emails rendered from Jinja2 templates (HTML + plain text)."""

from __future__ import annotations

from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape

from metaic.adapters.email import OutgoingEmail

_TEMPLATES = Path(__file__).resolve().parent.parent / "templates" / "email"
_env = Environment(loader=FileSystemLoader(_TEMPLATES), autoescape=select_autoescape(["html"]))

SUBJECTS = {
    "verify_email": "Verify your email for MetaIC",
    "reset_password": "Reset your MetaIC password",
    "password_changed": "Your MetaIC password was changed",
    "account_exists": "You already have a MetaIC account",
    "data_export": "Your MetaIC data is ready to download",
}


def render(template: str, *, to: str, **context) -> OutgoingEmail:
    """Render one account email to a message ready for the email adapter."""
    return OutgoingEmail(
        to=to,
        subject=SUBJECTS[template],
        text=_env.get_template(f"{template}.txt").render(**context),
        html=_env.get_template(f"{template}.html").render(**context),
    )
