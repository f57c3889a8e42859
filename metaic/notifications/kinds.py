"""The kinds of notification, their default channels, and their words in each language."""

from __future__ import annotations

from dataclasses import dataclass

from jinja2.sandbox import SandboxedEnvironment

from metaic.core import links
from metaic.core.errors import ValidationError
from metaic.notifications.models import EMAIL, PUSH, SMS, WHATSAPP

LANGUAGES = ("en", "zh", "es")
DEFAULT_LANGUAGE = "en"


@dataclass(frozen=True)
class Kind:
    """One kind of notification: its key, its label in each language, the channels on by default, and its page.

    `link` is where a notification of this kind opens when its sender names no more precise page, so every
    notification (bell, email button, SMS, push) leads somewhere real.
    """

    key: str
    labels: dict[str, str]
    defaults: frozenset[str]
    link: str

    def label(self, language: str) -> str:
        """The kind's name in a language (English when not translated)."""
        return self.labels.get(language) or self.labels[DEFAULT_LANGUAGE]


KINDS: dict[str, Kind] = {
    k.key: k
    for k in (
        Kind(
            "contact_shared",
            {
                "en": "Someone shared their details with you",
                "zh": "有人与您交换了联系方式",
                "es": "Alguien compartió sus datos contigo",
            },
            frozenset({EMAIL, PUSH}),
            links.contacts(),
        ),
        Kind(
            "reminder",
            {"en": "Follow-up reminders", "zh": "跟进提醒", "es": "Recordatorios de seguimiento"},
            frozenset({EMAIL, PUSH}),
            links.contacts(),
        ),
        Kind(
            "card_activity",
            {"en": "Card views and scans", "zh": "名片浏览与扫码", "es": "Visitas y escaneos de tu tarjeta"},
            frozenset(),
            links.cards(),
        ),
        Kind(
            "job_finished",
            {
                "en": "Imports and exports finished",
                "zh": "导入导出完成",
                "es": "Importaciones y exportaciones terminadas",
            },
            frozenset({EMAIL}),
            links.contacts(),
        ),
        Kind(
            "security",
            {"en": "Security alerts", "zh": "安全提醒", "es": "Alertas de seguridad"},
            frozenset({EMAIL, SMS}),
            links.account("security"),
        ),
        Kind(
            "announcement",
            {"en": "News from MetaIC", "zh": "MetaIC 动态", "es": "Novedades de MetaIC"},
            frozenset({EMAIL}),
            links.notifications(),
        ),
        # Opt-in: nothing is sent until the owner switches it on (account page or notification settings).
        Kind(
            "weekly_report",
            {"en": "Weekly card report", "zh": "名片每周报告", "es": "Informe semanal de tu tarjeta"},
            frozenset(),
            links.analytics(),
        ),
        # In-app always (when there is something to say); email only after the owner opts in on /network.
        Kind(
            "weekly_insights",
            {"en": "Weekly networking digest", "zh": "每周人脉摘要", "es": "Resumen semanal de contactos"},
            frozenset(),
            "/network",
        ),
        # In-app is always on; a push tells a user away from the page.
        Kind(
            "message",
            {"en": "New messages", "zh": "新消息", "es": "Mensajes nuevos"},
            frozenset({PUSH}),
            links.messages(),
        ),
        # Takedowns of the owner's cards, appeal answers and restores: they link to the notice and its appeal form.
        Kind(
            "moderation",
            {"en": "Card moderation", "zh": "名片审核", "es": "Moderación de tarjetas"},
            frozenset({EMAIL}),
            links.cards(),
        ),
        # Operators check a deployment's channels with `python -m metaic notify --kind test TEXT`.
        Kind(
            "test",
            {"en": "Test messages", "zh": "测试消息", "es": "Mensajes de prueba"},
            frozenset({EMAIL, SMS, PUSH, WHATSAPP}),
            links.notifications(),
        ),
    )
}

ALL_CHANNELS_LABELS = {
    "en": {EMAIL: "Email", SMS: "SMS", PUSH: "Push", WHATSAPP: "WhatsApp"},
    "zh": {EMAIL: "邮件", SMS: "短信", PUSH: "推送", WHATSAPP: "WhatsApp"},
    "es": {EMAIL: "Correo", SMS: "SMS", PUSH: "Push", WHATSAPP: "WhatsApp"},
}

