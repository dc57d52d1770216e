"""Voting with reactions: a 👍 on a proposal message in a direct chat votes for it.

A 👍 means "I vote for this" and taking it away (a redaction of the reaction) "I take it
back", whatever `!vote` did before and on whichever proposal list: each is a press of
the hidden `setvote N on|off`, which changes nothing when the vote is already so. To
know what a redacted reaction voted for, the reaction is kept as a message that shows the
proposal (`MessageRef`), tied to the person, so that /forgetme removes it with them; nothing
else of the reaction is stored.
"""

from __future__ import annotations

import asyncio

from bot.matrix.store import VOTE_REACTION, MatrixStore
from handlers.core.messages import ButtonPress, Chat, Sender

THUMBS_UP = "👍"
# Variation selector and skin tones: 👍️ and 👍🏽 are thumbs up too.
MODIFIERS = {"\ufe0f", *(chr(code) for code in range(0x1F3FB, 0x1F400))}


def is_thumbs_up(key: str) -> bool:
    return "".join(char for char in key if char not in MODIFIERS) == THUMBS_UP


class ReactionVotes:
    def __init__(self, store: MatrixStore) -> None:
        self.store = store

    async def reacted(
        self, sender: Sender, chat: Chat, reaction_id: str, target_id: str, key: str
    ) -> ButtonPress | None:
        if not is_thumbs_up(key):
            return None
        proposal_id = await asyncio.to_thread(
            self.store.shown_in, chat.chat_id, target_id, "proposal"
        )
        if proposal_id is None:
            return None
        number = await self._number(proposal_id, sender)
        if number is not None:  # it votes: remember for what, to take it back
            await asyncio.to_thread(
                self.store.remember_reaction, chat.chat_id, reaction_id, proposal_id, sender.user_id
            )
        return self._press(sender, chat, number, reaction_id, wanted=True)

    async def taken_back(
        self, sender: Sender, chat: Chat, redaction_id: str, redacted_id: str
    ) -> ButtonPress | None:
        proposal_id = await asyncio.to_thread(
            self.store.shown_in, chat.chat_id, redacted_id, VOTE_REACTION
        )
        if proposal_id is None:
            return None
        number = await self._number(proposal_id, sender)
        return self._press(sender, chat, number, redaction_id, wanted=False)

    async def _number(self, proposal_id: int, sender: Sender) -> int | None:
        return await asyncio.to_thread(self.store.proposal_number_for, proposal_id, sender.user_id)

    def _press(
        self, sender: Sender, chat: Chat, number: int | None, event_id: str, wanted: bool
    ) -> ButtonPress:
        # Another event is active now: show its proposals rather than vote blindly.
        choice = "on" if wanted else "off"
        data = f"setvote {number} {choice}" if number is not None else "sessions"
        return ButtonPress(sender, chat, data, external_id=event_id)
