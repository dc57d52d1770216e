"""/settings [NAME VALUE]: organisers tune their event (votes, counts, hosts on the public
pages, reminders)."""

from __future__ import annotations

from typing import Literal

from handlers.barcamp.camp_events import PublicHostsChanged
from handlers.barcamp.registration import command
from handlers.barcamp.reminders import (
    VOTING_DEADLINE_KEY,
    schedule_reminders,
    schedule_vote_reminder,
)
from handlers.core.context import Context, Refusal
from handlers.core.registry import ORGANISERS
from storage.barcamp.camp_tables import CampSettings
from storage.core.shared_tables import Event

# name -> (lowest, highest) for the numeric settings
LIMITS = {"budget": (1, 50), "reminder": (0, 240), "votereminder": (0, 1440)}
Name = Literal["budget", "counts", "hosts", "reminder", "votereminder"]


@command("settings", roles=ORGANISERS)
def settings(ctx: Context, name: Name | None, value: str | None) -> None:
    event = ctx.require_event()
    camp = ctx.uow.camp_settings.of(ctx.event_id())
    if name is not None:
        if value is None:
            raise Refusal("settings.value_missing", name=name)
        _change(ctx, event, camp, name, value.lower())
    ctx.reply(
        "settings.show",
        name=event.name,
        budget=camp.vote_budget,
        counts=ctx.t("settings.on" if camp.show_counts else "settings.off"),
        hosts=ctx.t("settings.on" if camp.public_hosts else "settings.off"),
        reminder=camp.reminder_minutes,
        votereminder=camp.vote_reminder_minutes,
    )


def _change(ctx: Context, event: Event, camp: CampSettings, name: Name, value: str) -> None:
    if name in ("counts", "hosts"):
        if value not in ("on", "off"):
            raise Refusal("settings.on_off", name=name)
        if name == "counts":
            camp.show_counts = value == "on"
        else:
            camp.public_hosts = value == "on"
            ctx.raise_event(PublicHostsChanged(ctx.event_id(), camp.public_hosts))
    else:
        number = _number(value, name)
        if name == "budget":
            camp.vote_budget = number
        elif name == "reminder":
            camp.reminder_minutes = number
            if camp.agenda_published_at is not None:
                schedule_reminders(ctx.uow, event, ctx.now())  # new lead for every slot
        else:
            camp.vote_reminder_minutes = number
            _move_vote_reminder(ctx, event)


def _move_vote_reminder(ctx: Context, event: Event) -> None:
    deadline = next(
        (item for item in ctx.uow.timed_items.pending(event.id) if item.key == VOTING_DEADLINE_KEY),
        None,
    )
    if deadline is not None:
        schedule_vote_reminder(ctx.uow, event, deadline.due_at, ctx.now())


def _number(value: str, name: str) -> int:
    lowest, highest = LIMITS[name]
    if not (value.isascii() and value.isdigit()) or not lowest <= int(value) <= highest:
        raise Refusal("settings.range", name=name, lowest=lowest, highest=highest)
    return int(value)
