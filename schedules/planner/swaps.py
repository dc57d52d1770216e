"""Simulated annealing over slots for plans without a previous grid, built for speed.

Every free cell always holds one *entity*: a movable session or a "free room" (a dummy
with no votes, voters or hosts), and spare dummies wait outside the grid. So every move
is a swap of two entities in different slots: session for session, a session into a
free room, or a session out of the grid (swapped with a spare dummy). A swap is judged
in a few list look-ups, from counts that only accepted moves update:

- missed: `gain[e][t]` counts the voters of e with no other session in slot t, so
  swapping s (slot a) and o (slot b) changes missed by gain[s][a] - gain[s][b] +
  gain[o][b] - gain[o][a], less one for each voter of both that keeps a session in a
  or in b;
- overflow: each slot keeps its votes sorted, with prefix sums of how the overflow
  changes when sessions shift one room up or down, so putting other votes in one
  session's place costs one bisection and a few look-ups.

Cheap lower bounds reject most bad moves before the exact change is computed. Pinned
sessions are no entities: they only fill their cells and count for voters and hosts.
"""

from __future__ import annotations

import math
import random
from bisect import bisect_left
from collections.abc import Sequence
from itertools import pairwise

from schedules.planner.indexed import Indexed

# Share of the moves that take a session out of the grid (swap it with a spare dummy).
REMOVE_SHARE = 0.03
# Temperatures in person units: at the start a move that misses ~2 more votes passes
# now and then, at the end hardly anything but improvements does. Below ~0.3 the chain
# is frozen on the benchmark instances, so no budget is spent there.
START_TEMPERATURE = 2.5
END_TEMPERATURE = 0.3
COOLING_STEPS = 400
# Work units (about 0.25 microseconds each here) of drawing a move, of judging it
# exactly when the cheap bounds do not reject it, and per voter of a moved session.
WORK_PER_DRAW = 3
WORK_PER_JUDGEMENT = 5
WORK_PER_MOVED_VOTER = 2


