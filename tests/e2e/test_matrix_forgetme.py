"""/forgetme on Matrix forgets: nothing in the store names or addresses the person.

Kimberly (encrypted direct chat) proposes by dialog and in one line, votes with `!vote`
and with a 👍, answers a native poll in a room and talks there, gets an announcement and
leaves a dialog half done; then `!forgetme`. Afterwards every row of every table (on
SQLite also the file and its write-ahead log, byte for byte) is searched for her display
name, Matrix id, her direct chat's room id and every text she typed.

What legitimately stays: the proposal the team approved (the camp voted on it) keeps its
title and description, without her, so those are not searched for; the join code she
typed is the camp's. Her vote and poll answer stay as anonymous counts.
"""

from __future__ import annotations

import nio  # type: ignore[import-untyped, unused-ignore]
import pytest
from sqlmodel import select

from bot.bootstrap import bootstrap
from bot.matrix.store import room_key
from bot.settings import Settings
from storage.barcamp.camp_tables import Proposal
from storage.core.shared_tables import PollAnswer, PollOption
from tests.support.matrix_bot import (
    MatrixBot,
    StartBot,
    Young,
    camp_of,
    consented,
    t,
    wait_until,
)
from tests.support.privacy_scan import rows_naming, sqlite_files_naming
from tests.support.store import raw_session
from tests.support.synapse import SynapseClients

pytestmark = pytest.mark.e2e

CAMP = "Jugend-BarCamp Matrixhausen"
NAME = "Kimberly Kiesel"
APPROVED = ("Bolzplatz hinter der Schule", "Mit Toren aus Holz")


def poll_answers(bot: MatrixBot) -> tuple[int, int]:
    """(answers tied to a person, anonymous ones)."""
    with raw_session(bot.app.engine) as session:
        tied = len(session.exec(select(PollAnswer)).all())
        anonymous = sum(option.anonymous_answers for option in session.exec(select(PollOption)))
    return tied, anonymous


async def test_forgetme_leaves_no_trace_of_her(
    start_bot: StartBot, synapse_clients: SynapseClients, store_url: str
) -> None:
    settings = Settings(database_url=store_url, _env_file=None)  # type: ignore[call-arg]
    app = bootstrap(settings)
    matrix_bot = await start_bot(app=app)
    orga = Young(synapse_clients.new("orga"), matrix_bot.user_id)
    kim = Young(synapse_clients.new("kimberly", encrypted=True), matrix_bot.user_id)
    assert isinstance(await kim.client.set_displayname(NAME), nio.ProfileSetDisplayNameResponse)
    orga_dm = await consented(orga)
    code = camp_of(matrix_bot.app.engine, orga.user_id, CAMP).code
    dm = await consented(kim)
    await kim.say(dm, f"!join {code}")
    await kim.replies(dm)

    typed = ["!propose", *APPROVED]
    for line in typed:
        await kim.say(dm, line)
        await kim.replies(dm)
    await orga.say(orga_dm, "!approve 1")
    await orga.replies(orga_dm)
    await kim.replies(dm)  # told of the approval
    one_line = "!propose Nachtbus nach Hause | Bitte bis Mitternacht fahren"
    await kim.say(dm, one_line)  # waits in the queue: deleted with her
    await kim.replies(dm)
    typed.append(one_line)

    await kim.say(dm, "!sessions")
    _, item, _ = await kim.next_events(dm, 3)
    await kim.react(dm, item.event_id)  # 👍 votes for proposal 1
    voted = (await kim.replies(dm))[0]
    assert t("vote.added", number=1, title=APPROVED[0]) in voted
    await kim.say(dm, "!vote 1")
    await kim.replies(dm)
    await kim.say(dm, "!vote 1")
    await kim.replies(dm)
    typed += ["!sessions", "!vote 1"]

    room = await orga.group_room("BarCamp-Raum", [kim])
    await orga.replies(room)  # the greeting
    await kim.say(room, "!mine")  # the room hears "Kimberly, see your direct chat"
    await orga.replies(room)
    await kim.replies(dm)  # where the answer went
    typed.append("!mine")
    await orga.say(room, "!poll Wann treffen wir uns? | 10 Uhr | 11 Uhr")
    (poll,) = await orga.next_events(room)
    await kim.answer_poll(room, poll.event_id, 0)
    await wait_until(lambda: poll_answers(matrix_bot) == (1, 0), "her answer")

    news = "Morgen Treffpunkt am Rathaus"
    await orga.say(orga_dm, f"!announce {news}")
    assert t("announce.message", name=CAMP, text=news) in await kim.replies(dm)

    half_done = "Zebrastreifen vor dem Jugendhaus"
    await kim.say(dm, "!propose")
    await kim.replies(dm)
    await kim.say(dm, half_done)  # the dialog now waits for the description
    await kim.replies(dm)
    typed.append(half_done)

    typed = [text for text in typed if text not in APPROVED]
    needles = [NAME, "Kimberly", kim.user_id, dm, *typed]
    before = rows_naming(matrix_bot.app.engine, needles)  # the search finds her while she is in
    assert {"Kimberly", kim.user_id, dm, half_done} <= set(before), before

    await kim.say(dm, "!forgetme")
    await kim.replies(dm)
    await kim.say(dm, "!forgetme confirm")
    assert await kim.replies(dm) == [t("forgetme.done")]
    # Also the state kept about her direct chat, by its key.
    needles += ["!forgetme", "!forgetme confirm", room_key("kind", dm)]

    engine = matrix_bot.app.engine
    assert rows_naming(engine, needles) == {}
    if store_url.startswith("sqlite"):
        assert sqlite_files_naming(engine, needles) == {}
    with raw_session(engine) as session:
        [proposal] = session.exec(select(Proposal)).all()
    assert (proposal.title, proposal.proposer_id, proposal.anonymous_votes) == (
        APPROVED[0],
        None,
        1,
    )
    assert poll_answers(matrix_bot) == (0, 1)
