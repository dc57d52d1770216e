"""The pure rules of /link and /role: code expiry and use, the wrong-try limit, role words."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from handlers.core.link_rules import (
    LINK_CODE_LENGTH,
    TRY_WINDOW,
    VALID_FOR,
    WRONG_TRIES,
    CodeState,
    blocked_until,
    code_hash,
    code_state,
    looks_like_code,
    new_link_code,
)
from handlers.core.member_roles import higher_role, role_change_refusal, role_from_word
from storage.core.shared_tables import Role

NOW = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)


def test_a_new_code_is_short_readable_and_hashed_whatever_the_case() -> None:
    code = new_link_code()
    assert len(code) == LINK_CODE_LENGTH
    assert looks_like_code(code)
    assert looks_like_code(code.lower())
    assert code_hash(code) == code_hash(f" {code.lower()[:4]} {code[4:]}")
    assert code not in code_hash(code)
    assert len({new_link_code() for _ in range(50)}) == 50


@pytest.mark.parametrize("raw", ["", "K7M2QX", "K7M2QX9AB", "O0I1L000", "🎉🎉🎉🎉🎉🎉🎉🎉"])
def test_what_is_no_code(raw: str) -> None:
    assert not looks_like_code(raw)


def test_a_code_is_valid_ten_minutes_and_once() -> None:
    expires = NOW + VALID_FOR
    assert timedelta(minutes=10) == VALID_FOR
    assert code_state(expires, None, NOW) is CodeState.VALID
    assert code_state(expires, None, expires - timedelta(seconds=1)) is CodeState.VALID
    assert code_state(expires, None, expires) is CodeState.EXPIRED
    assert code_state(expires, NOW, NOW + timedelta(minutes=1)) is CodeState.USED


def test_five_wrong_codes_in_an_hour_block_until_the_first_leaves_the_window() -> None:
    tries = [NOW + timedelta(minutes=minute) for minute in (0, 5, 10, 15)]
    assert blocked_until(tries, NOW + timedelta(minutes=20)) is None
    tries.append(NOW + timedelta(minutes=20))
    assert blocked_until(tries, NOW + timedelta(minutes=21)) == NOW + TRY_WINDOW
    assert blocked_until(tries, NOW + TRY_WINDOW + timedelta(seconds=1)) is None


@given(st.lists(st.integers(min_value=0, max_value=180), max_size=12), st.integers(0, 240))
def test_blocked_exactly_when_enough_tries_lie_in_the_window(minutes: list[int], at: int) -> None:
    now = NOW + timedelta(minutes=at)
    tries = [NOW + timedelta(minutes=m) for m in minutes if m <= at]
    recent = [t for t in tries if t > now - TRY_WINDOW]
    until = blocked_until(tries, now)
    assert (until is not None) == (len(recent) >= WRONG_TRIES)
    if until is not None:
        assert until > now
        # Once free again, fewer than the limit lie in the window.
        assert blocked_until(tries, until) is None


@pytest.mark.parametrize(
    ("word", "role"),
    [
        ("participant", Role.PARTICIPANT),
        ("Teilnehmer", Role.PARTICIPANT),
        ("teilnehmer*in", Role.PARTICIPANT),
        ("Mitglied", Role.PARTICIPANT),
        ("youthworker", Role.YOUTHWORKER),
        ("Jugendarbeiterin", Role.YOUTHWORKER),
        ("ORGA", Role.ORGANISER),
        ("organizer", Role.ORGANISER),
        ("boss", None),
        ("", None),
    ],
)
def test_role_words(word: str, role: Role | None) -> None:
    assert role_from_word(word) == role


def test_the_higher_role_wins_either_way() -> None:
    assert higher_role(Role.PARTICIPANT, Role.ORGANISER) == Role.ORGANISER
    assert higher_role(Role.ORGANISER, Role.YOUTHWORKER) == Role.ORGANISER
    assert higher_role(Role.YOUTHWORKER, Role.PARTICIPANT) == Role.YOUTHWORKER
    assert higher_role(Role.PARTICIPANT, Role.PARTICIPANT) == Role.PARTICIPANT


def test_role_changes_refused() -> None:
    assert role_change_refusal(Role.ORGANISER, Role.ORGANISER, 1) == "role.same"
    assert role_change_refusal(Role.ORGANISER, Role.PARTICIPANT, 1) == "role.last_organiser"
    assert role_change_refusal(Role.ORGANISER, Role.YOUTHWORKER, 2) is None
    assert role_change_refusal(Role.PARTICIPANT, Role.ORGANISER, 1) is None
