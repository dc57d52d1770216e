"""What the Matrix adapter keeps in the shared store, through its existing tables.

- `ChannelState`: the sync token (`next_batch`), the transaction-id salt, which rooms
  are direct chats and which still need a greeting.
- `InboxEvent`: events kept for later (undecryptable yet; a 👍 that voted, so that taking
  it away takes that vote back), and claims of events the core does not see.
- `MessageRef`: the per-proposal messages of a proposal list (for reaction votes).

Every method is one short transaction; the adapter calls them in a worker thread.
"""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

from schedules.core.clock import Clock
from storage.core.shared_tables import MessageRef
from storage.uow import UnitOfWorkFactory

PLATFORM = "matrix"
NEXT_BATCH = "next_batch"
TXN_SALT = "txn_salt"


def room_key(prefix: str, room_id: str) -> str:
    """State keys are short; room ids are not always."""
    return f"{prefix}:{hashlib.sha256(room_id.encode()).hexdigest()[:40]}"


class MatrixStore:
    def __init__(self, uow_factory: UnitOfWorkFactory, clock: Clock) -> None:
        self.uow_factory = uow_factory
        self.clock = clock

    # -- small state ------------------------------------------------------------------

    def get(self, key: str) -> str | None:
        with self.uow_factory(read_only=True) as uow:
            return uow.channels.get_state(PLATFORM, key)

    def put(self, key: str, value: str) -> None:
        with self.uow_factory() as uow:
            uow.channels.set_state(PLATFORM, key, value, self.clock.now())

    def txn_salt(self) -> str:
        """A random prefix per store, so a new store never reuses an old transaction id."""
        with self.uow_factory() as uow:
            salt = uow.channels.get_state(PLATFORM, TXN_SALT)
            if salt is None:
                salt = secrets.token_hex(4)
                uow.channels.set_state(PLATFORM, TXN_SALT, salt, self.clock.now())
            return salt

    # -- the inbox ----------------------------------------------------------------------

    def record(self, event_id: str, payload: dict[str, Any]) -> bool:
        with self.uow_factory() as uow:
            return uow.inbox.record(PLATFORM, event_id, payload, self.clock.now())

    def payload_of(self, event_id: str) -> dict[str, Any] | None:
        with self.uow_factory(read_only=True) as uow:
            return uow.inbox.payload(PLATFORM, event_id)

    def claim(self, event_id: str) -> bool:
        """Mark an event handled that never reaches the core; False if it already was."""
        with self.uow_factory() as uow:
            return uow.inbox.claim(PLATFORM, event_id, self.clock.now())

    def pending(self, limit: int = 100) -> list[tuple[str, dict[str, Any]]]:
        with self.uow_factory(read_only=True) as uow:
            return [
                (event.external_id, event.payload or {})
                for event in uow.inbox.unhandled(PLATFORM, limit)
            ]

    # -- messages that show something ------------------------------------------------

    def remember_shown(self, room_id: str, shown: list[tuple[str, str, int]]) -> None:
        """(event id, kind, object id) of messages just sent; a resend finds them there."""
        with self.uow_factory() as uow:
            for event_id, kind, object_id in shown:
                if not uow.message_refs.exists(PLATFORM, room_id, event_id):
                    uow.message_refs.add(
                        MessageRef(
                            platform=PLATFORM,
                            chat_id=room_id,
                            message_id=event_id,
                            kind=kind,
                            object_id=object_id,
                            created_at=self.clock.now(),
                        )
                    )

    def shown_in(self, room_id: str, event_id: str, kind: str) -> int | None:
        with self.uow_factory(read_only=True) as uow:
            return uow.message_refs.object_shown(PLATFORM, event_id, kind, chat_id=room_id)

    def proposal_number_for(self, proposal_id: int, user_id: str) -> int | None:
        """The number to vote with, if the proposal is in the person's active event.

        `/vote N` works on the active event; a reaction on an older list of another
        event must not vote for whatever has number N there.
        """
        with self.uow_factory(read_only=True) as uow:
            return uow.proposals.number_in_active_event(proposal_id, PLATFORM, user_id)

    # -- people -------------------------------------------------------------------------

    def direct_chat_of(self, user_id: str) -> str | None:
        with self.uow_factory(read_only=True) as uow:
            identity = uow.channels.identity(PLATFORM, user_id)
            return identity.direct_chat_id if identity is not None else None

    def remember_direct_chat(self, user_id: str, room_id: str) -> None:
        with self.uow_factory() as uow:
            uow.channels.touch(PLATFORM, user_id, room_id)

    def mark_unreachable(self, user_id: str) -> None:
        with self.uow_factory() as uow:
            uow.channels.mark_unreachable(PLATFORM, user_id, self.clock.now())
