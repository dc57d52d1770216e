"""Migration 0010 on SQLite and PostgreSQL: rows an older version finished keep no content;
messages still to go and events still to handle keep theirs."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from sqlalchemy import JSON, Engine, bindparam, text
from sqlmodel import select
from sqlmodel.sql.sqltypes import UTCDateTime

from storage.core.shared_tables import InboxEvent, OutboxMessage
from storage.db import make_engine
from storage.migrate import upgrade
from tests.support.privacy_scan import rows_naming
from tests.support.store import raw_session

NOW = datetime(2027, 1, 10, 9, 0, tzinfo=UTC)
_MESSAGE = text(
    "INSERT INTO outboxmessage (platform, chat_id, recipient_user_id, priority, payload,"
    " attachment, status, attempts, created_at)"
    " VALUES ('telegram', :chat, :chat, 10, :payload, NULL, :status, 1, :now)"
).bindparams(bindparam("payload", type_=JSON()), bindparam("now", type_=UTCDateTime()))
_EVENT = text(
    "INSERT INTO inboxevent (platform, external_id, payload, received_at, handled_at)"
    " VALUES ('telegram', :key, :payload, :now, :handled)"
).bindparams(
    bindparam("payload", type_=JSON()),
    bindparam("now", type_=UTCDateTime()),
    bindparam("handled", type_=UTCDateTime()),
)


@pytest.fixture
def engine(store_url: str) -> Iterator[Engine]:
    engine = make_engine(store_url)
    yield engine
    engine.dispose()


def test_finished_rows_lose_their_content(engine: Engine) -> None:
    upgrade(engine, "0009")
    with engine.begin() as connection:
        for status, chat in (("SENT", "4711"), ("FAILED", "4712"), ("PENDING", "4713")):
            payload = {"text": f"✅ Stimme für 1, {chat}", "buttons": []}
            connection.execute(
                _MESSAGE, {"chat": chat, "payload": payload, "status": status, "now": NOW}
            )
        for key, handled in (("update:1", NOW), ("update:2", None)):
            payload = {"message": {"from": {"first_name": f"Kim {key}"}}}
            connection.execute(
                _EVENT, {"key": key, "payload": payload, "handled": handled, "now": NOW}
            )
    upgrade(engine)
    with raw_session(engine) as session:
        messages = {m.status.name: m for m in session.exec(select(OutboxMessage))}
        events = {e.external_id: e.payload for e in session.exec(select(InboxEvent))}
    for status in ("SENT", "FAILED"):
        finished = messages[status]
        assert (finished.payload, finished.chat_id, finished.recipient_user_id) == ({}, None, None)
    pending = messages["PENDING"]
    assert (pending.payload["text"], pending.chat_id) == ("✅ Stimme für 1, 4713", "4713")
    assert events["update:1"] is None
    assert events["update:2"] == {"message": {"from": {"first_name": "Kim update:2"}}}
    assert rows_naming(engine, ["4711", "4712", "Kim update:1"]) == {}
