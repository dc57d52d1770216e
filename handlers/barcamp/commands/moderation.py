"""/queue, /approve N, /reject N [reason]: youth workers and organisers moderate proposals."""

from __future__ import annotations

from typing import Any

from handlers.barcamp.camp_events import ProposalApproved, ProposalRef, ProposalRejected
from handlers.barcamp.registration import command, dialog
from handlers.core.context import Context, Refusal
from handlers.core.dialogs import Buttons, SoFar, Step, text_only
from handlers.core.messages import Button
from handlers.core.registry import STAFF, Text
from handlers.core.validation import clean_text, plain
from storage.barcamp.camp_tables import Proposal, ProposalStatus

REASON_MAX = 300


def rejection_reason(text: str) -> str:
    return plain(clean_text(text))[:REASON_MAX]


def _without_a_reason(ctx: Context, so_far: SoFar) -> Buttons:
    """Answers the question with `/reject N`, which ends the dialog."""
    return ((Button(ctx.t("reject.without_reason_button"), f"reject {so_far['number']}"),),)


# The queue's reject button asks for a reason first; the proposer reads it.
REJECT_REASON = dialog(
    "rejectreason",
    steps=(
        Step(
            "reason",
            text_only(rejection_reason),
            "reject.ask_reason",
            values=lambda so_far: {"number": so_far["number"], "title": so_far["title"]},
            buttons=_without_a_reason,
        ),
    ),
    finish=lambda ctx, answers: _reject_with_the_answer(ctx, answers),
)


@command("queue", roles=STAFF, private=True)
def queue(ctx: Context) -> None:
    waiting = ctx.uow.proposals.in_event(ctx.event_id(), ProposalStatus.SUBMITTED)
    if not waiting:
        ctx.reply("queue.empty")
        return
    for proposal in waiting:
        buttons = (
            Button(ctx.t("queue.approve_button"), f"approve {proposal.number}"),
            Button(ctx.t("queue.reject_button"), f"rejectreason {proposal.number}"),
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
    # Typed, or the "without a reason" button: a question for this one's reason is answered.
    state = ctx.uow.dialogs.get(ctx.person_id)
    if state is not None and (state.name, state.data.get("number")) == (REJECT_REASON.name, number):
        ctx.uow.dialogs.clear(ctx.person_id)
    _reject(ctx, number, rejection_reason(reason or ""))


@command("rejectreason", roles=STAFF, hidden=True, private=True)
def ask_for_the_reason(ctx: Context, number: int) -> None:
    """The queue's reject button: rejected once the reason (or none) comes."""
    proposal = _waiting(ctx, number)
    REJECT_REASON.start(ctx, {"number": number, "title": proposal.title})


def _reject_with_the_answer(ctx: Context, answers: dict[str, Any]) -> None:
    try:
        _reject(ctx, int(answers["number"]), str(answers["reason"]))
    except Refusal as refusal:
        # Moderated by someone else meanwhile: said so, and the dialog is over.
        ctx.reply_text(ctx.t(refusal.key, **refusal.values))


def _reject(ctx: Context, number: int, why: str) -> None:
    proposal = _waiting(ctx, number)
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
