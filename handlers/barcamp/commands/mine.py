"""/mine: my proposals, my votes and (once published) my personal agenda."""

from __future__ import annotations

from typing import Literal

from handlers.barcamp.agenda_files import send_personal_calendar
from handlers.barcamp.commands.agenda import personal_agenda
from handlers.barcamp.commands.sessions import budget_line
from handlers.barcamp.registration import command
from handlers.core.context import Context
from storage.barcamp.camp_tables import ProposalStatus


@command("mine", event=True, private=True)
def mine(ctx: Context, variant: Literal["ics"] | None) -> None:
    event = ctx.require_event()
    assert event.id is not None
    if variant == "ics":
        send_personal_calendar(ctx, event)
        return
    lines = [ctx.t("mine.header", name=event.name)]
    own = ctx.uow.proposals.by_proposer(event.id, ctx.person_id)
    lines.append(ctx.t("mine.proposals"))
    lines += [
        ctx.t(
            "mine.proposal",
            number=p.number,
            title=p.title,
            status=ctx.t(f"status.{p.status.value}"),
        )
        for p in own
    ] or [ctx.t("mine.none")]
    voted_ids = ctx.uow.votes.of_person(event.id, ctx.person_id)
    voted = [
        p
        for p in ctx.uow.proposals.in_event(event.id, ProposalStatus.APPROVED)
        if p.id in voted_ids
    ]
    lines.append(ctx.t("mine.votes"))
    lines += [ctx.t("mine.vote", number=p.number, title=p.title) for p in voted] or [
        ctx.t("mine.none")
    ]
    lines.append(budget_line(ctx, event, len(voted_ids)))
    lines += personal_agenda(ctx, event)
    ctx.reply_text("\n".join(lines))
