"""Imports every table module so SQLModel.metadata is complete (Alembic, tests)."""

from sqlmodel import SQLModel

from metaic.ai import chat_models as ai_chat_models  # noqa: F401
from metaic.ai import models as ai_models  # noqa: F401
from metaic.analytics import models as analytics_models  # noqa: F401
from metaic.audit import models as audit_models  # noqa: F401
from metaic.auth import models as auth_models  # noqa: F401
from metaic.cards import models as card_models  # noqa: F401
from metaic.communication import models as communication_models  # noqa: F401
from metaic.contacts import models as contact_models  # noqa: F401
from metaic.files import models as files_models  # noqa: F401
from metaic.idempotency import models as idempotency_models  # noqa: F401
from metaic.jobs import models as job_models  # noqa: F401
from metaic.messaging import models as messaging_models  # noqa: F401
from metaic.moderation import models as moderation_models  # noqa: F401
from metaic.notifications import models as notification_models  # noqa: F401
from metaic.search import models as search_models  # noqa: F401
from metaic.webhooks import models as webhook_models  # noqa: F401

metadata = SQLModel.metadata
