"""/vote N [N…]: toggles votes within the per-person budget; all or nothing."""

from __future__ import annotations

from handlers.barcamp.commands.sessions import budget_line
from handlers.barcamp.registration import command
from handlers.core.context import Context, Refusal
from storage.barcamp.camp_tables import Proposal, ProposalStatus


@command("vote", event=True, private=True, refreshes="sessions")
def vote(ctx: Context, numbers: list[int]) -> None:
    event = ctx.require_event()
    assert event.id is not None
    camp = ctx.uow.camp_settings.of(event.id)
    if not camp.voting_open:
        raise Refusal("vote.closed")
    if len(set(numbers)) != len(numbers):
        raise Refusal("vote.duplicate")
    # Two quick presses must not both pass the budget check.
    ctx.uow.people.lock(ctx.person_id)
    proposals = [approved_proposal(ctx, event.id, number) for number in numbers]
    mine = ctx.uow.votes.of_person(event.id, ctx.person_id)
    added = [p for p in proposals if p.id not in mine]
    removed = [p for p in proposals if p.id in mine]
    used = len(mine) + len(added) - len(removed)
    if used > camp.vote_budget:
        raise Refusal("vote.over_budget", budget=camp.vote_budget, used=len(mine))
    for proposal in added:
        assert proposal.id is not None
        ctx.uow.votes.add(proposal.id, ctx.person_id, ctx.now())
    for proposal in removed:
        assert proposal.id is not None
        ctx.uow.votes.remove(proposal.id, ctx.person_id)
    lines = [ctx.t("vote.added", number=p.number, title=p.title) for p in added]
    lines += [ctx.t("vote.removed", number=p.number, title=p.title) for p in removed]
    lines.append(budget_line(ctx, event, used))
    ctx.reply_text("\n".join(lines))


def approved_proposal(ctx: Context, event_id: int, number: int) -> Proposal:
    proposal = ctx.uow.proposals.by_number(event_id, number)
    if proposal is None or proposal.status != ProposalStatus.APPROVED:
        raise Refusal("vote.unknown", number=number)
    return proposal
