"""Simulated annealing over slots for plans without a previous grid, compiled for speed.

Every free cell always holds one *entity*: a movable session or a "free room" (a dummy
with no votes, voters or hosts), and spare dummies wait outside the grid. So every move
is a swap of two entities in different slots: session for session, a session into a
free room, or a session out of the grid (swapped with a spare dummy). A swap is judged
in a few array look-ups, from counts that only accepted moves update:

- missed: `gain[e, t]` counts the voters of e with no other session in slot t, so
  swapping s (slot a) and o (slot b) changes missed by gain[s, a] - gain[s, b] +
  gain[o, b] - gain[o, a], less one for each voter of both that keeps a session in a
  or in b;
- overflow: each slot keeps its votes sorted, with prefix sums of how the overflow
  changes when sessions shift one room up or down, so putting other votes in one
  session's place costs one bisection and a few look-ups.

Cheap lower bounds reject most bad moves before the exact change is computed. Pinned
sessions are no entities: they only fill their cells and count for voters and hosts.

`SlotState` builds the tables in Python; the loop runs in Numba-compiled functions
(`jit.compiled`) over NumPy arrays, some fifty times faster than the same loop in
Python, and without the GIL.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import NamedTuple

import numpy as np
import numpy.typing as npt

from schedules.barcamp.planner.indexed import Indexed
from schedules.barcamp.planner.jit import compiled, inlined

Array = npt.NDArray[np.int64]

# Share of the moves that take a session out of the grid (swap it with a spare dummy).
REMOVE_SHARE = 0.03
# Temperatures in person units: at the start a move that misses ~2 more votes passes
# now and then, at the end hardly anything but improvements does. Below ~0.3 the chain
# is frozen on the benchmark instances, so no budget is spent there.
START_TEMPERATURE = 2.5
END_TEMPERATURE = 0.3
COOLING_STEPS = 400
# Work units of drawing a move, of judging it exactly when the cheap bounds do not
# reject it, and per voter of a moved session.
WORK_PER_DRAW = 3
WORK_PER_JUDGEMENT = 5
WORK_PER_MOVED_VOTER = 2
# Indices into State.scalars.
COST, BEST_COST, WORK, N_SPARE = range(4)


class Tables(NamedTuple):
    """What a chain never changes. Ragged lists are stored as `start` offsets into a
    flat `list` (entries of row i: list[start[i]:start[i + 1]])."""

    n_sessions: int  # entities below it are sessions, the others dummies
    outside: int  # the pseudo-slot of entities outside the grid (= number of slots)
    votes: Array  # per entity
    voter_start: Array  # voters of each entity
    voter_list: Array
    entity_start: Array  # session entities of each voter
    entity_list: Array
    shared_start: Array  # voters of both sessions, row first * n_sessions + second
    shared_list: Array
    conflict_start: Array  # session entities sharing a host with each session entity
    conflict_list: Array
    conflicts: npt.NDArray[np.bool_]  # the same as a matrix
    capacities: Array  # [slot, room], free rooms only, largest first
    n_free: Array  # free rooms per slot
    slot_start: Array  # cells of each slot; cells are numbered slot by slot


class State(NamedTuple):
    """What accepted moves change."""

    slot: Array  # per entity
    cells: Array  # entity in each cell
    cell_of: Array  # per entity, -1 outside
    spare: Array  # stack of dummies outside the grid, scalars[N_SPARE] of them
    voter_load: npt.NDArray[np.int32]  # [slot, voter]: sessions of the voter in the slot
    gain: Array  # [entity, slot], see the module docstring
    clash: Array  # [entity, slot]: sessions in the slot (pins too) sharing a host
    sorted_votes: Array  # [slot, rank]: minus the votes, ascending (for bisection)
    position: Array  # per entity, its rank in its slot
    shift_down: Array  # [slot, rank + 1]: prefix sums of overflow changes, see below
    shift_up: Array
    overflow: Array  # per slot
    best_slot: Array  # slot of every session entity in the best plan seen
    scalars: Array  # COST, BEST_COST, WORK, N_SPARE
    random: npt.NDArray[np.uint64]  # the random generator's state


class SlotState:
    """Entities in slots, and the counts behind the cost of every swap."""

    def __init__(self, problem: Indexed, slot_of: Sequence[int]) -> None:
        self.problem = problem
        self.sessions = problem.movable()  # entity e < n_sessions is session sessions[e]
        self.tables = _tables(problem, self.sessions)
        self.state = _initial_state(problem, self.tables, self.sessions, slot_of)
        scalars = self.state.scalars
        scalars[COST] = scalars[BEST_COST] = self._full_cost()

    @property
    def cost(self) -> int:
        return int(self.state.scalars[COST])

    @property
    def best_cost(self) -> int:
        return int(self.state.scalars[BEST_COST])

    @property
    def work(self) -> int:
        return int(self.state.scalars[WORK])

    def run(self, temperatures: Sequence[float], work_per_temperature: int, seed: int) -> None:
        """Metropolis moves at each temperature in turn, `work_per_temperature` units each."""
        if self.tables.n_sessions:
            _run(
                self.tables,
                self.state,
                np.asarray(temperatures, dtype=np.float64),
                work_per_temperature,
                seed,
            )

    def session_slots(self) -> list[int]:
        """The current slot of every session of the problem (-1 outside; pins where pinned)."""
        return self._problem_slots(self.state.slot)

    def best_slots(self) -> list[int]:
        return self._problem_slots(self.state.best_slot)

    def _problem_slots(self, entity_slots: Array) -> list[int]:
        problem, outside = self.problem, self.tables.outside
        slots = [-1 if c is None else problem.slot_of(c) for c in problem.pinned_cell]
        for e, session in enumerate(self.sessions):
            slot = int(entity_slots[e])
            slots[session] = slot if slot != outside else -1
        return slots

    def _full_cost(self) -> int:
        """Missed + overflow from scratch (pinned sessions' overflow included)."""
        problem = self.problem
        attended = int(np.count_nonzero(self.state.voter_load))
        pinned_overflow = sum(
            problem.overflow(s, problem.room_of(cell))
            for s, cell in enumerate(problem.pinned_cell)
            if cell is not None
        )
        return problem.total_votes - attended + int(self.state.overflow.sum()) + pinned_overflow


def anneal_slots(
    problem: Indexed, slot_of: Sequence[int], work_budget: int, seed: int
) -> list[int]:
    """The best slot of every session seen by annealing from `slot_of` (-1: outside)."""
    state = SlotState(problem, slot_of)
    ratio = END_TEMPERATURE / START_TEMPERATURE
    temperatures = [
        START_TEMPERATURE * ratio ** (step / (COOLING_STEPS - 1)) for step in range(COOLING_STEPS)
    ]
    state.run(temperatures, max(1, work_budget // COOLING_STEPS), seed)
    return state.best_slots()


# -- set-up (Python) ---------------------------------------------------------------


def _tables(problem: Indexed, sessions: list[int]) -> Tables:
    n_sessions, n_slots = len(sessions), problem.n_slots
    free = _free_capacities(problem)
    n_entities = n_sessions + sum(map(len, free))
    voters = [problem.voters[s] for s in sessions] + [()] * (n_entities - n_sessions)
    sets = [frozenset(v) for v in voters[:n_sessions]]
    hosts = [frozenset(problem.hosts[s]) for s in sessions]
    conflicts = [
        [o for o in range(n_sessions) if o != e and hosts[e] & hosts[o]] for e in range(n_sessions)
    ]
    matrix = np.zeros((n_sessions, n_sessions), dtype=np.bool_)
    for e, others in enumerate(conflicts):
        matrix[e, others] = True
    capacities = np.zeros((n_slots, max(1, problem.n_rooms)), dtype=np.int64)
    for t, row in enumerate(free):
        capacities[t, : len(row)] = row
    voter_start, voter_list = _ragged(voters)
    entity_start, entity_list = _ragged(_entities_of_voter(problem.n_voters, voters))
    shared_start, shared_list = _ragged(
        [tuple(sorted(first & second)) for first in sets for second in sets]
    )
    conflict_start, conflict_list = _ragged(conflicts)
    return Tables(
        n_sessions=n_sessions,
        outside=n_slots,
        votes=np.array([len(v) for v in voters], dtype=np.int64),
        voter_start=voter_start,
        voter_list=voter_list,
        entity_start=entity_start,
        entity_list=entity_list,
        shared_start=shared_start,
        shared_list=shared_list,
        conflict_start=conflict_start,
        conflict_list=conflict_list,
        conflicts=matrix,
        capacities=capacities,
        n_free=np.array([len(row) for row in free], dtype=np.int64),
        slot_start=np.array(_prefix_sums([len(row) for row in free]), dtype=np.int64),
    )


def _initial_state(
    problem: Indexed, tables: Tables, sessions: list[int], slot_of: Sequence[int]
) -> State:
    """Pins counted; sessions where `slot_of` has them (-1: outside), dummies in the
    free cells left, the other dummies spare."""
    n_slots, n_sessions = problem.n_slots, tables.n_sessions
    n_entities = len(tables.votes)
    n_rooms = tables.capacities.shape[1]
    gain = np.zeros((n_entities, n_slots + 1), dtype=np.int64)
    gain[:n_sessions, :n_slots] = tables.votes[:n_sessions, None]
    state = State(
        slot=np.full(n_entities, tables.outside, dtype=np.int64),
        cells=np.zeros(int(tables.slot_start[-1]), dtype=np.int64),
        cell_of=np.full(n_entities, -1, dtype=np.int64),
        spare=np.zeros(n_entities, dtype=np.int64),
        voter_load=np.zeros((n_slots + 1, problem.n_voters), dtype=np.int32),
        gain=gain,
        clash=np.zeros((n_entities, n_slots + 1), dtype=np.int64),
        sorted_votes=np.zeros((n_slots + 1, n_rooms), dtype=np.int64),
        position=np.zeros(n_entities, dtype=np.int64),
        shift_down=np.zeros((n_slots + 1, n_rooms + 1), dtype=np.int64),
        shift_up=np.zeros((n_slots + 1, n_rooms + 1), dtype=np.int64),
        overflow=np.zeros(n_slots + 1, dtype=np.int64),
        best_slot=np.zeros(n_sessions, dtype=np.int64),
        scalars=np.zeros(4, dtype=np.int64),
        random=np.ones(1, dtype=np.uint64),
    )
    _place_pins(problem, tables, state, sessions)
    members: list[list[int]] = [[] for _ in range(n_slots)]
    for e, session in enumerate(sessions):
        if slot_of[session] >= 0:
            members[slot_of[session]].append(e)
    dummies = iter(range(n_sessions, n_entities))
    for t in range(n_slots):
        members[t] += [next(dummies) for _ in range(int(tables.n_free[t]) - len(members[t]))]
    spare = list(dummies)
    state.spare[: len(spare)] = spare
    state.scalars[N_SPARE] = len(spare)
    cells = [e for slot_members in members for e in slot_members]
    state.cells[:] = cells
    state.cell_of[cells] = np.arange(len(cells))
    _fill(tables, state)
    state.best_slot[:] = state.slot[:n_sessions]
    return state


def _place_pins(problem: Indexed, tables: Tables, state: State, sessions: list[int]) -> None:
    for session, cell in enumerate(problem.pinned_cell):
        if cell is None:
            continue
        slot = problem.slot_of(cell)
        pinned_voters = np.array(problem.voters[session], dtype=np.int64)
        _recount(tables, state, pinned_voters, -1, slot, 1)
        hosts = set(problem.hosts[session])
        for entity, other in enumerate(sessions):
            if hosts.intersection(problem.hosts[other]):
                state.clash[entity, slot] += 1


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


def _prefix_sums(values: list[int]) -> list[int]:
    sums = [0]
    for value in values:
        sums.append(sums[-1] + value)
    return sums


def _ragged(rows: Sequence[Sequence[int]]) -> tuple[Array, Array]:
    start = np.array(_prefix_sums([len(row) for row in rows]), dtype=np.int64)
    flat = np.array([value for row in rows for value in row], dtype=np.int64)
    return start, flat


def _entities_of_voter(n_voters: int, voters: list[tuple[int, ...]]) -> list[list[int]]:
    entities: list[list[int]] = [[] for _ in range(n_voters)]
    for entity, entity_voters in enumerate(voters):
        for voter in entity_voters:
            entities[voter].append(entity)
    return entities


# -- the compiled part -------------------------------------------------------------


@compiled
def _fill(tables: Tables, state: State) -> None:
    """Count every entity into the slot of its cell, then sort every slot."""
    for t in range(tables.outside):
        for cell in range(tables.slot_start[t], tables.slot_start[t + 1]):
            _enter(tables, state, state.cells[cell], t)
        _sort_slot(tables, state, t)


@compiled
def _run(
    tables: Tables, state: State, temperatures: npt.NDArray[np.float64], step_work: int, seed: int
) -> None:
    state.random[0] = _seeded(seed)
    for temperature in temperatures:
        _run_at(tables, state, state.scalars[WORK] + step_work, temperature)


@compiled
def _run_at(tables: Tables, state: State, work_until: int, temperature: float) -> None:
    """Metropolis moves at one temperature until `work_until` work units are spent.

    Costs are integers, so a move that costs d > 0 passes with probability
    `passing[d]` = exp(-d / temperature), read from a table; the random number is drawn
    before the exact cost, so that cheap lower bounds can reject most moves at once.
    """
    passing = _passing_chances(temperature)
    n_passing = len(passing)
    n_sessions, outside = tables.n_sessions, tables.outside
    n_cells = len(state.cells)
    # Draws past the last cell take the session out of the grid instead.
    n_draws = n_cells + max(1, round(n_cells * REMOVE_SHARE / (1 - REMOVE_SHARE)))
    # Arrays in locals: taking one from a tuple inside the loop costs two atomic
    # reference count updates, which would dominate a rejected draw.
    slot, gain, votes, overflow = state.slot, state.gain, tables.votes, state.overflow
    count, clash, scalars = state.voter_load, state.clash, state.scalars
    cells, spare, position = state.cells, state.spare, state.position
    shared_start, shared_list = tables.shared_start, tables.shared_list
    conflicts, capacities, n_free = tables.conflicts, tables.capacities, tables.n_free
    sorted_votes, shift_down, shift_up = state.sorted_votes, state.shift_down, state.shift_up
    work, generator = scalars[WORK], state.random[0]
    while work < work_until:
        work += WORK_PER_DRAW
        generator, number = _uniform(generator)
        first = int(number * n_sessions)
        generator, number = _uniform(generator)
        draw = int(number * n_draws)
        if draw < n_cells:
            second = cells[draw]
        elif scalars[N_SPARE] > 0 and slot[first] != outside:
            second = spare[scalars[N_SPARE] - 1]
        else:
            continue
        first_slot, second_slot = slot[first], slot[second]
        if first_slot == second_slot:
            continue
        delta = (
            gain[first, first_slot]
            - gain[first, second_slot]
            + gain[second, second_slot]
            - gain[second, first_slot]
        )
        if second < n_sessions:
            pair = first * n_sessions + second
            for k in range(shared_start[pair], shared_start[pair + 1]):
                voter = shared_list[k]
                delta -= (count[first_slot, voter] == 1) + (count[second_slot, voter] == 1)
        # Overflow can only fall in the slot that trades its session for one with fewer
        # votes, by at most the difference and at most that slot's overflow.
        first_votes, second_votes = votes[first], votes[second]
        if first_votes > second_votes:
            slack = min(first_votes - second_votes, overflow[first_slot])
        else:
            slack = min(second_votes - first_votes, overflow[second_slot])
        generator, chance = _uniform(generator)
        bound = delta - slack
        if bound > 0 and (bound >= n_passing or chance > passing[bound]):
            continue
        if (clash[first, second_slot] or clash[second, first_slot]) and (
            _host_clash(conflicts, n_sessions, clash, first, second_slot, second)
            or _host_clash(conflicts, n_sessions, clash, second, first_slot, first)
        ):
            continue
        work += WORK_PER_JUDGEMENT
        for t, at, old, new in (
            (first_slot, position[first], first_votes, second_votes),
            (second_slot, position[second], second_votes, first_votes),
        ):
            if t != outside:
                delta += _overflow_change(
                    sorted_votes, shift_down, shift_up, capacities, n_free[t], t, at, old, new
                )
        if delta <= 0 or (delta < n_passing and chance <= passing[delta]):
            scalars[WORK] = work
            _swap(tables, state, first, second, delta)
            work = scalars[WORK]
    scalars[WORK], state.random[0] = work, generator


@inlined
def _seeded(seed: int) -> np.uint64:
    """A non-zero generator state from any seed (SplitMix64's finaliser)."""
    x = np.uint64(seed) + np.uint64(0x9E3779B97F4A7C15)
    x = (x ^ (x >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    x = (x ^ (x >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    x = x ^ (x >> np.uint64(31))
    return x if x else np.uint64(1)


@inlined
def _uniform(x: np.uint64) -> tuple[np.uint64, float]:
    """The next state of the xorshift64* generator, and a number in [0, 1) from it.

    Inline and in a local, it costs a few cycles, where NumPy's generator, kept per
    thread, cost a fifth of a draw.
    """
    x ^= x >> np.uint64(12)
    x ^= x << np.uint64(25)
    x ^= x >> np.uint64(27)
    return x, float((x * np.uint64(0x2545F4914F6CDD1D)) >> np.uint64(11)) * 2.0**-53


@compiled
def _passing_chances(temperature: float) -> npt.NDArray[np.float64]:
    """exp(-d / temperature) for d = 0, 1, ... while it is above one in a billion."""
    longest = max(1, math.ceil(temperature * math.log(1e9)))
    return np.exp(-np.arange(longest) / temperature)


@inlined
def _host_clash(
    conflicts: npt.NDArray[np.bool_],
    n_sessions: int,
    clash: Array,
    entity: int,
    slot: int,
    leaving: int,
) -> bool:
    """Whether `entity` would share a host with a session in `slot` once `leaving` left."""
    if entity >= n_sessions:
        return False
    clashing = clash[entity, slot]
    return clashing > 1 or (
        clashing == 1 and not (leaving < n_sessions and conflicts[entity, leaving])
    )


@inlined
def _overflow_change(
    sorted_votes: Array,
    shift_down: Array,
    shift_up: Array,
    capacities: Array,
    size: int,
    t: int,
    position: int,
    old: int,
    new: int,
) -> int:
    """Change of slot t's overflow (`size` rooms) when the votes `old` at `position`
    become `new`.

    More votes move up to the room of the first session with fewer, pushing the ones
    between down a room; fewer votes move down, pushing those between up.
    """
    if old == new:
        return 0
    low, high = 0, size  # bisection: the first rank with fewer votes than `new`
    while low < high:
        middle = (low + high) // 2
        if sorted_votes[t, middle] < -new:
            low = middle + 1
        else:
            high = middle
    if new > old:
        to = low
        shifted = shift_down[t, position] - shift_down[t, to]
    else:
        to = low - 1
        shifted = shift_up[t, to + 1] - shift_up[t, position + 1]
    return int(max(new - capacities[t, to], 0) - max(old - capacities[t, position], 0) + shifted)


@inlined
def _swap(tables: Tables, state: State, first: int, second: int, delta: int) -> None:
    """Exchange the slots and cells of two entities in different slots."""
    first_slot, second_slot = state.slot[first], state.slot[second]
    first_cell, second_cell = state.cell_of[first], state.cell_of[second]
    _leave(tables, state, first, first_slot)
    _leave(tables, state, second, second_slot)
    _enter(tables, state, first, second_slot)
    _enter(tables, state, second, first_slot)
    state.cell_of[first], state.cell_of[second] = second_cell, first_cell
    if second_cell >= 0:
        state.cells[second_cell] = first
    if first_cell >= 0:
        state.cells[first_cell] = second
    # Only the second entity can be a dummy (the first is always a session).
    if second >= tables.n_sessions and first_slot == tables.outside:
        state.spare[state.scalars[N_SPARE]] = second
        state.scalars[N_SPARE] += 1
    elif second >= tables.n_sessions and second_slot == tables.outside:
        _remove_spare(state, second)
    for t in (first_slot, second_slot):
        if t != tables.outside:
            _sort_slot(tables, state, t)
    scalars = state.scalars
    scalars[COST] += delta
    if scalars[COST] < scalars[BEST_COST]:
        scalars[BEST_COST] = scalars[COST]
        state.best_slot[:] = state.slot[: tables.n_sessions]


@inlined
def _remove_spare(state: State, dummy: int) -> None:
    n_spare = state.scalars[N_SPARE]
    index = 0
    while state.spare[index] != dummy:
        index += 1
    state.spare[index : n_spare - 1] = state.spare[index + 1 : n_spare]
    state.scalars[N_SPARE] = n_spare - 1


@inlined
def _leave(tables: Tables, state: State, entity: int, slot: int) -> None:
    _move_counts(tables, state, entity, slot, -1)


@inlined
def _enter(tables: Tables, state: State, entity: int, slot: int) -> None:
    state.slot[entity] = slot
    _move_counts(tables, state, entity, slot, 1)


@inlined
def _move_counts(tables: Tables, state: State, entity: int, slot: int, step: int) -> None:
    if entity >= tables.n_sessions or slot == tables.outside:
        return
    if step < 0:
        state.slot[entity] = tables.outside
    voters = tables.voter_list[tables.voter_start[entity] : tables.voter_start[entity + 1]]
    _recount(tables, state, voters, entity, slot, step)
    for k in range(tables.conflict_start[entity], tables.conflict_start[entity + 1]):
        state.clash[tables.conflict_list[k], slot] += step


@compiled
def _recount(
    tables: Tables, state: State, voters: Array, entity: int, slot: int, step: int
) -> None:
    """Update counts and gains after `entity` (-1: a pinned session) left (step -1)
    or entered (+1) `slot`.

    gain[o, slot] counts o's voters with no session in the slot besides o itself, so
    it changes when a voter's count crosses 0/1 for sessions elsewhere, and 1/2 for
    the one session of theirs that is in the slot. The entity's own gains stay right.
    """
    count, gain, slot_of = state.voter_load, state.gain, state.slot
    entity_start, entity_list = tables.entity_start, tables.entity_list
    crossing_empty = 0 if step < 0 else 1
    crossing_single = 1 if step < 0 else 2
    for voter in voters:
        count[slot, voter] += step
        now = count[slot, voter]
        if now == crossing_empty:
            for k in range(entity_start[voter], entity_start[voter + 1]):
                other = entity_list[k]
                if other != entity:
                    gain[other, slot] -= step
        elif now == crossing_single:
            for k in range(entity_start[voter], entity_start[voter + 1]):
                other = entity_list[k]
                if other != entity and slot_of[other] == slot:
                    gain[other, slot] -= step
    state.scalars[WORK] += WORK_PER_MOVED_VOTER * len(voters)


@inlined
def _sort_slot(tables: Tables, state: State, t: int) -> None:
    """Sorted votes of slot t and the prefix sums that `_overflow_change` reads.

    One room down or up: the last session never moves down, the first never up, so
    their padding (the same room) is never read.
    """
    start, size = tables.slot_start[t], tables.n_free[t]
    members = state.cells[start : start + size].copy()
    votes = tables.votes
    for i in range(1, size):  # insertion sort, most votes first, stable
        entity, j = members[i], i
        while j > 0 and votes[members[j - 1]] < votes[entity]:
            members[j] = members[j - 1]
            j -= 1
        members[j] = entity
    capacities = tables.capacities[t]
    total = 0
    for i in range(size):
        entity = members[i]
        v = votes[entity]
        state.position[entity] = i
        state.sorted_votes[t, i] = -v
        here = max(v - capacities[i], 0)
        down = max(v - capacities[min(i + 1, size - 1)], 0)
        up = max(v - capacities[max(i - 1, 0)], 0)
        state.shift_down[t, i + 1] = state.shift_down[t, i] + down - here
        state.shift_up[t, i + 1] = state.shift_up[t, i] + up - here
        total += here
    state.overflow[t] = total
