"""What the Telegram adapter keeps in the store: raw updates (the durable inbox), long
button data, and who sees the team's command menu.

All methods are synchronous (the store is); the adapter runs them in worker threads.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from schedules.core.clock import Clock
from storage.core.shared_tables import Role
from storage.uow import UnitOfWorkFactory

PLATFORM = "telegram"
STAFF_ROLES = (Role.YOUTHWORKER, Role.ORGANISER)


@dataclass(frozen=True)
class StoredUpdate:
    external_id: str
    payload: dict[str, Any]


def external_id(update_id: int) -> str:
    return f"update:{update_id}"


class TelegramStore:
    def __init__(self, uow_factory: UnitOfWorkFactory, clock: Clock) -> None:
        self.uow_factory = uow_factory
        self.clock = clock

    # -- the durable inbox --------------------------------------------------------------

    def record(self, updates: Iterable[dict[str, Any]]) -> list[StoredUpdate]:
        """Keep raw updates before they are confirmed; those seen before are left out.

        The transaction that handles an update forgets its raw content (names, text):
        once handled, only the update id is needed (to refuse it a second time).
        """
        batch = [(external_id(int(update["update_id"])), update) for update in updates]
        with self.uow_factory() as uow:
            new = uow.inbox.record_new(PLATFORM, batch, self.clock.now())
        return [StoredUpdate(key, update) for key, update in batch if key in new]

    def unhandled(
        self, limit: int = 100_000, older_than: timedelta | None = None
    ) -> list[StoredUpdate]:
        """Updates kept but not handled, e.g. because the process was killed; oldest first
        (`older_than`: only those kept at least that long ago)."""
        before = None if older_than is None else self.clock.now() - older_than
        with self.uow_factory(read_only=True) as uow:
            return [
                StoredUpdate(event.external_id, event.payload)
                for event in uow.inbox.unhandled(PLATFORM, limit, before)
                if event.payload is not None
            ]

    def finish_without_use_case(self, key: str, reachable_user: tuple[str, bool] | None) -> None:
        """An update no use case handles (e.g. "the user blocked the bot"): done once."""
        with self.uow_factory() as uow:
            if not uow.inbox.claim(PLATFORM, key, self.clock.now()):
                return
            if reachable_user is not None:
                user_id, reachable = reachable_user
                if reachable:
                    uow.channels.mark_reachable(PLATFORM, user_id)
                else:
                    uow.channels.mark_unreachable(PLATFORM, user_id, self.clock.now())

    # -- small state: long button data ----------------------------------------------------

    def remember(self, key: str, value: str) -> None:
        with self.uow_factory() as uow:
            if uow.channels.get_state(PLATFORM, key) != value:
                uow.channels.set_state(PLATFORM, key, value, self.clock.now())

    def recall(self, key: str) -> str | None:
        with self.uow_factory(read_only=True) as uow:
            return uow.channels.get_state(PLATFORM, key)

    # -- the team's command menus ------------------------------------------------------------

    def staff_chats(self) -> list[tuple[str, str | None]]:
        """Private chats (and languages) of youth workers and organisers on Telegram."""
        with self.uow_factory(read_only=True) as uow:
            return uow.channels.direct_chats_with_role(PLATFORM, STAFF_ROLES)
