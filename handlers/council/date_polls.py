"""Meeting-date polls: creating one, answering, closing with a proposal, confirming it.

A date poll is a core `Poll` (numbered per event, so `/closepoll N` finds it: the council
registers the kind below) with a `DatePoll` row beside it. Every member gets it as a
message of their own with buttons per date; answers change until it closes. Closing, at
the deadline or by hand, proposes a date by the rule in `date_choice`, and the team is
asked to confirm it or pick another; confirming stores the meeting and raises
`MeetingScheduled`, off which the members are told.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from handlers.core.config import CoreConfig
from handlers.core.context import Context, Refusal
from handlers.core.event_time import moment_of
from handlers.core.i18n import Catalogues, Texts
from handlers.core.message_bus import Effects, handles
from handlers.core.messages import Button, Reply
from handlers.core.notices import voice_of, voices
from handlers.core.outbox_replies import PRIORITY_ANNOUNCEMENT, PRIORITY_NOTICE, enqueue_for_person
from handlers.core.quick_polls import PollKind, create_poll, poll_kind
from handlers.core.timed_work import Due, timed_work
from handlers.council.council_events import DatePollClosed
from handlers.council.date_choice import best_date, reminder_due
from handlers.council.date_poll_input import STORED, DatePollInput
from handlers.council.date_poll_view import DatePollState, load_state, poll_view, when_text
from handlers.council.meeting_planning import MeetingInput, schedule_meeting
from storage.core.shared_tables import Event, Poll, ScheduledKind
from storage.council.date_poll_tables import DateAnswerKind, DatePoll
from storage.uow import UnitOfWork


def create_date_poll(ctx: Context, new: DatePollInput) -> DatePollState:
    """Store the poll and its timed work, and send it to every member."""
    event = ctx.require_event()
    assert event.id is not None
    dates = [when.strftime(STORED) for when in new.options]
    poll, _ = create_poll(ctx.uow, event.id, new.title, dates, ctx.person_id, ctx.now())
    assert poll.id is not None
    deadline = moment_of(event, new.deadline) if new.deadline is not None else None
    ctx.uow.date_polls.add(
        DatePoll(
            poll_id=poll.id,
            event_id=event.id,
            duration_minutes=new.duration_minutes,
            deadline=deadline,
        )
    )
    poll.secret = False  # the team sees who answered what
    if deadline is not None:
        _schedule(ctx.uow, event, poll.id, deadline, ctx.now())
    state = load_state(ctx.uow, poll)
    assert state is not None
    for person, voice in voices(ctx.uow, state.members, ctx.catalogues, ctx.config):
        if person.id == ctx.person_id:
            continue
        view = poll_view(ctx.uow, voice, state, _id(person.id))
        enqueue_for_person(
            ctx.uow, _id(person.id), view, ctx.now(), PRIORITY_ANNOUNCEMENT, f"datepoll-{poll.id}"
        )
    return state


def _schedule(
    uow: UnitOfWork, event: Event, poll_id: int, deadline: datetime, now: datetime
) -> None:
    assert event.id is not None
    payload = {"poll_id": poll_id}
    uow.timed_items.put(
        event.id, ScheduledKind.DATE_CLOSE, deadline, now, payload=payload, key=_close_key(poll_id)
    )
    remind = reminder_due(now, deadline)
    if remind is not None:
        uow.timed_items.put(
            event.id,
            ScheduledKind.DATE_REMINDER,
            remind,
            now,
            payload=payload,
            key=_reminder_key(poll_id),
        )


def _close_key(poll_id: int) -> str:
    return f"datepoll-close:{poll_id}"


def _reminder_key(poll_id: int) -> str:
    return f"datepoll-remind:{poll_id}"


def date_poll_of(ctx: Context, number: int) -> DatePollState:
    """Date poll `number` of the active council, or a refusal (a quick poll is none)."""
    poll = ctx.uow.polls.by_number(ctx.event_id(), number)
    state = load_state(ctx.uow, poll) if poll is not None else None
    if state is None:
        raise Refusal("datepoll.unknown", number=number)
    return state


def record_date_answer(
    ctx: Context, state: DatePollState, position: int, answer: DateAnswerKind
) -> str:
    """A member's answer to date `position` (from 1); the date as text for the reply."""
    if state.poll.closed:
        raise Refusal("datepoll.closed_already", number=state.poll.number)
    if not 1 <= position <= len(state.options):
        raise Refusal("datepoll.no_such_date", count=len(state.options))
    option = state.options[position - 1]
    assert state.poll.id is not None
    assert option.id is not None
    ctx.uow.date_polls.answer(state.poll.id, option.id, ctx.person_id, answer, ctx.now())
    return when_text(ctx, state.dates[position - 1])


def close_date_poll(uow: UnitOfWork, state: DatePollState) -> DatePollClosed:
    """Close the poll and store the date the rule proposes; the caller raises the event."""
    poll, event = state.poll, state.event
    assert poll.id is not None
    assert event.id is not None
    poll.closed = True
    best = best_date(state.tallies(), state.needed)
    state.settings.proposed_option_id = state.options[best].id if best is not None else None
    uow.timed_items.cancel(event.id, _close_key(poll.id))
    uow.timed_items.cancel(event.id, _reminder_key(poll.id))
    return DatePollClosed(event.id, poll.id)


