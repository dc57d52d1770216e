"""/newcamp: guided set-up of a BarCamp: name, date, place, rooms, slots."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

import segno

from handlers.barcamp.camp_input import RoomInput, rooms, slots
from handlers.barcamp.camps import CampInput, create_camp
from handlers.core.context import Context
from handlers.core.messages import Attachment
from handlers.core.registry import command, registry
from handlers.core.validation import calendar_date, event_name, event_place

dialog = registry.dialog("newcamp")


@command("newcamp", private=True)
def newcamp(ctx: Context) -> None:
    ctx.start_dialog("newcamp", "name")
    ctx.reply("newcamp.ask_name")


# A step that raises InputError is rolled back, so the dialog stays on that step.
@dialog.step("name")
def name_step(ctx: Context, text: str, data: dict[str, Any]) -> str | None:
    data["name"] = event_name(text)
    ctx.reply("newcamp.ask_date")
    return "date"


@dialog.step("date")
def date_step(ctx: Context, text: str, data: dict[str, Any]) -> str | None:
    data["date"] = calendar_date(text, today=ctx.now().date()).isoformat()
    ctx.reply("newcamp.ask_place")
    return "place"


@dialog.step("place")
def place_step(ctx: Context, text: str, data: dict[str, Any]) -> str | None:
    data["place"] = event_place(text)
    ctx.reply("newcamp.ask_rooms")
    return "rooms"


@dialog.step("rooms")
def rooms_step(ctx: Context, text: str, data: dict[str, Any]) -> str | None:
    data["rooms"] = [[room.name, room.capacity] for room in rooms(text)]
    ctx.reply("newcamp.ask_slots")
    return "slots"


@dialog.step("slots")
def slots_step(ctx: Context, text: str, data: dict[str, Any]) -> str | None:
    day = date.fromisoformat(data["date"])
    camp = CampInput(
        name=data["name"],
        starts_on=day,
        place=data["place"],
        rooms=[RoomInput(name, capacity) for name, capacity in data["rooms"]],
        slots=slots(text, day),
        timezone=ctx.config.timezone,
    )
    event = create_camp(ctx.uow, camp, [ctx.person_id], ctx.now())
    announce_camp(ctx, event.name, event.code)
    return None


def announce_camp(ctx: Context, name: str, code: str) -> None:
    """The join code, and per platform a join link with its QR code to print or show."""
    links = [template.format(code=code) for template in ctx.config.join_links.values()]
    ctx.reply("newcamp.done", name=name, code=code)
    for link in links:
        ctx.reply("newcamp.link", link=link, image=_qr_png(link))


def _qr_png(link: str) -> Attachment:
    buffer = io.BytesIO()
    segno.make(link, error="m").save(buffer, kind="png", scale=8, border=2)
    return Attachment("join-qr.png", "image/png", buffer.getvalue())
