"""The Telegram adapter's durable inbox on both stores (PostgreSQL for several processes)."""

from __future__ import annotations

from collections.abc import Callable

from sqlmodel import select

from bot.bootstrap import App
from bot.telegram.store import TelegramStore
from storage.core.shared_tables import InboxEvent
from tests.support.store import raw_session

MakeApp = Callable[[str], App]


def update(number: int) -> dict[str, object]:
    return {"update_id": number, "message": {"message_id": number, "text": f"/vote {number}"}}


def test_a_batch_is_kept_once_and_handled_once(make_app: MakeApp, store_url: str) -> None:
    app = make_app(store_url)
    store = TelegramStore(app.uow_factory, app.clock)
    first = store.record([update(1), update(2)])
    assert [kept.external_id for kept in first] == ["update:1", "update:2"]
    assert first[0].payload == update(1)
    # Telegram sends a batch again when its confirmation got lost: only the new one is kept.
    again = store.record([update(2), update(3)])
    assert [kept.external_id for kept in again] == ["update:3"]
    assert [kept.external_id for kept in store.unhandled()] == ["update:1", "update:2", "update:3"]
    with app.uow_factory() as uow:
        assert uow.inbox.claim("telegram", "update:2", app.clock.now())
    with app.uow_factory() as uow:
        assert not uow.inbox.claim("telegram", "update:2", app.clock.now())
    # Handling forgot the update's content, but not that it came.
    assert store.record([update(2)]) == []
    assert [kept.external_id for kept in store.unhandled()] == ["update:1", "update:3"]
    with raw_session(app.engine) as session:
        payloads = dict(session.exec(select(InboxEvent.external_id, InboxEvent.payload)).all())
    assert payloads == {"update:1": update(1), "update:2": None, "update:3": update(3)}