def _close_by_hand(ctx: Context, poll: Poll) -> None:
    """`/closepoll N` on a date poll of this council."""
    state = load_state(ctx.uow, poll)
    assert state is not None
    ctx.raise_event(close_date_poll(ctx.uow, state))
    ctx.reply("datepoll.closing", number=poll.number)


poll_kind(PollKind(owns=lambda uow, poll: load_state(uow, poll) is not None, close=_close_by_hand))


def confirm_date(ctx: Context, state: DatePollState, position: int) -> None:
    """Store the meeting at date `position` and raise `MeetingScheduled`."""
    settings, poll = state.settings, state.poll
    if not poll.closed:
        raise Refusal("datepoll.still_open", number=poll.number)
    if settings.meeting_id is not None:
        raise Refusal("datepoll.confirmed_already", number=poll.number)
    if not 1 <= position <= len(state.options):
        raise Refusal("datepoll.no_such_date", count=len(state.options))
    starts = state.dates[position - 1]
    if moment_of(state.event, starts) <= ctx.now():
        raise Refusal("datepoll.date_gone")
    assert state.event.id is not None
    meeting = MeetingInput(
        title=poll.question,
        starts_at=starts,
        duration_minutes=settings.duration_minutes,
        place=state.event.place,
    )
    stored, scheduled = schedule_meeting(ctx.uow, state.event.id, meeting, ctx.now())
    settings.meeting_id = stored.id
    settings.proposed_option_id = state.options[position - 1].id
    ctx.raise_event(scheduled)
    ctx.reply(
        "datepoll.meeting_stored",
        number=stored.number,
        title=stored.title,
        when=when_text(ctx, starts),
        minutes=stored.duration_minutes,
    )


# -- told: the closing, the reminder ----------------------------------------------------


@handles(DatePollClosed)
def tell_about_closing(event: DatePollClosed, effects: Effects) -> None:
    """Every member sees the final counts; the team gets buttons to confirm or pick."""
    poll = effects.uow.polls.get(event.poll_id)
    state = load_state(effects.uow, poll) if poll is not None else None
    if state is None or not effects.sends:
        return
    for person, voice in effects.voices(state.members):
        person_id = _id(person.id)
        heading = voice.t("datepoll.closed_heading", number=state.poll.number)
        view = poll_view(effects.uow, voice, state, person_id, heading)
        if person_id in state.team:
            view = replace(view, buttons=_confirm_buttons(voice, state))
        _send(effects, person_id, view)


def _confirm_buttons(voice: Texts, state: DatePollState) -> tuple[tuple[Button, ...], ...]:
    """The proposed date first, then every other one to pick instead."""
    proposed = state.position_of(state.settings.proposed_option_id)
    order = list(range(len(state.options)))
    if proposed is not None:
        order.remove(proposed)
        order.insert(0, proposed)
    rows = []
    for position in order:
        key = "datepoll.confirm_button" if position == proposed else "datepoll.pick_button"
        when = when_text(voice, state.dates[position])
        label = voice.t(key, position=position + 1, when=when)
        rows.append((Button(label, f"dateconfirm {state.poll.number} {position + 1}"),))
    return tuple(rows)


def _send(effects: Effects, person_id: int, reply: Reply) -> None:
    """To one person, next to the answer if there is one (else straight into the outbox)."""
    if effects.answers is not None:
        effects.answers.append(replace(reply, to_person=person_id))
    else:
        enqueue_for_person(effects.uow, person_id, reply, effects.now, PRIORITY_NOTICE)


@timed_work(ScheduledKind.DATE_CLOSE)
def _close_at_deadline(due: Due) -> None:
    poll = due.uow.polls.get(int(due.item.payload["poll_id"]))
    state = load_state(due.uow, poll) if poll is not None else None
    if state is not None and not state.poll.closed:
        due.raise_event(close_date_poll(due.uow, state))


@timed_work(ScheduledKind.DATE_REMINDER)
def _remind_who_has_not_answered(due: Due) -> None:
    """Once, before the deadline: members without a single answer get the poll again."""
    poll = due.uow.polls.get(int(due.item.payload["poll_id"]))
    state = load_state(due.uow, poll) if poll is not None else None
    if state is None or state.poll.closed or not due.on_time:
        return
    remind_missing(due.uow, state, due.now, due.texts, due.config)


def remind_missing(
    uow: UnitOfWork, state: DatePollState, now: datetime, texts: Catalogues, config: CoreConfig
) -> int:
    answered = state.answered()
    told = 0
    for person in uow.events.members(_id(state.event.id)):
        person_id = _id(person.id)
        if person_id in answered:
            continue
        voice = voice_of(person, texts, config)
        heading = voice.t("datepoll.reminder", number=state.poll.number)
        view = poll_view(uow, voice, state, person_id, heading)
        told += enqueue_for_person(uow, person_id, view, now, PRIORITY_NOTICE) > 0
    return told


def _id(value: int | None) -> int:
    assert value is not None
    return value
