"""Reminders before each meeting, with "I'm coming" / "I can't" buttons.

Each occurrence still ahead gets one stored item per reminder time of the council
(`CouncilSettings.reminder_minutes`, default 24 hours and 1 hour), keyed by meeting,
occurrence and minutes: planning again after a change moves, adds or drops exactly the
items that differ. The items run as all timed work does (`handlers.core.timed_work`):
exactly once, across restarts and processes. A reminder goes to each member who has
reminders on (`/remind`); their answer is stored for that occurrence (`/attend`).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from handlers.core.event_time import moment_of
from handlers.core.messages import Button, Reply
from handlers.core.notices import voice_of
from handlers.core.outbox_replies import PRIORITY_NOTICE, enqueue_for_person
from handlers.core.timed_work import Due, timed_work
from handlers.council.meeting_planning import occurrences
from handlers.council.meeting_texts import minutes_text, place_text, when_text
from schedules.council.occurrences import find
from storage.core.shared_tables import Event, ScheduledKind
from storage.council.council_tables import Meeting
from storage.uow import UnitOfWork


def reminders_prefix(meeting_id: int) -> str:
    return f"meeting:{meeting_id}:"


def reminder_key(meeting_id: int, occurrence: int, minutes: int) -> str:
    return f"{reminders_prefix(meeting_id)}{occurrence}:{minutes}"


def plan_reminders(uow: UnitOfWork, event: Event, meeting: Meeting, now: datetime) -> None:
    """The meeting's reminders as they should be now: still-ahead ones, none cancelled."""
    assert event.id is not None
    assert meeting.id is not None
    minutes = uow.council_settings.of(event.id).reminder_minutes
    wanted: dict[str, tuple[datetime, dict[str, Any]]] = {}
    for occurrence in occurrences(uow, event, meeting):
        if occurrence.cancelled:
            continue
        starts = moment_of(event, occurrence.starts_at)
        for before in minutes:
            due = starts - timedelta(minutes=before)
            if due > now:
                key = reminder_key(meeting.id, occurrence.index, before)
                payload = {"meeting_id": meeting.id, "occurrence": occurrence.index}
                wanted[key] = (due, {**payload, "minutes": before})
    prefix = reminders_prefix(meeting.id)
    for item in uow.timed_items.pending(event.id):
        if item.key and item.key.startswith(prefix) and item.key not in wanted:
            uow.timed_items.cancel(event.id, item.key)
    for key, (due, payload) in wanted.items():
        uow.timed_items.put(
            event.id, ScheduledKind.MEETING_ALERT, due, now, payload=payload, key=key
        )


def plan_council_reminders(uow: UnitOfWork, event: Event, now: datetime) -> None:
    """Every meeting's reminders, after the council's reminder times changed."""
    assert event.id is not None
    for meeting in uow.meetings.of_event(event.id):
        plan_reminders(uow, event, meeting, now)


@timed_work(ScheduledKind.MEETING_ALERT)
def _remind(due: Due) -> None:
    """Members with reminders on, unless the meeting was cancelled meanwhile."""
    meeting = due.uow.meetings.get(int(due.item.payload["meeting_id"]))
    if not due.on_time or meeting is None or meeting.event_id != due.event.id:
        return
    occurrence = find(occurrences(due.uow, due.event, meeting), int(due.item.payload["occurrence"]))
    if occurrence is None or occurrence.cancelled:
        return
    answer = f"attend {meeting.id} {occurrence.index}"
    for person in due.uow.events.members(meeting.event_id):
        if not person.remind:
            continue
        assert person.id is not None
        voice = voice_of(person, due.texts, due.config)
        text = voice.t(
            "meeting.reminder",
            left=minutes_text(voice, int(due.item.payload["minutes"])),
            title=occurrence.title,
            when=when_text(voice, occurrence.starts_at),
            place=place_text(voice, occurrence.place),
            council=due.event.name,
        )
        buttons = (
            (
                Button(voice.t("meeting.button_coming"), f"{answer} yes"),
                Button(voice.t("meeting.button_not_coming"), f"{answer} no"),
            ),
        )
        reply = Reply(text, buttons=buttons)
        enqueue_for_person(due.uow, person.id, reply, due.now, PRIORITY_NOTICE)
