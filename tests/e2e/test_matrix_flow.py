"""End to end on a real Synapse: young people in Element-like clients and the whole bot.

Invite and greeting, `!start` with consent by command, `!join`, `!propose`, `!vote`, a 👍
on a proposal message (and taking it back), all in end-to-end encrypted direct chats. A 👍
means "I vote for this" whatever came before; hints name `!`; an edited command runs in
place of one that did nothing, and never twice.
"""

from __future__ import annotations

import pytest
from sqlmodel import select

from storage.barcamp.camp_tables import Vote
from storage.core.shared_tables import Event
from tests.support.matrix_bot import MatrixBot, NewYoung, Young, camp_of, consented, t
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


def votes_counted(bot: MatrixBot) -> int:
    with raw_session(bot.app.engine) as session:
        return len(session.exec(select(Vote)).all())


async def joined_camp_with_a_proposal(
    bot: MatrixBot, young: NewYoung, encrypted: bool
) -> tuple[Young, str]:
    """Ana and her direct chat; she is a member of a camp whose proposal 1 is "Kunst & Musik"."""
    orga, ana = young("orga", encrypted=encrypted), young("ana", encrypted=encrypted)
    orga_room = await consented(orga)
    camp = camp_of(bot.app.engine, orga.user_id, CAMP)
    await orga.say(orga_room, "!propose Kunst & Musik")
    await orga.replies(orga_room)
    ana_room = await consented(ana)
    await ana.say(ana_room, f"!join {camp.code}")
    assert await ana.replies(ana_room) == [t("join.done", name=CAMP)]
    return ana, ana_room


async def test_a_thumbs_up_votes_whatever_came_before_on_every_list(
    matrix_bot: MatrixBot, young: NewYoung
) -> None:
    ana, room = await joined_camp_with_a_proposal(matrix_bot, young, encrypted=False)
    title = "Kunst & Musik"
    await ana.say(room, "!sessions")
    _, first_list, _ = await ana.next_events(room, 3)
    await ana.say(room, "!vote 1")
    await ana.replies(room)

    # A 👍 on what she voted for already keeps the vote (a toggle took it away).
    thumbs = await ana.react(room, first_list.event_id)
    (kept,) = await ana.replies(room)
    assert kept == "\n".join(
        [t("vote.kept", number=1, title=title), t("vote.budget", used=1, budget=5)]
    )
    assert votes_counted(matrix_bot) == 1
    # Taking the 👍 away takes the vote back.
    await ana.client.room_redact(room, thumbs)
    (taken_back,) = await ana.replies(room)
    assert t("vote.removed", number=1, title=title) in taken_back
    assert votes_counted(matrix_bot) == 0

    # A later list agrees with the first: a 👍 on either means the one vote.
    await ana.say(room, "!sessions")
    _, second_list, _ = await ana.next_events(room, 3)
    await ana.react(room, second_list.event_id)
    (added,) = await ana.replies(room)
    assert t("vote.added", number=1, title=title) in added
    await ana.react(room, first_list.event_id)
    (again,) = await ana.replies(room)
    assert t("vote.kept", number=1, title=title) in again
    assert votes_counted(matrix_bot) == 1


async def test_hints_name_the_bang_and_an_edit_runs_once_in_place_of_a_typo(
    matrix_bot: MatrixBot, young: NewYoung
) -> None:
    ana, room = await joined_camp_with_a_proposal(matrix_bot, young, encrypted=True)
    await ana.say(room, "hallo")
    (hint,) = await ana.replies(room)
    assert hint == t("error.not_a_command", prefix="!")
    assert "mit ! an" in hint
    assert "!help" in hint

    # "!nxt" got only a hint: its edit to "!next" is answered as "!next".
    typo = await ana.say(room, "!nxt")
    assert await ana.replies(room) == [t("error.unknown_command", command="nxt")]
    await ana.edit(room, typo, "!next")
    (answer,) = await ana.replies(room)
    await ana.say(room, "!next")
    assert await ana.replies(room) == [answer]
    assert answer != t("edit.not_run")
    # Once answered, the message is not run again by a second edit.
    await ana.edit(room, typo, "!vote 1")
    assert await ana.replies(room) == [t("edit.not_run")]
    assert votes_counted(matrix_bot) == 0

    # An edit of a command that did something says so and changes nothing.
    voted = await ana.say(room, "!vote 1")
    await ana.replies(room)
    await ana.edit(room, voted, "!vote 1")
    assert await ana.replies(room) == [t("edit.not_run")]
    assert votes_counted(matrix_bot) == 1
