"""/merge N M: youth workers fold proposal N into session M; its proposer co-hosts M."""

from __future__ import annotations

from handlers.barcamp.agenda_loader import interested_people
from handlers.barcamp.camp_events import ProposalRef, ProposalsMerged
from handlers.barcamp.commands.plan import published
from handlers.barcamp.commands.vote import approved_proposal
from handlers.barcamp.registration import command
from handlers.barcamp.rules.ballot import merge_votes
from handlers.core.context import Context, Refusal
from handlers.core.registry import STAFF
from storage.barcamp.camp_tables import Proposal, ProposalStatus
from storage.core.shared_tables import Event

MERGEABLE = (ProposalStatus.SUBMITTED, ProposalStatus.APPROVED)


@command("merge", roles=STAFF)
def merge(ctx: Context, number: int, into: int) -> None:
    event = ctx.require_event()
    assert event.id is not None
    event_id = event.id
    if number == into:
        raise Refusal("merge.same")
    source = ctx.uow.proposals.by_number(event_id, number)
    if source is None or source.status not in MERGEABLE:
        raise Refusal("merge.unknown", number=number)
    target = approved_proposal(ctx, event_id, into)
    assert source.id is not None
    affected = _affected_by_published_change(ctx, event, source.id)
    _move_votes(ctx, event_id, source, target)
    for earlier in ctx.uow.proposals.in_event(event_id, ProposalStatus.MERGED):
        if earlier.merged_into_id == source.id:
            earlier.merged_into_id = target.id
    ctx.uow.grid.remove(source.id)
    source.status, source.merged_into_id = ProposalStatus.MERGED, target.id
    ctx.reply("merge.done", number=number, into=into, title=target.title)
    merged = ProposalsMerged(
        event_id,
        event.name,
        source=ProposalRef.of(source),
        target=ProposalRef.of(target),
        by=ctx.person_id,
        followers=affected,
    )
    ctx.raise_event(merged)


def _affected_by_published_change(ctx: Context, event: Event, session_id: int) -> frozenset[int]:
    """Voters and hosts of a session on the published agenda: it is about to move."""
    if not published(ctx, event) or ctx.uow.grid.of_proposal(session_id) is None:
        return frozenset()
    assert event.id is not None
    return frozenset(interested_people(ctx.uow, event.id).get(session_id, set()))


def _move_votes(ctx: Context, event_id: int, source: Proposal, target: Proposal) -> None:
    """Votes follow the session; whoever voted for both keeps one vote and gets one back."""
    assert source.id is not None
    assert target.id is not None
    voters = ctx.uow.grid.voters(event_id)
    merged = merge_votes(
        voters.get(source.id, set()),
        voters.get(target.id, set()),
        source.anonymous_votes,
        target.anonymous_votes,
    )
    for person_id in sorted(merged.removed_from_source):
        ctx.uow.votes.remove(source.id, person_id)
        if person_id in merged.added_to_target:
            ctx.uow.votes.add(target.id, person_id, ctx.now())
    target.anonymous_votes = merged.target_anonymous
    source.anonymous_votes = 0
