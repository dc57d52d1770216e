"""/forgetme: removes the person; their votes stay only as anonymous counts."""

from __future__ import annotations

from typing import Literal

from handlers.core.context import Context
from handlers.core.core_events import PersonForgetting
from handlers.core.registry import command


@command("forgetme", consent=False, private=True)
def forgetme(ctx: Context, confirm: Literal["confirm"] | None) -> None:
    if confirm is None:
        button = ctx.button("forgetme.confirm_button", "forgetme confirm")
        ctx.reply("forgetme.ask", buttons=((button,),))
        return
    goodbye = ctx.t("forgetme.done")  # in their language, while we still know it
    # Each domain forgets its own rows of the person first, then the core removes them.
    ctx.handle_now(PersonForgetting(ctx.person_id))
    ctx.uow.people.forget(ctx.person_id)
    ctx.reply_text(goodbye)
