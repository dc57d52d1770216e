"""/vote N [N…]: toggles votes within the per-person budget; all or nothing."""

from __future__ import annotations

from handlers.barcamp.commands.sessions import budget_line
from handlers.barcamp.registration import command
from handlers.barcamp.rules.ballot import BallotRefused, refuse_repeats, toggle
from handlers.core.context import Context, Refusal
from storage.barcamp.camp_tables import Proposal, ProposalStatus


@command("vote", event=True, private=True, refreshes="sessions")
def vote(ctx: Context, numbers: list[int]) -> None:
    event = ctx.require_event()
    assert event.id is not None
    camp = ctx.uow.camp_settings.of(event.id)
    if not camp.voting_open:
        raise Refusal("vote.closed")
    refuse_repeats(numbers)
    # Two quick presses must not both pass the budget check.
    ctx.uow.people.lock(ctx.person_id)
    proposals = {_id(p): p for p in (approved_proposal(ctx, event.id, n) for n in numbers)}
    mine = ctx.uow.votes.of_person(event.id, ctx.person_id)
    try:
        change = toggle(mine, list(proposals), camp.vote_budget)
    except BallotRefused as refused:
        raise over_budget(ctx, refused) from None
    ctx.uow.votes.apply(event.id, ctx.person_id, change.added, change.removed, ctx.now())
    lines = [_line(ctx, "vote.added", proposals[pid]) for pid in change.added]
    lines += [_line(ctx, "vote.removed", proposals[pid]) for pid in change.removed]
    lines.append(budget_line(ctx, event, change.used))
    ctx.reply_text("\n".join(lines))


def over_budget(ctx: Context, refused: BallotRefused) -> BallotRefused:
    """Over the budget, said so that it fits what the person did: pressed a button
    (take one back there), typed with no votes yet (fewer numbers) or with some."""
    if refused.key != "vote.over_budget":
        return refused
    if ctx.pressed:
        return BallotRefused("vote.over_budget_pressed", **refused.values)
    if refused.values["used"]:
        return BallotRefused("vote.over_budget_used", **refused.values)
    return refused


def _line(ctx: Context, key: str, proposal: Proposal) -> str:
    return ctx.t(key, number=proposal.number, title=proposal.title)


def _id(proposal: Proposal) -> int:
    assert proposal.id is not None
    return proposal.id


def approved_proposal(ctx: Context, event_id: int, number: int) -> Proposal:
    proposal = ctx.uow.proposals.by_number(event_id, number)
    if proposal is None or proposal.status != ProposalStatus.APPROVED:
        raise Refusal("vote.unknown", number=number)
    return proposal
