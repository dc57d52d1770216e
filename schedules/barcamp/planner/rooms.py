"""Which sessions deserve a room at all, ignoring clashes: a relaxation solved exactly.

Leave out that sessions share voters and hosts, and a plan is just a choice of the
sessions to schedule and a cell for each. Missed interest is then at least the votes
of the unscheduled sessions, and overflow is smallest when the most voted kept
sessions take the largest free cells (max(0, votes - capacity) is convex, so sorted
matching is optimal). A dynamic programme over "sessions by votes" x "cells by
capacity" finds the best choice: a lower bound on missed + overflow, and a good hint
for which sessions to leave out (sometimes a very popular one that would overflow any
room, freeing a large room for others).
"""

from __future__ import annotations

from dataclasses import dataclass

from schedules.barcamp.planner.indexed import Indexed


@dataclass(frozen=True)
class RoomsRelaxation:
    bound: int
    kept: frozenset[int]  # sessions (movable ones) that get a cell in the relaxed optimum


def relax_rooms(problem: Indexed) -> RoomsRelaxation:
    pinned_cells = {cell for cell in problem.pinned_cell if cell is not None}
    capacities = sorted(
        (
            problem.capacities[problem.room_of(c)]
            for c in range(problem.n_cells)
            if c not in pinned_cells
        ),
        reverse=True,
    )
    sessions = sorted(problem.movable(), key=lambda s: (-problem.votes(s), s))
    costs, kept_by_end = _best_costs(problem, sessions, capacities)
    used = min(range(len(costs)), key=lambda j: (costs[j], j))
    pinned_overflow = sum(
        problem.overflow(s, problem.room_of(cell))
        for s, cell in enumerate(problem.pinned_cell)
        if cell is not None
    )
    return RoomsRelaxation(costs[used] + pinned_overflow, kept_by_end[used])


def _best_costs(
    problem: Indexed, sessions: list[int], capacities: list[int]
) -> tuple[list[int], list[frozenset[int]]]:
    """For each number j of cells used: the least cost, and the sessions kept for it.

    Row by row over the sessions (most voted first): either drop the session (all its
    votes are missed) or give it the next largest cell.
    """
    unreachable = problem.total_votes + 1  # more than dropping every session costs
    costs = [0] + [unreachable] * len(capacities)
    kept: list[frozenset[int]] = [frozenset()] * (len(capacities) + 1)
    for session in sessions:
        votes = problem.votes(session)
        new_costs = [cost + votes for cost in costs]
        new_kept = list(kept)
        for j, capacity in enumerate(capacities):
            keeping = costs[j] + max(0, votes - capacity)
            if keeping < new_costs[j + 1]:
                new_costs[j + 1] = keeping
                new_kept[j + 1] = kept[j] | {session}
        costs, kept = new_costs, new_kept
    return costs, kept
