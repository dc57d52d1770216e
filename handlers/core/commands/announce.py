"""/announce TEXT: youth workers and organisers tell every member, on every platform."""

from __future__ import annotations

from handlers.core.announcements import announce_to_event
from handlers.core.context import Context
from handlers.core.registry import STAFF, Text, command
from handlers.core.timed_work import schedule_announcement, split_schedule
from handlers.core.validation import InputError, clean_text, plain

ANNOUNCEMENT_MAX = 2000


@command("announce", roles=STAFF)
def announce(ctx: Context, text: Text) -> None:
    due, rest = split_schedule(ctx, text)  # "/announce at YYYY-MM-DD HH:MM TEXT"
    message = announcement_text(rest)
    if due is not None:
        schedule_announcement(ctx, due, message)
        return
    people, chats = announce_to_event(
        ctx.uow, ctx.event_id(), message, ctx.now(), ctx.catalogues, ctx.config
    )
    reached = ctx.t("announce.people", people=people), ctx.t("announce.groups", chats=chats)
    ctx.reply("announce.queued", people=reached[0], groups=reached[1])


def announcement_text(raw: str) -> str:
    text = plain(clean_text(raw, multiline=True))
    if not text:
        raise InputError("announce.empty")
    if len(text) > ANNOUNCEMENT_MAX:
        raise InputError("announce.long", maximum=ANNOUNCEMENT_MAX, length=len(text))
    return text
