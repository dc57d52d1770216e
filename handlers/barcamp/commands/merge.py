"""/merge N M: youth workers fold proposal N into session M; its proposer co-hosts M."""

from __future__ import annotations

from handlers.barcamp.agenda_loader import build_agenda, interested_people
from handlers.barcamp.commands.plan import published, tell_new_place
from handlers.barcamp.commands.vote import approved_proposal
from handlers.core.context import Context, Refusal
from handlers.core.registry import STAFF, command
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
    values = {"title": source.title, "number": into, "target": target.title}
    for person_id, key in (
        (source.proposer_id, "merge.notice"),
        (target.proposer_id, "merge.notice_target"),
    ):
        if person_id is not None and person_id != ctx.person_id:
            ctx.notify(person_id, key, **values)
    _tell_new_place(ctx, event, source, target, affected - {ctx.person_id})


def _affected_by_published_change(ctx: Context, event: Event, session_id: int) -> set[int]:
    """Voters and hosts of a session on the published agenda: it is about to move."""
    if not published(event) or ctx.uow.grid.of_proposal(session_id) is None:
        return set()
    assert event.id is not None
    return interested_people(ctx.uow, event.id).get(session_id, set())


def _tell_new_place(
    ctx: Context, event: Event, source: Proposal, target: Proposal, people: set[int]
) -> None:
    """The merged session left the agenda: where its people find it now (the target's place)."""
    if not people:
        return
    assert event.id is not None
    agenda = build_agenda(ctx.uow, event.id, ctx.language)
    session = next(s for s in agenda.sessions if s.id == target.id)  # approved, so listed
    values = {"name": event.name, "title": source.title, "number": target.number}
    tell_new_place(
        ctx, people, agenda, session, "merge.changed_notice", target=target.title, **values
    )


def _move_votes(ctx: Context, event_id: int, source: Proposal, target: Proposal) -> None:
    """Votes follow the session; whoever voted for both keeps one vote and gets one back."""
    assert source.id is not None
    assert target.id is not None
    voters = ctx.uow.grid.voters(event_id)
    for person_id in voters.get(source.id, set()):
        ctx.uow.votes.remove(source.id, person_id)
        if person_id not in voters.get(target.id, set()):
            ctx.uow.votes.add(target.id, person_id, ctx.now())
    target.anonymous_votes += source.anonymous_votes
    source.anonymous_votes = 0
