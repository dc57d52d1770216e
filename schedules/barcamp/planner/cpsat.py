"""The CP-SAT model: by session, slot and room *class*, and by voter and slot.

- x[s, t, k]: session s runs in slot t in a room of capacity class k. Rooms of equal
  capacity are interchangeable for the objective, so the model only counts how many
  rooms of each class a slot uses; rooms are handed out after solving.
- z[s, t] = sum over k of x[s, t, k]: session s runs in slot t, whatever the room.
- y[v, t]: voter v has at least one voted session in slot t (y <= sum of z), so the
  voter attends sum_t y[v, t] sessions. This is far stronger than penalising pairs of
  sessions that share voters.
- overflow is a constant per (session, class), so it is linear in x.
- with a previous plan, stay[s] <= x[s, t0, k0] rewards keeping a session in place,
  weighted above any possible change of missed + overflow.
- open slots with no pinned session and no previous plan are interchangeable too; the
  i-th most voted session may only use the first i+1 of them (as in graph colouring).

The solve is deterministic: a deterministic time limit, a fixed seed and
`interleave_search`, which makes the parallel search independent of thread timing.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from ortools.sat.python import cp_model

from schedules.barcamp.planner.indexed import Indexed

Cells = list[int | None]


@dataclass(frozen=True)
class CpSatOutcome:
    cells: Cells | None  # None if CP-SAT found no plan in time
    objective: int | None  # in the model's units: move_weight * moves + missed + overflow
    bound: float  # lower bound on that objective
    optimal: bool


@dataclass(frozen=True)
class RoomClasses:
    capacities: tuple[int, ...]  # one per class, largest first
    rooms: tuple[tuple[int, ...], ...]  # room numbers of each class
    class_of_room: tuple[int, ...]

    @staticmethod
    def of(problem: Indexed) -> RoomClasses:
        capacities = tuple(sorted(set(problem.capacities), reverse=True))
        rooms = tuple(
            tuple(r for r in range(problem.n_rooms) if problem.capacities[r] == capacity)
            for capacity in capacities
        )
        class_of_room = tuple(capacities.index(c) for c in problem.capacities)
        return RoomClasses(capacities, rooms, class_of_room)


class GridModel:
    def __init__(self, problem: Indexed) -> None:
        self.problem = problem
        self.classes = RoomClasses.of(problem)
        self.model = cp_model.CpModel()
        self.x: dict[tuple[int, int, int], cp_model.IntVar] = {}
        self.z: dict[tuple[int, int], cp_model.IntVar] = {}  # session s in slot t, any room
        self.y: dict[tuple[int, int], cp_model.IntVar] = {}
        self.stay: dict[int, cp_model.IntVar] = {}
        self.symmetric_slots = self._interchangeable_slots()
        self._build()

    # -- structure ---------------------------------------------------------------

    def _pinned_in_slot(self) -> list[list[int]]:
        pinned: list[list[int]] = [[] for _ in range(self.problem.n_slots)]
        for s, cell in enumerate(self.problem.pinned_cell):
            if cell is not None:
                pinned[self.problem.slot_of(cell)].append(s)
        return pinned

    def _interchangeable_slots(self) -> list[int]:
        if any(cell is not None for cell in self.problem.previous_cell):
            return []
        pinned = self._pinned_in_slot()
        return [t for t in range(self.problem.n_slots) if not pinned[t]]

    def _allowed_slots(self, movable_by_votes: Sequence[int]) -> dict[int, list[int]]:
        """Open slots each session may use: all, except for the symmetry breaking."""
        problem = self.problem
        symmetric = set(self.symmetric_slots)
        pinned_hosts = self._hosts_pinned_per_slot()
        allowed: dict[int, list[int]] = {}
        for rank, s in enumerate(movable_by_votes):
            usable_symmetric = set(self.symmetric_slots[: rank + 1])
            allowed[s] = [
                t
                for t in range(problem.n_slots)
                if (t not in symmetric or t in usable_symmetric)
                and not pinned_hosts[t].intersection(problem.hosts[s])
            ]
        return allowed

    def _hosts_pinned_per_slot(self) -> list[set[int]]:
        hosts: list[set[int]] = [set() for _ in range(self.problem.n_slots)]
        for t, sessions in enumerate(self._pinned_in_slot()):
            for s in sessions:
                hosts[t].update(self.problem.hosts[s])
        return hosts

    def _free_rooms(self) -> list[list[int]]:
        """Per slot and class, the rooms not taken by pins."""
        problem = self.problem
        free = [[len(rooms) for rooms in self.classes.rooms] for _ in range(problem.n_slots)]
        for cell in problem.pinned_cell:
            if cell is not None:
                free[problem.slot_of(cell)][self.classes.class_of_room[problem.room_of(cell)]] -= 1
        return free

    # -- model -------------------------------------------------------------------

    def _build(self) -> None:
        problem = self.problem
        movable = sorted(problem.movable(), key=lambda s: (-problem.votes(s), s))
        allowed = self._allowed_slots(movable)
        for s in movable:
            for t in allowed[s]:
                self._add_session_slot(s, t)
            self.model.add_at_most_one(self.z[s, t] for t in allowed[s])
        self._add_room_limits()
        self._add_host_limits()
        attended = self._add_voter_coverage()
        moves = self._add_stays()
        # missed = votes cast - sessions attended; the pins' share of attended and of
        # overflow is a constant.
        pinned_overflow = sum(
            problem.overflow(s, problem.room_of(cell))
            for s, cell in enumerate(problem.pinned_cell)
            if cell is not None
        )
        constant = problem.total_votes - len(self._covered_by_pins()) + pinned_overflow
        self.model.minimize(problem.move_weight * moves - attended + self._overflow() + constant)

    def _add_session_slot(self, s: int, t: int) -> None:
        """z[s, t] and its x[s, t, k]; z keeps the voter and host constraints short."""
        self.z[s, t] = self.model.new_bool_var("")
        for k in range(len(self.classes.capacities)):
            self.x[s, t, k] = self.model.new_bool_var("")
        rooms = [self.x[s, t, k] for k in range(len(self.classes.capacities))]
        self.model.add(cp_model.LinearExpr.sum(rooms) == self.z[s, t])

    def _overflow(self) -> cp_model.LinearExpr:
        votes = self.problem.votes
        capacities = self.classes.capacities
        overflowing = [(var, votes(s) - capacities[k]) for (s, _, k), var in self.x.items()]
        overflowing = [(var, excess) for var, excess in overflowing if excess > 0]
        return cp_model.LinearExpr.weighted_sum(
            [var for var, _ in overflowing], [excess for _, excess in overflowing]
        )

    def _add_room_limits(self) -> None:
        by_slot_class: dict[tuple[int, int], list[cp_model.IntVar]] = defaultdict(list)
        for (_, t, k), var in self.x.items():
            by_slot_class[t, k].append(var)
        free = self._free_rooms()
        for (t, k), variables in by_slot_class.items():
            self.model.add(cp_model.LinearExpr.sum(variables) <= free[t][k])

    def _add_host_limits(self) -> None:
        by_host_slot: dict[tuple[int, int], list[cp_model.IntVar]] = defaultdict(list)
        sessions: dict[tuple[int, int], set[int]] = defaultdict(set)
        for (s, t), var in self.z.items():
            for host in self.problem.hosts[s]:
                by_host_slot[host, t].append(var)
                sessions[host, t].add(s)
        for key, variables in by_host_slot.items():
            if len(sessions[key]) > 1:
                self.model.add_at_most_one(variables)

    def _covered_by_pins(self) -> set[tuple[int, int]]:
        covered: set[tuple[int, int]] = set()
        for s, cell in enumerate(self.problem.pinned_cell):
            if cell is not None:
                covered.update((v, self.problem.slot_of(cell)) for v in self.problem.voters[s])
        return covered

    def _add_voter_coverage(self) -> cp_model.LinearExpr:
        in_slot: dict[tuple[int, int], list[cp_model.IntVar]] = defaultdict(list)
        for (s, t), var in self.z.items():
            for v in self.problem.voters[s]:
                in_slot[v, t].append(var)
        covered_by_pins = self._covered_by_pins()
        for (v, t), variables in in_slot.items():
            if (v, t) in covered_by_pins:
                continue  # already attends a pinned session then
            self.y[v, t] = self.model.new_bool_var("")
            self.model.add(self.y[v, t] <= cp_model.LinearExpr.sum(variables))
        return cp_model.LinearExpr.sum(list(self.y.values()))

    def _add_stays(self) -> cp_model.LinearExpr:
        """Number of sessions that leave their previous cell; 0 without a previous plan."""
        problem = self.problem
        claims: dict[int, list[cp_model.IntVar]] = defaultdict(list)
        leaving = 0
        for s, cell in enumerate(problem.previous_cell):
            if cell is None:
                continue
            key = (s, problem.slot_of(cell), self.classes.class_of_room[problem.room_of(cell)])
            if key not in self.x:
                leaving += 1  # e.g. the cell is pinned by another session now
                continue
            self.stay[s] = self.model.new_bool_var("")
            self.model.add_implication(self.stay[s], self.x[key])
            claims[cell].append(self.stay[s])
        taken = {cell for cell in problem.pinned_cell if cell is not None}
        for cell, stays in claims.items():
            self.model.add(cp_model.LinearExpr.sum(stays) <= (0 if cell in taken else 1))
        staying = cp_model.LinearExpr.sum(list(self.stay.values()))
        return leaving + len(self.stay) - staying

    # -- hint and solution -----------------------------------------------------------

    def add_hint(self, cells: Cells) -> None:
        cells = self._canonical_slots(cells)
        problem = self.problem
        placed = {
            s: (problem.slot_of(c), self.classes.class_of_room[problem.room_of(c)])
            for s, c in enumerate(cells)
            if c is not None
        }
        covered = {(v, t) for s, (t, _) in placed.items() for v in problem.voters[s]}
        for (s, t, k), var in self.x.items():
            self.model.add_hint(var, placed.get(s) == (t, k))
        for (s, t), var in self.z.items():
            self.model.add_hint(var, placed.get(s, (None,))[0] == t)
        for key, var in self.y.items():
            self.model.add_hint(var, key in covered)
        for s, var in self.stay.items():
            self.model.add_hint(var, cells[s] == problem.previous_cell[s])

    def _canonical_slots(self, cells: Cells) -> Cells:
        """Relabel the interchangeable slots of a plan so that it obeys the symmetry breaking:
        those slots are ordered by the rank of the most voted session they hold."""
        problem = self.problem
        symmetric = self.symmetric_slots
        if not symmetric:
            return cells
        movable = sorted(problem.movable(), key=lambda s: (-problem.votes(s), s))
        first_rank = {t: len(movable) for t in symmetric}
        for rank, s in reversed(list(enumerate(movable))):
            cell = cells[s]
            if cell is not None and problem.slot_of(cell) in first_rank:
                first_rank[problem.slot_of(cell)] = rank
        order = sorted(symmetric, key=lambda t: (first_rank[t], t))
        relabel = dict(zip(order, symmetric, strict=True))
        return [
            None
            if c is None
            else problem.cell(
                relabel.get(problem.slot_of(c), problem.slot_of(c)), problem.room_of(c)
            )
            for c in cells
        ]

    def decode(self, solver: cp_model.CpSolver) -> Cells:
        """Cells of the solution: pins keep their rooms, stayers their previous room, and
        everyone else takes the remaining rooms of their class, their previous one if free."""
        problem = self.problem
        cells: Cells = list(problem.pinned_cell)
        taken = {cell for cell in cells if cell is not None}
        waiting: list[tuple[int, int, int]] = []
        for (s, t, k), var in self.x.items():
            if solver.boolean_value(var):
                previous = problem.previous_cell[s]
                if s in self.stay and solver.boolean_value(self.stay[s]) and previous is not None:
                    cells[s] = previous
                    taken.add(previous)
                else:
                    waiting.append((s, t, k))
        for s, t, k in sorted(waiting, key=lambda item: problem.previous_cell[item[0]] is None):
            candidates = [problem.cell(t, r) for r in self.classes.rooms[k]]
            free = [cell for cell in candidates if cell not in taken]
            previous = problem.previous_cell[s]
            cell = previous if previous is not None and previous in free else free[0]
            cells[s] = cell
            taken.add(cell)
        return cells


def solve_cpsat(
    problem: Indexed, hint: Cells | None, deterministic_time: float, workers: int, seed: int
) -> CpSatOutcome:
    grid = GridModel(problem)
    if hint is not None:
        grid.add_hint(hint)
    solver = cp_model.CpSolver()
    parameters = solver.parameters
    parameters.max_deterministic_time = deterministic_time
    parameters.num_workers = max(1, workers)
    parameters.interleave_search = workers > 1
    parameters.random_seed = seed
    status = solver.solve(grid.model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return CpSatOutcome(None, None, solver.best_objective_bound, False)
    return CpSatOutcome(
        cells=grid.decode(solver),
        objective=round(solver.objective_value),
        bound=solver.best_objective_bound,
        optimal=status == cp_model.OPTIMAL,
    )