class SlotState:
    """Entities in slots, and the counts behind the cost of every swap."""

    def __init__(self, problem: Indexed, slot_of: Sequence[int]) -> None:
        self.problem = problem
        self.sessions = problem.movable()  # entity e < n_sessions is session sessions[e]
        self.n_sessions = len(self.sessions)
        self.outside = problem.n_slots  # the pseudo-slot of entities outside the grid
        self.capacities = [*_free_capacities(problem), []]
        n_entities = self.n_sessions + sum(map(len, self.capacities))
        self._build_tables(n_entities)
        self._place_pins()
        self._place_entities(slot_of, n_entities)
        for t in range(problem.n_slots):
            self._sort_slot(t)
        self.cost = self.full_cost()
        self.best_cost = self.cost
        self.best_slots = self.session_slots()

    # -- set-up --------------------------------------------------------------------

    def _build_tables(self, n_entities: int) -> None:
        n_slots, n_dummies = self.problem.n_slots, n_entities - self.n_sessions
        self.votes = [self.problem.votes(s) for s in self.sessions] + [0] * n_dummies
        self.voters = [self.problem.voters[s] for s in self.sessions]
        self.slot = [self.outside] * n_entities
        # count[t][v]: sessions of voter v in slot t; the outside row stays all zero.
        self.count = [[0] * self.problem.n_voters for _ in range(n_slots + 1)]
        self.gain = [[len(voters)] * n_slots + [0] for voters in self.voters]
        self.gain += [[0] * (n_slots + 1)] * n_dummies  # never changed
        self.entities_of_voter = _entities_of_voter(self.problem.n_voters, self.voters)
        self.shared = _shared_voters(self.voters, n_entities)
        self.conflicts = _host_conflicts(self.problem, self.sessions)
        # clash[e][t]: sessions in slot t (pinned ones too) sharing a host with e.
        self.clash = [[0] * (n_slots + 1) for _ in range(n_entities)]
        self.sorted_votes: list[list[int]] = [[] for _ in range(n_slots + 1)]
        self.position = [0] * n_entities
        self.shift_down: list[list[int]] = [[0] for _ in range(n_slots + 1)]
        self.shift_up: list[list[int]] = [[0] for _ in range(n_slots + 1)]
        self.overflow = [0] * (n_slots + 1)
        self.work = 0

    def _place_pins(self) -> None:
        problem = self.problem
        for session, cell in enumerate(problem.pinned_cell):
            if cell is None:
                continue
            slot = problem.slot_of(cell)
            self._recount(problem.voters[session], -1, slot, 1)
            hosts = set(problem.hosts[session])
            for entity, other in enumerate(self.sessions):
                if hosts.intersection(problem.hosts[other]):
                    self.clash[entity][slot] += 1

    def _place_entities(self, slot_of: Sequence[int], n_entities: int) -> None:
        """Sessions where `slot_of` has them (-1: outside), dummies in the free cells
        left, the other dummies spare. Cells are numbered slot by slot."""
        members: list[list[int]] = [[] for _ in range(self.problem.n_slots)]
        for e, session in enumerate(self.sessions):
            if slot_of[session] >= 0:
                members[slot_of[session]].append(e)
        dummies = iter(range(self.n_sessions, n_entities))
        for t, capacities in enumerate(self.capacities[:-1]):
            members[t] += [next(dummies) for _ in range(len(capacities) - len(members[t]))]
            for e in members[t]:
                self._enter(e, t)
        self.spare = list(dummies)
        self.cells = [e for slot_members in members for e in slot_members]
        self.cell_of = [-1] * n_entities
        for cell, entity in enumerate(self.cells):
            self.cell_of[entity] = cell
        ends = _prefix_sums([len(slot_members) for slot_members in members])
        self.slot_cells = [range(start, end) for start, end in pairwise(ends)]

    def full_cost(self) -> int:
        """Missed + overflow from scratch (pinned sessions' overflow included)."""
        problem = self.problem
        attended = sum(sum(1 for c in counts if c) for counts in self.count)
        pinned_overflow = sum(
            problem.overflow(s, problem.room_of(cell))
            for s, cell in enumerate(problem.pinned_cell)
            if cell is not None
        )
        return problem.total_votes - attended + sum(self.overflow) + pinned_overflow

    def session_slots(self) -> list[int]:
        """The slot of every session of the problem (-1 outside; pins where pinned)."""
        problem = self.problem
        slots = [-1 if c is None else problem.slot_of(c) for c in problem.pinned_cell]
        for e, session in enumerate(self.sessions):
            slots[session] = self.slot[e] if self.slot[e] != self.outside else -1
        return slots

    # -- overflow ------------------------------------------------------------------

    def _sort_slot(self, t: int) -> None:
        """Sorted votes of slot t and the prefix sums that `overflow_change` reads."""
        members = sorted((self.cells[c] for c in self.slot_cells[t]), key=lambda e: -self.votes[e])
        for index, e in enumerate(members):
            self.position[e] = index
        votes = [self.votes[e] for e in members]
        self.sorted_votes[t] = [-v for v in votes]  # ascending, for bisect
        capacities = self.capacities[t]
        here = _excess(votes, capacities)
        # One room down or up (the last session never moves down, the first never up,
        # so their padding is never read).
        down = _excess(votes, capacities[1:] + capacities[-1:])
        up = _excess(votes, capacities[:1] + capacities[:-1])
        self.shift_down[t] = _prefix_sums([d - h for d, h in zip(down, here, strict=True)])
        self.shift_up[t] = _prefix_sums([u - h for u, h in zip(up, here, strict=True)])
        self.overflow[t] = sum(here)

    def overflow_change(self, t: int, position: int, old: int, new: int) -> int:
        """Change of slot t's overflow when the votes `old` at `position` become `new`.

        More votes move up to the room of the first session with fewer, pushing the
        ones between down a room; fewer votes move down, pushing those between up.
        """
        if t == self.outside or old == new:
            return 0
        capacities = self.capacities[t]
        if new > old:
            to = bisect_left(self.sorted_votes[t], -new)
            shifted = self.shift_down[t][position] - self.shift_down[t][to]
        else:
            to = bisect_left(self.sorted_votes[t], -new) - 1
            shifted = self.shift_up[t][to + 1] - self.shift_up[t][position + 1]
        gained, lost = new - capacities[to], old - capacities[position]
        return (gained if gained > 0 else 0) - (lost if lost > 0 else 0) + shifted

    # -- moves ---------------------------------------------------------------------

    def swap(self, first: int, second: int, delta: int) -> None:
        """Exchange the slots and cells of two entities in different slots."""
        first_slot, second_slot = self.slot[first], self.slot[second]
        first_cell, second_cell = self.cell_of[first], self.cell_of[second]
        self._leave(first, first_slot)
        self._leave(second, second_slot)
        self._enter(first, second_slot)
        self._enter(second, first_slot)
        for entity, cell in ((first, second_cell), (second, first_cell)):
            self.cell_of[entity] = cell
            if cell >= 0:
                self.cells[cell] = entity
        for entity, was, now in (
            (first, first_slot, second_slot),
            (second, second_slot, first_slot),
        ):
            if entity >= self.n_sessions and now == self.outside:
                self.spare.append(entity)
            elif entity >= self.n_sessions and was == self.outside:
                self.spare.remove(entity)
        for t in (first_slot, second_slot):
            if t != self.outside:
                self._sort_slot(t)
        self.cost += delta
        if self.cost < self.best_cost:
            self.best_cost = self.cost
            self.best_slots = self.session_slots()

    def _leave(self, entity: int, slot: int) -> None:
        self._move_counts(entity, slot, -1)

    def _enter(self, entity: int, slot: int) -> None:
        self.slot[entity] = slot
        self._move_counts(entity, slot, 1)

    def _move_counts(self, entity: int, slot: int, step: int) -> None:
        if entity >= self.n_sessions or slot == self.outside:
            return
        if step < 0:
            self.slot[entity] = self.outside
        self._recount(self.voters[entity], entity, slot, step)
        for other in self.conflicts[entity]:
            self.clash[other][slot] += step

    def _recount(self, voters: Sequence[int], entity: int, slot: int, step: int) -> None:
        """Update counts and gains after `entity` (-1: a pinned session) left (step -1)
        or entered (+1) `slot`.

        gain[o][slot] counts o's voters with no session in the slot besides o itself, so
        it changes when a voter's count crosses 0/1 for sessions elsewhere, and 1/2 for
        the one session of theirs that is in the slot. The entity's own gains stay right.
        """
        count, gain, entities_of_voter, slot_of = (
            self.count[slot],
            self.gain,
            self.entities_of_voter,
            self.slot,
        )
        crossing_empty = 0 if step < 0 else 1
        crossing_single = 1 if step < 0 else 2
        for voter in voters:
            count[voter] += step
            now = count[voter]
            if now == crossing_empty:
                for other in entities_of_voter[voter]:
                    if other != entity:
                        gain[other][slot] -= step
            elif now == crossing_single:
                for other in entities_of_voter[voter]:
                    if other != entity and slot_of[other] == slot:
                        gain[other][slot] -= step
        self.work += WORK_PER_MOVED_VOTER * len(voters)


