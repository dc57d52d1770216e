"""plan(): known optimum, determinism, and re-planning that moves only what it must."""

from __future__ import annotations

import dataclasses
import random
from functools import partial

import pytest

from schedules.barcamp.planner import (
    Identifier,
    Instance,
    InstanceError,
    Pin,
    Room,
    Session,
    Slot,
    plan,
    score,
)
from schedules.barcamp.planner.heuristic import anneal
from schedules.barcamp.planner.indexed import index_instance
from schedules.barcamp.planner.solve import _run_chains
from tests.unit.barcamp.test_planner_reference import (
    brute_force_optimum,
    hard_constraint_violations,
    make_slots,
    naive_objective,
    small_instance,
)


def generated(sessions: int, rooms: int, slots: int, voters: int, seed: int = 7) -> Instance:
    """Skewed popularity, one host per session, a blocked slot in the middle."""
    rng = random.Random(seed)
    weights = [1 / (rank + 1) for rank in range(sessions)]
    ballots = [
        set(rng.choices(range(sessions), weights, k=rng.randint(2, 5))) for _ in range(voters)
    ]
    return Instance(
        rooms=tuple(Room(f"R{r}", f"Room {r}", 4 + 3 * r) for r in range(rooms)),
        slots=make_slots(slots + 1, blocked=(slots // 2,)),
        sessions=tuple(
            Session(
                s,
                f"Session {s}",
                hosts=(f"h{s % (sessions - 2)}",),  # two people host twice
                voters=tuple(f"v{v}" for v, ballot in enumerate(ballots) if s in ballot),
            )
            for s in range(sessions)
        ),
    )


def test_small_instance_reaches_the_brute_force_optimum() -> None:
    instance = small_instance()
    result = plan(instance, time_limit=1.0)
    optimum = brute_force_optimum(instance)
    assert result.missed + result.overflow == optimum == 5
    assert result.bound <= optimum
    assert result.optimal
    assert hard_constraint_violations(instance, result.assignments) == []


def test_same_input_same_grid() -> None:
    instance = generated(sessions=26, rooms=4, slots=5, voters=90)
    # Two annealing chains, side by side in two threads.
    first = plan(instance, time_limit=1.7, seed=3)
    second = plan(instance, time_limit=1.7, seed=3)
    assert first.assignments == second.assignments
    assert (first.missed, first.overflow, first.bound) == (
        second.missed,
        second.overflow,
        second.bound,
    )
    assert first.unscheduled  # more sessions than room-slots: some must wait


def test_chains_side_by_side_give_what_each_gives_alone() -> None:
    """The compiled chains share no state: four in two threads equal four run alone."""
    problem = index_instance(generated(sessions=26, rooms=4, slots=5, voters=90))
    chain = partial(anneal, problem, 3_000_000)
    seeds = [3, 4, 5, 6]
    alone = [chain(seed) for seed in seeds]
    assert _run_chains(chain, seeds, workers=2, in_threads=True) == alone
    assert len(set(map(tuple, alone))) > 1  # the seeds do lead to different grids


def test_a_different_seed_still_gives_a_valid_grid() -> None:
    instance = generated(sessions=26, rooms=4, slots=5, voters=90)
    result = plan(instance, time_limit=0.3, seed=11, workers=1)
    assert hard_constraint_violations(instance, result.assignments) == []
    assert (result.missed, result.overflow) == naive_objective(instance, result.assignments)


def pinned_at(
    instance: Instance, session_id: Identifier, place: tuple[Identifier, Identifier]
) -> Instance:
    sessions = tuple(
        dataclasses.replace(s, pinned=Pin(*place)) if s.id == session_id else s
        for s in instance.sessions
    )
    return dataclasses.replace(instance, sessions=sessions)


def test_replanning_after_a_move_into_a_taken_place_moves_only_the_occupant() -> None:
    instance = generated(sessions=14, rooms=3, slots=4, voters=40)
    before = plan(instance, time_limit=0.5).assignments
    mover, occupant = 0, next(s for s in before if s != 0 and before[s][0] != before[0][0])
    # The organiser moves session 0 into the occupant's place and pins it there.
    after = plan(pinned_at(instance, mover, before[occupant]), time_limit=0.5, previous=before)
    assert after.assignments[mover] == before[occupant]
    assert after.assignments.get(occupant) != before[occupant]
    unchanged = {s: place for s, place in before.items() if s not in (mover, occupant)}
    assert {s: after.assignments.get(s) for s in unchanged} == unchanged
    assert after.moved == 1


def test_replanning_without_changes_moves_nothing() -> None:
    instance = generated(sessions=14, rooms=3, slots=4, voters=40)
    before = plan(instance, time_limit=0.5)
    again = plan(instance, time_limit=0.5, previous=before.assignments, seed=5)
    assert again.assignments == before.assignments
    assert again.moved == 0


def test_replanning_after_a_slot_is_blocked_moves_just_its_sessions() -> None:
    instance = generated(sessions=10, rooms=3, slots=4, voters=40)
    before = plan(instance, time_limit=0.5).assignments
    lost_slot = next(iter(before.values()))[0]
    slots = tuple(
        dataclasses.replace(slot, blocked=True) if slot.id == lost_slot else slot
        for slot in instance.slots
    )
    after = plan(dataclasses.replace(instance, slots=slots), time_limit=0.5, previous=before)
    displaced = {s for s, (slot, _) in before.items() if slot == lost_slot}
    assert {s: after.assignments.get(s) for s in before if s not in displaced} == {
        s: place for s, place in before.items() if s not in displaced
    }
    assert all(after.assignments.get(s, (None,))[0] != lost_slot for s in displaced)
    assert after.moved == len(displaced)


def test_pins_hold_even_when_they_cost() -> None:
    instance = Instance(
        rooms=(Room("big", "Aula", 50), Room("small", "Raum", 2)),
        slots=make_slots(1),
        sessions=(
            Session("popular", "Popular", voters=tuple(f"v{i}" for i in range(10))),
            Session("tiny", "Tiny", voters=("v0",), pinned=Pin("T0", "big")),
        ),
    )
    result = plan(instance, time_limit=0.2)
    assert result.assignments == {"tiny": ("T0", "big"), "popular": ("T0", "small")}
    assert (result.missed, result.overflow) == (1, 8)  # v0 has both in T0; 10 votes, 2 seats
    assert result.optimal


def test_empty_and_pins_only_instances() -> None:
    empty = plan(Instance(), time_limit=0.1)
    assert (empty.assignments, empty.unscheduled, empty.missed, empty.overflow) == ({}, (), 0, 0)
    only_pins = Instance(
        rooms=(Room(1, "A", 1),),
        slots=(Slot(1, make_slots(1)[0].start, make_slots(1)[0].end),),
        sessions=(Session(1, "S", voters=("a", "b"), pinned=Pin(1, 1)),),
    )
    result = plan(only_pins, time_limit=0.1)
    assert result.assignments == {1: (1, 1)}
    assert (result.overflow, result.bound, result.optimal) == (1, 1, True)


def test_bad_arguments_are_refused() -> None:
    instance = small_instance()
    with pytest.raises(ValueError, match="time_limit"):
        plan(instance, time_limit=0)
    with pytest.raises(InstanceError, match='previous: no session with id "zz"'):
        plan(instance, time_limit=0.1, previous={"zz": ("T0", "big")})
    with pytest.raises(InstanceError, match=r'assignments\[1\]: no room with id "R9"'):
        score(instance, {1: ("T0", "R9")})
