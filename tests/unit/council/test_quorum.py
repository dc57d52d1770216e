"""The quorum rules: more than half by default, a number, or a share of the members."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from handlers.core.validation import InputError
from handlers.council.quorum import Quorum, parse_quorum
from storage.council.council_tables import QuorumRule


@pytest.mark.parametrize(("members", "needed"), [(1, 1), (2, 2), (9, 5), (12, 7), (0, 1)])
def test_more_than_half_by_default(members: int, needed: int) -> None:
    assert Quorum().needed(members) == needed


def test_a_count_and_a_share() -> None:
    assert Quorum(QuorumRule.COUNT, 5).needed(12) == 5
    assert Quorum(QuorumRule.PERCENT, 60).needed(12) == 8  # 7.2 rounds up
    assert Quorum(QuorumRule.PERCENT, 50).needed(12) == 6
    assert Quorum(QuorumRule.PERCENT, 50).reached(6, 12)
    assert not Quorum().reached(6, 12)


@given(st.integers(min_value=1, max_value=500))
def test_more_than_half_is_the_smallest_majority(members: int) -> None:
    needed = Quorum().needed(members)
    assert needed * 2 > members >= (needed - 1) * 2


@pytest.mark.parametrize(
    ("text", "quorum"),
    [
        ("-", Quorum()),
        ("5", Quorum(QuorumRule.COUNT, 5)),
        ("60%", Quorum(QuorumRule.PERCENT, 60)),
        (" 75 % ", Quorum(QuorumRule.PERCENT, 75)),
    ],
)
def test_parse(text: str, quorum: Quorum) -> None:
    assert parse_quorum(text) == quorum


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("0", "council.quorum_format"),
        ("-3", "council.quorum_format"),
        ("fünf", "council.quorum_format"),
        ("0%", "council.quorum_percent"),
        ("101%", "council.quorum_percent"),
        ("5.5", "council.quorum_format"),
    ],
)
def test_bad_quorum(text: str, key: str) -> None:
    with pytest.raises(InputError) as refused:
        parse_quorum(text)
    assert refused.value.key == key
