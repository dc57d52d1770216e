"""A council and its camps through the router, on both stores: /linkcamp, /invitecamp
(one invitation each, joining only by accepting), /nextcamp (next year's camp with
the rooms and slots of the linked one), and who may do any of it."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlmodel import select

from bot.bootstrap import App
from storage.core.shared_tables import Event, EventKind, Role
from storage.council.council_tables import CouncilInvitation
from storage.uow import UnitOfWork
from tests.conftest import START
from tests.support.chat import FakePlatform
from tests.support.council_camps import (
    CAMP,
    COUNCIL,
    CampAndCouncil,
    camp_and_council,
    invitations,
    join_code_in,
    members_of,
    t,
)
from tests.support.store import raw_session

MakeApp = Callable[[str], App]


@pytest.fixture
def platform(make_app: MakeApp, store_url: str) -> FakePlatform:
    return FakePlatform(make_app(store_url))


@pytest.fixture
async def both(platform: FakePlatform) -> CampAndCouncil:
    return await camp_and_council(platform)


async def test_link_invite_twice_accept_decline_ignore(
    platform: FakePlatform, both: CampAndCouncil
) -> None:
    olga, (ana, ben, cem) = both.olga, both.campers
    camp_code, council_code = both.camp_code, both.council_code
    [linked] = await olga.says(f"/linkcamp {camp_code}")
    assert linked.text == t("linkcamp.done", camp=CAMP)
    [[button]] = linked.buttons
    assert (button.label, button.data) == (t("linkcamp.invite_button", count=3), "invitecamp")

    assert await olga.text("/linkcamp " + camp_code.lower()) == t("linkcamp.already", camp=CAMP)
    [invited] = await olga.press(button.data)
    assert invited.text == t("invitecamp.done", count=3)
    for person in (ana, ben, cem):
        [invitation] = person.new_replies()
        assert invitation.text == t("invitecamp.message", council=COUNCIL, camp=CAMP)
        assert [b.data for b in invitation.buttons[0]] == [
            f"join {council_code}",
            f"declineinvite {council_code}",
        ]
    # Again: nobody is asked twice.
    assert await olga.text("/invitecamp") == t("invitecamp.nobody")
    assert all(person.new_replies() == [] for person in (ana, ben, cem))
    # Nobody is a member before accepting.
    assert set(members_of(platform.app, council_code)) == {"Olga"}

    accepted = await ana.press(f"join {council_code}")
    assert t("join.done_council", name=COUNCIL) in "\n".join(r.text for r in accepted)
    assert await ben.text(f"/declineinvite {council_code}") == t(
        "declineinvite.done", council=COUNCIL
    )
    assert members_of(platform.app, council_code) == {
        "Olga": Role.ORGANISER,
        "Ana": Role.PARTICIPANT,
    }
    with raw_session(platform.app.engine) as session:
        rows = session.exec(select(CouncilInvitation)).all()
    assert len(rows) == 3
    assert sum(row.declined_at is not None for row in rows) == 1

    # Someone new at the camp is the only one invited next time: one, in the singular.
    dan = platform.person("Dan")
    await dan.joins(camp_code)
    dan.new_replies()
    assert await olga.text("/invitecamp") == t("invitecamp.done", count=1)
    assert len(invitations(dan.new_replies())) == 1
    assert cem.new_replies() == []
    assert ben.new_replies() == []


async def test_blocked_and_forgotten_people_are_skipped(
    platform: FakePlatform, both: CampAndCouncil
) -> None:
    olga, (ana, ben, cem), camp_code = both.olga, both.campers, both.camp_code
    await ben.says("/forgetme")
    await ben.press("forgetme confirm")
    with UnitOfWork(platform.app.engine) as uow:
        uow.channels.mark_unreachable(cem.sender.platform, cem.user_id, START)
    await olga.says(f"/linkcamp {camp_code}")
    assert await olga.text("/invitecamp") == t("invitecamp.done", count=1)
    assert len(invitations(ana.new_replies())) == 1
    with raw_session(platform.app.engine) as session:
        [row] = session.exec(select(CouncilInvitation)).all()
    assert row.person_id != 0


def layout(app: App, code: str) -> tuple[list[tuple[str, int]], list[tuple[str, str, bool]]]:
    """The camp's rooms (name, capacity) and slots (start, end, break)."""
    with UnitOfWork(app.engine) as uow:
        event = uow.events.by_code(code)
        assert event is not None
        assert event.id is not None
        rooms = [(room.name, room.capacity) for room in uow.grid.rooms(event.id)]
        slots = [
            (slot.starts_at.isoformat(), slot.ends_at.isoformat(), slot.blocked)
            for slot in uow.grid.slots(event.id)
        ]
    return rooms, slots


async def test_next_camp_copies_rooms_and_slots_on_the_new_day(
    platform: FakePlatform, both: CampAndCouncil
) -> None:
    olga, camp_code, council_code = both.olga, both.camp_code, both.council_code
    assert await olga.text("/nextcamp 2028-06-10") == t("nextcamp.no_camp")
    await olga.says(f"/linkcamp {camp_code}")
    replies = await olga.says("/nextcamp 2028-06-10")
    assert replies[0].text == t("nextcamp.done", camp=CAMP, council=COUNCIL)
    new_code = join_code_in(replies[1].text)
    assert replies[1].text.startswith(t("newcamp.done", name=CAMP, code=new_code))
    with UnitOfWork(platform.app.engine) as uow:
        old, new = (uow.events.by_code(code) for code in (camp_code, new_code))
        assert old is not None
        assert new is not None
        assert new.kind is EventKind.BARCAMP
        assert str(new.starts_on) == "2028-06-10"
        assert (new.place, new.timezone) == (old.place, old.timezone)
        council = uow.events.by_code(council_code)
        assert council is not None
        assert council.id is not None
        assert [e.code for e in uow.event_links.camps_of(council.id)] == [camp_code, new_code]
    old_rooms, old_slots = layout(platform.app, camp_code)
    new_rooms, new_slots = layout(platform.app, new_code)
    assert new_rooms == old_rooms == [("Aula", 60), ("Raum 1", 20), ("Raum 2", 15)]
    assert new_slots == [
        ("2028-06-10T10:00:00", "2028-06-10T10:45:00", False),
        ("2028-06-10T11:00:00", "2028-06-10T11:45:00", False),
        ("2028-06-10T12:00:00", "2028-06-10T13:00:00", True),
        ("2028-06-10T13:00:00", "2028-06-10T13:45:00", False),
    ]
    assert [slot[2] for slot in old_slots] == [slot[2] for slot in new_slots]
    assert members_of(platform.app, new_code) == {"Olga": Role.ORGANISER}
    # The new camp is active, as after /newcamp; the same day once more is refused.
    await olga.says(f"/use {council_code}")
    assert await olga.text("/nextcamp 2028-06-10") == t("nextcamp.same_day", date="2028-06-10")
    named = await olga.text("/nextcamp 2029-06-09 BarCamp Seedorf")
    assert named.startswith(t("nextcamp.done", camp=CAMP, council=COUNCIL))
    assert members_of(platform.app, code_named(platform.app, "BarCamp Seedorf")) == {
        "Olga": Role.ORGANISER
    }


def code_named(app: App, name: str) -> str:
    with raw_session(app.engine) as session:
        return session.exec(select(Event.code).where(Event.name == name)).one()
