"""Greedy start plus simulated annealing over slots, with incremental cost updates.

The search decides only which sessions share a slot. Rooms follow from that: the
overflow max(0, votes - capacity) is convex, so giving the most voted sessions the
largest rooms is optimal (pins keep their rooms; with a previous plan, sessions keep
their previous room first). So the annealer wastes no time on room-only moves.

The cost is the one CP-SAT minimises: move_weight * moves + missed + overflow. For
missed interest, `gain[s][t]` counts the voters of session s who have no other voted
session in slot t: moving s from slot a to b changes missed by gain[s][a] - gain[s][b],
so a move is judged in constant time (plus the voters two swapped sessions share),
and only accepted moves pay for updating the counts.

Without a previous plan (no move costs), `anneal` hands the search to the faster
`swaps` annealer, which judges the same moves in fewer steps; this one stays for
re-planning, where rooms and move costs matter.

The budget is counted in "work units" (roughly one elementary step each), never in
seconds, so the same input and seed give the same plan on any machine.
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence

from schedules.barcamp.planner.indexed import Indexed
from schedules.barcamp.planner.rooms import relax_rooms
from schedules.barcamp.planner.swaps import anneal_slots

UNPLACED = -1
# Share of the moves that take a placed session out of the grid without replacement.
REMOVE_SHARE = 0.03
# Temperatures in person units: early on, a move that misses ~4 more votes is still
# accepted now and then; at the end hardly anything but improvements pass. (Tuned on
# the benchmark instances; hotter or colder starts did no better.)
START_TEMPERATURE = 4.0
END_TEMPERATURE = 0.1
COOLING_STEPS = 400
# Work units of judging one move, on top of the voters two swapped sessions share.
WORK_PER_MOVE = 8


class Grid:
    """Which sessions are in which slot, and the counts behind the cost."""

    def __init__(self, problem: Indexed) -> None:
        self.problem = problem
        n_slots, n_sessions = problem.n_slots, problem.n_sessions
        self.slot_of = [UNPLACED] * n_sessions
        self.members: list[list[int]] = [[] for _ in range(n_slots)]  # unpinned sessions
        self.count = [[0] * problem.n_voters for _ in range(n_slots)]
        self.host_load = [[0] * problem.n_hosts for _ in range(n_slots)]
        self.voters = problem.voters
        self.voter_sets = [frozenset(voters) for voters in problem.voters]
        self.sessions_of_voter = _sessions_of_voter(problem)
        self.gain = [[len(voters)] * n_slots for voters in problem.voters]
        self.shared_voters: dict[tuple[int, int], tuple[int, ...]] = {}
        self.votes = [problem.votes(s) for s in range(n_sessions)]
        self.free_rooms = _free_rooms(problem)
        self.free_capacities = [[problem.capacities[r] for r in rooms] for rooms in self.free_rooms]
        self.unplaced_penalty = [
            problem.move_weight if cell is not None else 0 for cell in problem.previous_cell
        ]
        self.slot_cost = [0] * n_slots
        # Sessions with at most as many votes as the smallest free room of a slot never
        # overflow there, wherever they sit; only the others need sorting into rooms.
        self.fits_anywhere = [min(capacities, default=0) for capacities in self.free_capacities]
        self.large_votes: list[list[int]] = [[] for _ in range(n_slots)]
        self.cost = problem.total_votes + sum(self.unplaced_penalty)
        self.work = 0
        self.best_cost = self.cost
        self.best_slots: list[int] | None = None
        self._place_pins()

    def _place_pins(self) -> None:
        problem = self.problem
        for session, cell in enumerate(problem.pinned_cell):
            if cell is not None:
                slot = problem.slot_of(cell)
                self.cost += (
                    problem.overflow(session, problem.room_of(cell)) - self.gain[session][slot]
                )
                self._enter(session, slot)

    # -- rooms -------------------------------------------------------------------

    def arrange(self, slot: int, members: Sequence[int]) -> list[tuple[int, int]]:
        """(session, room) for the unpinned sessions of a slot; see the module docstring."""
        problem = self.problem
        free = list(self.free_rooms[slot])
        arranged = []
        if problem.move_weight:
            for session in sorted(members):
                previous = problem.previous_cell[session]
                if previous is not None and problem.slot_of(previous) == slot:
                    room = problem.room_of(previous)
                    if room in free:
                        free.remove(room)
                        arranged.append((session, room))
        staying = {session for session, _ in arranged}
        rest = sorted((s for s in members if s not in staying), key=lambda s: (-self.votes[s], s))
        arranged.extend(zip(rest, free, strict=False))
        return arranged

    def arrangement_cost(self, slot: int, members: Sequence[int]) -> int:
        """Overflow, plus move penalties with a previous plan, of a slot's unpinned sessions."""
        problem = self.problem
        if not problem.move_weight:
            limit = self.fits_anywhere[slot]
            return self._overflow(slot, [self.votes[s] for s in members if self.votes[s] > limit])
        cost = 0
        for session, room in self.arrange(slot, members):
            cost += problem.overflow(session, room)
            if problem.previous_cell[session] not in (None, problem.cell(slot, room)):
                cost += problem.move_weight
        return cost

    def _overflow(self, slot: int, large_votes: list[int]) -> int:
        """Overflow when the sessions with these votes take the largest free rooms."""
        large_votes.sort(reverse=True)
        capacities = self.free_capacities[slot]
        return sum([v - c for v, c in zip(large_votes, capacities, strict=False) if v > c])

    def cells(self, slots: Sequence[int]) -> list[int | None]:
        """Cells of a plan given by the slot of every session."""
        problem = self.problem
        cells: list[int | None] = list(problem.pinned_cell)
        for slot in range(problem.n_slots):
            members = [
                s for s, t in enumerate(slots) if t == slot and problem.pinned_cell[s] is None
            ]
            for session, room in self.arrange(slot, members):
                cells[session] = problem.cell(slot, room)
        return cells

    # -- judging moves -------------------------------------------------------------

    def slot_change(self, slot: int, leaving: int, joining: int) -> int:
        """Change of a slot's arrangement cost when one member leaves and/or one joins."""
        if self.problem.move_weight:
            members = [s for s in self.members[slot] if s != leaving]
            if joining != UNPLACED:
                members.append(joining)
            return self.arrangement_cost(slot, members) - self.slot_cost[slot]
        limit = self.fits_anywhere[slot]
        leaving_votes = self.votes[leaving] if leaving != UNPLACED else 0
        joining_votes = self.votes[joining] if joining != UNPLACED else 0
        if leaving_votes <= limit and joining_votes <= limit:
            return 0
        large_votes = list(self.large_votes[slot])
        if leaving_votes > limit:
            large_votes.remove(leaving_votes)
        if joining_votes > limit:
            large_votes.append(joining_votes)
        return self._overflow(slot, large_votes) - self.slot_cost[slot]

    def hosts_free(self, session: int, slot: int, leaving: int) -> bool:
        """Whether `session`'s hosts are free in `slot` once `leaving` (or nobody) left it."""
        load = self.host_load[slot]
        for host in self.problem.hosts[session]:
            if load[host] and not (
                load[host] == 1 and leaving != UNPLACED and host in self.problem.hosts[leaving]
            ):
                return False
        return True

    def solo_change(self, session: int, old_slot: int, new_slot: int) -> int:
        """Change of missed votes and unplaced penalty if `session` alone changes slot."""
        gain, penalty = self.gain[session], self.unplaced_penalty[session]
        leaving = gain[old_slot] if old_slot != UNPLACED else -penalty
        arriving = gain[new_slot] if new_slot != UNPLACED else -penalty
        return leaving - arriving

    def move_delta(self, session: int, slot: int, limit: float = math.inf) -> int | None:
        """Cost change of moving `session` into `slot` (which must differ from its own) or
        out of the grid; None if no room is free, a host clashes, or it exceeds `limit`."""
        self.work += WORK_PER_MOVE
        old_slot = self.slot_of[session]
        if slot != UNPLACED and (
            len(self.members[slot]) >= len(self.free_rooms[slot])
            or not self.hosts_free(session, slot, UNPLACED)
        ):
            return None
        delta = self.solo_change(session, old_slot, slot)
        if delta - self._overflow_slack(session, UNPLACED) > limit:
            return None
        if old_slot != UNPLACED:
            delta += self.slot_change(old_slot, session, UNPLACED)
        if slot != UNPLACED:
            delta += self.slot_change(slot, UNPLACED, session)
        return delta if delta <= limit else None

    def swap_delta(self, first: int, second: int, limit: float = math.inf) -> int | None:
        """Cost change of exchanging the slots of two sessions in different slots (one may
        be unplaced); None if a host clashes or the change exceeds `limit`."""
        self.work += WORK_PER_MOVE
        first_slot, second_slot = self.slot_of[first], self.slot_of[second]
        if second_slot != UNPLACED and not self.hosts_free(first, second_slot, second):
            return None
        if first_slot != UNPLACED and not self.hosts_free(second, first_slot, first):
            return None
        delta = (
            self.solo_change(first, first_slot, second_slot)
            + self.solo_change(second, second_slot, first_slot)
            + self._shared_voter_correction(first, second, first_slot, second_slot)
        )
        if delta - self._overflow_slack(first, second) > limit:
            return None
        if first_slot != UNPLACED:
            delta += self.slot_change(first_slot, first, second)
        if second_slot != UNPLACED:
            delta += self.slot_change(second_slot, second, first)
        return delta if delta <= limit else None

    def _overflow_slack(self, leaving: int, joining: int) -> float:
        """How far slot costs can fall when `leaving` gives up its slot to `joining` (or
        to nobody: UNPLACED), and `joining` takes or leaves the other slot.

        Overflow is 1-Lipschitz and monotone in each session's votes: it can only fall
        in the slot that trades a session for a less voted one (or none), by at most
        the difference and at most that slot's current overflow. Move penalties are not
        bounded that way.
        """
        if self.problem.move_weight:
            return math.inf
        votes_out = self.votes[leaving]
        votes_in = self.votes[joining] if joining != UNPLACED else 0
        bigger, smaller = (leaving, votes_in) if votes_out >= votes_in else (joining, votes_out)
        slot = self.slot_of[bigger]
        if slot == UNPLACED:
            return 0
        return min(self.votes[bigger] - smaller, self.slot_cost[slot])

    def _shared_voter_correction(
        self, first: int, second: int, first_slot: int, second_slot: int
    ) -> int:
        """Undo what the gains wrongly count for voters of both swapped sessions.

        Such a voter keeps one session in each slot involved, so nothing changes for
        them, but each gain saw a slot lose its only session of theirs.
        """
        shared = self._shared(first, second)
        if not shared:
            return 0
        self.work += len(shared)
        correction = 0
        for slot in (first_slot, second_slot):
            if slot != UNPLACED:
                count = self.count[slot]
                correction -= [count[v] for v in shared].count(1)
        return correction

    def _shared(self, first: int, second: int) -> tuple[int, ...]:
        key = (first, second) if first < second else (second, first)
        shared = self.shared_voters.get(key)
        if shared is None:
            shared = tuple(self.voter_sets[first] & self.voter_sets[second])
            self.shared_voters[key] = shared
        return shared

    # -- applying moves --------------------------------------------------------------

    def move(self, session: int, slot: int, delta: int) -> None:
        self._leave(session)
        self._join(session, slot)
        self.cost += delta

    def swap(self, first: int, second: int, delta: int) -> None:
        first_slot, second_slot = self.slot_of[first], self.slot_of[second]
        self._leave(first)
        self._leave(second)
        self._join(first, second_slot)
        self._join(second, first_slot)
        self.cost += delta

    def _leave(self, session: int) -> None:
        slot = self.slot_of[session]
        if slot == UNPLACED:
            return
        self.slot_of[session] = UNPLACED
        self.members[slot].remove(session)
        if self.votes[session] > self.fits_anywhere[slot]:
            self.large_votes[slot].remove(self.votes[session])
        self.slot_cost[slot] = self.arrangement_cost(slot, self.members[slot])
        self._recount(session, slot, -1)
        self._add_hosts(session, slot, -1)

    def _join(self, session: int, slot: int) -> None:
        if slot == UNPLACED:
            return
        self.members[slot].append(session)
        if self.votes[session] > self.fits_anywhere[slot]:
            self.large_votes[slot].append(self.votes[session])
        self.slot_cost[slot] = self.arrangement_cost(slot, self.members[slot])
        self._enter(session, slot)

    def _enter(self, session: int, slot: int) -> None:
        self.slot_of[session] = slot
        self._recount(session, slot, 1)
        self._add_hosts(session, slot, 1)

    def _recount(self, session: int, slot: int, step: int) -> None:
        """Update counts and gains after `session` left (step -1) or entered (+1) `slot`.

        gain[o][slot] counts o's voters with no session in the slot besides o itself, so
        it changes when a voter's count crosses 0/1 for sessions elsewhere, and 1/2 for
        the one session of theirs that is in the slot.
        """
        count, gain, others, slot_of = (
            self.count[slot],
            self.gain,
            self.sessions_of_voter,
            self.slot_of,
        )
        for voter in self.voters[session]:
            count[voter] += step
            now = count[voter]
            if now == (0 if step < 0 else 1):
                for other in others[voter]:
                    if other != session:
                        gain[other][slot] -= step
            elif now == (1 if step < 0 else 2):
                for other in others[voter]:
                    if other != session and slot_of[other] == slot:
                        gain[other][slot] -= step
        self.work += 2 * len(self.voters[session])

    def _add_hosts(self, session: int, slot: int, step: int) -> None:
        load = self.host_load[slot]
        for host in self.problem.hosts[session]:
            load[host] += step

    def try_moving(self, session: int, slot: int) -> None:
        delta = self.move_delta(session, slot)
        if delta is not None:
            self.move(session, slot, delta)

    def remember_if_best(self) -> None:
        if self.best_slots is None or self.cost < self.best_cost:
            self.best_cost = self.cost
            self.best_slots = list(self.slot_of)


