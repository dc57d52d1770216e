"""`plan()`: annealing first, then CP-SAT warm-started from it; the better plan wins.

Both budgets derive from `time_limit` through fixed rates, never from the clock, so a
plan depends only on its input, `time_limit`, `seed` and `workers`:
- each of `workers` annealing lanes gets `ANNEALING_SHARE * time_limit` seconds'
  worth of work units at its annealer's `Pace`, spent on chains with seeds seed,
  seed+1, ...; the best chain wins, ties going to the lower seed. The compiled swap
  annealer (fresh plans) runs lanes in threads, as it releases the GIL; the Python
  annealer (re-planning) in processes;
- CP-SAT gets `CPSAT_SHARE * time_limit` seconds of deterministic time, with
  `interleave_search`, whose parallel search does not depend on thread timing.
The rates were measured on a shared 2-core machine, where the wall time of the
benchmark's large instance stays below `time_limit`; on a slower machine the plan is
the same, it only comes later.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from multiprocessing import get_context

from schedules.barcamp.planner.cpsat import Cells, CpSatOutcome, solve_cpsat
from schedules.barcamp.planner.heuristic import anneal
from schedules.barcamp.planner.indexed import Assignments, Indexed, index_instance
from schedules.barcamp.planner.model import Identifier, Instance, Pin, Room, Session, Slot
from schedules.barcamp.planner.score import cheap_lower_bound, count_moved, score

ANNEALING_SHARE = 0.8
CPSAT_SHARE = 0.03


@dataclass(frozen=True)
class Pace:
    """How an annealer spends a budget."""

    work_units_per_second: int  # of one chain
    # Work after which a chain improves so slowly on the benchmark instances that a
    # new chain (another seed) is the better use of the budget.
    chain_work_limit: int
    # Below this many work units per lane, a second lane costs more than it brings.
    parallel_work_minimum: int
    releases_gil: bool


FRESH_PACE = Pace(40_000_000, 80_000_000, 2_000_000, releases_gil=True)  # swaps.py
REPLANNING_PACE = Pace(2_500_000, 40_000_000, 3_000_000, releases_gil=False)  # heuristic.py


def pace_of(problem: Indexed) -> Pace:
    return REPLANNING_PACE if problem.move_weight else FRESH_PACE


@dataclass(frozen=True)
class PlanResult:
    assignments: dict[Identifier, tuple[Identifier, Identifier]]  # session -> (slot, room)
    unscheduled: tuple[Identifier, ...]
    missed: int
    overflow: int
    bound: int  # no plan (moving at most `moved` sessions) has missed + overflow below it
    seconds: float
    moved: int  # unpinned sessions not where `previous` had them (0 without one)
    optimal: bool
    method: str

    @property
    def objective(self) -> int:
        return self.missed + self.overflow


@dataclass(frozen=True)
class Candidate:
    cells: Cells
    method: str
    missed: int
    overflow: int
    moves: int  # departures from previous cells, as the model counts them

    @staticmethod
    def of(problem: Indexed, cells: Cells, method: str) -> Candidate:
        missed, overflow = score(problem.instance, problem.assignments(cells))
        moves = sum(
            1
            for session, previous in enumerate(problem.previous_cell)
            if previous is not None and cells[session] != previous
        )
        return Candidate(cells, method, missed, overflow, moves)

    def cost(self, problem: Indexed) -> int:
        return problem.move_weight * self.moves + self.missed + self.overflow


def plan(
    instance: Instance,
    *,
    time_limit: float = 10.0,
    seed: int = 0,
    previous: Assignments | None = None,
    workers: int = 2,
) -> PlanResult:
    """The best grid found within the budget; see the module docstring for the budgets."""
    if not math.isfinite(time_limit) or time_limit <= 0:
        raise ValueError(f"time_limit must be a positive number of seconds, got {time_limit}")
    started = time.perf_counter()
    problem = index_instance(instance, previous)
    if not problem.movable() or not problem.n_cells:
        best = Candidate.of(problem, anneal(problem, 0, seed), "nothing to decide")
        return _result(problem, best, None, previous, time.perf_counter() - started)
    work = int(ANNEALING_SHARE * time_limit * pace_of(problem).work_units_per_second)
    best = anneal_chains(problem, work, seed, max(1, workers))
    outcome = solve_cpsat(problem, best.cells, CPSAT_SHARE * time_limit, workers, seed)
    if outcome.cells is not None:
        polished = Candidate.of(problem, outcome.cells, "CP-SAT from the annealing plan")
        if polished.cost(problem) < best.cost(problem):
            best = polished
    return _result(problem, best, outcome, previous, time.perf_counter() - started)


def warm_up() -> None:
    """Have the compiled annealer ready: Numba compiles it on first use (some ten
    seconds on a new installation; later processes load it from its cache), and a
    plan is made while the store is locked for writing."""
    start = datetime(2000, 1, 1, 10)
    slots = tuple(
        Slot(t, start + timedelta(hours=t), start + timedelta(hours=t, minutes=45))
        for t in range(2)
    )
    # A pin too: pinned sessions are counted in by a compiled function called from Python.
    pinned = Session("pinned", "Opening", voters=("a",), pinned=Pin(0, "room"))
    sessions = (pinned, *(Session(s, f"Session {s}", voters=("a", "b")) for s in range(3)))
    plan(Instance((Room("room", "Room", 1),), slots, sessions), time_limit=0.01, workers=1)


def anneal_chains(problem: Indexed, work: int, seed: int, workers: int) -> Candidate:
    """The best of annealing chains with consecutive seeds, `work` units in each of
    `workers` lanes side by side.

    A chain improves ever more slowly, so beyond the pace's chain work limit a larger
    budget buys more chains (restarts) rather than longer ones.
    """
    pace = pace_of(problem)
    workers = workers if work >= pace.parallel_work_minimum else 1
    rounds = max(1, math.ceil(work / pace.chain_work_limit))
    seeds = [seed + chain for chain in range(rounds * workers)]
    chain = partial(anneal, problem, work // rounds)
    candidates = [
        Candidate.of(problem, cells, "annealing")
        for cells in _run_chains(chain, seeds, workers, pace.releases_gil)
    ]
    return min(candidates, key=lambda candidate: candidate.cost(problem))


def _run_chains(
    chain: Callable[[int], Cells], seeds: list[int], workers: int, in_threads: bool
) -> list[Cells]:
    """Cells of the chains in seed order; this thread runs every `workers`-th seed."""
    if workers == 1:
        return [chain(seed) for seed in seeds]
    own_seeds = seeds[::workers]
    try:
        with _pool(workers - 1, in_threads) as pool:
            others = {seed: pool.submit(chain, seed) for seed in seeds if seed not in own_seeds}
            own = {seed: chain(seed) for seed in own_seeds}
            return [own[seed] if seed in own else others[seed].result() for seed in seeds]
    except (OSError, BrokenProcessPool):
        # Where no process can be started, the same chains run one after the other.
        return [chain(seed) for seed in seeds]


def _pool(workers: int, in_threads: bool) -> Executor:
    if in_threads:
        return ThreadPoolExecutor(workers)
    # "spawn" starts clean interpreters: forking a process with threads (a bot,
    # CP-SAT) could copy locks that are held.
    return ProcessPoolExecutor(workers, mp_context=get_context("spawn"))


def _result(
    problem: Indexed,
    best: Candidate,
    outcome: CpSatOutcome | None,
    previous: Assignments | None,
    seconds: float,
) -> PlanResult:
    assignments = problem.assignments(best.cells)
    bound = _bound(problem, best, outcome)
    return PlanResult(
        assignments=assignments,
        unscheduled=tuple(s for s in problem.session_ids if s not in assignments),
        missed=best.missed,
        overflow=best.overflow,
        bound=bound,
        seconds=seconds,
        moved=count_moved(problem.instance, previous, assignments) if previous else 0,
        optimal=_is_optimal(problem, best, outcome, bound),
        method=best.method,
    )


def _bound(problem: Indexed, best: Candidate, outcome: CpSatOutcome | None) -> int:
    """Lower bound on missed + overflow over plans that move at most as many sessions.

    CP-SAT bounds move_weight * moves + missed + overflow; taking our moves off gives a
    bound for every plan with no more moves than ours.
    """
    bound = cheap_lower_bound(problem)
    if outcome is not None:
        model_bound = math.ceil(outcome.bound - 1e-6)
        bound = max(bound, model_bound - problem.move_weight * best.moves)
    return bound


def _is_optimal(
    problem: Indexed, best: Candidate, outcome: CpSatOutcome | None, bound: int
) -> bool:
    if outcome is None:
        return True  # nothing was left to decide
    if outcome.optimal and outcome.objective is not None:
        return best.cost(problem) <= outcome.objective
    # Without a previous plan, meeting the bound proves optimality as well.
    return problem.move_weight == 0 and best.missed + best.overflow <= bound
