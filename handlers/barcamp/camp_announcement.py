"""What the organiser of a new camp is told: the join code, what was set up (to check
it) and the join links. For /newcamp and for next year's camp made from a council."""

from __future__ import annotations

from datetime import date

from handlers.barcamp.agenda_chat_text import day_name
from handlers.barcamp.camp_input import SlotInput
from handlers.barcamp.camps import CampInput
from handlers.core.config import CoreConfig
from handlers.core.i18n import Texts
from handlers.core.join_links import join_link_replies
from handlers.core.messages import Reply


def camp_announcement(
    texts: Texts, config: CoreConfig, name: str, code: str, camp: CampInput
) -> list[Reply]:
    done = texts.t("newcamp.done", name=name, code=code)
    summary = Reply(done + "\n\n" + camp_summary(texts, camp))
    return [summary, *join_link_replies(texts, config, code)]


def camp_summary(texts: Texts, camp: CampInput) -> str:
    """Date, place, rooms and slots as the organiser typed them, in their language."""
    room_list = [texts.t("newcamp.room", room=r.name, capacity=r.capacity) for r in camp.rooms]
    return texts.t(
        "newcamp.summary",
        day=day_name(camp.starts_on, texts),
        place=camp.place or texts.t("newcamp.no_place"),
        rooms=", ".join(room_list),
        slots=", ".join(_slot_text(texts, slot, camp.starts_on) for slot in camp.slots),
    )


def _slot_text(texts: Texts, slot: SlotInput, camp_day: date) -> str:
    time = f"{slot.starts_at:%H:%M}–{slot.ends_at:%H:%M}"
    if slot.starts_at.date() != camp_day:
        time = f"{day_name(slot.starts_at.date(), texts)} {time}"
    return texts.t("newcamp.slot_break", time=time) if slot.blocked else time
