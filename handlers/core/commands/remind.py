"""/remind on|off: whether I get "your session starts in 10 minutes" messages."""

from __future__ import annotations

from typing import Literal

from handlers.core.context import Context
from handlers.core.registry import command


@command("remind", private=True)
def remind(ctx: Context, state: Literal["on", "off"] | None) -> None:
    if state is None:
        other = "off" if ctx.person.remind else "on"
        button = ctx.button(f"remind.button_{other}", f"remind {other}")
        ctx.reply("remind.is_on" if ctx.person.remind else "remind.is_off", buttons=((button,),))
        return
    ctx.person.remind = state == "on"
    ctx.reply("remind.on" if ctx.person.remind else "remind.off")
