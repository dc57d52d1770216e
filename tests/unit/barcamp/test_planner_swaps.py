"""The fast slot annealer keeps its running cost equal to the plan's true figures."""

from __future__ import annotations

import pytest

from schedules.barcamp.planner import swaps, warm_up
from schedules.barcamp.planner.heuristic import Grid, start
from schedules.barcamp.planner.indexed import index_instance
from schedules.barcamp.planner.swaps import SlotState
from tests.unit.barcamp.test_planner_reference import hard_constraint_violations, naive_objective
from tests.unit.barcamp.test_planner_solve import generated, pinned_at


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_accepted_swaps_keep_the_running_cost_exact(seed: int) -> None:
    instance = pinned_at(
        generated(sessions=22, rooms=3, slots=4, voters=70, seed=seed), 0, ("T0", "R2")
    )
    problem = index_instance(instance)
    state = SlotState(problem, start(problem).slot_of)
    # Hot enough that many moves of every kind pass, then cold.
    for temperature in (30.0, 3.0, 0.5):
        work = state.work
        state.run([temperature], 30_000, seed)
        assert state.work >= work + 30_000
        for slots, cost in (
            (state.session_slots(), state.cost),
            (state.best_slots(), state.best_cost),
        ):
            plan = problem.assignments(Grid(problem).cells(slots))
            assert hard_constraint_violations(instance, plan) == []
            assert sum(naive_objective(instance, plan)) == cost


def test_warm_up_leaves_the_annealer_compiled() -> None:
    warm_up()
    # A plan made now runs machine code at once, with pins too.
    assert swaps._run.signatures
    assert swaps._recount.signatures
