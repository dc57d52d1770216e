"""Members hear of every new meeting and every change, each with the calendar invite.

The invite is the meeting's iCalendar (`schedules.council.meeting_calendar`): the same
UID each time and a higher SEQUENCE after a change, so a calendar app that took the
first invite updates its entry. Scheduling or changing a meeting also plans its
reminders anew (`handlers.council.meeting_reminders`).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from handlers.core.i18n import Voice
from handlers.core.message_bus import Effects, handles
from handlers.core.messages import Attachment, Reply
from handlers.core.notices import voice_of
from handlers.core.outbox_replies import PRIORITY_ANNOUNCEMENT, enqueue_for_person
from handlers.council.council_events import (
    MeetingScheduled,
    OccurrenceCancelled,
    OccurrenceMoved,
)
from handlers.council.meeting_planning import calendar_of
from handlers.council.meeting_reminders import plan_reminders
from handlers.council.meeting_texts import place_text, repeat_line, when_text
from schedules.council.meeting_calendar import MEDIA_TYPE, render_calendar
from storage.core.shared_tables import Event
from storage.council.council_tables import Meeting
from storage.uow import UnitOfWork

Wording = Mapping[str, object]


def invite(uow: UnitOfWork, council: Event, meeting: Meeting, now: datetime) -> Attachment:
    """The meeting (with its changed occurrences) as a calendar file to import."""
    content = render_calendar(calendar_of(uow, council, [meeting]), now)
    return Attachment(f"meeting-{meeting.number}.ics", MEDIA_TYPE, content)


def _tell_members(
    effects: Effects, event_id: int, meeting_id: int, key: str, values: Wording
) -> None:
    """Plan the reminders anew; one message per member in their language, the invite
    attached."""
    uow = effects.uow
    council, meeting = uow.events.get(event_id), uow.meetings.get(meeting_id)
    if council is None or meeting is None:
        return
    plan_reminders(uow, council, meeting, effects.now)
    if not effects.sends:
        return
    attachment = invite(uow, council, meeting, effects.now)
    batch = f"meeting-{meeting_id}-{meeting.sequence}"
    for person in uow.events.members(event_id):
        assert person.id is not None
        voice = voice_of(person, effects.texts, effects.config)
        text = voice.t(key, **_worded(voice, council, meeting, values))
        reply = Reply(text, document=attachment)
        enqueue_for_person(uow, person.id, reply, effects.now, PRIORITY_ANNOUNCEMENT, batch)


def _worded(voice: Voice, council: Event, meeting: Meeting, values: Wording) -> Wording:
    """The values in the reader's words: times as their dates, the repetition spelled out."""
    worded: dict[str, object] = {"title": meeting.title, "council": council.name}
    for name, value in values.items():
        worded[name] = (
            when_text(voice, datetime.fromisoformat(str(value))) if name in TIMES else value
        )
    worded["place"] = place_text(voice, meeting.place)
    worded["repeat"] = repeat_line(voice, meeting, council.timezone)
    return worded


TIMES = {"when", "previous", "new"}


@handles(MeetingScheduled)
def invite_members(event: MeetingScheduled, effects: Effects) -> None:
    meeting = effects.uow.meetings.get(event.meeting_id)
    if meeting is not None:
        values = {"when": meeting.starts_at.isoformat()}
        _tell_members(effects, event.event_id, event.meeting_id, "meeting.scheduled_notice", values)


@handles(OccurrenceMoved)
def tell_of_move(event: OccurrenceMoved, effects: Effects) -> None:
    values = {"previous": event.previous_start, "new": event.new_start}
    _tell_members(effects, event.event_id, event.meeting_id, "meeting.moved_notice", values)


@handles(OccurrenceCancelled)
def tell_of_cancellation(event: OccurrenceCancelled, effects: Effects) -> None:
    key = "meeting.ended_notice" if event.rest else "meeting.cancelled_notice"
    _tell_members(effects, event.event_id, event.meeting_id, key, {"when": event.start})
