"""/linkcamp CODE, /unlinkcamp CODE: in a council, link a BarCamp to it (or undo that), so
the camp's people can be invited (/invitecamp) and next year's camp made (/nextcamp).

Linking takes someone who organises both. A camp belongs to one council at most.
"""

from __future__ import annotations

from handlers.core.context import Context, Refusal
from handlers.core.join_codes import normalise_code
from handlers.core.registry import ORGANISERS
from handlers.council.camp_invitations import invitees
from handlers.council.council_registration import command
from storage.core.shared_tables import Event, EventKind, Role


@command("linkcamp", roles=ORGANISERS)
def linkcamp(ctx: Context, code: str) -> None:
    council_id = ctx.event_id()
    camp = camp_by_code(ctx, code)
    assert camp.id is not None
    membership = ctx.uow.events.membership(camp.id, ctx.person_id)
    if membership is None or membership.role is not Role.ORGANISER:
        raise Refusal("linkcamp.not_organiser", camp=camp.name)
    linked = ctx.uow.event_links.council_of(camp.id)
    if linked == council_id:
        raise Refusal("linkcamp.already", camp=camp.name)
    if linked is not None:
        other = ctx.uow.events.get(linked)
        raise Refusal("linkcamp.taken", camp=camp.name, council=other.name if other else "?")
    ctx.uow.event_links.link(council_id, camp.id, ctx.now())
    waiting = len(invitees(ctx.uow, council_id))
    invite = ((ctx.button("linkcamp.invite_button", "invitecamp", count=waiting),),)
    ctx.reply(
        "linkcamp.done" if waiting else "linkcamp.done_nobody",
        camp=camp.name,
        buttons=invite if waiting else (),
    )


@command("unlinkcamp", roles=ORGANISERS)
def unlinkcamp(ctx: Context, code: str) -> None:
    camp = camp_by_code(ctx, code)
    assert camp.id is not None
    if not ctx.uow.event_links.unlink(ctx.event_id(), camp.id):
        raise Refusal("unlinkcamp.not_linked", camp=camp.name)
    ctx.reply("unlinkcamp.done", camp=camp.name)


def camp_by_code(ctx: Context, code: str) -> Event:
    """The BarCamp with this join code, or a refusal saying what the code is not."""
    event = ctx.uow.events.by_code(normalise_code(code))
    if event is None or event.id is None:
        raise Refusal("linkcamp.unknown", code=code[:16])
    if event.kind is not EventKind.BARCAMP:
        raise Refusal("linkcamp.not_camp", name=event.name)
    return event
