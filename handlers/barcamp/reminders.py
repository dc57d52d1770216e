"""The BarCamp's timed work: the voting deadline, the vote reminder and session reminders.

See `handlers.core.timed_work` for how items run exactly once."""

from __future__ import annotations

from datetime import datetime, timedelta

from handlers.barcamp.agenda_chat_text import session_line, sessions_in
from handlers.barcamp.agenda_loader import build_agenda, interested_people
from handlers.core.config import CoreConfig
from handlers.core.event_time import moment_of
from handlers.core.i18n import Catalogues
from handlers.core.notices import tell_members, tell_person, voice_of, voices
from handlers.core.timed_work import Due, local_text, timed_work
from storage.core.shared_tables import Event, ScheduledKind
from storage.uow import UnitOfWork

VOTING_DEADLINE_KEY = "voting_close"


VOTE_REMINDER_KEY = "vote_reminder"


def schedule_reminders(uow: UnitOfWork, event: Event, now: datetime) -> None:
    """One reminder per open slot still ahead; it finds its sessions when it is due."""
    assert event.id is not None
    for slot in uow.grid.slots(event.id):
        starts = moment_of(event, slot.starts_at)
        key = f"reminder:{slot.id}"
        if slot.blocked or starts <= now or event.reminder_minutes == 0:
            uow.timed_items.cancel(event.id, key)
            continue
        uow.timed_items.put(
            event.id,
            ScheduledKind.REMINDER,
            starts - timedelta(minutes=event.reminder_minutes),
            now,
            payload={"slot_id": slot.id},
            key=key,
        )


def schedule_vote_reminder(
    uow: UnitOfWork, event: Event, deadline: datetime, now: datetime
) -> None:
    """Before the deadline, a nudge to members who have not voted yet (if it lies ahead)."""
    assert event.id is not None
    due = deadline - timedelta(minutes=event.vote_reminder_minutes)
    if event.vote_reminder_minutes == 0 or due <= now:
        uow.timed_items.cancel(event.id, VOTE_REMINDER_KEY)
        return
    payload = {"deadline": local_text(event, deadline)}
    uow.timed_items.put(
        event.id, ScheduledKind.VOTE_REMINDER, due, now, payload=payload, key=VOTE_REMINDER_KEY
    )


@timed_work(ScheduledKind.VOTING_CLOSE)
def _close_voting(due: Due) -> None:
    close_voting(due.uow, due.event, due.now, due.texts, due.config, tell=due.on_time)


def close_voting(
    uow: UnitOfWork,
    event: Event,
    now: datetime,
    texts: Catalogues,
    config: CoreConfig,
    *,
    tell: bool = True,
) -> None:
    """Close the voting (by hand or at the deadline) and tell every member."""
    assert event.id is not None
    event.voting_open = False
    uow.timed_items.cancel(event.id, VOTING_DEADLINE_KEY)
    uow.timed_items.cancel(event.id, VOTE_REMINDER_KEY)
    if tell:
        tell_members(uow, event.id, "voting.closed_notice", now, texts, config, name=event.name)


@timed_work(ScheduledKind.REMINDER)
def _remind(due: Due) -> None:
    """Everyone who hosts or voted for a session in the slot, unless they said /remind off."""
    if not due.on_time or due.event.agenda_published_at is None:
        return
    assert due.event.id is not None
    agenda = build_agenda(due.uow, due.event.id, due.config.default_language)
    sessions = sessions_in(agenda, int(due.item.payload["slot_id"]))
    interested = interested_people(due.uow, due.event.id)
    people = {person for session in sessions for person in interested.get(session.id, set())}
    minutes = due.event.reminder_minutes
    for person, voice in voices(due.uow, people, due.texts, due.config):
        if not person.remind:
            continue
        own = [s for s in sessions if person.id in interested.get(s.id, set())]
        lines = [voice.t("remind.soon", minutes=minutes)]
        lines += [session_line(agenda, session, voice) for session in own]
        lines.append(voice.t("remind.off_hint"))
        tell_person(due.uow, person, "\n".join(lines), due.now)


@timed_work(ScheduledKind.VOTE_REMINDER)
def _remind_voters(due: Due) -> None:
    """Members of an open voting who have not used a single vote yet."""
    event = due.event
    if not due.on_time or not event.voting_open:
        return
    assert event.id is not None
    for person in due.uow.events.members(event.id):
        assert person.id is not None
        if due.uow.votes.of_person(event.id, person.id):
            continue
        text = voice_of(person, due.texts, due.config).t(
            "voting.reminder_notice", name=event.name, deadline=due.item.payload["deadline"]
        )
        tell_person(due.uow, person, text, due.now)
