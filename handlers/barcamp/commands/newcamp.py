"""/newcamp: guided set-up of a BarCamp: name, date, place, rooms, slots."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from handlers.barcamp.camp_announcement import camp_announcement
from handlers.barcamp.camp_input import RoomInput, SlotInput, rooms, slots
from handlers.barcamp.camps import CampInput, create_camp
from handlers.barcamp.registration import command, dialog
from handlers.core.context import Context
from handlers.core.dialogs import SoFar, Step, text_only
from handlers.core.validation import calendar_date, event_name, event_place


def camp_date(text: str, so_far: SoFar) -> str:
    return calendar_date(text, today=so_far.today).isoformat()


def camp_rooms(text: str, so_far: SoFar) -> list[list[str | int]]:
    return [[room.name, room.capacity] for room in rooms(text)]


def camp_slots(text: str, so_far: SoFar) -> list[list[str | bool]]:
    """The slots on the camp's day (a slot may name a day of its own)."""
    day = date.fromisoformat(so_far["date"])
    return [
        [slot.starts_at.isoformat(), slot.ends_at.isoformat(), slot.blocked]
        for slot in slots(text, day)
    ]


def create(ctx: Context, answers: dict[str, Any]) -> None:
    camp = CampInput(
        name=answers["name"],
        starts_on=date.fromisoformat(answers["date"]),
        place=answers["place"],
        rooms=[RoomInput(name, capacity) for name, capacity in answers["rooms"]],
        slots=[
            SlotInput(datetime.fromisoformat(starts), datetime.fromisoformat(ends), blocked)
            for starts, ends, blocked in answers["slots"]
        ],
        timezone=ctx.config.timezone,
    )
    event = create_camp(ctx.uow, camp, [ctx.person_id], ctx.now())
    announce_camp(ctx, event.name, event.code, camp)


NEWCAMP = dialog(
    "newcamp",
    steps=(
        Step("name", text_only(event_name), "newcamp.ask_name"),
        Step("date", camp_date, "newcamp.ask_date"),
        Step("place", text_only(event_place), "newcamp.ask_place"),
        Step("rooms", camp_rooms, "newcamp.ask_rooms"),
        Step("slots", camp_slots, "newcamp.ask_slots"),
    ),
    finish=create,
)


@command("newcamp", private=True, group="organise")
def newcamp(ctx: Context) -> None:
    NEWCAMP.start(ctx)


def announce_camp(ctx: Context, name: str, code: str, camp: CampInput) -> None:
    """The join code with what was set up (to check it), and the join links."""
    ctx.replies.extend(camp_announcement(ctx, ctx.config, name, code, camp))
