"""End to end on a real Synapse: young people in Element-like clients and the whole bot.

Invite and greeting, `!start` with consent by command, `!join`, `!propose`, `!vote`, a 👍
on a proposal message (and taking it back), all in end-to-end encrypted direct chats.
"""

from __future__ import annotations

import pytest
from sqlmodel import select

from storage.barcamp.camp_tables import Vote
from storage.core.shared_tables import Event
from tests.support.matrix_bot import MatrixBot, NewYoung, Young, consented, t
from tests.support.store import raw_session

pytestmark = pytest.mark.e2e

CAMP = "Jugend-BarCamp Matrixhausen"


async def new_camp(orga: Young, room: str) -> None:
    """The guided /newcamp dialog, typed as plain messages in the direct chat."""
    for line in (
        "!newcamp",
        CAMP,
        "2027-06-13",
        "Jugendhaus",
        "Aula:60, Raum 1:20",
        "10:00-10:45, 11:00-11:45",
    ):
        await orga.say(room, line)
        await orga.replies(room)


def join_code(bot: MatrixBot) -> str:
    with raw_session(bot.app.engine) as session:
        return session.exec(select(Event.code).where(Event.name == CAMP)).one()


async def test_invite_start_join_propose_vote_and_vote_by_reaction(
    matrix_bot: MatrixBot, young: NewYoung
) -> None:
    orga, ana = young("orga", encrypted=True), young("ana", encrypted=True)
    orga_room = await consented(orga)
    await new_camp(orga, orga_room)
    code = join_code(matrix_bot)
    await orga.say(orga_room, "!propose Kunst & Musik | Graffiti an der Schule")
    assert "Kunst & Musik" in (await orga.replies(orga_room))[0]

    ana_room = await consented(ana)
    await ana.say(ana_room, f"/join {code}")  # `/cmd` works too when it arrives
    assert await ana.replies(ana_room) == [t("join.done", name=CAMP)]
    await ana.say(ana_room, "!propose Skatepark am See")
    await ana.replies(ana_room)
    await orga.say(orga_room, "!approve 2")
    await orga.replies(orga_room)
    assert "Skatepark am See" in (await ana.replies(ana_room))[0]  # told of the approval

    await ana.say(ana_room, "!sessions")
    header, first, second, footer = await ana.next_events(ana_room, 4)
    assert "👍" in header.body
    assert first.body == "1. Kunst & Musik (0 Stimmen)\n👍 · !vote 1"
    assert "Kunst &amp; Musik" in first.formatted_body
    assert second.body.endswith("!vote 2")
    assert t("vote.budget", used=0, budget=5) == footer.body

    await ana.say(ana_room, "!vote 1")
    assert t("vote.budget", used=1, budget=5) in (await ana.replies(ana_room))[0]
    reaction = await ana.react(ana_room, second.event_id)
    voted = (await ana.replies(ana_room))[0]
    assert t("vote.added", number=2, title="Skatepark am See") in voted
    assert t("vote.budget", used=2, budget=5) in voted
    await ana.client.room_redact(ana_room, reaction)
    taken_back = (await ana.replies(ana_room))[0]
    assert t("vote.removed", number=2, title="Skatepark am See") in taken_back

    with raw_session(matrix_bot.app.engine) as session:
        assert len(session.exec(select(Vote)).all()) == 1
