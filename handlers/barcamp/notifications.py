"""Who hears of what happens in a BarCamp: the handlers of its domain events.

Each runs after the use case that raised the event, in its transaction (see
`handlers.core.message_bus`); texts go to each person in their own language. A
proposer who moderated or merged their own proposal is not told of it. Proposals that
wait for moderation are told to the event's staff in batches (`QUEUE_NOTICE_WINDOW`).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta

from handlers.barcamp.agenda_chat_text import place_text
from handlers.barcamp.agenda_loader import build_agenda, interested_people
from handlers.barcamp.camp_events import (
    AgendaPublished,
    ProposalApproved,
    ProposalRejected,
    ProposalsMerged,
    ProposalSubmitted,
    SessionsMoved,
    VotingClosed,
    VotingOpened,
)
from handlers.core.message_bus import Effects, handles
from handlers.core.messages import Button, Reply
from handlers.core.notices import voices
from handlers.core.outbox_replies import PRIORITY_NOTICE, enqueue_for_person
from handlers.core.registry import STAFF
from handlers.core.timed_work import Due, timed_work
from schedules.barcamp.agenda_model import Agenda, AgendaSession
from storage.barcamp.camp_tables import ProposalStatus
from storage.core.shared_tables import ScheduledKind

# Staff hear of waiting proposals once per window: the first one that waits starts it,
# those that follow within it are in the same notice (its count is taken when it goes).
QUEUE_NOTICE_WINDOW = timedelta(minutes=15)
QUEUE_NOTICE_KEY = "queue_notice"


@handles(ProposalSubmitted)
def schedule_the_queue_notice(event: ProposalSubmitted, effects: Effects) -> None:
    """A notice at the end of the window, unless one is pending already (it counts this)."""
    pending = effects.uow.timed_items.pending(event.event_id)
    if any(item.key == QUEUE_NOTICE_KEY for item in pending):
        return
    effects.uow.timed_items.put(
        event.event_id,
        ScheduledKind.QUEUE_NOTICE,
        effects.now + QUEUE_NOTICE_WINDOW,
        effects.now,
        key=QUEUE_NOTICE_KEY,
    )


@timed_work(ScheduledKind.QUEUE_NOTICE)
def tell_the_staff_what_waits(due: Due) -> None:
    """Each youth worker and organiser: how many proposals wait, not counting their own."""
    if not due.on_time:
        return  # the grace rule: the queue itself still shows them
    event_id = due.item.event_id
    waiting = due.uow.proposals.in_event(event_id, ProposalStatus.SUBMITTED)
    staff = due.uow.events.with_role(event_id, *STAFF)
    for person, voice in voices(due.uow, staff, due.texts, due.config):
        count = sum(1 for proposal in waiting if proposal.proposer_id != person.id)
        if count == 0:
            continue
        text = voice.t("queue.notice", name=due.event.name, count=count)
        button = Button(voice.t("queue.notice_button"), "queue")
        reply = Reply(text, buttons=((button,),))
        assert person.id is not None
        enqueue_for_person(due.uow, person.id, reply, due.now, PRIORITY_NOTICE)


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
