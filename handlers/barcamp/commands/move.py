"""/move N SLOT ROOM and /pin N: organisers put sessions where they must be.

A moved session is pinned there; the planner then moves as few other sessions as it
can (usually just the one that sat there), and once the grid is published everyone
affected hears of it.
"""

from __future__ import annotations

from handlers.barcamp.agenda_chat_text import place_text
from handlers.barcamp.camp_config import CampConfig
from handlers.barcamp.camp_events import SessionPinned
from handlers.barcamp.commands.plan import published, report_changes
from handlers.barcamp.commands.vote import approved_proposal
from handlers.barcamp.grid_planning import grid_state, replan
from handlers.barcamp.registration import command
from handlers.barcamp.rules.grid_moves import pinned_in_the_way, pins_after_move, toggle_pin
from handlers.core.context import Context, Refusal
from handlers.core.registry import ORGANISERS, Text
from schedules.barcamp.agenda_model import Agenda
from schedules.barcamp.planner import InstanceError
from storage.barcamp.camp_tables import Proposal


@command("move", roles=ORGANISERS)
def move(ctx: Context, number: int, slot: str, room: Text) -> None:
    event = ctx.require_event()
    assert event.id is not None
    session_id = _id(approved_proposal(ctx, event.id, number))
    target = (_slot_id(ctx, event.id, slot), _room_id(ctx, event.id, room))
    state = grid_state(ctx.uow, event.id)
    occupant = pinned_in_the_way(state.cells, state.pinned, session_id, target)
    if occupant is not None:
        other = ctx.uow.proposals.get(occupant)
        assert other is not None
        raise Refusal("move.place_pinned", number=other.number)
    pins = pins_after_move(state.cells, state.pinned, session_id, target)
    budget = ctx.domain_config(CampConfig)
    try:
        replanned = replan(ctx.uow, event.id, budget, pins=pins, keep=state.cells)
    except InstanceError:
        raise Refusal("move.conflict") from None
    agenda = report_changes(ctx, event, replanned)
    lines = [ctx.t("move.done", number=number, place=_place(ctx, agenda, session_id))]
    lines += [
        ctx.t("move.also", number=_number(agenda, other_id), place=_place(ctx, agenda, other_id))
        for other_id in replanned.changed()
        if other_id != session_id
    ]
    if published(ctx, event):
        lines.append(ctx.t("move.told"))
    ctx.reply_text("\n".join(lines))


@command("pin", roles=ORGANISERS)
def pin(ctx: Context, number: int) -> None:
    event_id = ctx.event_id()
    assignment = ctx.uow.grid.of_proposal(_id(approved_proposal(ctx, event_id, number)))
    if assignment is None:
        raise Refusal("pin.not_placed", number=number)
    assignment.pinned = toggle_pin(assignment.pinned)
    ctx.raise_event(SessionPinned(event_id, assignment.proposal_id, assignment.pinned))
    ctx.reply("pin.pinned" if assignment.pinned else "pin.unpinned", number=number)


def _slot_id(ctx: Context, event_id: int, wanted: str) -> int:
    """By its number in /plan's list, or by its start time when that is unambiguous."""
    slots = ctx.uow.grid.slots(event_id)
    if wanted.isascii() and wanted.isdigit() and 1 <= int(wanted) <= len(slots):
        found = [slots[int(wanted) - 1]]
    else:
        found = [slot for slot in slots if f"{slot.starts_at:%H:%M}" == wanted.replace(".", ":")]
    if len(found) != 1:
        raise Refusal("move.unknown_slot", slot=wanted[:16], count=len(slots))
    if found[0].blocked:
        raise Refusal("move.blocked", time=f"{found[0].starts_at:%H:%M}")
    assert found[0].id is not None
    return found[0].id


def _room_id(ctx: Context, event_id: int, wanted: str) -> int:
    """By name (any case) or by its number in the list of rooms."""
    rooms = ctx.uow.grid.rooms(event_id)
    for position, room in enumerate(rooms, start=1):
        if wanted.casefold() in (room.name.casefold(), str(position)) and room.id is not None:
            return room.id
    names = ", ".join(room.name for room in rooms)
    raise Refusal("move.unknown_room", room=wanted[:40], rooms=names)


def _place(ctx: Context, agenda: Agenda, session_id: int) -> str:
    session = next(s for s in agenda.sessions if s.id == session_id)
    return place_text(agenda, session, ctx)


def _number(agenda: Agenda, session_id: int) -> int:
    return next(s.number for s in agenda.sessions if s.id == session_id)


def _id(proposal: Proposal) -> int:
    assert proposal.id is not None
    return proposal.id
