"""Moving and pinning in the grid as plain values: the cell's occupant, pins after a move."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from handlers.barcamp.rules.grid_moves import (
    Cell,
    PlacePinned,
    occupant,
    pinned_in_the_way,
    pins_after_move,
    toggle_pin,
)

CELLS: dict[int, Cell] = {1: (10, 1), 2: (10, 2), 3: (11, 1)}
CELL = st.tuples(st.integers(1, 4), st.integers(1, 3))  # of a 4 x 3 grid


def test_the_occupant_of_a_cell() -> None:
    assert occupant(CELLS, (10, 2)) == 2
    assert occupant(CELLS, (11, 2)) is None


def test_a_move_pins_the_session_and_keeps_the_other_pins() -> None:
    assert pins_after_move(CELLS, {3}, 1, (10, 2)) == {3: (11, 1), 1: (10, 2)}
    # A session pinned elsewhere is pinned at its new place only.
    assert pins_after_move(CELLS, {1, 3}, 1, (11, 2)) == {1: (11, 2), 3: (11, 1)}


def test_a_pinned_occupant_refuses_the_move() -> None:
    assert pinned_in_the_way(CELLS, {2}, 1, (10, 2)) == 2
    with pytest.raises(PlacePinned) as refused:
        pins_after_move(CELLS, {2}, 1, (10, 2))
    assert refused.value.occupant == 2


def test_an_unpinned_occupant_or_the_session_itself_is_no_obstacle() -> None:
    assert pinned_in_the_way(CELLS, {3}, 1, (10, 2)) is None
    assert pinned_in_the_way(CELLS, {1}, 1, (10, 1)) is None  # pinned where it is already
    assert pins_after_move(CELLS, {1}, 1, (10, 1)) == {1: (10, 1)}
    assert pinned_in_the_way(CELLS, set(), 4, (12, 1)) is None  # a free cell, an unplaced session


def test_pin_toggles() -> None:
    assert toggle_pin(False) is True
    assert toggle_pin(toggle_pin(False)) is False


@st.composite
def grids(draw: st.DrawFn) -> tuple[dict[int, Cell], frozenset[int]]:
    """Up to eight sessions in distinct cells of a 4 x 3 grid, some of them pinned."""
    cells = draw(st.lists(CELL, unique=True, max_size=8))
    grid = dict(enumerate(cells, start=1))
    pinned = draw(st.frozensets(st.sampled_from(sorted(grid)))) if grid else frozenset()
    return grid, pinned


@given(grid=grids(), session=st.integers(1, 9), target=CELL)
def test_after_a_move_the_session_is_pinned_there_and_every_pin_holds(
    grid: tuple[dict[int, Cell], frozenset[int]], session: int, target: Cell
) -> None:
    cells, pinned = grid
    there = occupant(cells, target)
    if there is not None and there != session and there in pinned:
        with pytest.raises(PlacePinned) as refused:
            pins_after_move(cells, pinned, session, target)
        assert refused.value.occupant == there
        return
    pins = pins_after_move(cells, pinned, session, target)
    assert pins[session] == target
    assert {s: c for s, c in pins.items() if s != session} == {
        s: cells[s] for s in pinned if s != session
    }
    # No two pins share a cell: whoever sat there is free to move.
    assert len(set(pins.values())) == len(pins)
