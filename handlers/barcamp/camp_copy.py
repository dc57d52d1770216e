"""Next year's camp, asked for in a council (`CampCopyRequested`, `/nextcamp`): the linked
camp's rooms and slots on the new day, linked to the council; the organiser is told the
join code and links as after /newcamp."""

from __future__ import annotations

from handlers.barcamp.camp_announcement import camp_announcement
from handlers.barcamp.camp_input import RoomInput, SlotInput
from handlers.barcamp.camps import CampInput, create_camp
from handlers.barcamp.rules.camp_copying import next_name, shifted_slots
from handlers.core.core_events import CampCopyRequested
from handlers.core.message_bus import Effects, handles
from handlers.core.notices import voice_of
from handlers.core.outbox_replies import PRIORITY_ANSWER, enqueue_for_person


@handles(CampCopyRequested)
def copy_camp(request: CampCopyRequested, effects: Effects) -> None:
    uow = effects.uow
    source = uow.events.get(request.camp_id)
    organiser = uow.people.get(request.organiser_id)
    if source is None or source.id is None or source.starts_on is None or organiser is None:
        return
    camp = CampInput(
        name=request.name or next_name(source.name, source.starts_on, request.starts_on),
        starts_on=request.starts_on,
        place=source.place,
        rooms=[RoomInput(room.name, room.capacity) for room in uow.grid.rooms(source.id)],
        slots=shifted_slots(
            [SlotInput(s.starts_at, s.ends_at, s.blocked) for s in uow.grid.slots(source.id)],
            source.starts_on,
            request.starts_on,
        ),
        timezone=source.timezone,
    )
    event = create_camp(uow, camp, [request.organiser_id], effects.now)
    assert event.id is not None
    uow.event_links.link(request.council_id, event.id, effects.now)
    voice = voice_of(organiser, effects.texts, effects.config)
    replies = camp_announcement(voice, effects.config, event.name, event.code, camp)
    if effects.answers is not None:  # the answer to /nextcamp
        effects.answers.extend(replies)
        return
    for reply in replies:
        enqueue_for_person(uow, request.organiser_id, reply, effects.now, PRIORITY_ANSWER)
