"""/meeting: the organisers' work on meetings.

    /meeting add [Title | 2027-01-12 17:00 [90] [| place] [| every 2 weeks until …]]
    /meeting move 3.2 2027-01-19 18:00     one occurrence (or a one-off meeting)
    /meeting cancel 3.2 [rest]             one occurrence, or it and the rest of the series
    /meeting reminders 24h 1h | off        when members are reminded
    /meeting 3.2                           who is coming

The grammar of a meeting line is in `handlers.council.meeting_input`; numbers are those
`/meetings` shows. Without the line, `/meeting add` asks step by step. The German words
`verschieben`, `absagen` and `erinnerungen` work as `move`, `cancel` and `reminders`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from handlers.core.context import Context
from handlers.core.dialogs import SoFar, Step, text_only
from handlers.core.event_time import local_now
from handlers.core.registry import ORGANISERS, Text
from handlers.core.validation import InputError, event_place
from handlers.council.council_registration import command, dialog
from handlers.council.meeting_input import (
    meeting_start,
    meeting_title,
    reminder_times,
    repetition_rule,
    split_line,
)
from handlers.council.meeting_planning import (
    MeetingInput,
    cancel_occurrence,
    move_occurrence,
    occurrence_by_label,
    schedule_meeting,
)
from handlers.council.meeting_reminders import plan_council_reminders
from handlers.council.meeting_texts import minutes_text, repeat_line, when_text

# Known before the first question: the council's time zone and wall-clock time now.
ZONE, NOW = "timezone", "now"
REST_WORDS = ("rest", "alle", "all")


def _when(text: str, so_far: SoFar) -> list[Any]:
    start, length = meeting_start(text, datetime.fromisoformat(so_far[NOW]))
    return [start.isoformat(), length]


def _repeat(text: str, so_far: SoFar) -> str | None:
    start = datetime.fromisoformat(so_far["when"][0])
    return repetition_rule(text, start, so_far[ZONE])


def _finish(ctx: Context, answers: dict[str, Any]) -> None:
    start, length = answers["when"]
    add(
        ctx,
        answers["title"],
        datetime.fromisoformat(start),
        length,
        answers["place"],
        answers["repeat"],
    )


MEETING = dialog(
    "meeting",
    steps=(
        Step("title", text_only(meeting_title), "meeting.ask_title"),
        Step("when", _when, "meeting.ask_when"),
        Step("place", text_only(event_place), "meeting.ask_place"),
        Step("repeat", _repeat, "meeting.ask_repeat"),
    ),
    finish=_finish,
)


@command("meeting", roles=ORGANISERS)
def meeting(ctx: Context, action: str | None, text: Text | None) -> None:
    action = (action or "").lower()
    if action == "add":
        _add_line(ctx, text)
    elif action in ("move", "verschieben") and text:
        _move(ctx, text)
    elif action in ("cancel", "absagen") and text:
        _cancel(ctx, text)
    elif action in ("reminders", "erinnerungen") and text:
        _reminders(ctx, text)
    elif action and not text:
        _attendance(ctx, action)
    else:
        ctx.reply("error.usage", usage=ctx.t("usage.meeting"))


def _now(ctx: Context) -> datetime:
    return local_now(ctx.require_event(), ctx.now())


def _add_line(ctx: Context, text: str | None) -> None:
    event = ctx.require_event()
    if not text:
        MEETING.start(ctx, {ZONE: event.timezone, NOW: _now(ctx).isoformat()})
        return
    line = split_line(text, _now(ctx))
    rule = repetition_rule(line.repeat, line.starts_at, event.timezone) if line.repeat else None
    add(ctx, line.title, line.starts_at, line.duration_minutes, line.place, rule)


def add(
    ctx: Context,
    title: str,
    start: datetime,
    length: int | None,
    place: str,
    rule: str | None,
) -> None:
    event = ctx.require_event()
    if start <= _now(ctx):  # the dialog checked it some messages ago
        raise InputError("meeting.past")
    minutes = length or ctx.uow.council_settings.of(ctx.event_id()).meeting_minutes
    meeting, scheduled = schedule_meeting(
        ctx.uow, ctx.event_id(), MeetingInput(title, start, minutes, place, rule), ctx.now()
    )
    ctx.raise_event(scheduled)
    ctx.reply(
        "meeting.added",
        number=meeting.number,
        title=meeting.title,
        when=when_text(ctx, meeting.starts_at),
        repeat=repeat_line(ctx, meeting, event.timezone),
    )


def _move(ctx: Context, text: str) -> None:
    event = ctx.require_event()
    label, _, when = text.partition(" ")
    found, occurrence = occurrence_by_label(ctx.uow, event, label)
    new_start, length = meeting_start(when, _now(ctx))
    if length is not None:
        raise InputError("meeting.move_format")
    ctx.raise_event(move_occurrence(ctx.uow, event, found, occurrence, new_start, ctx.now()))
    ctx.reply(
        "meeting.moved",
        label=occurrence.label,
        title=found.title,
        when=when_text(ctx, new_start),
    )


def _cancel(ctx: Context, text: str) -> None:
    event = ctx.require_event()
    label, *more = text.split()
    if len(more) > 1 or (more and more[0].lower() not in REST_WORDS):
        raise InputError("meeting.cancel_format")
    found, occurrence = occurrence_by_label(ctx.uow, event, label)
    rest_too = bool(more)
    ctx.raise_event(cancel_occurrence(ctx.uow, event, found, occurrence, ctx.now(), rest_too))
    key = "meeting.ended" if rest_too and occurrence.series else "meeting.cancelled"
    ctx.reply(key, label=occurrence.label, title=found.title)


def _reminders(ctx: Context, text: str) -> None:
    minutes = reminder_times(text)
    event = ctx.require_event()
    ctx.uow.council_settings.of(ctx.event_id()).reminder_minutes = minutes
    plan_council_reminders(ctx.uow, event, ctx.now())
    if not minutes:
        ctx.reply("meeting.reminders_off")
        return
    before = ", ".join(minutes_text(ctx, value) for value in minutes)
    ctx.reply("meeting.reminders_set", before=before)


def _attendance(ctx: Context, label: str) -> None:
    """Who answered the reminders of one occurrence: coming, not coming, not yet."""
    event = ctx.require_event()
    found, occurrence = occurrence_by_label(ctx.uow, event, label)
    assert found.id is not None
    answers = {a.person_id: a.coming for a in ctx.uow.meetings.answers(found.id, occurrence.index)}
    names: dict[bool, list[str]] = {True: [], False: []}
    open_count = 0
    for person in ctx.uow.events.members(ctx.event_id()):
        assert person.id is not None
        if person.id in answers:
            names[answers[person.id]].append(person.display_name or ctx.t("person.anonymous"))
        else:
            open_count += 1
    ctx.reply(
        "meeting.attendance",
        label=occurrence.label,
        title=found.title,
        when=when_text(ctx, occurrence.starts_at),
        coming=len(names[True]),
        coming_names=", ".join(names[True]) or "–",
        not_coming=len(names[False]),
        not_coming_names=", ".join(names[False]) or "–",
        open=open_count,
    )
