"""Announcements: one text to every member of an event, on every platform, and its groups."""

from __future__ import annotations

import uuid
from datetime import datetime

from handlers.core.config import CoreConfig
from handlers.core.i18n import Catalogues
from handlers.core.messages import Reply
from handlers.core.outbox_replies import PRIORITY_ANNOUNCEMENT, enqueue_for_person, enqueue_to_chat
from storage.uow import UnitOfWork


def announce_to_event(
    uow: UnitOfWork,
    event_id: int,
    text: str,
    now: datetime,
    texts: Catalogues,
    config: CoreConfig,
    batch: str | None = None,
) -> tuple[int, int]:
    """Queue the announcement; returns (people, linked chats) it goes to.

    It travels through the outbox as one batch, paced by each adapter, so a restart
    in the middle continues it without sending anything twice.
    """
    event = uow.events.get(event_id)
    assert event is not None
    batch = batch or f"announce-{uuid.uuid4().hex[:12]}"
    people = 0
    for person in uow.events.members(event_id):
        assert person.id is not None
        language = person.language or config.default_language
        message = texts.text(language, "announce.message", name=event.name, text=text)
        if enqueue_for_person(uow, person.id, Reply(message), now, PRIORITY_ANNOUNCEMENT, batch):
            people += 1
    chats = uow.channels.linked_chats(event_id)
    group_text = texts.text(config.default_language, "announce.message", name=event.name, text=text)
    for chat in chats:
        enqueue_to_chat(
            uow, chat.platform, chat.chat_id, Reply(group_text), now, PRIORITY_ANNOUNCEMENT, batch
        )
    return people, len(chats)
