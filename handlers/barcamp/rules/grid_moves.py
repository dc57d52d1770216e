"""Moving and pinning sessions in the grid: who sits in a cell, what a move pins.

A grid is a mapping of session id -> cell (slot id, room id), each cell held by at most
one session, and the set of pinned session ids.
"""

from __future__ import annotations

from collections.abc import Mapping, Set

Cell = tuple[int, int]  # (slot id, room id)


class PlacePinned(ValueError):
    """Another session is pinned to the cell: it cannot be moved out of the way."""

    def __init__(self, occupant: int) -> None:
        super().__init__(f"session {occupant} is pinned there")
        self.occupant = occupant


def occupant(cells: Mapping[int, Cell], cell: Cell) -> int | None:
    """The session in the cell, if any."""
    return next((session for session, place in cells.items() if place == cell), None)


def pinned_in_the_way(
    cells: Mapping[int, Cell], pinned: Set[int], session: int, target: Cell
) -> int | None:
    """The other session pinned to `target`, which refuses the move; None if there is none."""
    there = occupant(cells, target)
    return there if there is not None and there != session and there in pinned else None


def pins_after_move(
    cells: Mapping[int, Cell], pinned: Set[int], session: int, target: Cell
) -> dict[int, Cell]:
    """The pins a move leaves: every pin where it is, the moved session pinned at `target`.

    Whoever sits there unpinned is the planner's to move elsewhere; raises `PlacePinned`
    when the one there is pinned.
    """
    blocking = pinned_in_the_way(cells, pinned, session, target)
    if blocking is not None:
        raise PlacePinned(blocking)
    pins = {other: cell for other, cell in cells.items() if other in pinned}
    return pins | {session: target}


def toggle_pin(pinned: bool) -> bool:
    """/pin N pins a placed session, or unpins it when it is pinned."""
    return not pinned
