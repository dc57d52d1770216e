"""Removing a person, the same way for /forgetme and for retention: every domain forgets
its rows of them first, then what delivery keeps that addresses them goes, then the core
removes the person. Votes and poll answers stay only as anonymous counts."""

from __future__ import annotations

from handlers.core.core_events import PersonForgetting
from handlers.core.message_bus import Effects, MessageBus
from storage.uow import UnitOfWork


def forget_person(person_id: int, bus: MessageBus, effects: Effects) -> None:
    bus.handle([PersonForgetting(person_id)], effects)  # at once: the person still exists
    forget_delivery_traces(effects.uow, person_id)
    effects.uow.people.forget(person_id)


def forget_delivery_traces(uow: UnitOfWork, person_id: int) -> None:
    """What delivery keeps that addresses the person: messages still to go to them, what
    their direct chats showed, state kept about those chats, their raw events waiting.

    On Telegram a private chat's id is the user's id, hence both as chats.
    """
    for identity in uow.people.identities(person_id):
        platform, account = identity.platform, identity.platform_user_id
        chats = {account, *([identity.direct_chat_id] if identity.direct_chat_id else [])}
        uow.outbox.forget_chats(platform, account, chats)
        uow.message_refs.forget_chats(platform, chats)
        uow.channels.forget_chat_states(platform, chats)
        uow.inbox.forget_kept_from(platform, account)
