"""End to end on a real Synapse: the bot in event rooms.

A room linked to the event gets announcements, and so does every member, also one who
never wrote to the bot (it opens an encrypted direct chat with them); another bot's
`!cmd` in the room is left alone. A native poll with three voters is counted one answer
per person (the last one wins) and closed with `poll.end` and a summary. Invites from
servers that are not allowed are declined.
"""

from __future__ import annotations

from datetime import UTC, datetime

import nio  # type: ignore[import-untyped, unused-ignore]
import pytest
from sqlmodel import select

from handlers.core.config import PRIVACY_POLICY_VERSION
from storage.core.shared_tables import Identity, PollAnswer, Role
from storage.uow import UnitOfWork
from tests.support.matrix_bot import (
    MatrixBot,
    NewYoung,
    StartBot,
    Young,
    camp_of,
    consented,
    t,
    wait_until,
)
from tests.support.store import raw_session
from tests.support.synapse import SynapseClients

pytestmark = pytest.mark.e2e

CAMP = "BarCamp Matrixhausen"
POLL_START = "org.matrix.msc3381.poll.start"


def member_by_platform_id(bot: MatrixBot, user_id: str, code: str) -> None:
    """A member the bot knows only by platform id: it never wrote to the bot."""
    with UnitOfWork(bot.app.engine) as uow:
        event = uow.events.by_code(code)
        assert event is not None
        assert event.id is not None
        person = uow.people.create_with_identity("matrix", user_id, datetime.now(UTC))
        assert person.id is not None
        uow.events.join(event.id, person.id, Role.PARTICIPANT, datetime.now(UTC))


def consented_member(bot: MatrixBot, user_id: str, code: str) -> None:
    """A member who agreed to the privacy notice, set up in the store as `!join` would."""
    member_by_platform_id(bot, user_id, code)
    with UnitOfWork(bot.app.engine) as uow:
        person = uow.people.by_identity("matrix", user_id)
        assert person is not None
        assert person.id is not None
        uow.people.give_consent(person.id, PRIVACY_POLICY_VERSION, datetime.now(UTC))


def people_known(bot: MatrixBot, user_id: str) -> int:
    with raw_session(bot.app.engine) as session:
        return len(session.exec(select(Identity).where(Identity.platform_user_id == user_id)).all())


def answers_counted(bot: MatrixBot) -> int:
    with raw_session(bot.app.engine) as session:
        return len(session.exec(select(PollAnswer)).all())


async def test_announcement_reaches_the_linked_room_and_every_member(
    matrix_bot: MatrixBot, young: NewYoung
) -> None:
    orga, ana, ben = young("orga"), young("ana"), young("ben", encrypted=True)
    orga_dm = await consented(orga)
    code = camp_of(matrix_bot.app.engine, orga.user_id, CAMP).code
    ana_dm = await consented(ana)
    await ana.say(ana_dm, f"!join {code}")
    await ana.replies(ana_dm)

    room = await orga.group_room("BarCamp-Raum", [ana])
    (hello,) = await orga.replies(room)
    assert "!linkgroup" in hello
    await orga.say(room, "!wetter Berlin")  # another bot's command: not for us
    await orga.say(room, "!linkgroup")
    assert await orga.replies(room) == [t("linkgroup.done", name=CAMP)]
    member_by_platform_id(matrix_bot, ben.user_id, code)  # as `camp create --organiser` does

    await orga.say(orga_dm, "!announce Um 14 Uhr gibt's Pizza!")
    announcement = t("announce.message", name=CAMP, text="Um 14 Uhr gibt's Pizza!")
    assert await orga.replies(orga_dm, 2) == [
        t(
            "announce.queued",
            people=t("announce.people", people=3),
            groups=t("announce.groups", chats=1),
        ),
        announcement,
    ]
    assert await ana.replies(ana_dm) == [announcement]
    assert await orga.replies(room) == [announcement]
    # Ben never wrote to the bot: it opens a direct chat (encrypted) and he finds it there.
    await ben.until(lambda: ben.client.invited_rooms, "an invite from the bot")
    (ben_dm,) = ben.client.invited_rooms
    await ben.accept(ben_dm)
    assert await ben.replies(ben_dm) == [announcement]


