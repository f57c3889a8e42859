"""`/api/v1/webhooks`: a user's outgoing webhook endpoints, their delivery log, redelivery and a test ping."""

from __future__ import annotations

import uuid
from datetime import datetime

from fastapi import APIRouter, Depends, Query, Response
from pydantic import BaseModel, Field
from sqlmodel import Session

from metaic.api.deps import current_user, db_session
from metaic.api.idempotency import IDEMPOTENT
from metaic.auth.models import User
from metaic.webhooks import jobs as webhook_jobs
from metaic.webhooks import service
from metaic.webhooks.models import EVENTS, WebhookDelivery, WebhookEndpoint

router = APIRouter(prefix="/api/v1/webhooks", tags=["webhooks"])


class EndpointCreate(BaseModel):
    """A new endpoint: an https URL and the events it wants."""

    url: str = Field(max_length=500, examples=["https://example.com/hooks/metaic"])
    events: list[str] = Field(min_length=1, max_length=len(EVENTS), examples=[["contact.created", "lead.captured"]])
    description: str = Field(default="", max_length=120)


class EndpointUpdate(BaseModel):
    """Changes to an endpoint (only the fields given)."""

    url: str | None = Field(default=None, max_length=500)
    events: list[str] | None = Field(default=None, max_length=len(EVENTS))
    enabled: bool | None = None
    description: str | None = Field(default=None, max_length=120)


class EndpointRead(BaseModel):
    """An endpoint as its owner sees it (the secret only when it was just made)."""

    id: uuid.UUID
    url: str
    description: str
    events: list[str]
    enabled: bool
    disabled_reason: str
    failure_streak: int
    created_at: datetime
    last_success_at: datetime | None
    secret: str | None = None

    @classmethod
    def of(cls, endpoint: WebhookEndpoint, *, with_secret: bool = False) -> EndpointRead:
        """From the stored endpoint."""
        return cls(
            id=endpoint.id,
            url=endpoint.url,
            description=endpoint.description,
            events=[e for e in endpoint.events.split(",") if e],
            enabled=endpoint.enabled,
            disabled_reason=endpoint.disabled_reason,
            failure_streak=endpoint.failure_streak,
            created_at=endpoint.created_at,
            last_success_at=endpoint.last_success_at,
            secret=endpoint.secret if with_secret else None,
        )


class DeliveryRead(BaseModel):
    """One delivery and how its attempts went."""

    id: uuid.UUID
    event: str
    status: str
    attempts: int
    response_code: int | None
    response_excerpt: str
    error: str
    created_at: datetime
    next_attempt_at: datetime | None
    delivered_at: datetime | None
    payload: str

    @classmethod
    def of(cls, delivery: WebhookDelivery) -> DeliveryRead:
        """From the stored delivery."""
        return cls.model_validate(delivery, from_attributes=True)


@router.post("", status_code=201, dependencies=[IDEMPOTENT])
def create_endpoint(
    body: EndpointCreate, user: User = Depends(current_user), session: Session = Depends(db_session, scope="function")
) -> EndpointRead:
    """Add an endpoint; the answer holds its signing secret, shown only here (rotate it to see a new one)."""
    endpoint = service.create(
        session=session, owner=user, url=body.url, events=body.events, description=body.description
    )
    return EndpointRead.of(endpoint, with_secret=True)


@router.get("")
def list_endpoints(
    user: User = Depends(current_user), session: Session = Depends(db_session, scope="function")
) -> list[EndpointRead]:
    """The signed-in user's endpoints."""
    return [EndpointRead.of(e) for e in service.list_(session=session, owner=user)]


@router.patch("/{endpoint_id}")
def update_endpoint(
    endpoint_id: uuid.UUID,
    body: EndpointUpdate,
    user: User = Depends(current_user),
    session: Session = Depends(db_session, scope="function"),
) -> EndpointRead:
    """Change the URL, the events, or turn the endpoint off and on (on again clears its failure streak)."""
    changes = body.model_dump(exclude_unset=True)
    return EndpointRead.of(service.update(session=session, owner=user, endpoint_id=endpoint_id, **changes))


@router.post("/{endpoint_id}/secret")
def rotate_secret(
    endpoint_id: uuid.UUID, user: User = Depends(current_user), session: Session = Depends(db_session, scope="function")
) -> EndpointRead:
    """A new signing secret (shown once); the old one stops working at once."""
    endpoint = service.rotate_secret(session=session, owner=user, endpoint_id=endpoint_id)
    return EndpointRead.of(endpoint, with_secret=True)


@router.delete("/{endpoint_id}", status_code=204)
def delete_endpoint(
    endpoint_id: uuid.UUID, user: User = Depends(current_user), session: Session = Depends(db_session, scope="function")
) -> Response:
    """Remove an endpoint and its delivery log."""
    service.delete(session=session, owner=user, endpoint_id=endpoint_id)
    return Response(status_code=204)


@router.get("/{endpoint_id}/deliveries")
def list_deliveries(
    endpoint_id: uuid.UUID,
    limit: int = Query(50, ge=1, le=200),
    user: User = Depends(current_user),
    session: Session = Depends(db_session, scope="function"),
) -> list[DeliveryRead]:
    """The endpoint's delivery log, newest first, with response codes."""
    found = service.deliveries(session=session, owner=user, endpoint_id=endpoint_id, limit=limit)
    return [DeliveryRead.of(d) for d in found]


@router.post("/deliveries/{delivery_id}/redeliver", status_code=202)
def redeliver(
    delivery_id: uuid.UUID, user: User = Depends(current_user), session: Session = Depends(db_session, scope="function")
) -> DeliveryRead:
    """Send a past delivery's payload again (same event id, so receivers can skip what they already have)."""
    return DeliveryRead.of(
        service.redeliver(session=session, owner=user, delivery_id=delivery_id, send=webhook_jobs.send_later)
    )


@router.post("/{endpoint_id}/ping", status_code=202)
def ping(
    endpoint_id: uuid.UUID, user: User = Depends(current_user), session: Session = Depends(db_session, scope="function")
) -> DeliveryRead:
    """Send a `ping` event to check the endpoint and its signature handling."""
    endpoint = service.get(session=session, owner=user, endpoint_id=endpoint_id)
    return DeliveryRead.of(service.ping(session=session, endpoint=endpoint, send=webhook_jobs.send_later))
