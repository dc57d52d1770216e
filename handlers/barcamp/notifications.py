"""Who hears of what happens in a BarCamp: the handlers of its domain events.

Each runs after the use case that raised the event, in its transaction (see
`handlers.core.message_bus`); texts go to each person in their own language. A
proposer who moderated or merged their own proposal is not told of it.
"""

from __future__ import annotations

from collections.abc import Iterable

from handlers.barcamp.agenda_chat_text import place_text
from handlers.barcamp.agenda_loader import build_agenda, interested_people
from handlers.barcamp.camp_events import (
    AgendaPublished,
    ProposalApproved,
    ProposalRejected,
    ProposalsMerged,
    SessionsMoved,
    VotingClosed,
    VotingOpened,
)
from handlers.core.message_bus import Effects, handles
from schedules.barcamp.agenda_model import Agenda, AgendaSession


@handles(ProposalApproved)
def tell_the_proposer_approved(event: ProposalApproved, effects: Effects) -> None:
    proposal = event.proposal
    if proposal.proposer_id is not None and proposal.proposer_id != event.by:
        effects.notify(
            proposal.proposer_id, "approve.notice", number=proposal.number, title=proposal.title
        )


@handles(ProposalRejected)
def tell_the_proposer_rejected(event: ProposalRejected, effects: Effects) -> None:
    proposal = event.proposal
    if proposal.proposer_id is not None and proposal.proposer_id != event.by:
        key = "reject.notice_reason" if event.reason else "reject.notice"
        effects.notify(proposal.proposer_id, key, title=proposal.title, reason=event.reason)


@handles(ProposalsMerged)
def tell_the_proposers_merged(event: ProposalsMerged, effects: Effects) -> None:
    source, target = event.source, event.target
    values = {"title": source.title, "number": target.number, "target": target.title}
    for person_id, key in (
        (source.proposer_id, "merge.notice"),
        (target.proposer_id, "merge.notice_target"),
    ):
        if person_id is not None and person_id != event.by:
            effects.notify(person_id, key, **values)


@handles(ProposalsMerged)
def tell_where_the_merged_session_is(event: ProposalsMerged, effects: Effects) -> None:
    """The merged session left the published agenda: where its people find it now (the
    target's place)."""
    people = event.followers - {event.by}
    if not people:
        return
    agenda = build_agenda(effects.uow, event.event_id, effects.config.default_language)
    session = next(s for s in agenda.sessions if s.id == event.target.id)  # approved: listed
    values = {"name": event.name, "title": event.source.title, "number": event.target.number}
    tell_new_place(
        effects,
        people,
        agenda,
        session,
        "merge.changed_notice",
        target=event.target.title,
        **values,
    )


@handles(VotingOpened)
def tell_the_members_voting_opened(event: VotingOpened, effects: Effects) -> None:
    effects.tell_members(
        event.event_id, "voting.opened_notice", name=event.name, budget=event.budget
    )


@handles(VotingClosed)
def tell_the_members_voting_closed(event: VotingClosed, effects: Effects) -> None:
    effects.tell_members(event.event_id, "voting.closed_notice", name=event.name)


@handles(AgendaPublished)
def tell_the_members_published(event: AgendaPublished, effects: Effects) -> None:
    effects.tell_members(event.event_id, "publish.notice", name=event.name)


@handles(SessionsMoved)
def tell_where_the_moved_sessions_are(event: SessionsMoved, effects: Effects) -> None:
    """Hosts and voters of every session that changed its place on the published agenda."""
    agenda = build_agenda(effects.uow, event.event_id, effects.config.default_language)
    interested = interested_people(effects.uow, event.event_id)
    changed = set(event.session_ids)
    for session in (s for s in agenda.sessions if s.id in changed):
        values = {"name": event.name, "number": session.number, "title": session.title}
        people = interested.get(session.id, set())
        tell_new_place(effects, people, agenda, session, "plan.changed_notice", **values)


def tell_new_place(
    effects: Effects,
    people: Iterable[int],
    agenda: Agenda,
    session: AgendaSession,
    key: str,
    **values: object,
) -> None:
    """Each person, in their language, where and when `session` runs now (`{place}`)."""
    for person, voice in effects.voices(people):
        effects.tell(person, voice.t(key, place=place_text(agenda, session, voice), **values))
