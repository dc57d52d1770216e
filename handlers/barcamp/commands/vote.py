"""/vote N [N…]: toggles votes within the per-person budget; all or nothing.

`/setvote N on|off` (hidden) sets one vote whatever it was before: what a 👍 on a
proposal and taking it away mean where people vote with reactions (Matrix).
"""

from __future__ import annotations

from collections.abc import Callable, Set
from typing import Literal

from handlers.barcamp.commands.sessions import budget_line
from handlers.barcamp.registration import command
from handlers.barcamp.rules.ballot import (
    BallotRefused,
    Toggled,
    refuse_repeats,
    set_choice,
    toggle,
)
from handlers.core.context import Context, Refusal
from storage.barcamp.camp_tables import Proposal, ProposalStatus

# The rule that decides a press: (votes in use, proposals asked for, budget) -> change.
BallotRule = Callable[[Set[int], list[int], int], Toggled]


@command("vote", event=True, private=True, refreshes="sessions")
def vote(ctx: Context, numbers: list[int]) -> None:
    change, proposals = change_ballot(ctx, numbers, toggle)
    answer_change(ctx, change, proposals)


@command("setvote", event=True, private=True, hidden=True)
def setvote(ctx: Context, number: int, choice: Literal["on", "off"]) -> None:
    wanted = choice == "on"

    def set_one(votes: Set[int], chosen: list[int], budget: int) -> Toggled:
        return set_choice(votes, chosen[0], wanted, budget)

    change, proposals = change_ballot(ctx, [number], set_one)
    if change.added or change.removed:
        answer_change(ctx, change, proposals)
        return
    # Already so (a second 👍, or one taken back twice): say how things stand.
    (proposal,) = proposals.values()
    state = _line(ctx, "vote.kept" if wanted else "vote.not_voted", proposal)
    ctx.reply_text(f"{state}\n{budget_line(ctx, ctx.require_event(), change.used)}")


def change_ballot(
    ctx: Context, numbers: list[int], rule: BallotRule
) -> tuple[Toggled, dict[int, Proposal]]:
    """Apply the rule to the person's ballot; the change and the proposals by id."""
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
        change = rule(mine, list(proposals), camp.vote_budget)
    except BallotRefused as refused:
        raise over_budget(ctx, refused) from None
    ctx.uow.votes.apply(event.id, ctx.person_id, change.added, change.removed, ctx.now())
    return change, proposals


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


def answer_change(ctx: Context, change: Toggled, proposals: dict[int, Proposal]) -> None:
    lines = [_line(ctx, "vote.added", proposals[pid]) for pid in change.added]
    lines += [_line(ctx, "vote.removed", proposals[pid]) for pid in change.removed]
    lines.append(budget_line(ctx, ctx.require_event(), change.used))
    ctx.reply_text("\n".join(lines))


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
