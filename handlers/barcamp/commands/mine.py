"""/mine: my proposals, my votes and (once published) my personal agenda; `/mine ics` as a
file, `/mine link [new]` as a calendar subscription."""

from __future__ import annotations

from typing import Literal

from handlers.barcamp.agenda_files import send_personal_calendar
from handlers.barcamp.board_links import new_token, personal_calendar_url, webcal
from handlers.barcamp.camp_config import CampConfig
from handlers.barcamp.commands.agenda import personal_agenda
from handlers.barcamp.commands.sessions import budget_line
from handlers.barcamp.registration import command
from handlers.core.context import Context, Refusal
from storage.barcamp.camp_tables import ProposalStatus
from storage.core.shared_tables import Event


@command("mine", event=True, private=True)
def mine(
    ctx: Context, variant: Literal["ics", "link"] | None, renew: Literal["new"] | None
) -> None:
    event = ctx.require_event()
    assert event.id is not None
    if variant == "ics":
        send_personal_calendar(ctx, event)
        return
    if variant == "link":
        send_calendar_link(ctx, event, renew=renew is not None)
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


def send_calendar_link(ctx: Context, event: Event, *, renew: bool) -> None:
    """My programme as a subscription: one unguessable link per person and camp; `new`
    revokes it and makes another (a link that was passed on stops working)."""
    assert event.id is not None
    base_url = ctx.domain_config(CampConfig).web_base_url
    if not base_url:
        raise Refusal("board.not_served")
    link = ctx.uow.board.link_of(event.id, ctx.person_id)
    if link is None or renew:
        link = ctx.uow.board.set_link(event.id, ctx.person_id, new_token(), ctx.now())
    url = personal_calendar_url(base_url, link.token)
    ctx.reply("mine.link_new" if renew else "mine.link", url=url, webcal=webcal(url))
