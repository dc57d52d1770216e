"""Whom a council invites from its linked camps: the pure rule."""

from __future__ import annotations

from handlers.council.camp_invitations import Candidate, to_invite

CAMP_2026, CAMP_2027 = 10, 11


def candidate(
    person: int, camp: int = CAMP_2026, consented: bool = True, reachable: bool = True
) -> Candidate:
    return Candidate(person, camp, consented, reachable)


def test_members_and_people_invited_before_are_left_out() -> None:
    chosen = to_invite([candidate(1), candidate(2), candidate(3)], members={1}, invited={2})
    assert [c.person_id for c in chosen] == [3]


def test_without_consent_or_unreachable_nobody_is_asked() -> None:
    people = [candidate(1, consented=False), candidate(2, reachable=False), candidate(3)]
    assert [c.person_id for c in to_invite(people, set(), set())] == [3]


def test_someone_at_two_camps_is_invited_once_from_the_first() -> None:
    chosen = to_invite(
        [candidate(1), candidate(1, CAMP_2027), candidate(2, CAMP_2027)], set(), set()
    )
    assert [(c.person_id, c.camp_id) for c in chosen] == [(1, CAMP_2026), (2, CAMP_2027)]


def test_blocked_at_the_first_camp_is_still_blocked_at_the_second() -> None:
    # Reachability is the person's, so both rows say the same; the rule keeps none.
    people = [candidate(1, reachable=False), candidate(1, CAMP_2027, reachable=False)]
    assert to_invite(people, set(), set()) == []


def test_nobody_to_invite_from_no_camp() -> None:
    assert to_invite([], {1, 2}, {3}) == []