async def test_native_poll_counts_three_voters_once_each_and_closes(
    matrix_bot: MatrixBot, young: NewYoung
) -> None:
    orga = young("orga")
    voters = [young(name) for name in ("ana", "ben", "cem")]
    await consented(orga)
    code = camp_of(matrix_bot.app.engine, orga.user_id, CAMP).code
    for member in voters[:2]:
        consented_member(matrix_bot, member.user_id, code)
    room = await orga.group_room("BarCamp-Raum", voters)
    await orga.replies(room)  # the greeting
    await orga.say(room, "!poll Pizza oder Pasta? | Pizza | Pasta")
    (poll,) = await orga.next_events(room)
    assert poll.source["type"] == POLL_START
    content = poll.source["content"]
    assert [a["org.matrix.msc1767.text"] for a in content[POLL_START]["answers"]] == [
        "Pizza",
        "Pasta",
    ]
    assert content["m.poll"]["question"]["m.text"][0]["body"] == "Pizza oder Pasta?"

    ana, ben, cem = voters  # Cem is in the room, but no member of the camp
    for voter, position in ((ana, 0), (ben, 0), (cem, 1), (ana, 1), (cem, 0), (ben, 0)):
        await voter.answer_poll(room, poll.event_id, position)
    await wait_until(lambda: answers_counted(matrix_bot) == 2, "two answers")

    await orga.say(room, "!closepoll 1")
    end, summary = await orga.next_events(room, 2)
    assert end.source["type"] == "org.matrix.msc3381.poll.end"
    assert end.source["content"]["m.relates_to"]["event_id"] == poll.event_id
    expected = "\n".join(
        [
            t("poll.results", question="Pizza oder Pasta?"),
            t("poll.result_line", option="Pizza", count=1),
            t("poll.result_line", option="Pasta", count=1),
        ]
    )
    assert summary.body == expected
    assert people_known(matrix_bot, cem.user_id) == 0  # his answers left no trace
    # The result came once: the next message in the room answers the next command.
    await orga.say(room, "!closepoll 1")
    assert await orga.replies(room) == [t("poll.closed")]


async def test_linkgroup_takes_a_room_admin_and_never_takes_over(
    matrix_bot: MatrixBot, young: NewYoung
) -> None:
    orga, otto = young("orga"), young("otto")
    orga_dm = await consented(orga)
    await consented(otto)
    camp_of(matrix_bot.app.engine, orga.user_id, CAMP)
    camp_of(matrix_bot.app.engine, otto.user_id, "Zweites Camp")
    room = await orga.group_room("BarCamp-Raum", [otto])  # Orga made it: power level 100
    await orga.replies(room)  # the greeting

    await otto.say(room, "!linkgroup")  # Otto organises a camp, but is no admin here
    assert await orga.replies(room) == [t("linkgroup.not_admin")]
    await orga.say(room, "!linkgroup")
    assert await orga.replies(room) == [t("linkgroup.done", name=CAMP)]
    await otto.say(room, "!unlinkgroup")
    assert await orga.replies(room) == [t("unlinkgroup.not_allowed", name=CAMP)]

    levels = await orga.client.room_get_state_event(room, "m.room.power_levels")
    assert isinstance(levels, nio.RoomGetStateEventResponse), levels
    content = {**levels.content, "users": {**levels.content["users"], otto.user_id: 100}}
    raised = await orga.client.room_put_state(room, "m.room.power_levels", content)
    assert isinstance(raised, nio.RoomPutStateResponse), raised
    await otto.say(room, "!linkgroup")  # now a room admin, still not Orga's camp
    assert await orga.replies(room) == [t("linkgroup.taken", name=CAMP)]
    await otto.say(room, "!unlinkgroup")
    assert await orga.replies(room) == [t("unlinkgroup.done", name=CAMP)]
    assert await orga.replies(orga_dm) == [t("unlinkgroup.notice", name=CAMP, platform="matrix")]
    await otto.say(room, "!linkgroup")
    assert await orga.replies(room) == [t("linkgroup.done", name="Zweites Camp")]


async def test_invites_from_other_servers_are_declined(
    start_bot: StartBot, synapse_clients: SynapseClients
) -> None:
    bot = await start_bot(invite_servers=("example.org",))
    stranger = Young(synapse_clients.new("stranger"), bot.user_id)
    created = await stranger.client.room_create(invite=[bot.user_id])
    assert isinstance(created, nio.RoomCreateResponse)
    room = stranger.client.rooms

    def declined() -> bool:
        members = room.get(created.room_id)
        return members is not None and bot.user_id not in members.users

    await stranger.until(declined, "the bot declines")
