"""Two accounts' ballots become one (`/link`): each session once, within the budget."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from handlers.barcamp.rules.ballot import merge_ballots

T0 = datetime(2027, 6, 13, 9, 0, tzinfo=UTC)


def at(minute: int) -> datetime:
    return T0 + timedelta(minutes=minute)


def test_a_session_both_voted_for_counts_once() -> None:
    merged = merge_ballots({1: at(0), 2: at(1)}, {2: at(2), 3: at(3)}, budget=5)
    assert merged.votes == {1, 2, 3}
    assert merged.given_back == ()


def test_over_the_budget_the_latest_votes_go_back_whoever_cast_them() -> None:
    kept = {1: at(0), 4: at(9)}
    gone = {2: at(1), 3: at(2), 1: at(5)}
    merged = merge_ballots(kept, gone, budget=2)
    assert merged.votes == {1, 2}
    assert merged.given_back == (4, 3)  # the latest first


def test_the_earlier_of_two_votes_for_one_session_keeps_its_place() -> None:
    merged = merge_ballots({1: at(9), 2: at(5)}, {1: at(0), 3: at(6)}, budget=2)
    assert merged.votes == {1, 2}
    assert merged.given_back == (3,)


votes = st.dictionaries(st.integers(1, 12), st.integers(0, 60).map(at), max_size=8)


@given(votes, votes, st.integers(1, 8))
def test_merged_ballot_properties(
    kept: dict[int, datetime], gone: dict[int, datetime], budget: int
) -> None:
    merged = merge_ballots(kept, gone, budget)
    everything = kept.keys() | gone.keys()
    assert len(merged.votes) == min(budget, len(everything))
    assert merged.votes | set(merged.given_back) == everything
    assert not merged.votes & set(merged.given_back)
    assert len(merged.given_back) == len(set(merged.given_back))
