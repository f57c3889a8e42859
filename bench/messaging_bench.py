"""In-app messaging benchmark: ms per query for a user with N conversations, beside `SELECT 1` and a pk fetch.

    .venv/bin/python bench/messaging_bench.py [--conversations 500] [--messages 6] [--repeat 30] [--database-url URL]

The live poll is what every open tab runs every few seconds (the bell's unread count plus the messaging
activity marker); the conversation list is the /messages page. Without --database-url it uses a throwaway
SQLite file; with a PostgreSQL server URL it creates a throwaway database there and drops it at the end.
"""

from __future__ import annotations

import argparse
import os
import sys
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run as a script: make `bench` importable
from bench.common import median_ms, private_environment, run_and_print

_FOLDER = private_environment("metaic-messaging-bench-")


def _prepare(url: str, conversations: int, messages: int):
    """Migrate; one user talking with `conversations` others, `messages` each, the newest half unread."""
    from sqlalchemy import insert

    from metaic import migrations
    from metaic.auth import service as user_service
    from metaic.core import clock
    from metaic.db import session_scope
    from metaic.messaging.models import Conversation, ConversationMember, DirectMessage

    migrations.upgrade(url)
    with session_scope() as session:
        me = user_service.create(session=session, email="bench@example.com", password=None, verified=True)
        start = clock.now() - timedelta(days=1)
        chats, members, lines = [], [], []
        for i in range(conversations):
            other = user_service.create(session=session, email=f"u{i}@example.com", password=None, verified=True)
            chat = Conversation(
                pair_key=":".join(sorted((str(me.id), str(other.id)))),
                created_at=start,
                last_message_at=start + timedelta(seconds=i * messages + messages),
            )
            chats.append(chat.model_dump())
            read_until = start + timedelta(seconds=i * messages + messages // 2)
            members += [
                ConversationMember(
                    conversation_id=chat.id, user_id=me.id, last_read_at=read_until, joined_at=start
                ).model_dump(),
                ConversationMember(conversation_id=chat.id, user_id=other.id, joined_at=start).model_dump(),
            ]
            lines += [
                DirectMessage(
                    conversation_id=chat.id,
                    sender_id=(other.id, me.id)[n % 2],
                    body=f"line {n}",
                    created_at=start + timedelta(seconds=i * messages + n + 1),
                ).model_dump()
                for n in range(messages)
            ]
        session.execute(insert(Conversation), chats)
        session.execute(insert(ConversationMember), members)
        session.execute(insert(DirectMessage), lines)
    return me.id, chats[-1]["id"]


def run(url: str, conversations: int, messages: int, repeat: int) -> list[tuple[str, float]]:
    """Measure every query; returns (label, median ms) rows, references first."""
    os.environ["DATABASE_URL"] = url
    from sqlalchemy import text

    from metaic.auth.models import User
    from metaic.config import get_settings
    from metaic.db import session_scope
    from metaic.messaging import service
    from metaic.notifications import service as notification_service

    get_settings.cache_clear()
    me_id, newest = _prepare(url, conversations, messages)
    with session_scope() as session:
        me = session.get(User, me_id)

        def pk_fetch() -> object:
            session.expire_all()
            return session.get(User, me_id).email

        def live_poll() -> object:
            return (
                notification_service.unread_count(session=session, user=me),
                service.activity_marker(session=session, user=me),
            )

        cases = [
            ("reference: SELECT 1", lambda: session.execute(text("SELECT 1")).scalar()),
            ("reference: primary-key fetch", pk_fetch),
            ("live poll (bell + marker)", live_poll),
            ("unread total", lambda: service.unread_total(session=session, user=me)),
            ("conversation list (50)", lambda: service.list_conversations(session=session, user=me)),
            (
                "open thread (100 messages)",
                lambda: service.messages(session=session, user=me, conversation_id=newest, limit=100),
            ),
        ]
        return [(label, median_ms(func, repeat)) for label, func in cases]


def main(argv: list[str] | None = None) -> int:
    """Parse arguments, run, print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--conversations", type=int, default=500)
    parser.add_argument("--messages", type=int, default=6)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--database-url", default="", help="a PostgreSQL server URL (default: SQLite file)")
    args = parser.parse_args(argv)
    title = (
        f"conversations: {args.conversations:,} of {args.messages} messages for one user, median of {args.repeat} runs"
    )
    run_and_print(
        args.database_url, _FOLDER, title, lambda url: run(url, args.conversations, args.messages, args.repeat)
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
