"""What the Matrix adapter keeps in the shared store, through its existing tables.

- `ChannelState`: the sync token (`next_batch`), the transaction-id salt, which rooms
  are direct chats and which still need a greeting.
- `InboxEvent`: events kept for later (undecryptable yet, greetings still to send), and
  claims of events the core does not see; a handled event keeps only its id.
- `MessageRef`: the per-proposal messages of a proposal list, and the 👍 that voted on
  them (so that taking one back votes again), tied to the person who reacted.

Every method is one short transaction; the adapter calls them in a worker thread.
"""

from __future__ import annotations

import secrets
from typing import Any

from schedules.core.clock import Clock
from storage.core.inbox_outbox import chat_state_key
from storage.core.shared_tables import MessageRef
from storage.uow import UnitOfWorkFactory

PLATFORM = "matrix"
NEXT_BATCH = "next_batch"
TXN_SALT = "txn_salt"
# The kind of `MessageRef` of a 👍 that voted for a proposal.
VOTE_REACTION = "vote_reaction"


def room_key(prefix: str, room_id: str) -> str:
    """State keys are short; room ids are not always. /forgetme finds those of a direct
    chat again (`Channels.forget_chat_states`)."""
    return chat_state_key(prefix, room_id)


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

    def claim(self, event_id: str) -> bool:
        """Mark an event handled that never reaches the core; False if it already was."""
        with self.uow_factory() as uow:
            return uow.inbox.claim(PLATFORM, event_id, self.clock.now())

    def drop(self, event_id: str) -> None:
        """Forget a kept event that nobody can deliver again (a greeting sent)."""
        with self.uow_factory() as uow:
            uow.inbox.drop(PLATFORM, event_id)

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

    def remember_reaction(
        self, room_id: str, reaction_id: str, proposal_id: int, user_id: str
    ) -> None:
        """A 👍 that voted for a proposal, tied to the person (once: syncs may repeat it)."""
        with self.uow_factory() as uow:
            person = uow.people.by_identity(PLATFORM, user_id)
            if person is None or uow.message_refs.exists(PLATFORM, room_id, reaction_id):
                return
            uow.message_refs.add(
                MessageRef(
                    platform=PLATFORM,
                    chat_id=room_id,
                    message_id=reaction_id,
                    person_id=person.id,
                    kind=VOTE_REACTION,
                    object_id=proposal_id,
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
