"""The ballot's rules as plain values: toggling and setting within the budget, votes in a merge."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from handlers.barcamp.rules.ballot import (
    BallotRefused,
    MergedVotes,
    Toggled,
    merge_votes,
    refuse_repeats,
    set_choice,
    toggle,
)

SESSIONS = st.integers(1, 12)
PEOPLE = st.frozensets(st.integers(1, 20), max_size=12)


def test_a_press_adds_and_removes_in_the_order_asked() -> None:
    assert toggle({2, 5}, [1, 5, 3, 2], budget=5) == Toggled(added=(1, 3), removed=(5, 2), used=2)


def test_a_choice_named_twice_is_refused() -> None:
    with pytest.raises(BallotRefused) as refused:
        toggle(set(), [1, 2, 1], budget=5)
    assert (refused.value.key, refused.value.values) == ("vote.duplicate", {})
    with pytest.raises(BallotRefused):
        refuse_repeats([3, 3])
    refuse_repeats([1, 2, 3])


def test_setting_a_choice_is_idempotent() -> None:
    assert set_choice({2}, 2, wanted=True, budget=5) == Toggled((), (), used=1)
    assert set_choice({2}, 3, wanted=False, budget=5) == Toggled((), (), used=1)
    assert set_choice({2}, 3, wanted=True, budget=5) == Toggled((3,), (), used=2)
    assert set_choice({2}, 2, wanted=False, budget=5) == Toggled((), (2,), used=0)


def test_setting_a_choice_keeps_the_budget() -> None:
    assert set_choice({1, 2}, 2, wanted=True, budget=2) == Toggled((), (), used=2)
    with pytest.raises(BallotRefused) as refused:
        set_choice({1, 2}, 3, wanted=True, budget=2)
    assert refused.value.values == {"budget": 2, "used": 2, "wanted": 3}


def test_over_the_budget_the_refusal_counts_the_votes_in_use_and_those_asked_for() -> None:
    with pytest.raises(BallotRefused) as refused:
        toggle({1, 2, 3}, [4, 5, 6], budget=5)
    assert refused.value.key == "vote.over_budget"
    assert refused.value.values == {"budget": 5, "used": 3, "wanted": 6}


def test_removing_and_adding_in_one_press_may_stay_within_a_full_budget() -> None:
    assert toggle({1, 2}, [1, 3], budget=2) == Toggled(added=(3,), removed=(1,), used=2)


@given(
    votes=st.frozensets(SESSIONS, max_size=8),
    choices=st.lists(SESSIONS, max_size=8, unique=True),
    budget=st.integers(0, 8),
)
def test_toggling_is_all_or_nothing_within_the_budget(
    votes: frozenset[int], choices: list[int], budget: int
) -> None:
    if len(votes ^ set(choices)) > budget:
        with pytest.raises(BallotRefused) as refused:
            toggle(votes, choices, budget)
        assert refused.value.key == "vote.over_budget"
        return
    change = toggle(votes, choices, budget)
    after = (votes | set(change.added)) - set(change.removed)
    assert after == votes ^ set(choices)
    assert change.used == len(after) <= budget
    assert set(change.added).isdisjoint(votes)
    assert set(change.removed) <= votes
    assert [c for c in choices if c in change.added or c in change.removed] == choices
    # The same press again undoes it (the budget allows what there was before).
    back = toggle(after, choices, max(budget, len(votes)))
    assert (back.added, back.removed) == (change.removed, change.added)


@given(choices=st.lists(SESSIONS, min_size=2, max_size=8).filter(lambda c: len(set(c)) < len(c)))
def test_any_repeat_is_refused_whatever_the_ballot(choices: list[int]) -> None:
    with pytest.raises(BallotRefused):
        toggle(set(), choices, budget=100)


def test_a_merge_moves_votes_and_gives_one_back_to_who_voted_for_both() -> None:
    merged = merge_votes({1, 2, 3}, {3, 4}, source_anonymous=2, target_anonymous=1)
    assert merged == MergedVotes(
        removed_from_source=frozenset({1, 2, 3}),
        added_to_target=frozenset({1, 2}),
        given_back=frozenset({3}),
        target_anonymous=3,
    )


@given(source=PEOPLE, target=PEOPLE, anonymous=st.tuples(st.integers(0, 5), st.integers(0, 5)))
def test_after_a_merge_everyone_votes_once_for_the_target(
    source: frozenset[int], target: frozenset[int], anonymous: tuple[int, int]
) -> None:
    merged = merge_votes(source, target, *anonymous)
    after = target | merged.added_to_target
    assert merged.removed_from_source == source
    assert merged.added_to_target.isdisjoint(target)  # once per person
    assert after == source | target
    # Who voted for both has one vote less in use; nobody else loses or gains one.
    assert merged.given_back == source & target
    assert len(source) + len(target) - len(merged.given_back) == len(after)
    assert merged.target_anonymous == sum(anonymous)
