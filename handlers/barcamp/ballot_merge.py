"""What the BarCamp does when two accounts become one person (`/link`): their votes
become one ballot per camp, a session both voted for counting once and the budget
checked again; their proposals (and so the sessions they co-host) are the person's."""

from __future__ import annotations

from handlers.barcamp.rules.ballot import merge_ballots
from handlers.core.core_events import PeopleMerged
from handlers.core.message_bus import Effects, handles


@handles(PeopleMerged)
def merge_votes_and_proposals(event: PeopleMerged, effects: Effects) -> None:
    uow = effects.uow
    kept_votes = uow.votes.cast_by(event.kept)
    for event_id, gone_votes in sorted(uow.votes.cast_by(event.gone).items()):
        mine = kept_votes.get(event_id, {})
        budget = uow.camp_settings.of(event_id).vote_budget
        merged = merge_ballots(mine, gone_votes, budget)
        for proposal_id in gone_votes:
            uow.votes.remove(proposal_id, event.gone)
        for proposal_id in sorted(merged.votes - mine.keys()):
            uow.votes.add(proposal_id, event.kept, gone_votes[proposal_id])
        for proposal_id in sorted(mine.keys() - merged.votes):
            uow.votes.remove(proposal_id, event.kept)
        if merged.given_back:
            _tell_what_gave(effects, event.kept, event_id, merged.given_back, budget)
    uow.proposals.move_author(event.gone, event.kept)


def _tell_what_gave(
    effects: Effects, person_id: int, event_id: int, given_back: tuple[int, ...], budget: int
) -> None:
    camp = effects.uow.events.get(event_id)
    proposals = [effects.uow.proposals.get(proposal_id) for proposal_id in given_back]
    titles = ", ".join(f"{p.number}. {p.title}" for p in proposals if p is not None)
    effects.notify_actor(
        person_id,
        "link.votes_given_back",
        count=len(given_back),
        budget=budget,
        name=camp.name if camp is not None else "",
        sessions=titles,
    )
