"""/cancel: leaves any guided dialog."""

from __future__ import annotations

from handlers.core.context import Context
from handlers.core.registry import command


@command("cancel", private=True)
def cancel(ctx: Context) -> None:
    left = ctx.uow.dialogs.clear(ctx.person_id)
    ctx.reply("cancel.done" if left else "cancel.nothing")
