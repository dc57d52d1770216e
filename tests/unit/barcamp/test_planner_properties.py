"""Property tests: any plan keeps the hard rules and reports its figures truthfully."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from schedules.barcamp.planner import Instance, Pin, Room, Session, Slot, plan
from tests.unit.barcamp.test_planner_reference import (
    brute_force_optimum,
    hard_constraint_violations,
    make_slots,
    naive_objective,
)

PEOPLE = tuple(f"p{i}" for i in range(8))
HOSTS = ("h1", "h2", "h3")


@st.composite
def instances(
    draw: st.DrawFn, max_sessions: int = 8, max_rooms: int = 3, max_slots: int = 4
) -> Instance:
    rooms = tuple(
        Room(f"R{r}", f"Room {r}", draw(st.integers(0, 6)))
        for r in range(draw(st.integers(1, max_rooms)))
    )
    slot_count = draw(st.integers(1, max_slots))
    blocked = tuple(t for t in range(slot_count) if draw(st.booleans()) and draw(st.booleans()))
    slots = make_slots(slot_count, blocked)
    taken_places: set[tuple[str, str]] = set()
    pinned_hosts: set[tuple[str, str]] = set()
    sessions = []
    # Ids mix ints and strings, as JSON files may.
    for index in range(draw(st.integers(0, max_sessions))):
        hosts = tuple(draw(st.lists(st.sampled_from(HOSTS), max_size=2, unique=True)))
        voters = tuple(draw(st.lists(st.sampled_from(PEOPLE), max_size=6, unique=True)))
        pin = _valid_pin(draw, rooms, slots, hosts, taken_places, pinned_hosts)
        session_id: int | str = index if index % 2 else f"s{index}"
        sessions.append(Session(session_id, f"Session {index}", hosts, voters, pin))
    return Instance(rooms=rooms, slots=slots, sessions=tuple(sessions))


def _valid_pin(
    draw: st.DrawFn,
    rooms: tuple[Room, ...],
    slots: tuple[Slot, ...],
    hosts: tuple[str, ...],
    taken_places: set[tuple[str, str]],
    pinned_hosts: set[tuple[str, str]],
) -> Pin | None:
    if draw(st.integers(0, 4)) != 0:  # one session in five is pinned, if it can be
        return None
    slot = draw(st.sampled_from(slots))
    room = draw(st.sampled_from(rooms))
    place = (str(slot.id), str(room.id))
    if slot.blocked or place in taken_places:
        return None
    if any((host, place[0]) in pinned_hosts for host in hosts):
        return None
    taken_places.add(place)
    pinned_hosts.update((host, place[0]) for host in hosts)
    return Pin(*place)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances())
def test_plans_keep_the_hard_rules_and_report_true_figures(instance: Instance) -> None:
    result = plan(instance, time_limit=0.05)
    assert hard_constraint_violations(instance, result.assignments) == []
    assert (result.missed, result.overflow) == naive_objective(instance, result.assignments)
    every_session = [s.id for s in instance.sessions]
    assert sorted(map(str, [*result.assignments, *result.unscheduled])) == sorted(
        map(str, every_session)
    )
    assert 0 <= result.bound <= result.missed + result.overflow
    assert result.moved == 0
    assert result.seconds >= 0


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances(max_sessions=4, max_rooms=2, max_slots=3))
def test_tiny_plans_are_optimal_and_bounds_valid(instance: Instance) -> None:
    result = plan(instance, time_limit=0.5)
    optimum = brute_force_optimum(instance)
    assert result.missed + result.overflow == optimum
    assert result.bound <= optimum
    assert result.optimal
