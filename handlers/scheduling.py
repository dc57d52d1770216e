"""Work due at a time: scheduled announcements, the voting deadline, session reminders.

Items live in the store (`ScheduledItem`); the bot's scheduler only decides *when* to
call `run_due`. Each item runs in its own transaction, which marks it done and queues
its messages together: after a crash either both happened or neither, so nothing is
sent twice. An item found later than the grace (`CoreConfig.grace`: the bot was down)
still does what it changes, such as closing the voting, but its messages are dropped
with a log line: "your session starts in 10 minutes" an hour late helps nobody.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from handlers.agenda import build_agenda, interested_people, local_now, moment_of
from handlers.agenda_text import session_line, sessions_in
from handlers.announcements import announce_to_event
from handlers.config import CoreConfig
from handlers.context import Context
from handlers.i18n import Catalogues
from handlers.notices import tell_members, tell_person, voice_of, voices
from handlers.validation import InputError, camp_date
from schedules.clock import Clock
from storage.models import Event, ScheduledItem, ScheduledKind
from storage.uow import UnitOfWork, UnitOfWorkFactory

log = logging.getLogger(__name__)

# Nobody plans a BarCamp announcement more than a year ahead; more is a typo.
HORIZON = timedelta(days=366)
VOTING_DEADLINE_KEY = "voting_close"
VOTE_REMINDER_KEY = "vote_reminder"

# "at 2027-06-13 14:00 rest" (or 13.06.2027, 14.00); anything else after "at <digit>" is
# a mistyped time rather than an announcement that happens to start with "at".
SCHEDULED_FORM = re.compile(r"at\s+\d", re.IGNORECASE)
AT_TIME = re.compile(
    r"at\s+(?P<day>\S+)\s+(?P<hour>\d{1,2})[:.](?P<minute>\d{2})(?:\s+(?P<rest>.*))?",
    re.IGNORECASE | re.DOTALL,
)


# -- when ----------------------------------------------------------------------------


def split_schedule(ctx: Context, text: str) -> tuple[datetime | None, str]:
    """`at 2027-06-13 14:00 rest` -> (the moment, "rest"); other text -> (None, text).

    The time is the event's wall-clock time; it must lie ahead, within a year.
    """
    if not SCHEDULED_FORM.match(text):
        return None, text
    match = AT_TIME.fullmatch(text.strip())
    if match is None:
        raise InputError("schedule.format")
    day = camp_date(match["day"])
    hour, minute = int(match["hour"]), int(match["minute"])
    if hour > 23 or minute > 59:
        raise InputError("schedule.format")
    due = moment_of(ctx.require_event(), datetime.combine(day, time(hour, minute)))
    if due <= ctx.now():
        raise InputError("schedule.past")
    if due > ctx.now() + HORIZON:
        raise InputError("schedule.far")
    return due, (match["rest"] or "").strip()


def local_text(event: Event, moment: datetime) -> str:
    """A moment as the event's wall-clock time, e.g. 2027-06-13 14:00."""
    return f"{local_now(event, moment):%Y-%m-%d %H:%M}"


def schedule_announcement(ctx: Context, due: datetime, message: str) -> None:
    """`/announce at …`: the same announcement as `/announce`, sent when it is due."""
    event = ctx.require_event()
    assert event.id is not None
    ctx.uow.schedule.put(
        event.id,
        ScheduledKind.ANNOUNCEMENT,
        due,
        ctx.now(),
        payload={"text": message},
        created_by=ctx.person_id,
    )
    ctx.reply("announce.scheduled", when=local_text(event, due))


def schedule_reminders(uow: UnitOfWork, event: Event, now: datetime) -> None:
    """One reminder per open slot still ahead; it finds its sessions when it is due."""
    assert event.id is not None
    for slot in uow.events.slots(event.id):
        starts = moment_of(event, slot.starts_at)
        key = f"reminder:{slot.id}"
        if slot.blocked or starts <= now or event.reminder_minutes == 0:
            uow.schedule.cancel(event.id, key)
            continue
        uow.schedule.put(
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
        uow.schedule.cancel(event.id, VOTE_REMINDER_KEY)
        return
    payload = {"deadline": local_text(event, deadline)}
    uow.schedule.put(
        event.id, ScheduledKind.VOTE_REMINDER, due, now, payload=payload, key=VOTE_REMINDER_KEY
    )


# -- running due work ------------------------------------------------------------------


@dataclass(frozen=True)
class Due:
    """One item being run, with what its work needs."""

    uow: UnitOfWork
    item: ScheduledItem
    event: Event
    now: datetime
    texts: Catalogues
    config: CoreConfig
    # False when the item came later than the grace: change state, send nothing.
    on_time: bool


def run_due(
    uow_factory: UnitOfWorkFactory, clock: Clock, texts: Catalogues, config: CoreConfig
) -> int:
    """Run every item whose time has come, each in its own transaction; how many ran."""
    with uow_factory() as uow:
        due = uow.schedule.due(clock.now())
    ran = 0
    for item_id in due:
        try:
            with uow_factory() as uow:
                ran += run_item(uow, item_id, clock, texts, config)
        except Exception:
            # Rolled back: the item stays pending and is tried again at the next run.
            log.exception("scheduled item %s failed", item_id)
    return ran


def run_item(
    uow: UnitOfWork, item_id: int, clock: Clock, texts: Catalogues, config: CoreConfig
) -> bool:
    """Do one item and mark it done in the caller's transaction; False if done already."""
    now = clock.now()
    item = uow.schedule.get(item_id)
    if item is None or item.done_at is not None:
        return False
    late = now - item.due_at > config.grace
    if not uow.schedule.claim(item_id, now, "late" if late else "done"):
        return False  # another process or an earlier attempt did it
    if late:
        log.warning(
            "scheduled %s %s was due %s, %s ago (grace %s): its messages are dropped",
            item.kind.value,
            item.id,
            item.due_at.isoformat(),
            now - item.due_at,
            config.grace,
        )
    event = uow.events.get(item.event_id)
    assert event is not None  # items go with their event (ON DELETE CASCADE)
    WORK[item.kind](Due(uow, item, event, now, texts, config, on_time=not late))
    return True


def _announce(due: Due) -> None:
    if due.on_time:
        announce_to_event(
            due.uow,
            due.item.event_id,
            str(due.item.payload["text"]),
            due.now,
            due.texts,
            due.config,
            batch=f"scheduled-{due.item.id}",
        )


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
    uow.session.add(event)
    uow.schedule.cancel(event.id, VOTING_DEADLINE_KEY)
    uow.schedule.cancel(event.id, VOTE_REMINDER_KEY)
    if tell:
        tell_members(uow, event.id, "voting.closed_notice", now, texts, config, name=event.name)


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


WORK: dict[ScheduledKind, Callable[[Due], None]] = {
    ScheduledKind.ANNOUNCEMENT: _announce,
    ScheduledKind.VOTING_CLOSE: _close_voting,
    ScheduledKind.REMINDER: _remind,
    ScheduledKind.VOTE_REMINDER: _remind_voters,
}
