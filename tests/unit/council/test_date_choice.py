"""The date a closed date poll proposes, and when its one reminder goes: the stated rule."""

from __future__ import annotations

from datetime import datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from handlers.council.date_choice import DateTally, best_date, reminder_due

MONDAY = datetime(2027, 1, 11, 17, 0)


def day(n: int) -> datetime:
    return MONDAY + timedelta(days=n)


def test_a_date_where_the_quorum_can_come_beats_one_with_more_yes() -> None:
    tallies = [DateTally(day(0), yes=4, maybe=0), DateTally(day(1), yes=3, maybe=2)]
    assert best_date(tallies, needed=5) == 1


def test_then_most_yes_then_most_if_need_be_then_the_earliest() -> None:
    assert best_date([DateTally(day(0), 3, 3), DateTally(day(1), 4, 1)], needed=5) == 1
    assert best_date([DateTally(day(0), 4, 1), DateTally(day(1), 4, 2)], needed=5) == 1
    assert best_date([DateTally(day(2), 4, 2), DateTally(day(1), 4, 2)], needed=5) == 1


def test_without_answers_the_earliest_and_without_dates_none() -> None:
    assert best_date([DateTally(day(3)), DateTally(day(1)), DateTally(day(2))], needed=1) == 1
    assert best_date([], needed=1) is None


def test_when_no_date_reaches_the_quorum_most_yes_still_wins() -> None:
    tallies = [DateTally(day(0), 1, 1), DateTally(day(1), 2, 0), DateTally(day(2), 0, 3)]
    assert best_date(tallies, needed=9) == 1


tallies = st.lists(
    st.builds(
        DateTally,
        st.integers(0, 60).map(day),
        st.integers(0, 9),
        st.integers(0, 9),
        st.integers(0, 9),
    ),
    min_size=1,
    max_size=10,
    unique_by=lambda tally: tally.starts_at,
)


@given(tallies, st.integers(1, 12))
def test_no_other_date_ranks_better_by_the_rule(dates: list[DateTally], needed: int) -> None:
    best = dates[best_date(dates, needed) or 0]
    for other in dates:
        if other.quorum_possible(needed) != best.quorum_possible(needed):
            assert best.quorum_possible(needed)
        elif other.yes != best.yes:
            assert best.yes > other.yes
        elif other.maybe != best.maybe:
            assert best.maybe > other.maybe
        else:
            assert best.starts_at <= other.starts_at


@given(tallies, st.integers(1, 12), st.randoms())
def test_the_order_the_dates_were_typed_in_does_not_matter(
    dates: list[DateTally], needed: int, random: object
) -> None:
    shuffled = list(dates)
    random.shuffle(shuffled)  # type: ignore[attr-defined]
    assert dates[best_date(dates, needed) or 0] == shuffled[best_date(shuffled, needed) or 0]


def test_the_reminder_goes_a_day_before_or_halfway_or_not_at_all() -> None:
    now = datetime(2027, 1, 1, 12, 0)
    assert reminder_due(now, now + timedelta(days=5)) == now + timedelta(days=4)
    assert reminder_due(now, now + timedelta(hours=48)) == now + timedelta(hours=24)
    assert reminder_due(now, now + timedelta(hours=10)) == now + timedelta(hours=5)
    assert reminder_due(now, now + timedelta(minutes=50)) is None


@given(st.integers(61, 400 * 24 * 60))
def test_the_reminder_always_lies_between_now_and_the_deadline(minutes: int) -> None:
    now = datetime(2027, 1, 1, 12, 0)
    deadline = now + timedelta(minutes=minutes)
    due = reminder_due(now, deadline)
    assert due is not None
    assert now < due < deadline
    assert deadline - due >= timedelta(minutes=30)
