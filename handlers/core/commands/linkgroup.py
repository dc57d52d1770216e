"""/linkgroup, /unlinkgroup: in a group chat or room, link it to my event so announcements
and polls go there, or undo such a link.

Linking takes an organiser of the event who is also an administrator of the group (only
the platform knows that: `Sender.group_admin`). A group linked to another event is not
taken over: it must be unlinked first, by that event's organisers or a group admin, and
that event's organisers are told.
"""

from __future__ import annotations

from handlers.core.context import Context, Refusal
from handlers.core.core_events import GroupUnlinked
from handlers.core.message_bus import Effects, handles
from handlers.core.registry import ORGANISERS, command
from storage.core.shared_tables import Role


@command("linkgroup", roles=ORGANISERS)
def linkgroup(ctx: Context) -> None:
    if not ctx.in_group:
        raise Refusal("linkgroup.not_group")
    event = ctx.require_event()
    assert event.id is not None
    if not ctx.sender.group_admin:
        raise Refusal("linkgroup.not_admin")
    linked = ctx.uow.channels.event_of_chat(ctx.chat.platform, ctx.chat.chat_id)
    if linked is not None and linked != event.id:
        other = ctx.uow.events.get(linked)
        raise Refusal("linkgroup.taken", name=other.name if other is not None else "?")
    if linked is None:
        ctx.uow.channels.link(event.id, ctx.chat.platform, ctx.chat.chat_id, ctx.now())
    ctx.reply("linkgroup.done", name=event.name)


# No consent needed: a group's admin may undo a link without using the bot otherwise.
@command("unlinkgroup", consent=False, hidden=True)
def unlinkgroup(ctx: Context) -> None:
    if not ctx.in_group:
        raise Refusal("unlinkgroup.not_group")
    linked = ctx.uow.channels.event_of_chat(ctx.chat.platform, ctx.chat.chat_id)
    event = ctx.uow.events.get(linked) if linked is not None else None
    if event is None or event.id is None:
        raise Refusal("unlinkgroup.not_linked")
    membership = ctx.uow.events.membership(event.id, ctx.person_id)
    organiser = membership is not None and membership.role is Role.ORGANISER
    if not (organiser or ctx.sender.group_admin):
        raise Refusal("unlinkgroup.not_allowed", name=event.name)
    ctx.uow.channels.unlink(ctx.chat.platform, ctx.chat.chat_id)
    ctx.raise_event(GroupUnlinked(event.id, ctx.chat.platform, ctx.person_id))
    ctx.reply("unlinkgroup.done", name=event.name)


@handles(GroupUnlinked)
def tell_the_organisers(unlinked: GroupUnlinked, effects: Effects) -> None:
    event = effects.uow.events.get(unlinked.event_id)
    if event is None:
        return
    for person_id in effects.uow.events.with_role(unlinked.event_id, Role.ORGANISER):
        if person_id != unlinked.by_person_id:
            effects.notify(
                person_id, "unlinkgroup.notice", name=event.name, platform=unlinked.platform
            )
