"""/voting open|close [at YYYY-MM-DD HH:MM]: organisers open and close the voting."""

from __future__ import annotations

from typing import Literal

from handlers.barcamp.camp_events import VotingOpened
from handlers.barcamp.registration import command
from handlers.barcamp.reminders import VOTING_DEADLINE_KEY, close_voting, schedule_vote_reminder
from handlers.core.context import Context, Refusal
from handlers.core.registry import ORGANISERS, Text
from handlers.core.timed_work import local_text, split_schedule
from handlers.core.validation import InputError
from storage.core.shared_tables import Event, ScheduledKind


@command("voting", roles=ORGANISERS)
def voting(ctx: Context, state: Literal["open", "close"], when: Text | None) -> None:
    event = ctx.require_event()
    camp = ctx.uow.camp_settings.of(ctx.event_id())
    if when is not None:
        _close_later(ctx, event, state, when)
    elif camp.voting_open == (state == "open"):
        ctx.reply("voting.already_open" if camp.voting_open else "voting.already_closed")
    elif state == "open":
        _open(ctx, event)
    else:
        ctx.raise_event(close_voting(ctx.uow, event))
        ctx.reply("voting.closed")


def _open(ctx: Context, event: Event) -> None:
    assert event.id is not None
    camp = ctx.uow.camp_settings.of(event.id)
    camp.voting_open = True
    opened = VotingOpened(
        event.id,
        name=event.name,
        budget=camp.vote_budget,
    )
    ctx.raise_event(opened)
    ctx.reply("voting.opened")


def _close_later(ctx: Context, event: Event, state: str, when: str) -> None:
    """`/voting close at …`: a deadline; a new one replaces the old."""
    assert event.id is not None
    if state == "open":
        raise Refusal("voting.open_at")
    due, rest = split_schedule(ctx, when)
    if due is None or rest:
        raise InputError("schedule.format")
    if not ctx.uow.camp_settings.of(event.id).voting_open:
        raise Refusal("voting.already_closed")
    ctx.uow.timed_items.put(
        event.id,
        ScheduledKind.VOTING_CLOSE,
        due,
        ctx.now(),
        key=VOTING_DEADLINE_KEY,
        created_by=ctx.person_id,
    )
    schedule_vote_reminder(ctx.uow, event, due, ctx.now())
    ctx.reply("voting.deadline_set", when=local_text(event, due))