# Title and body of each kind, per language. `data` fills the {{ placeholders }}; callers may also pass
# `title`/`body` directly (announcements do).
MESSAGES: dict[str, dict[str, tuple[str, str]]] = {
    "en": {
        "contact_shared": (
            "{{ name or 'Someone' }} shared their details with you",
            "{{ name or 'A visitor' }}{% if company %} ({{ company }}){% endif %} saved your card "
            "and left their contact details.",
        ),
        "reminder": ("Reminder: follow up with {{ contact or 'your contact' }}", "{{ note or '' }}"),
        "card_activity": (
            "Your card “{{ card or 'card' }}” was {{ action or 'viewed' }}",
            "{{ count or 1 }} new {{ action or 'view' }}(s) today.",
        ),
        "job_finished": ("{{ job or 'Your job' }} finished", "{{ summary or 'It is done.' }}"),
        "security": (
            "Security alert: {{ event or 'account change' }}",
            "{{ detail or 'If this was not you, change your password now.' }}",
        ),
        "announcement": ("{{ title }}", "{{ body }}"),
        "message": ("New message from {{ sender or 'someone' }}", "{{ preview or '' }}"),
        "weekly_report": (
            "Your week on MetaIC: {{ views or 0 }} views, {{ saves or 0 }} saves",
            "Week of {{ week or '' }}\n"
            "Views: {{ views or 0 }}{% if views_change %} ({{ views_change }} on the week before){% endif %}\n"
            "Unique visitors: {{ visitors or 0 }}\n"
            "Saves: {{ saves or 0 }}\n"
            "New leads: {{ leads or 0 }}\n"
            "Top source: {{ top_source or 'none yet' }}",
        ),
        "moderation": (
            "{% if event == 'restored' %}Your card “{{ card }}” is back online"
            "{% elif event == 'upheld' %}Your appeal for “{{ card }}” was reviewed"
            "{% else %}Your card “{{ card }}” was taken down{% endif %}",
            "{% if event == 'restored' %}It is visible to everyone again.{% if note %} {{ note }}{% endif %}"
            "{% elif event == 'upheld' %}The card stays offline. {{ note }}"
            "{% else %}Reason: {{ reason }}\nIf you think this is a mistake, open this notice to appeal.{% endif %}",
        ),
        "weekly_insights": (
            "Your week: {{ [follow_up and follow_up ~ ' to follow up', quiet and quiet ~ ' gone quiet', "
            "returning and returning ~ ' came back'] | select | join(', ') }}",
            "{{ lines or '' }}",
        ),
        "test": ("Test notification from MetaIC", "{{ text or 'It works.' }}"),
    },
    "zh": {
        "contact_shared": (
            "{{ name or '有人' }} 与您交换了联系方式",
            "{{ name or '一位访客' }}{% if company %}（{{ company }}）{% endif %}保存了您的名片并留下了联系方式。",
        ),
        "reminder": ("提醒：跟进 {{ contact or '您的联系人' }}", "{{ note or '' }}"),
        "card_activity": (
            "您的名片“{{ card or '名片' }}”有新的{{ action or '浏览' }}",
            "今天新增 {{ count or 1 }} 次{{ action or '浏览' }}。",
        ),
        "job_finished": ("{{ job or '任务' }}已完成", "{{ summary or '已完成。' }}"),
        "security": ("安全提醒：{{ event or '账户变更' }}", "{{ detail or '如果这不是您本人操作，请立即修改密码。' }}"),
        "announcement": ("{{ title }}", "{{ body }}"),
        "message": ("来自 {{ sender or '某人' }} 的新消息", "{{ preview or '' }}"),
        "weekly_report": (
            "您本周的 MetaIC：{{ views or 0 }} 次浏览，{{ saves or 0 }} 次保存",
            "{{ week or '' }} 这一周\n"
            "浏览：{{ views or 0 }}{% if views_change %}（比前一周 {{ views_change }}）{% endif %}\n"
            "独立访客：{{ visitors or 0 }}\n"
            "保存：{{ saves or 0 }}\n"
            "新线索：{{ leads or 0 }}\n"
            "主要来源：{{ top_source or '暂无' }}",
        ),
        "moderation": (
            "{% if event == 'restored' %}您的名片“{{ card }}”已恢复上线"
            "{% elif event == 'upheld' %}您对“{{ card }}”的申诉已处理"
            "{% else %}您的名片“{{ card }}”已被下线{% endif %}",
            "{% if event == 'restored' %}所有人都可以再次查看。{% if note %}{{ note }}{% endif %}"
            "{% elif event == 'upheld' %}名片仍保持下线。{{ note }}"
            "{% else %}原因：{{ reason }}\n如果您认为这是误判，请打开此通知提出申诉。{% endif %}",
        ),
        "weekly_insights": (
            "本周：{{ [follow_up and follow_up ~ ' 位待跟进', quiet and quiet ~ ' 位久未联系', "
            "returning and returning ~ ' 位再次来访'] | select | join('，') }}",
            "{{ lines or '' }}",
        ),
        "test": ("来自 MetaIC 的测试通知", "{{ text or '一切正常。' }}"),
    },
    "es": {
        "contact_shared": (
            "{{ name or 'Alguien' }} compartió sus datos contigo",
            "{{ name or 'Un visitante' }}{% if company %} ({{ company }}){% endif %} guardó tu tarjeta "
            "y dejó sus datos de contacto.",
        ),
        "reminder": ("Recordatorio: contacta con {{ contact or 'tu contacto' }}", "{{ note or '' }}"),
        "card_activity": (
            "Tu tarjeta «{{ card or 'tarjeta' }}» tiene actividad",
            "{{ count or 1 }} nuevas visitas hoy.",
        ),
        "job_finished": ("{{ job or 'Tu tarea' }} terminó", "{{ summary or 'Listo.' }}"),
        "security": (
            "Alerta de seguridad: {{ event or 'cambio en la cuenta' }}",
            "{{ detail or 'Si no fuiste tú, cambia tu contraseña ahora.' }}",
        ),
        "announcement": ("{{ title }}", "{{ body }}"),
        "message": ("Nuevo mensaje de {{ sender or 'alguien' }}", "{{ preview or '' }}"),
        "weekly_report": (
            "Tu semana en MetaIC: {{ views or 0 }} visitas, {{ saves or 0 }} guardados",
            "Semana del {{ week or '' }}\n"
            "Visitas: {{ views or 0 }}"
            "{% if views_change %} ({{ views_change }} frente a la semana anterior){% endif %}\n"
            "Visitantes únicos: {{ visitors or 0 }}\n"
            "Guardados: {{ saves or 0 }}\n"
            "Nuevos contactos: {{ leads or 0 }}\n"
            "Fuente principal: {{ top_source or 'ninguna todavía' }}",
        ),
        "moderation": (
            "{% if event == 'restored' %}Tu tarjeta «{{ card }}» vuelve a estar en línea"
            "{% elif event == 'upheld' %}Revisamos tu apelación sobre «{{ card }}»"
            "{% else %}Tu tarjeta «{{ card }}» fue retirada{% endif %}",
            "{% if event == 'restored' %}Todos pueden verla de nuevo.{% if note %} {{ note }}{% endif %}"
            "{% elif event == 'upheld' %}La tarjeta sigue sin publicarse. {{ note }}"
            "{% else %}Motivo: {{ reason }}\nSi crees que es un error, abre este aviso para apelar.{% endif %}",
        ),
        "weekly_insights": (
            "Tu semana: {{ [follow_up and follow_up ~ ' por contactar', quiet and quiet ~ ' sin contacto', "
            "returning and returning ~ ' volvieron'] | select | join(', ') }}",
            "{{ lines or '' }}",
        ),
        "test": ("Notificación de prueba de MetaIC", "{{ text or 'Funciona.' }}"),
    },
}

# The catalogue is ours, but the values come from other people (a visitor's name): render in a sandbox
# without autoescaping (these are plain text; HTML templates escape them again).
_env = SandboxedEnvironment(autoescape=False)


def require(kind: str) -> Kind:
    """Return a known kind or raise ValidationError."""
    found = KINDS.get(kind)
    if found is None:
        raise ValidationError(f"Unknown notification kind {kind!r}.", field="kind")
    return found


def language_for(language: str | None) -> str:
    """The closest language we have words for."""
    code = (language or "").split("-")[0].lower()
    return code if code in LANGUAGES else DEFAULT_LANGUAGE


def render(kind: str, language: str, data: dict) -> tuple[str, str]:
    """The title and body of a notification of `kind` in `language`, filled from `data`."""
    require(kind)
    title, body = MESSAGES[language_for(language)][kind]
    context = {k: v for k, v in data.items() if isinstance(k, str)}
    title_text = " ".join(_env.from_string(title).render(**context).split())
    body_text = _env.from_string(body).render(**context).strip()
    return title_text[:200] or require(kind).label(language), body_text[:2000]


def channel_label(channel: str, language: str) -> str:
    """A channel's name in a language."""
    return ALL_CHANNELS_LABELS[language_for(language)].get(channel, channel)
