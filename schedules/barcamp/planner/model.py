"""The planner's input as plain values, checked once when an `Instance` is built.

Every problem is reported as an `InstanceError` whose message starts with the place
it was found (`sessions[3].pinned.room: ...`), the same for JSON files and for
instances built in Python.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from itertools import pairwise

# Ids come from JSON or the store: ints or strings, kept exactly as given.
Identifier = int | str


class InstanceError(ValueError):
    """A planner input (or a previous plan) that cannot be used, and where it is wrong."""

    def __init__(self, where: str, problem: str) -> None:
        super().__init__(f"{where}: {problem}" if where else problem)
        self.where = where
        self.problem = problem


@dataclass(frozen=True)
class Room:
    id: Identifier
    name: str
    capacity: int


@dataclass(frozen=True)
class Slot:
    """A time slot shared by all rooms; nothing is placed in a blocked one (breaks)."""

    id: Identifier
    start: datetime
    end: datetime
    blocked: bool = False


@dataclass(frozen=True)
class Pin:
    slot: Identifier
    room: Identifier


@dataclass(frozen=True)
class Session:
    id: Identifier
    title: str
    hosts: tuple[Identifier, ...] = ()
    voters: tuple[Identifier, ...] = ()
    pinned: Pin | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "hosts", tuple(self.hosts))
        object.__setattr__(self, "voters", tuple(self.voters))


@dataclass(frozen=True)
class Instance:
    rooms: tuple[Room, ...] = ()
    slots: tuple[Slot, ...] = ()
    sessions: tuple[Session, ...] = ()
    _rooms_by_id: dict[Identifier, Room] = field(init=False, repr=False, compare=False)
    _slots_by_id: dict[Identifier, Slot] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # Accept any sequence from callers, but store tuples so the value stays frozen.
        object.__setattr__(self, "rooms", tuple(self.rooms))
        object.__setattr__(self, "slots", tuple(self.slots))
        object.__setattr__(self, "sessions", tuple(self.sessions))
        validate(self)
        object.__setattr__(self, "_rooms_by_id", {room.id: room for room in self.rooms})
        object.__setattr__(self, "_slots_by_id", {slot.id: slot for slot in self.slots})

    def room(self, room_id: Identifier) -> Room | None:
        return self._rooms_by_id.get(room_id)

    def slot(self, slot_id: Identifier) -> Slot | None:
        return self._slots_by_id.get(slot_id)


def show(identifier: object) -> str:
    """An id as it would be written in JSON, so messages tell 1 from "1"."""
    return f'"{identifier}"' if isinstance(identifier, str) else str(identifier)


def describe(value: object) -> str:
    """The JSON kind of a value, for messages: "a string", "null", ..."""
    kinds = {bool: "a boolean", int: "an integer", float: "a number", str: "a string"}
    if value is None:
        return "null"
    if type(value) in kinds:
        return kinds[type(value)]
    return "an array" if isinstance(value, list | tuple) else "an object"


def check_identifier(value: object, where: str) -> Identifier:
    # bool is an int subclass, but `true` as an id is always a mistake.
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise InstanceError(where, f"must be an integer or a string, not {describe(value)}")
    if isinstance(value, str) and not value.strip():
        raise InstanceError(where, "must not be empty")
    return value


def validate(instance: Instance) -> None:
    _check_unique_ids(instance.rooms, "rooms")
    _check_unique_ids(instance.slots, "slots")
    _check_unique_ids(instance.sessions, "sessions")
    for index, room in enumerate(instance.rooms):
        _check_room(room, f"rooms[{index}]")
    _check_slots(instance.slots)
    for index, session in enumerate(instance.sessions):
        _check_session(session, f"sessions[{index}]")
    _check_pins(instance)


def _check_unique_ids(items: Sequence[Room | Slot | Session], kind: str) -> None:
    first_index: dict[Identifier, int] = {}
    for index, item in enumerate(items):
        identifier = check_identifier(item.id, f"{kind}[{index}].id")
        if identifier in first_index:
            raise InstanceError(
                f"{kind}[{index}].id",
                f"duplicate id {show(identifier)} (also {kind}[{first_index[identifier]}])",
            )
        first_index[identifier] = index


def _check_room(room: Room, where: str) -> None:
    if isinstance(room.capacity, bool) or not isinstance(room.capacity, int):
        raise InstanceError(f"{where}.capacity", "must be an integer")
    if room.capacity < 0:
        raise InstanceError(f"{where}.capacity", f"must not be negative, got {room.capacity}")


def _check_slots(slots: Sequence[Slot]) -> None:
    for index, slot in enumerate(slots):
        if _has_zone(slot.start) != _has_zone(slot.end):
            raise InstanceError(
                f"slots[{index}]", "start and end must both have a time zone or neither"
            )
        if slots and _has_zone(slot.start) != _has_zone(slots[0].start):
            raise InstanceError(f"slots[{index}].start", "time zone given in some slots only")
        if slot.end <= slot.start:
            raise InstanceError(f"slots[{index}].end", "must be after start")
    # Host clashes are checked per slot, which is only right if slots do not overlap.
    ordered = sorted(range(len(slots)), key=lambda index: slots[index].start)
    for earlier, later in pairwise(ordered):
        if slots[later].start < slots[earlier].end:
            raise InstanceError(f"slots[{later}]", f"overlaps slots[{earlier}]")


def _has_zone(moment: datetime) -> bool:
    return moment.utcoffset() is not None


def _check_session(session: Session, where: str) -> None:
    _check_unique_people(session.hosts, f"{where}.hosts", "host")
    _check_unique_people(session.voters, f"{where}.voters", "voter")


def _check_unique_people(people: Iterable[object], where: str, role: str) -> None:
    seen: set[Identifier] = set()
    for index, person in enumerate(people):
        identifier = check_identifier(person, f"{where}[{index}]")
        if identifier in seen:
            raise InstanceError(f"{where}[{index}]", f"duplicate {role} {show(identifier)}")
        seen.add(identifier)


def _check_pins(instance: Instance) -> None:
    rooms = {room.id for room in instance.rooms}
    slots = {slot.id: slot for slot in instance.slots}
    place_taken_by: dict[tuple[Identifier, Identifier], int] = {}
    host_taken_by: dict[tuple[Identifier, Identifier], int] = {}
    for index, session in enumerate(instance.sessions):
        pin = session.pinned
        if pin is None:
            continue
        where = f"sessions[{index}].pinned"
        slot_id = check_identifier(pin.slot, f"{where}.slot")
        room_id = check_identifier(pin.room, f"{where}.room")
        if slot_id not in slots:
            raise InstanceError(f"{where}.slot", f"no slot with id {show(slot_id)}")
        if room_id not in rooms:
            raise InstanceError(f"{where}.room", f"no room with id {show(room_id)}")
        if slots[slot_id].blocked:
            raise InstanceError(f"{where}.slot", f"slot {show(slot_id)} is blocked")
        if (slot_id, room_id) in place_taken_by:
            other = place_taken_by[slot_id, room_id]
            raise InstanceError(where, f"same slot and room as sessions[{other}]")
        place_taken_by[slot_id, room_id] = index
        for host in session.hosts:
            if (host, slot_id) in host_taken_by:
                other = host_taken_by[host, slot_id]
                problem = f"host {show(host)} is also pinned in slot {show(slot_id)}"
                raise InstanceError(where, f"{problem} by sessions[{other}]")
            host_taken_by[host, slot_id] = index