def _free_capacities(problem: Indexed) -> list[list[int]]:
    """Per open slot, the capacities of the rooms no pin takes, largest first."""
    pinned = {cell for cell in problem.pinned_cell if cell is not None}
    return [
        sorted(
            (
                problem.capacities[r]
                for r in range(problem.n_rooms)
                if problem.cell(t, r) not in pinned
            ),
            reverse=True,
        )
        for t in range(problem.n_slots)
    ]


def _excess(votes: list[int], capacities: list[int]) -> list[int]:
    return [v - c if v > c else 0 for v, c in zip(votes, capacities, strict=True)]


def _prefix_sums(values: list[int]) -> list[int]:
    sums = [0]
    for value in values:
        sums.append(sums[-1] + value)
    return sums


def _entities_of_voter(n_voters: int, voters: list[tuple[int, ...]]) -> list[list[int]]:
    entities: list[list[int]] = [[] for _ in range(n_voters)]
    for entity, entity_voters in enumerate(voters):
        for voter in entity_voters:
            entities[voter].append(entity)
    return entities


def _shared_voters(voters: list[tuple[int, ...]], n_entities: int) -> list[list[tuple[int, ...]]]:
    """shared[s][e]: voters of both session entity s and entity e (none for dummies)."""
    sets = [frozenset(v) for v in voters]
    shared: list[list[tuple[int, ...]]] = []
    for first in sets:
        row = [tuple(sorted(first & second)) for second in sets]
        shared.append(row + [()] * (n_entities - len(sets)))
    return shared


def _host_conflicts(problem: Indexed, sessions: list[int]) -> list[frozenset[int]]:
    """For every session entity, the other session entities that share a host with it."""
    return [
        frozenset(
            other
            for other, other_session in enumerate(sessions)
            if other != entity and set(problem.hosts[session]) & set(problem.hosts[other_session])
        )
        for entity, session in enumerate(sessions)
    ]


