"""/newcamp: guided set-up of a BarCamp: name, date, place, rooms, slots."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from handlers.barcamp.agenda_chat_text import day_name
from handlers.barcamp.board_links import qr_png
from handlers.barcamp.camp_input import RoomInput, SlotInput, rooms, slots
from handlers.barcamp.camps import CampInput, create_camp
from handlers.barcamp.registration import command, dialog
from handlers.core.context import Context
from handlers.core.dialogs import SoFar, Step, text_only
from handlers.core.messages import Attachment
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
    """The join code with what was set up (to check it), and per platform a join link
    with its QR code to print or show."""
    links = [template.format(code=code) for template in ctx.config.join_links.values()]
    done = ctx.t("newcamp.done", name=name, code=code)
    ctx.reply_text(done + "\n\n" + camp_summary(ctx, camp))
    for link in links:
        ctx.reply("newcamp.link", link=link, image=_qr_png(link))


def camp_summary(ctx: Context, camp: CampInput) -> str:
    """Date, place, rooms and slots as the organiser typed them, in their language."""
    room_list = [ctx.t("newcamp.room", room=r.name, capacity=r.capacity) for r in camp.rooms]
    return ctx.t(
        "newcamp.summary",
        day=day_name(camp.starts_on, ctx),
        place=camp.place or ctx.t("newcamp.no_place"),
        rooms=", ".join(room_list),
        slots=", ".join(_slot_text(ctx, slot, camp.starts_on) for slot in camp.slots),
    )


def _slot_text(ctx: Context, slot: SlotInput, camp_day: date) -> str:
    time = f"{slot.starts_at:%H:%M}–{slot.ends_at:%H:%M}"
    if slot.starts_at.date() != camp_day:
        time = f"{day_name(slot.starts_at.date(), ctx)} {time}"
    return ctx.t("newcamp.slot_break", time=time) if slot.blocked else time


def _qr_png(link: str) -> Attachment:
    return qr_png(link, "join-qr.png")
