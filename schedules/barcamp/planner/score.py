"""The objective, computed plainly from ids, and a lower bound that needs no solver."""

from __future__ import annotations

from collections import defaultdict

from schedules.barcamp.planner.indexed import Assignments, Indexed, check_place
from schedules.barcamp.planner.model import Identifier, Instance
from schedules.barcamp.planner.rooms import relax_rooms


def score(instance: Instance, assignments: Assignments) -> tuple[int, int]:
    """(missed, overflow) of a plan; raises `InstanceError` for unknown ids.

    missed: for every voter, the voted sessions they cannot attend: unscheduled ones,
    and all but one of those sharing a slot. overflow: for every scheduled session,
    its votes above the capacity of its room.
    """
    known_sessions = {session.id for session in instance.sessions}
    for session_id, place in assignments.items():
        check_place(instance, session_id, place, known_sessions, "assignments")
    slots_by_voter: dict[Identifier, set[Identifier]] = defaultdict(set)
    votes_cast = 0
    overflow = 0
    for session in instance.sessions:
        votes_cast += len(session.voters)
        if session.id not in assignments:
            continue
        slot_id, room_id = assignments[session.id]
        for voter in session.voters:
            slots_by_voter[voter].add(slot_id)
        room = instance.room(room_id)
        assert room is not None  # checked above
        overflow += max(0, len(session.voters) - room.capacity)
    attended = sum(len(slots) for slots in slots_by_voter.values())
    return votes_cast - attended, overflow


def count_moved(instance: Instance, previous: Assignments, assignments: Assignments) -> int:
    """Unpinned sessions placed in `previous` that are now elsewhere or unscheduled."""
    return sum(
        1
        for session in instance.sessions
        if session.pinned is None
        and session.id in previous
        and assignments.get(session.id) != tuple(previous[session.id])
    )


def cheap_lower_bound(problem: Indexed) -> int:
    """A valid lower bound on missed + overflow for any plan, without a solver.

    The better of two relaxations: each voter attends at most one session per open
    slot; and the rooms-only relaxation of `rooms.relax_rooms` (unscheduled votes plus
    the least overflow any choice of cells allows).
    """
    votes_by_voter = [0] * problem.n_voters
    for voters in problem.voters:
        for voter in voters:
            votes_by_voter[voter] += 1
    too_few_slots = sum(max(0, votes - problem.n_slots) for votes in votes_by_voter)
    return max(too_few_slots, relax_rooms(problem).bound)