def anneal_slots(
    problem: Indexed, slot_of: Sequence[int], work_budget: int, seed: int
) -> list[int]:
    """The best slot of every session seen by annealing from `slot_of` (-1: outside)."""
    state = SlotState(problem, slot_of)
    rng = random.Random(seed)
    if state.n_sessions:
        step_work = max(1, work_budget // COOLING_STEPS)
        ratio = END_TEMPERATURE / START_TEMPERATURE
        for step in range(COOLING_STEPS):
            temperature = START_TEMPERATURE * ratio ** (step / (COOLING_STEPS - 1))
            run_at(state, state.work + step_work, temperature, rng)
    return state.best_slots


def run_at(state: SlotState, work_until: int, temperature: float, rng: random.Random) -> None:
    """Metropolis moves at one temperature until `work_until` work units are spent.

    Costs are integers, so a move that costs d > 0 passes with probability
    `passing[d]` = exp(-d / temperature), read from a table; the random number is drawn
    before the exact cost, so that cheap lower bounds can reject most moves at once.
    """
    passing = _passing_chances(temperature)
    random_number = rng.random
    n_sessions, n_cells, outside = state.n_sessions, len(state.cells), state.outside
    # Draws past the last cell take the session out of the grid instead.
    n_draws = n_cells + max(1, round(n_cells * REMOVE_SHARE / (1 - REMOVE_SHARE)))
    slot, gain, votes, overflow = state.slot, state.gain, state.votes, state.overflow
    cells, spare, shared, count = state.cells, state.spare, state.shared, state.count
    clash, conflicts, position = state.clash, state.conflicts, state.position
    overflow_change = state.overflow_change
    work = state.work
    while work < work_until:
        work += WORK_PER_DRAW
        first = int(random_number() * n_sessions)
        draw = int(random_number() * n_draws)
        if draw < n_cells:
            second = cells[draw]
        elif spare and slot[first] != outside:
            second = spare[-1]
        else:
            continue
        first_slot, second_slot = slot[first], slot[second]
        if first_slot == second_slot:
            continue
        first_gain, second_gain = gain[first], gain[second]
        delta = (
            first_gain[first_slot]
            - first_gain[second_slot]
            + second_gain[second_slot]
            - second_gain[first_slot]
        )
        both = shared[first][second]
        if both:
            first_counts, second_counts = count[first_slot], count[second_slot]
            for voter in both:
                delta -= (first_counts[voter] == 1) + (second_counts[voter] == 1)
        # Overflow can only fall in the slot that trades its session for one with fewer
        # votes, by at most the difference and at most that slot's overflow.
        first_votes, second_votes = votes[first], votes[second]
        if first_votes > second_votes:
            slack = first_votes - second_votes
            if slack > overflow[first_slot]:
                slack = overflow[first_slot]
        else:
            slack = second_votes - first_votes
            if slack > overflow[second_slot]:
                slack = overflow[second_slot]
        chance = random_number()
        if delta - slack > 0 and (delta - slack >= len(passing) or chance > passing[delta - slack]):
            continue
        if (clash[first][second_slot] or clash[second][first_slot]) and (
            _host_clash(clash, conflicts, first, second_slot, second)
            or _host_clash(clash, conflicts, second, first_slot, first)
        ):
            continue
        work += WORK_PER_JUDGEMENT
        delta += overflow_change(
            first_slot, position[first], first_votes, second_votes
        ) + overflow_change(second_slot, position[second], second_votes, first_votes)
        if delta <= 0 or (delta < len(passing) and chance <= passing[delta]):
            state.work = work
            state.swap(first, second, delta)
            work = state.work
    state.work = work


def _passing_chances(temperature: float) -> list[float]:
    """exp(-d / temperature) for d = 0, 1, ... while it is above one in a billion."""
    longest = max(1, math.ceil(temperature * math.log(1e9)))
    return [math.exp(-d / temperature) for d in range(longest)]


def _host_clash(
    clash: list[list[int]], conflicts: list[frozenset[int]], entity: int, slot: int, leaving: int
) -> bool:
    """Whether `entity` would share a host with a session in `slot` once `leaving` left."""
    if entity >= len(conflicts):
        return False
    clashing = clash[entity][slot]
    return clashing > 1 or (clashing == 1 and leaving not in conflicts[entity])