def _sessions_of_voter(problem: Indexed) -> list[list[int]]:
    sessions: list[list[int]] = [[] for _ in range(problem.n_voters)]
    for session, voters in enumerate(problem.voters):
        for voter in voters:
            sessions[voter].append(session)
    return sessions


def _free_rooms(problem: Indexed) -> list[list[int]]:
    """Per slot, the rooms no pin takes, largest first."""
    pinned = {cell for cell in problem.pinned_cell if cell is not None}
    by_size = sorted(range(problem.n_rooms), key=lambda r: (-problem.capacities[r], r))
    return [
        [r for r in by_size if problem.cell(t, r) not in pinned] for t in range(problem.n_slots)
    ]


def start(problem: Indexed) -> Grid:
    """Pins; then previous places that still work; then, most voted first, each session
    the relaxation keeps goes where it costs least, and the others only where they help."""
    grid = Grid(problem)
    for session, cell in enumerate(problem.previous_cell):
        if cell is not None:
            grid.try_moving(session, problem.slot_of(cell))
    kept = relax_rooms(problem).kept
    by_votes = sorted(problem.movable(), key=lambda s: (s not in kept, -problem.votes(s), s))
    for session in by_votes:
        if grid.slot_of[session] == UNPLACED:
            best = best_slot(grid, session)
            if best is not None and (best[1] < 0 or session in kept):
                grid.move(session, *best)
    return grid


