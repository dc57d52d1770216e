"""Benchmark of the session-grid planner (not run by pytest).

    .venv/bin/python bench/planner.py            # reference runs of 5 minutes each
    .venv/bin/python bench/planner.py --quick    # reference runs of 20 seconds each

For seeded generated instances (small, medium, large) it prints missed + overflow,
the bound and the wall time of `plan()` with its default limit, next to (a) the
reference: the best plan found by CP-SAT alone, the annealer alone and both
(`plan()`), each given the reference time; and (b) the plan of the
`conference-scheduler` package (PuLP and CBC) for the same sessions, rooms, slots,
demand and hosts, scored the same way. It ends with one JSON line per instance.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import sys
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from ortools.sat.python import cp_model

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from schedules.barcamp.planner import Instance, Pin, Room, Session, Slot, plan, score
from schedules.barcamp.planner.cpsat import GridModel
from schedules.barcamp.planner.indexed import index_instance
from schedules.barcamp.planner.solve import anneal_chains, pace_of


@dataclass(frozen=True)
class Size:
    name: str
    sessions: int
    rooms: int
    slots: int
    voters: int


SIZES = (
    Size("small", 30, 4, 5, 150),
    Size("medium", 60, 6, 8, 400),
    Size("large", 120, 10, 10, 1000),
)
TOPICS = 8
DAY = datetime(2025, 6, 14, 9, 0)


def generate(size: Size, seed: int = 1) -> Instance:
    """A BarCamp-like instance: skewed popularity, topic clusters, a few busy hosts.

    One extra slot is a blocked lunch break, and the most popular session is pinned to
    the largest room in the first slot (an opening talk).
    """
    rng = random.Random(f"{size.name}-{seed}")
    topic_of = [rng.randrange(TOPICS) for _ in range(size.sessions)]
    # Zipf-like popularity: a few sessions attract many votes, most attract a few.
    popularity = [1.0 / (rank + 1) ** 0.7 for rank in range(size.sessions)]
    rng.shuffle(popularity)
    voters_of: list[list[int]] = [[] for _ in range(size.sessions)]
    for voter in range(size.voters):
        for session in _ballot(rng, topic_of, popularity):
            voters_of[session].append(voter)
    rooms = _rooms(rng, size, sum(map(len, voters_of)))
    slots = _slots(size.slots)
    hosts = _hosts(rng, size.sessions)
    most_popular = max(range(size.sessions), key=lambda s: (len(voters_of[s]), -s))
    sessions = [
        Session(
            id=f"S{s + 1}",
            title=f"Session {s + 1} (topic {topic_of[s]})",
            hosts=tuple(hosts[s]),
            voters=tuple(f"v{v}" for v in voters_of[s]),
            pinned=Pin(slots[0].id, rooms[0].id) if s == most_popular else None,
        )
        for s in range(size.sessions)
    ]
    return Instance(rooms=tuple(rooms), slots=tuple(slots), sessions=tuple(sessions))


def _ballot(rng: random.Random, topic_of: list[int], popularity: list[float]) -> set[int]:
    """3 to 7 sessions, mostly from one or two favourite topics, popular ones first."""
    favourites = set(rng.sample(range(TOPICS), rng.choice((1, 2))))
    wanted = rng.randint(3, 7)
    ballot: set[int] = set()
    while len(ballot) < wanted:
        in_favourites = rng.random() < 0.7
        candidates = [
            s
            for s in range(len(topic_of))
            if s not in ballot and (topic_of[s] in favourites) == in_favourites
        ] or [s for s in range(len(topic_of)) if s not in ballot]
        weights = [popularity[s] for s in candidates]
        ballot.add(rng.choices(candidates, weights)[0])
    return ballot


def _rooms(rng: random.Random, size: Size, votes: int) -> list[Room]:
    """A hall with 30% of the seats and smaller rooms, in total 90% of the mean demand
    per slot, so popular sessions overflow unless placed well."""
    seats = 0.9 * votes / size.slots
    shares = sorted(
        (rng.uniform(0.6, 1.4) / (r + 1) ** 0.5 for r in range(size.rooms - 1)), reverse=True
    )
    capacities = [0.3 * seats] + [0.7 * seats * share / sum(shares) for share in shares]
    return [
        Room(id=f"R{r + 1}", name=f"Room {r + 1}", capacity=max(5, round(capacity / 5) * 5))
        for r, capacity in enumerate(capacities)
    ]


def _slots(open_slots: int) -> list[Slot]:
    lunch_after = open_slots // 2
    slots = []
    start = DAY
    for index in range(open_slots + 1):
        slots.append(
            Slot(
                id=f"T{index + 1}",
                start=start,
                end=start + timedelta(minutes=45),
                blocked=index == lunch_after,
            )
        )
        start += timedelta(minutes=60)
    return slots


def _hosts(rng: random.Random, sessions: int) -> list[list[str]]:
    """Most people host one session; a few host two or three, some sessions have two hosts."""
    people = [f"h{p}" for p in range(int(sessions * 0.75))]
    hosts = []
    for _ in range(sessions):
        count = 2 if rng.random() < 0.15 else 1
        hosts.append(sorted(set(rng.sample(people, count))))
    return hosts


# -- runs ------------------------------------------------------------------------


@dataclass(frozen=True)
class Run:
    objective: int | None  # missed + overflow; None when the method found no plan
    bound: int | None
    seconds: float


def cpsat_alone(instance: Instance, seconds: float) -> Run:
    """CP-SAT as it comes: no hint, 2 workers, default portfolio, wall-clock limit."""
    problem = index_instance(instance)
    started = time.perf_counter()
    grid = GridModel(problem)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = seconds
    solver.parameters.num_workers = 2
    status = solver.solve(grid.model)
    objective = None
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        objective = sum(score(instance, problem.assignments(grid.decode(solver))))
    bound = math.ceil(solver.best_objective_bound - 1e-6)
    return Run(objective, bound, time.perf_counter() - started)


def annealing_alone(instance: Instance, seconds: float) -> Run:
    problem = index_instance(instance)
    started = time.perf_counter()
    work = int(seconds * pace_of(problem).work_units_per_second)
    best = anneal_chains(problem, work, seed=0, workers=2)
    return Run(best.missed + best.overflow, None, time.perf_counter() - started)


def both(instance: Instance, seconds: float) -> Run:
    result = plan(instance, time_limit=seconds)
    return Run(result.objective, result.bound, result.seconds)


def peer(instance: Instance, seconds: float) -> Run:
    """The conference-scheduler package: every event exactly once, capacity-0 dummy slots
    for those that do not fit, hosts as shared tags, pins as unavailability; its
    "equity" objective (least largest overflow), solved by CBC through PuLP."""
    from conference_scheduler import scheduler  # type: ignore[import-untyped]
    from conference_scheduler.lp_problem import (  # type: ignore[import-untyped]
        objective_functions,
    )
    from pulp import PULP_CBC_CMD  # type: ignore[import-untyped]

    started = time.perf_counter()
    slots, places = _peer_slots(instance)
    events = _peer_events(instance, slots, places)
    solver = PULP_CBC_CMD(msg=False, timeLimit=seconds, threads=2)
    try:
        solution = scheduler.solution(
            events, slots, objective_functions.equity_capacity_demand_difference, solver=solver
        )
    except ValueError:  # CBC found no plan in time
        return Run(None, None, time.perf_counter() - started)
    sessions = [session.id for session in instance.sessions]
    assignments = {sessions[e]: places[t] for e, t in solution if places[t] is not None}
    return Run(sum(score(instance, assignments)), None, time.perf_counter() - started)


def _peer_slots(instance: Instance) -> tuple[list[Any], list[tuple[Any, Any] | None]]:
    from conference_scheduler.resources import Slot as PeerSlot  # type: ignore[import-untyped]

    slots: list[Any] = []
    places: list[tuple[Any, Any] | None] = []
    for slot in instance.slots:
        if slot.blocked:
            continue
        minutes = int((slot.end - slot.start).total_seconds() // 60)
        for room in instance.rooms:
            slots.append(PeerSlot(str(room.id), slot.start, minutes, room.capacity, str(slot.id)))
            places.append((slot.id, room.id))
    # One dummy per session that cannot get a room, each on its own far-away day, plus
    # one nobody may use: the package only checks tag clashes for events that have
    # some unavailability, so every event is made unavailable there.
    surplus = max(0, len(instance.sessions) - len(places))
    far_away = datetime(2100, 1, 1)
    for index in range(surplus + 1):
        day = far_away + timedelta(days=index)
        slots.append(PeerSlot(f"unscheduled {index}", day, 60, 0, "unscheduled"))
        places.append(None)
    return slots, places


def _peer_events(
    instance: Instance, slots: list[Any], places: list[tuple[Any, Any] | None]
) -> list[Any]:
    from conference_scheduler.resources import Event

    never = slots[-1]
    shortest = min(slot.duration for slot in slots)
    events = []
    for session in instance.sessions:
        unavailable = [never]
        if session.pinned is not None:
            pin = (session.pinned.slot, session.pinned.room)
            unavailable = [slot for slot, place in zip(slots, places, strict=True) if place != pin]
        tags = [f"host {host}" for host in session.hosts]
        events.append(Event(str(session.id), shortest, len(session.voters), tags, unavailable))
    return events


# -- report ------------------------------------------------------------------------


def gap(objective: int | None, reference: int) -> str:
    if objective is None:
        return "no plan"
    return f"{100 * (objective - reference) / max(1, reference):+.2f}%"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="reference runs of 20 s, not 5 min")
    parser.add_argument("--reference-seconds", type=float, help="override the reference time")
    parser.add_argument("--sizes", default="small,medium,large", help="comma-separated")
    arguments = parser.parse_args()
    reference_seconds = arguments.reference_seconds or (20.0 if arguments.quick else 300.0)
    print(f"reference runs: {reference_seconds:g} s each; peer: CBC limited to the same")
    print(HEADER)
    lines = []
    for size in SIZES:
        if size.name in arguments.sizes.split(","):
            lines.append(compare(size, reference_seconds))
    for line in lines:
        print(json.dumps(line))


HEADER = (
    f"{'instance':8} {'ours':>6} {'bound':>6} {'secs':>5} | {'cp-sat':>6} {'anneal':>6} "
    f"{'both':>6} {'ref':>6} {'ref bd':>6} {'gap':>7} | {'peer':>6} {'secs':>5} {'gap':>8}"
)


def compare(size: Size, reference_seconds: float) -> dict[str, Any]:
    """Run everything on one instance, print its table row, return its JSON line."""
    instance = generate(size)
    mine = plan(instance)  # the default time limit
    runs = [
        cpsat_alone(instance, reference_seconds),
        annealing_alone(instance, reference_seconds),
        both(instance, reference_seconds),
    ]
    reference = min(run.objective for run in runs if run.objective is not None)
    reference_bound = max([mine.bound] + [run.bound for run in runs if run.bound is not None])
    other = peer(instance, reference_seconds)
    print(
        f"{size.name:8} {mine.objective:6} {mine.bound:6} {mine.seconds:5.1f} | "
        + " ".join(f"{_shown(run.objective):>6}" for run in runs)
        + f" {reference:6} {reference_bound:6} {gap(mine.objective, reference):>7} | "
        + f"{_shown(other.objective):>6} {other.seconds:5.1f} {gap(other.objective, reference):>8}",
        flush=True,
    )
    return {
        "instance": size.name,
        "objective": mine.objective,
        "bound": mine.bound,
        "seconds": round(mine.seconds, 2),
        "reference_objective": reference,
        "peer_objective": other.objective,
        "reference_bound": reference_bound,
    }


def _shown(objective: int | None) -> str:
    return "-" if objective is None else str(objective)


if __name__ == "__main__":
    main()
