"""Message templates: the user's own plus three defaults, validated and rendered in a Jinja sandbox."""

from __future__ import annotations

import uuid

from jinja2 import StrictUndefined, TemplateError, TemplateSyntaxError, UndefinedError
from jinja2.exceptions import SecurityError
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from metaic.auth.models import User
from metaic.communication.models import CHANNELS, MessageTemplate
from metaic.communication.sandbox import BudgetedEnvironment, TooMuchWork
from metaic.contacts import store as contact_store
from metaic.contacts.schemas import ContactRead
from metaic.core import clock, ratelimit
from metaic.core.errors import Conflict, NotFound, ValidationError
from metaic.core.ids import parse_id
from metaic.core.models import name_key

MAX_NAME, MAX_SUBJECT, MAX_BODY = 80, 200, 5000
MAX_OUTPUT = 20000
# Per owner: saves (each renders subject and body) and previews (the editors refresh them as one types,
# 250 ms after the last key). Each render is bounded by the sandbox; these bound how often.
SAVES_PER_WINDOW, SAVE_WINDOW = 30, 600
RENDERS_PER_MINUTE = 120
# What a template may use, for help texts (the names `_variables` fills).
VARIABLES = (
    "contact.first_name",
    "contact.last_name",
    "contact.full_name",
    "contact.company",
    "contact.title",
    "me.name",
    "me.email",
)

DEFAULTS = (
    (
        "Nice to meet you",
        "Nice to meet you, {{ contact.first_name or contact.full_name }}",
        "Hi {{ contact.first_name or contact.full_name }},\n\nIt was great to meet you. I'd love to stay in touch.\n\n"
        "Best,\n{{ me.name }}",
    ),
    (
        "Follow-up",
        "Following up",
        "Hi {{ contact.first_name or contact.full_name }},\n\nI wanted to follow up on our conversation. "
        "Would you have time for a short call next week?\n\nBest,\n{{ me.name }}",
    ),
    (
        "Introduction",
        "Introduction: {{ me.name }}",
        "Hi {{ contact.first_name or contact.full_name }},\n\nI'm {{ me.name }} ({{ me.email }}). "
        "{% if contact.company %}I'd like to learn more about {{ contact.company }} and {% endif %}"
        "see how we could work together.\n\nBest,\n{{ me.name }}",
    ),
)


class _Vars:
    """A read-only bag of template variables; `label` names it in error messages."""

    __slots__ = ("_label", "_values")

    def __init__(self, label: str, values: dict[str, str]):
        self._label, self._values = label, values

    def __getitem__(self, key: str) -> str:
        return self._values[key]

    def __str__(self) -> str:
        return ""


class _Undefined(StrictUndefined):
    """StrictUndefined whose message names the variable the way the user wrote it."""

    __slots__ = ()

    @property
    def _undefined_message(self) -> str:
        if self._undefined_hint:
            return self._undefined_hint
        obj = self._undefined_obj
        prefix = f"{obj._label}." if isinstance(obj, _Vars) else ""
        return f"Unknown variable: {prefix}{self._undefined_name}"


_ENV = BudgetedEnvironment(undefined=_Undefined, autoescape=False, keep_trailing_newline=True)
TOO_MUCH_WORK = (
    "This template does too much work to fill in (long loops, very long text or too many steps). "
    "Keep to the variables and simple conditions."
)


def _split_name(contact: ContactRead) -> tuple[str, str]:
    """First and last name: as stored, or from a two-part full name ("Ben Okafor"); never guessed otherwise."""
    if contact.first_name or contact.last_name:
        return contact.first_name, contact.last_name
    parts = contact.full_name.split()
    return (parts[0], parts[-1]) if len(parts) == 2 else ("", "")


def _variables(contact: ContactRead, sender: User) -> dict[str, _Vars]:
    """The variables a template may use."""
    first_name, last_name = _split_name(contact)
    return {
        "contact": _Vars(
            "contact",
            {
                "first_name": first_name,
                "last_name": last_name,
                "full_name": contact.full_name,
                "company": contact.company,
                "title": contact.title,
            },
        ),
        "me": _Vars("me", {"name": sender.name, "email": sender.email}),
    }


