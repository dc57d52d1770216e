"""/forgetme: removes the person; their votes stay only as anonymous counts."""

from __future__ import annotations

from typing import Literal

from handlers.core.context import Context
from handlers.core.person_removal import forget_person
from handlers.core.registry import command


@command("forgetme", consent=False, private=True)
def forgetme(ctx: Context, confirm: Literal["confirm"] | None) -> None:
    if confirm is None:
        button = ctx.button("forgetme.confirm_button", "forgetme confirm")
        ctx.reply("forgetme.ask", buttons=((button,),))
        return
    goodbye = ctx.t("forgetme.done")  # in their language, while we still know it
    forget_person(ctx.person_id, ctx.bus, ctx.effects())
    ctx.reply_text(goodbye)
