"""Naive reference computations for the planner tests, and checks of them.

Written straight from the specification, independently of `schedules.planner`, so
that the other planner tests can compare the planner's own figures against them.
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Iterator, Mapping
from datetime import datetime, timedelta

from schedules.barcamp.planner import Identifier, Instance, Pin, Room, Session, Slot, score

Place = tuple[Identifier, Identifier]
Plan = Mapping[Identifier, Place]
T0 = datetime(2025, 6, 14, 9, 0)


def make_slots(count: int, blocked: tuple[int, ...] = ()) -> tuple[Slot, ...]:
    return tuple(
        Slot(
            id=f"T{i}",
            start=T0 + timedelta(hours=i),
            end=T0 + timedelta(hours=i, minutes=45),
            blocked=i in blocked,
        )
        for i in range(count)
    )


def naive_objective(instance: Instance, assignments: Plan) -> tuple[int, int]:
    """(missed, overflow) straight from the definition: voter by voter, session by session."""
    capacity = {room.id: room.capacity for room in instance.rooms}
    everyone = {voter for session in instance.sessions for voter in session.voters}
    missed = 0
    for voter in everyone:
        voted = [s for s in instance.sessions if voter in s.voters]
        sessions_per_slot = Counter(assignments[s.id][0] for s in voted if s.id in assignments)
        can_attend = len(sessions_per_slot)  # one per slot with any of their sessions
        missed += len(voted) - can_attend
    overflow = 0
    for session in instance.sessions:
        if session.id in assignments:
            room = assignments[session.id][1]
            overflow += max(0, len(session.voters) - capacity[room])
    return missed, overflow


def hard_constraint_violations(instance: Instance, assignments: Plan) -> list[str]:
    """Every broken hard rule, in words; empty for a valid plan."""
    problems = []
    rooms = {room.id for room in instance.rooms}
    blocked = {slot.id for slot in instance.slots if slot.blocked}
    slots = {slot.id for slot in instance.slots}
    sessions = {session.id: session for session in instance.sessions}
    for session_id, (slot, room) in assignments.items():
        if session_id not in sessions or slot not in slots or room not in rooms:
            problems.append(f"unknown id in {session_id}: {(slot, room)}")
        if slot in blocked:
            problems.append(f"{session_id} in blocked slot {slot}")
    for place, count in Counter(assignments.values()).items():
        if count > 1:
            problems.append(f"{count} sessions in {place}")
    host_slots = Counter(
        (host, assignments[s.id][0])
        for s in instance.sessions
        if s.id in assignments
        for host in s.hosts
    )
    problems += [f"host {host} twice in {slot}" for (host, slot), n in host_slots.items() if n > 1]
    for session in instance.sessions:
        pin = session.pinned
        if pin is not None and assignments.get(session.id) != (pin.slot, pin.room):
            problems.append(f"pin of {session.id} not kept")
    return problems


def all_plans(instance: Instance) -> Iterator[dict[Identifier, Place]]:
    """Every valid plan, by brute force (tiny instances only)."""
    places: list[Place | None] = [None]
    places += [
        (slot.id, room.id) for slot in instance.slots if not slot.blocked for room in instance.rooms
    ]
    for choice in itertools.product(places, repeat=len(instance.sessions)):
        plan = {s.id: place for s, place in zip(instance.sessions, choice, strict=True) if place}
        if not hard_constraint_violations(instance, plan):
            yield plan


def brute_force_optimum(instance: Instance) -> int:
    return min(sum(naive_objective(instance, plan)) for plan in all_plans(instance))


def small_instance() -> Instance:
    """Two rooms, two open slots around a break, and five sessions with clashing interest."""
    return Instance(
        rooms=(Room("big", "Aula", 4), Room("small", "Raum 1", 2)),
        slots=make_slots(3, blocked=(1,)),
        sessions=(
            Session(1, "Robots", hosts=("ana",), voters=("a", "b", "c", "d", "e")),
            Session(2, "Podcasts", hosts=("ben",), voters=("a", "b", "f")),
            Session(3, "Climate", hosts=("ana",), voters=("c", "d", "f")),
            Session(4, "Games", hosts=("cem",), voters=("e", "f")),
            Session(5, "Poetry", hosts=("dio",), voters=("a",)),
        ),
    )


def test_naive_objective_counts_same_slot_and_unscheduled_as_missed() -> None:
    instance = small_instance()
    plan: Plan = {1: ("T0", "big"), 2: ("T0", "small"), 3: ("T2", "big"), 4: ("T2", "small")}
    # Missed: a has 1 and 2 in T0 and 5 unscheduled (2), b has 1 and 2 in T0 (1), f has 3
    # and 4 in T2 (1). Overflow: 1 has 5 votes for 4 seats, 2 has 3 votes for 2 seats.
    assert naive_objective(instance, plan) == (4, 2)
    assert score(instance, plan) == (4, 2)


def test_violations_are_found() -> None:
    instance = Instance(
        rooms=(Room("r", "R", 3),),
        slots=make_slots(2, blocked=(1,)),
        sessions=(
            Session(1, "A", hosts=("h",), pinned=Pin("T0", "r")),
            Session(2, "B", hosts=("h",)),
        ),
    )
    assert hard_constraint_violations(instance, {1: ("T0", "r")}) == []
    assert len(hard_constraint_violations(instance, {1: ("T0", "r"), 2: ("T0", "r")})) == 2
    assert hard_constraint_violations(instance, {2: ("T1", "r")}) == [
        "2 in blocked slot T1",
        "pin of 1 not kept",
    ]


def test_brute_force_knows_the_small_optimum() -> None:
    # Four places for five sessions, and 1 and 3 share the host ana. One best grid:
    # T0: 1 (Aula), 4; T2: 2 (Aula), 3; 5 unscheduled. Missed: a (5), e (1 and 4 in
    # T0), f (2 and 3 in T2); overflow: 1 (5 votes, 4 seats), 3 (3 votes, 2 seats).
    plan: Plan = {1: ("T0", "big"), 4: ("T0", "small"), 2: ("T2", "big"), 3: ("T2", "small")}
    assert naive_objective(small_instance(), plan) == (3, 2)
    assert brute_force_optimum(small_instance()) == 5