def render(*, template_body: str, contact: ContactRead, sender: User, field: str = "body") -> str:
    """Fill a template's variables for one contact; ValidationError for bad syntax or an unknown variable."""
    try:
        text = _ENV.render_bounded(template_body, _variables(contact, sender), max_output=MAX_OUTPUT)
    except TooMuchWork:
        raise ValidationError(TOO_MUCH_WORK, field=field) from None
    except TemplateSyntaxError as exc:
        raise ValidationError(f"Template error (line {exc.lineno}): {exc.message}", field=field) from None
    except SecurityError as exc:
        raise ValidationError(f"Not allowed in a template: {exc}", field=field) from None
    except UndefinedError as exc:
        raise ValidationError(str(exc), field=field) from None
    except (TemplateError, TypeError, ValueError, ArithmeticError) as exc:
        raise ValidationError(f"Template error: {exc}", field=field) from None
    return text


def _count_save(owner: User) -> None:
    """One template create or update for the owner; RateLimited past SAVES_PER_WINDOW."""
    ratelimit.hit(f"template-save:{owner.id}", limit=SAVES_PER_WINDOW, window=SAVE_WINDOW)


def _count_render(owner: User) -> None:
    """One preview for the owner; RateLimited past RENDERS_PER_MINUTE."""
    ratelimit.hit(f"template-render:{owner.id}", limit=RENDERS_PER_MINUTE, window=60)


def _sample_contact() -> ContactRead:
    """A made-up contact to check that a template renders before it is saved."""
    return ContactRead.model_validate(
        {
            "id": uuid.uuid4(),
            "full_name": "Ada Lovelace",
            "first_name": "Ada",
            "last_name": "Lovelace",
            "company": "Engines",
            "title": "Analyst",
            "emails": [],
            "phones": [],
            "addresses": [],
            "links": [],
            "birthday": "",
            "uid": "",
            "photo_file_id": None,
            "source": "manual",
            "card_id": None,
            "event": "",
            "place": "",
            "met_on": None,
            "how_we_met": "",
            "notes": "",
            "stage": "new",
            "strength": 3,
            "last_contacted_at": None,
            "consents": [],
            "created_at": clock.now(),
            "updated_at": clock.now(),
            "tags": [],
        }
    )


def check(*, name: str | None, channel: str, subject: str, body: str, sender: User) -> tuple[str, str, str]:
    """Validate a template's fields (and that it renders); returns the cleaned name, subject and body."""
    errors: dict[str, str] = {}
    clean_name = contact_store.clean_text(name) if name is not None else None
    clean_subject = subject_for(channel, subject)
    clean_body = contact_store.clean_multiline(body)
    if clean_name is not None and not 1 <= len(clean_name) <= MAX_NAME:
        errors["name"] = f"Enter a name of 1 to {MAX_NAME} characters."
    if channel not in CHANNELS:
        errors["channel"] = "Choose email or WhatsApp."
    if len(clean_subject) > MAX_SUBJECT:
        errors["subject"] = f"Use at most {MAX_SUBJECT} characters."
    if not 1 <= len(clean_body) <= MAX_BODY:
        errors["body"] = f"Enter a message of 1 to {MAX_BODY} characters."
    if errors:
        raise ValidationError("Some template fields need attention.", errors=errors)
    sample = _sample_contact()
    render(template_body=clean_subject, contact=sample, sender=sender, field="subject")
    render(template_body=clean_body, contact=sample, sender=sender, field="body")
    return clean_name or "", clean_subject, clean_body


def subject_for(channel: str, subject: str) -> str:
    """The cleaned subject of a message on `channel`: WhatsApp messages have none, whatever was typed."""
    return contact_store.clean_text(subject) if channel != "whatsapp" else ""


def sample_preview(*, subject: str, body: str, sender: User, channel: str = "email") -> tuple[str, str]:
    """A template filled in for a made-up contact (Ada Lovelace at Engines), to show while editing it."""
    _count_render(sender)
    sample = _sample_contact()
    return (
        render(template_body=subject_for(channel, subject), contact=sample, sender=sender, field="subject"),
        render(template_body=body, contact=sample, sender=sender, field="body"),
    )


def _require(*, session: Session, owner: User, template_id: uuid.UUID | str) -> MessageTemplate:
    """The owner's template, or NotFound (also for someone else's)."""
    template = session.get(MessageTemplate, parse_id(template_id, "Template"))
    if template is None or template.owner_id != owner.id:
        raise NotFound("Template not found.")
    return template


def get(*, session: Session, owner: User, template_id: uuid.UUID | str) -> MessageTemplate:
    """One of the owner's templates; NotFound for anyone else's."""
    return _require(session=session, owner=owner, template_id=template_id)


