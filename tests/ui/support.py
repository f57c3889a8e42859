"""Driving Reflex states in tests as a browser tab would: a signed-in session cookie and a page address."""

from __future__ import annotations

import asyncio
import inspect

import reflex as rx
from reflex.istate.data import RouterData

from metaic.auth import sessions
from metaic.contacts import service as contact_service
from metaic.db import session_scope
from tests.notifications.conftest import make_user


def signed_in(email: str, name: str, timezone: str = "UTC") -> tuple[str, object]:
    """A committed account with an active browser session; returns (session token, user)."""
    with session_scope() as s:
        user = make_user(s, email, name=name, timezone=timezone)
        token = sessions.create(session=s, user=user, remember=False, activated=True)
    return token, user


def state(cls, token: str | None, path: str, query: str = ""):
    """A state of `cls` for a tab on `path?query` whose websocket carried this session cookie."""
    root = rx.State(_reflex_internal_init=True)
    cookie = f"{sessions.COOKIE_NAME}={token}" if token else ""
    root.router = RouterData.from_router_data(
        {
            "headers": {"cookie": cookie},
            "token": "tab-1",
            "pathname": path,
            "asPath": f"{path}?{query}" if query else path,
            "query": dict(p.split("=", 1) for p in query.split("&") if p),
        }
    )
    return root.get_substate(cls.get_full_name().split(".")[1:])


def contact(user, **fields) -> str:
    """A saved contact of `user`; returns its id."""
    with session_scope() as s:
        data = {
            "full_name": "Grace Hopper",
            "source": "manual",
            "emails": [{"label": "", "value": "grace@navy.example"}],
            **fields,
        }
        return str(contact_service.create(session=s, owner=s.merge(user), data=data).id)


def run(result):
    """A handler's result driven to the end as Reflex would: a coroutine awaited, a generator's events listed."""
    if inspect.iscoroutine(result):
        return asyncio.run(result)
    if inspect.isasyncgen(result):

        async def collect() -> list:
            """Every event the async generator yields."""
            return [event async for event in result]

        return asyncio.run(collect())
    return list(result) if inspect.isgenerator(result) else result
