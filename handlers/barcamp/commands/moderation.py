"""/queue, /approve N, /reject N [reason]: youth workers and organisers moderate proposals."""

from __future__ import annotations

from handlers.barcamp.camp_events import ProposalApproved, ProposalRef, ProposalRejected
from handlers.barcamp.registration import command
from handlers.core.context import Context, Refusal
from handlers.core.messages import Button
from handlers.core.registry import STAFF, Text
from handlers.core.validation import clean_text, plain
from storage.barcamp.camp_tables import Proposal, ProposalStatus

REASON_MAX = 300


@command("queue", roles=STAFF, private=True)
def queue(ctx: Context) -> None:
    waiting = ctx.uow.proposals.in_event(ctx.event_id(), ProposalStatus.SUBMITTED)
    if not waiting:
        ctx.reply("queue.empty")
        return
    for proposal in waiting:
        buttons = (
            Button(ctx.t("queue.approve_button"), f"approve {proposal.number}"),
            Button(ctx.t("queue.reject_button"), f"reject {proposal.number}"),
        )
        ctx.reply(
            "queue.item",
            number=proposal.number,
            title=proposal.title,
            description=proposal.description or "–",
            buttons=(buttons,),
        )


@command("approve", roles=STAFF)
def approve(ctx: Context, number: int) -> None:
    proposal = _waiting(ctx, number)
    proposal.status = ProposalStatus.APPROVED
    ctx.reply("approve.done", number=number, title=proposal.title)
    ctx.raise_event(ProposalApproved(proposal.event_id, ProposalRef.of(proposal), ctx.person_id))


@command("reject", roles=STAFF)
def reject(ctx: Context, number: int, reason: Text | None) -> None:
    proposal = _waiting(ctx, number)
    why = plain(clean_text(reason or ""))[:REASON_MAX]
    proposal.status = ProposalStatus.REJECTED
    ctx.reply("reject.done", number=number, title=proposal.title)
    rejected = ProposalRef.of(proposal)
    ctx.raise_event(ProposalRejected(proposal.event_id, rejected, ctx.person_id, reason=why))


def _waiting(ctx: Context, number: int) -> Proposal:
    proposal = ctx.uow.proposals.by_number(ctx.event_id(), number)
    if proposal is None:
        raise Refusal("moderation.unknown", number=number)
    if proposal.status != ProposalStatus.SUBMITTED:
        status = ctx.t(f"status.{proposal.status.value}")
        raise Refusal("moderation.not_waiting", number=number, status=status)
    return proposal
