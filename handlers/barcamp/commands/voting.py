"""/voting open|close [at YYYY-MM-DD HH:MM]: organisers open and close the voting."""

from __future__ import annotations

from typing import Literal

from handlers.barcamp.reminders import VOTING_DEADLINE_KEY, close_voting, schedule_vote_reminder
from handlers.core.context import Context, Refusal
from handlers.core.notices import tell_members
from handlers.core.registry import ORGANISERS, Text, command
from handlers.core.timed_work import local_text, split_schedule
from handlers.core.validation import InputError
from storage.core.shared_tables import Event, ScheduledKind


@command("voting", roles=ORGANISERS)
def voting(ctx: Context, state: Literal["open", "close"], when: Text | None) -> None:
    event = ctx.require_event()
    if when is not None:
        _close_later(ctx, event, state, when)
    elif event.voting_open == (state == "open"):
        ctx.reply("voting.already_open" if event.voting_open else "voting.already_closed")
    elif state == "open":
        _open(ctx, event)
    else:
        close_voting(ctx.uow, event, ctx.now(), ctx.catalogues, ctx.config)
        ctx.reply("voting.closed")


def _open(ctx: Context, event: Event) -> None:
    assert event.id is not None
    event.voting_open = True
    tell_members(
        ctx.uow,
        event.id,
        "voting.opened_notice",
        ctx.now(),
        ctx.catalogues,
        ctx.config,
        name=event.name,
        budget=event.vote_budget,
    )
    ctx.reply("voting.opened")


def _close_later(ctx: Context, event: Event, state: str, when: str) -> None:
    """`/voting close at …`: a deadline; a new one replaces the old."""
    assert event.id is not None
    if state == "open":
        raise Refusal("voting.open_at")
    due, rest = split_schedule(ctx, when)
    if due is None or rest:
        raise InputError("schedule.format")
    if not event.voting_open:
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