def _name_taken(*, session: Session, owner: User, name: str, exclude: uuid.UUID | None = None) -> bool:
    """Whether the owner already has a template of this name (ignoring case, Unicode case too)."""
    query = select(MessageTemplate.id).where(
        MessageTemplate.owner_id == owner.id, MessageTemplate.name_key == name_key(name)
    )
    if exclude is not None:
        query = query.where(MessageTemplate.id != exclude)
    return session.exec(query).first() is not None


def list_(*, session: Session, owner: User) -> list[MessageTemplate]:
    """The owner's templates by name; the defaults are added the first time a user has none."""
    query = select(MessageTemplate).where(MessageTemplate.owner_id == owner.id).order_by(MessageTemplate.name)
    rows = list(session.exec(query).all())
    if rows:
        return rows
    now = clock.now()
    for name, subject, body in DEFAULTS:
        session.add(
            MessageTemplate(
                owner_id=owner.id,
                name=name,
                name_key=name_key(name),
                channel="email",
                subject=subject,
                body=body,
                created_at=now,
                updated_at=now,
            )
        )
    session.flush()
    return list(session.exec(query).all())


def create(
    *, session: Session, owner: User, name: str, body: str, channel: str = "email", subject: str = ""
) -> MessageTemplate:
    """Save a new template; Conflict when the name is taken."""
    _count_save(owner)
    name, subject, body = check(name=name, channel=channel, subject=subject, body=body, sender=owner)
    if _name_taken(session=session, owner=owner, name=name):
        raise Conflict("You already have a template with this name.", field="name")
    now = clock.now()
    template = MessageTemplate(
        owner_id=owner.id,
        name=name,
        name_key=name_key(name),
        channel=channel,
        subject=subject,
        body=body,
        created_at=now,
        updated_at=now,
    )
    _save(session, template)
    return template


def _save(session: Session, template: MessageTemplate) -> None:
    """Write a new or changed template; Conflict when a concurrent save took its name first."""
    try:
        with session.begin_nested():
            session.add(template)
    except IntegrityError:
        raise Conflict("You already have a template with this name.", field="name") from None


def update(
    *,
    session: Session,
    owner: User,
    template_id: uuid.UUID | str,
    name: str | None = None,
    channel: str | None = None,
    subject: str | None = None,
    body: str | None = None,
) -> MessageTemplate:
    """Change some fields of a template (the others stay)."""
    _count_save(owner)
    template = _require(session=session, owner=owner, template_id=template_id)
    new_name, new_subject, new_body = check(
        name=template.name if name is None else name,
        channel=template.channel if channel is None else channel,
        subject=template.subject if subject is None else subject,
        body=template.body if body is None else body,
        sender=owner,
    )
    if _name_taken(session=session, owner=owner, name=new_name, exclude=template.id):
        raise Conflict("You already have a template with this name.", field="name")
    template.name, template.subject, template.body = new_name, new_subject, new_body
    template.name_key = name_key(new_name)
    template.channel = template.channel if channel is None else channel
    template.updated_at = clock.now()
    _save(session, template)
    return template


def delete(*, session: Session, owner: User, template_id: uuid.UUID | str) -> None:
    """Delete one of the owner's templates."""
    session.delete(_require(session=session, owner=owner, template_id=template_id))
    session.flush()


def preview(
    *,
    session: Session,
    owner: User,
    contact_id: uuid.UUID | str,
    template_id: uuid.UUID | str | None = None,
    subject: str = "",
    body: str = "",
    channel: str = "email",
) -> tuple[str, str]:
    """The subject and body as this contact would receive them, from a saved template or from the given text."""
    _count_render(owner)
    contact = contact_store.require_contact(session=session, owner_id=owner.id, contact_id=contact_id)
    if template_id is not None:
        template = _require(session=session, owner=owner, template_id=template_id)
        subject, body, channel = template.subject, template.body, template.channel
    elif not contact_store.clean_multiline(body):
        raise ValidationError("Write a message or choose a template.", field="body")
    read = contact_store.to_read(contact)
    filled_subject = render(template_body=subject_for(channel, subject), contact=read, sender=owner, field="subject")
    return (
        contact_store.clean_text(filled_subject)[:MAX_SUBJECT],
        render(template_body=body, contact=read, sender=owner, field="body"),
    )
