"""/linkgroup: in a group chat or room, link it to my event so announcements go there."""

from __future__ import annotations

from handlers.core.context import Context, Refusal
from handlers.core.registry import ORGANISERS, command


@command("linkgroup", roles=ORGANISERS)
def linkgroup(ctx: Context) -> None:
    if not ctx.in_group:
        raise Refusal("linkgroup.not_group")
    event = ctx.require_event()
    assert event.id is not None
    ctx.uow.channels.link(event.id, ctx.chat.platform, ctx.chat.chat_id, ctx.now())
    ctx.reply("linkgroup.done", name=event.name)
