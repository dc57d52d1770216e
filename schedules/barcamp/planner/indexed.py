"""The instance in dense integer form, shared by the heuristic and the CP-SAT model.

A *cell* is one room in one open (not blocked) slot: `cell = slot * n_rooms + room`,
with slots and rooms numbered in input order. Blocked slots get no cells at all.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from schedules.barcamp.planner.model import Identifier, Instance, InstanceError, show

# A plan as the outside world sees it: session id -> (slot id, room id).
Assignments = Mapping[Identifier, tuple[Identifier, Identifier]]


@dataclass(frozen=True)
class Indexed:
    instance: Instance
    room_ids: tuple[Identifier, ...]
    capacities: tuple[int, ...]
    slot_ids: tuple[Identifier, ...]  # open slots only
    session_ids: tuple[Identifier, ...]
    voters: tuple[tuple[int, ...], ...]  # per session, voter numbers
    hosts: tuple[tuple[int, ...], ...]  # per session, host numbers
    n_voters: int
    n_hosts: int
    pinned_cell: tuple[int | None, ...]
    # For unpinned sessions whose previous place is an open cell: staying there avoids a move.
    previous_cell: tuple[int | None, ...]
    # Weight of one move, above any possible change of missed + overflow (0: no previous plan).
    move_weight: int

    @property
    def n_rooms(self) -> int:
        return len(self.room_ids)

    @property
    def n_slots(self) -> int:
        return len(self.slot_ids)

    @property
    def n_sessions(self) -> int:
        return len(self.session_ids)

    @property
    def n_cells(self) -> int:
        return self.n_slots * self.n_rooms

    @property
    def total_votes(self) -> int:
        return sum(len(voters) for voters in self.voters)

    def votes(self, session: int) -> int:
        return len(self.voters[session])

    def overflow(self, session: int, room: int) -> int:
        return max(0, len(self.voters[session]) - self.capacities[room])

    def movable(self) -> list[int]:
        return [s for s in range(self.n_sessions) if self.pinned_cell[s] is None]

    def cell(self, slot: int, room: int) -> int:
        return slot * self.n_rooms + room

    def slot_of(self, cell: int) -> int:
        return cell // self.n_rooms

    def room_of(self, cell: int) -> int:
        return cell % self.n_rooms

    def assignments(
        self, cells: Sequence[int | None]
    ) -> dict[Identifier, tuple[Identifier, Identifier]]:
        """Session ids -> (slot id, room id) for the placed sessions, in session order."""
        return {
            self.session_ids[s]: (self.slot_ids[self.slot_of(c)], self.room_ids[self.room_of(c)])
            for s, c in enumerate(cells)
            if c is not None
        }


def index_instance(instance: Instance, previous: Assignments | None = None) -> Indexed:
    room_number = {room.id: r for r, room in enumerate(instance.rooms)}
    open_slots = [slot.id for slot in instance.slots if not slot.blocked]
    slot_number = {slot_id: t for t, slot_id in enumerate(open_slots)}
    n_rooms = len(instance.rooms)

    def cell_of(place: tuple[Identifier, Identifier]) -> int | None:
        slot_id, room_id = place
        if slot_id not in slot_number:
            return None  # a blocked slot: nothing can stay there
        return slot_number[slot_id] * n_rooms + room_number[room_id]

    pinned = [
        cell_of((s.pinned.slot, s.pinned.room)) if s.pinned is not None else None
        for s in instance.sessions
    ]
    previous_cells = _previous_cells(instance, previous or {}, cell_of)
    voter_number = _numbering(voter for s in instance.sessions for voter in s.voters)
    host_number = _numbering(host for s in instance.sessions for host in s.hosts)
    total_votes = sum(len(s.voters) for s in instance.sessions)
    return Indexed(
        instance=instance,
        room_ids=tuple(room.id for room in instance.rooms),
        capacities=tuple(room.capacity for room in instance.rooms),
        slot_ids=tuple(open_slots),
        session_ids=tuple(s.id for s in instance.sessions),
        voters=tuple(tuple(voter_number[v] for v in s.voters) for s in instance.sessions),
        hosts=tuple(tuple(host_number[h] for h in s.hosts) for s in instance.sessions),
        n_voters=len(voter_number),
        n_hosts=len(host_number),
        pinned_cell=tuple(pinned),
        previous_cell=tuple(
            None if pin is not None else cell
            for pin, cell in zip(pinned, previous_cells, strict=True)
        ),
        # Missed and overflow each lie in [0, total votes], so their sum changes by less.
        move_weight=2 * total_votes + 1 if previous else 0,
    )


def _numbering(identifiers: Iterable[Identifier]) -> dict[Identifier, int]:
    numbers: dict[Identifier, int] = {}
    for identifier in identifiers:
        numbers.setdefault(identifier, len(numbers))
    return numbers


def _previous_cells(
    instance: Instance,
    previous: Assignments,
    cell_of: Callable[[tuple[Identifier, Identifier]], int | None],
) -> list[int | None]:
    known_sessions = {s.id for s in instance.sessions}
    for session_id, place in previous.items():
        check_place(instance, session_id, place, known_sessions, "previous")
    return [cell_of(previous[s.id]) if s.id in previous else None for s in instance.sessions]


def check_place(
    instance: Instance,
    session_id: Identifier,
    place: tuple[Identifier, Identifier],
    known_sessions: set[Identifier],
    where: str,
) -> None:
    """Raise unless the ids of one `session -> (slot, room)` entry all exist."""
    if session_id not in known_sessions:
        raise InstanceError(where, f"no session with id {show(session_id)}")
    slot_id, room_id = place
    if instance.slot(slot_id) is None:
        raise InstanceError(f"{where}[{show(session_id)}]", f"no slot with id {show(slot_id)}")
    if instance.room(room_id) is None:
        raise InstanceError(f"{where}[{show(session_id)}]", f"no room with id {show(room_id)}")
