"""/forgetme: removes the person; their votes stay only as anonymous counts."""

from __future__ import annotations

from typing import Literal

from handlers.core.context import Context
from handlers.core.core_events import PersonForgetting
from handlers.core.registry import command
from storage.uow import UnitOfWork


@command("forgetme", consent=False, private=True)
def forgetme(ctx: Context, confirm: Literal["confirm"] | None) -> None:
    if confirm is None:
        button = ctx.button("forgetme.confirm_button", "forgetme confirm")
        ctx.reply("forgetme.ask", buttons=((button,),))
        return
    goodbye = ctx.t("forgetme.done")  # in their language, while we still know it
    # Each domain forgets its own rows of the person first, then the core removes them.
    ctx.handle_now(PersonForgetting(ctx.person_id))
    forget_delivery_traces(ctx.uow, ctx.person_id)
    ctx.uow.people.forget(ctx.person_id)
    ctx.reply_text(goodbye)


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
