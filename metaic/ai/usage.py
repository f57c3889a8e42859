"""Assistant usage: every request recorded per user and feature, a daily budget, admin totals and cost."""

from __future__ import annotations

import uuid
from datetime import date

from pydantic import BaseModel
from sqlmodel import Session, func, select

from metaic.ai.models import AiUsage
from metaic.config import Settings, get_settings
from metaic.core import clock, metrics


class Budget(BaseModel):
    """What a user has used of today's provider budget, and whether more is allowed."""

    requests: int
    tokens: int
    request_limit: int
    token_limit: int

    @property
    def exhausted(self) -> bool:
        """True when another provider request would pass today's limits."""
        return self.requests >= self.request_limit or self.tokens >= self.token_limit


class UsageRow(BaseModel):
    """Totals for one feature and engine over a period."""

    feature: str
    source: str
    requests: int
    failures: int
    prompt_tokens: int
    completion_tokens: int
    cost_usd: float


def today() -> date:
    """The UTC day usage is counted in."""
    return clock.now().date()


def record(
    *,
    session: Session,
    user_id: uuid.UUID,
    feature: str,
    source: str,
    model: str = "",
    prompt_tokens: int = 0,
    completion_tokens: int = 0,
    failure: str = "",
) -> AiUsage:
    """Store one assistant request (never its prompt)."""
    row = AiUsage(
        user_id=user_id,
        feature=feature,
        source=source,
        model=model[:100],
        prompt_tokens=max(0, prompt_tokens),
        completion_tokens=max(0, completion_tokens),
        failure=failure[:32],
        day=today(),
    )
    session.add(row)
    session.flush()
    metrics.AI_TOKENS.labels(feature).inc(row.prompt_tokens + row.completion_tokens)
    return row


def budget(*, session: Session, user_id: uuid.UUID, settings: Settings | None = None) -> Budget:
    """Today's provider requests and tokens of a user against AI_DAILY_REQUESTS / AI_DAILY_TOKENS."""
    settings = settings or get_settings()
    requests, tokens = session.exec(
        select(
            func.count(AiUsage.id), func.coalesce(func.sum(AiUsage.prompt_tokens + AiUsage.completion_tokens), 0)
        ).where(AiUsage.user_id == user_id, AiUsage.day == today(), AiUsage.source == "provider")
    ).one()
    return Budget(
        requests=int(requests),
        tokens=int(tokens),
        request_limit=settings.ai_daily_requests,
        token_limit=settings.ai_daily_tokens,
    )


def estimate_cost(prompt_tokens: int, completion_tokens: int, settings: Settings | None = None) -> float:
    """US dollars for these tokens at AI_PRICE_INPUT_PER_MTOK / AI_PRICE_OUTPUT_PER_MTOK."""
    settings = settings or get_settings()
    cost = prompt_tokens * settings.ai_price_input_per_mtok + completion_tokens * settings.ai_price_output_per_mtok
    return round(cost / 1_000_000, 6)


def totals(*, session: Session, since: date, until: date | None = None) -> list[UsageRow]:
    """Admin totals per feature and engine between two UTC days (inclusive), with the cost estimate."""
    until = until or today()
    rows = session.exec(
        select(
            AiUsage.feature,
            AiUsage.source,
            func.count(AiUsage.id),
            func.count(AiUsage.id).filter(AiUsage.failure != ""),
            func.coalesce(func.sum(AiUsage.prompt_tokens), 0),
            func.coalesce(func.sum(AiUsage.completion_tokens), 0),
        )
        .where(AiUsage.day >= since, AiUsage.day <= until)
        .group_by(AiUsage.feature, AiUsage.source)
        .order_by(AiUsage.feature, AiUsage.source)
    ).all()
    return [
        UsageRow(
            feature=feature,
            source=source,
            requests=int(count),
            failures=int(failures),
            prompt_tokens=int(prompt),
            completion_tokens=int(completion),
            cost_usd=estimate_cost(int(prompt), int(completion)) if source == "provider" else 0.0,
        )
        for feature, source, count, failures, prompt, completion in rows
    ]


def today_by_feature(*, session: Session, user_id: uuid.UUID) -> dict[str, dict[str, int]]:
    """A user's assistant requests today per feature and engine: {"write": {"offline": 3, "provider": 1}}."""
    rows = session.exec(
        select(AiUsage.feature, AiUsage.source, func.count(AiUsage.id))
        .where(AiUsage.user_id == user_id, AiUsage.day == today())
        .group_by(AiUsage.feature, AiUsage.source)
    ).all()
    found: dict[str, dict[str, int]] = {}
    for feature, source, count in rows:
        found.setdefault(feature, {})[source] = int(count)
    return found
