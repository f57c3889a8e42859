"""Account and messaging flows as the pages call them: each page action reaches the flow and its side effects."""

from __future__ import annotations

from sqlmodel import func, select

from metaic.adapters.storage import get_storage
from metaic.auth import sessions
from metaic.auth.models import User
from metaic.db import session_scope
from metaic.files import service as file_service
from metaic.files.models import File
from metaic.jobs.queue import drain_local
from metaic.messaging import service as messaging
from metaic.notifications import service as notification_service
from metaic.ui.state.account import AccountState
from metaic.ui.state.messages import MessagesState
from tests.files import imaging
from tests.notifications.conftest import PASSWORD
from tests.ui.support import contact, run, signed_in, state


def test_deleting_the_account_on_the_page_also_removes_its_stored_images(db, outbox):
    token, ada = signed_in("ada@example.com", "Ada")
    with session_scope() as s:
        upload = file_service.upload(
            session=s, owner=s.merge(ada), purpose="avatar", filename="a.jpg", data=imaging.jpeg()
        )
    drain_local()
    with session_scope() as s:
        keys = [k for row in s.exec(select(File)) for k in (row.storage_key, *row.variants.values())]
    assert keys and all(get_storage().exists(k) for k in keys)

    page = state(AccountState, token, "/account")
    run(page.delete_account({"confirm": "DELETE", "password": "wrong"}))
    assert page.errors == {"password": "Your password is not correct."}
    assert all(get_storage().exists(k) for k in keys)

    run(page.delete_account({"confirm": "DELETE", "password": PASSWORD}))
    with session_scope() as s:
        assert s.get(User, ada.id) is None and s.get(File, upload.id) is None
    assert not any(get_storage().exists(k) for k in keys)


def test_changing_the_email_on_the_page_sends_the_new_address_its_link(db, outbox):
    token, _ = signed_in("ada@example.com", "Ada")
    page = state(AccountState, token, "/account")
    run(page.change_email({"email": "ada@example.com", "password": PASSWORD}))
    assert outbox.emails() == []  # the same address: nothing to verify again
    run(page.change_email({"email": "ada.lovelace@example.com", "password": PASSWORD}))
    assert page.errors == {}
    [sent] = outbox.emails(to="ada.lovelace@example.com")
    assert sent["Subject"] == "Verify your email for MetaIC"


def test_changing_the_password_on_the_page_signs_out_other_sessions_and_tells_the_owner(db, outbox):
    token, ada = signed_in("ada@example.com", "Ada")
    with session_scope() as s:
        other = sessions.create(session=s, user=s.merge(ada), remember=False, activated=True)
    page = state(AccountState, token, "/account")
    run(
        page.change_password(
            {"current_password": PASSWORD, "new_password": "Another-Horse-43", "confirm": "Another-Horse-43"}
        )
    )
    assert page.errors == {}
    with session_scope() as s:
        assert sessions.resolve(session=s, token=other) is None
        assert sessions.resolve(session=s, token=token) is not None
    assert [m["Subject"] for m in outbox.emails(to="ada@example.com")] == ["Your MetaIC password was changed"]


def test_sending_a_message_on_the_page_notifies_the_recipient(db, outbox):
    ada_token, ada = signed_in("ada@example.com", "Ada")
    _, bob = signed_in("bob@example.com", "Bob")
    contact(bob, full_name="Ada", emails=[{"label": "", "value": "ada@example.com"}])  # Bob saved Ada: she may write
    with session_scope() as s:
        conversation = messaging.start_with_user(session=s, user=s.merge(ada), other_user_id=bob.id)
    page = state(MessagesState, ada_token, "/messages", f"c={conversation.id}")
    run(page.load())
    run(page.send({"body": "Tea at four?"}))
    with session_scope() as s:
        assert notification_service.unread_count(session=s, user=s.merge(bob)) == 1
        [note] = notification_service.list_(session=s, user=s.merge(bob), limit=5)
        assert note.kind == "message" and "Ada" in note.title
        assert s.exec(select(func.count()).select_from(File)).one() == 0