def best_slot(grid: Grid, session: int) -> tuple[int, int] | None:
    """The slot where placing `session` costs least, with that change; None if none fits."""
    best: tuple[int, int] | None = None
    for slot in range(grid.problem.n_slots):
        delta = grid.move_delta(session, slot)
        if delta is not None and (best is None or delta < best[1]):
            best = (slot, delta)
    return best


def anneal(problem: Indexed, work_budget: int, seed: int) -> list[int | None]:
    """The best plan seen by simulated annealing from the greedy start, as cells: by
    `swaps.anneal_slots` for a fresh plan, by this module's annealer when re-planning."""
    grid = start(problem)
    grid.remember_if_best()
    movable = problem.movable()
    if not movable or not problem.n_cells:
        return grid.cells(grid.slot_of)
    if not problem.move_weight:
        return grid.cells(anneal_slots(problem, grid.slot_of, work_budget, seed))
    _anneal(grid, movable, work_budget, random.Random(seed))
    return grid.cells(grid.best_slots or grid.slot_of)


def _anneal(grid: Grid, movable: Sequence[int], work_budget: int, rng: random.Random) -> None:
    step_work = max(1, work_budget // COOLING_STEPS)
    ratio = END_TEMPERATURE / START_TEMPERATURE
    for step in range(COOLING_STEPS):
        temperature = START_TEMPERATURE * ratio ** (step / (COOLING_STEPS - 1))
        _run_at(grid, movable, grid.work + step_work, temperature, rng)


def _run_at(
    grid: Grid, movable: Sequence[int], work_until: int, temperature: float, rng: random.Random
) -> None:
    n_rooms = grid.problem.n_rooms
    n_cells = grid.problem.n_cells
    n_movable = len(movable)
    slot_of, members = grid.slot_of, grid.members
    random_number = rng.random
    while grid.work < work_until:
        grid.work += 1  # every attempt costs something, even one dropped at once
        session = movable[int(random_number() * n_movable)]
        other = UNPLACED
        if slot_of[session] != UNPLACED and random_number() < REMOVE_SHARE:
            target = UNPLACED
        else:
            # A random cell: its slot, and the session there if any (rooms are implicit).
            target, position = divmod(int(random_number() * n_cells), n_rooms)
            if target == slot_of[session]:
                continue
            if position < len(members[target]):
                other = members[target][position]
        # Metropolis acceptance, drawn first so that hopeless moves are cut short.
        limit = -temperature * math.log(1.0 - random_number())
        if other == UNPLACED:
            delta = grid.move_delta(session, target, limit)
        else:
            delta = grid.swap_delta(session, other, limit)
        if delta is None:
            continue
        if other == UNPLACED:
            grid.move(session, target, delta)
        else:
            grid.swap(session, other, delta)
        if grid.cost < grid.best_cost:
            grid.remember_if_best()
