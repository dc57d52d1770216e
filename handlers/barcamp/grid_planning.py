"""From the store to the grid planner and back: `/plan`, `/move` and `/pin` use this.

The planner sees sessions (approved proposals) with their hosts and voters as ids,
rooms, slots and pins, and never anything else about people. Anonymous votes (of
people who used /forgetme) count as voters who share no other session.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace

from handlers.barcamp.agenda_loader import hosts_by_session
from handlers.barcamp.camp_config import CampConfig
from schedules.barcamp.planner import (
    Identifier,
    Instance,
    Pin,
    PlanResult,
    Room,
    Session,
    Slot,
    plan,
    score,
)
from storage.barcamp.camp_tables import ProposalStatus
from storage.barcamp.session_grid import Cell
from storage.uow import UnitOfWork

# The same input and budget give the same grid (see `CampConfig` for the budget).
PLAN_SEED = 0

PlannerCell = tuple[Identifier, Identifier]


@dataclass(frozen=True)
class GridState:
    cells: dict[int, Cell]  # proposal id -> (slot id, room id)
    pinned: frozenset[int]

    def pins(self) -> dict[int, Cell]:
        return {pid: cell for pid, cell in self.cells.items() if pid in self.pinned}


@dataclass(frozen=True)
class Replanned:
    result: PlanResult
    before: GridState
    after: GridState

    def changed(self) -> list[int]:
        """Proposal ids whose place differs (moved, newly placed or left out)."""
        ids = self.before.cells.keys() | self.after.cells.keys()
        return sorted(pid for pid in ids if self.before.cells.get(pid) != self.after.cells.get(pid))


def grid_state(uow: UnitOfWork, event_id: int) -> GridState:
    rows = uow.grid.of_event(event_id)
    return GridState(
        {row.proposal_id: (row.slot_id, row.room_id) for row in rows},
        frozenset(row.proposal_id for row in rows if row.pinned),
    )


def replan(
    uow: UnitOfWork,
    event_id: int,
    budget: CampConfig,
    *,
    pins: Mapping[int, Cell],
    keep: Mapping[int, Cell] | None,
) -> Replanned:
    """Plan and store the grid: `pins` stay put, as few of `keep` as possible move;
    the planner searches as long as the `budget` says.

    Raises `InstanceError` when the pins contradict each other (a host pinned twice
    in one slot).
    """
    before = grid_state(uow, event_id)
    instance = planner_instance(uow, event_id, pins)
    previous: dict[Identifier, PlannerCell] = dict((keep or {}).items())
    result = plan(
        instance,
        time_limit=budget.plan_seconds,
        seed=PLAN_SEED,
        previous=previous or None,
        workers=budget.plan_workers,
    )
    result = fill_free_cells(instance, result)
    cells = {
        int(session): (int(slot), int(room)) for session, (slot, room) in result.assignments.items()
    }
    uow.grid.replace(event_id, cells, pinned=pins.keys())
    return Replanned(result, before, GridState(cells, frozenset(pins)))


def fill_free_cells(instance: Instance, result: PlanResult) -> PlanResult:
    """Give sessions the planner left out a free cell where that costs nobody anything.

    The planner is indifferent to placing a session without votes; but an approved
    session should run when a room is free: in a room that fits its votes, in a slot
    where none of its hosts is busy. No vote is lost by it, and no place changes.
    """
    assignments = dict(result.assignments)
    by_votes = sorted(
        (s for s in instance.sessions if s.id in result.unscheduled),
        key=lambda session: -len(session.voters),
    )
    for session in by_votes:
        cell = _free_cell(instance, assignments, session)
        if cell is not None:
            assignments[session.id] = cell
    if len(assignments) == len(result.assignments):
        return result
    missed, overflow = score(instance, assignments)
    return replace(
        result,
        assignments=assignments,
        unscheduled=tuple(sid for sid in result.unscheduled if sid not in assignments),
        missed=missed,
        overflow=overflow,
    )


def _free_cell(
    instance: Instance, assignments: Mapping[Identifier, PlannerCell], session: Session
) -> PlannerCell | None:
    hosts_of = {s.id: set(s.hosts) for s in instance.sessions}
    taken = set(assignments.values())
    rooms = sorted(instance.rooms, key=lambda room: room.capacity)  # keep big rooms free
    for slot in (slot for slot in instance.slots if not slot.blocked):
        busy = set().union(
            *(hosts_of[other] for other, cell in assignments.items() if cell[0] == slot.id)
        )
        if busy & hosts_of[session.id]:
            continue
        for room in rooms:
            if (slot.id, room.id) not in taken and room.capacity >= len(session.voters):
                return slot.id, room.id
    return None


def planner_instance(uow: UnitOfWork, event_id: int, pins: Mapping[int, Cell]) -> Instance:
    voters = uow.grid.voters(event_id)
    hosts = hosts_by_session(uow, event_id)
    sessions = []
    for proposal in uow.proposals.in_event(event_id, ProposalStatus.APPROVED):
        assert proposal.id is not None
        anonymous = tuple(f"anonymous:{proposal.id}:{n}" for n in range(proposal.anonymous_votes))
        pin = pins.get(proposal.id)
        sessions.append(
            Session(
                id=proposal.id,
                title=proposal.title,
                hosts=tuple(hosts.get(proposal.id, ())),
                voters=(*sorted(voters.get(proposal.id, ())), *anonymous),
                pinned=Pin(*pin) if pin else None,
            )
        )
    return Instance(
        rooms=tuple(
            Room(room.id or 0, room.name, room.capacity) for room in uow.grid.rooms(event_id)
        ),
        slots=tuple(
            Slot(slot.id or 0, slot.starts_at, slot.ends_at, slot.blocked)
            for slot in uow.grid.slots(event_id)
        ),
        sessions=tuple(sessions),
    )
