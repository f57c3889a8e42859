"""The job outbox: a durable copy of each job that fell back in-process while Redis was down."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Column, Index, LargeBinary, Text
from sqlmodel import Field, SQLModel

from metaic.core.models import created_at_field, utc_column


class JobOutbox(SQLModel, table=True):
    """One job held by an app process (`holder`) until it finishes; another process takes it over when
    the holder stops refreshing `claimed_at` (metaic/jobs/outbox.py)."""

    __tablename__ = "job_outbox"
    __table_args__ = (
        Index("ix_job_outbox_claimed_at", "claimed_at"),
        Index("ix_job_outbox_holder", "holder"),
    )

    id: str = Field(primary_key=True, max_length=64)  # the LocalJob's id, and the RQ job id on takeover
    func: str = Field(max_length=300)  # import path, as RQ stores it ("metaic.webhooks.jobs.attempt")
    payload: bytes = Field(sa_column=Column(LargeBinary, nullable=False))  # pickle of (args, kwargs), like RQ
    title: str = Field(sa_type=Text)
    queue: str = Field(max_length=16)
    ids: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    intervals: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    retries_left: int = 0
    job_timeout: int | None = None
    run_at: datetime | None = utc_column(default=None, nullable=True)  # None: as soon as possible
    request_id: str | None = Field(default=None, max_length=200)
    holder: str = Field(max_length=200)  # host:pid:token of the process that runs it
    claimed_at: datetime = utc_column()  # refreshed by the holder; older than the lease = holder gone
    created_at: datetime = created_at_field()
