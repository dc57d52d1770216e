"""The session-grid planner: which session runs when and where.

Python on top of OR-Tools CP-SAT, its annealing loop compiled by Numba; see
docs/planner.md for how it decides.
"""

from schedules.barcamp.planner.indexed import Assignments
from schedules.barcamp.planner.model import (
    Identifier,
    Instance,
    InstanceError,
    Pin,
    Room,
    Session,
    Slot,
)
from schedules.barcamp.planner.score import score
from schedules.barcamp.planner.solve import PlanResult, plan, warm_up

__all__ = [
    "Assignments",
    "Identifier",
    "Instance",
    "InstanceError",
    "Pin",
    "PlanResult",
    "Room",
    "Session",
    "Slot",
    "plan",
    "score",
    "warm_up",
]
