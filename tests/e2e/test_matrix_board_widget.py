"""End to end on a real Synapse: an organiser pins the live board into a linked room.

`!board widget` sets the `im.vector.modular.widgets` state event Element shows; while the
bot lacks the power level for state events, the room gets the text that says how to add
it by hand, and nothing else changes.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import nio  # type: ignore[import-untyped, unused-ignore]
import pytest
from sqlmodel import select

from bot.matrix.sending import WIDGET_EVENT
from storage.barcamp.camp_tables import CampSettings
from tests.support.matrix_bot import MatrixBot, NewYoung, camp_of, consented, t
from tests.support.store import raw_session

pytestmark = pytest.mark.e2e
CAMP = "BarCamp Matrixhausen"
BASE = "https://board.example.org"


@pytest.fixture(autouse=True)
def _board_address(monkeypatch: pytest.MonkeyPatch) -> None:
    """Set before the bot starts (autouse fixtures come first): its /board links."""
    monkeypatch.setenv("BARCAMP_WEB_BASE_URL", BASE)


async def test_an_organiser_adds_the_board_to_a_linked_room(
    matrix_bot: MatrixBot, young: NewYoung
) -> None:
    orga, ana = young("orga"), young("ana")
    await consented(orga)
    code = camp_of(matrix_bot.app.engine, orga.user_id, CAMP).code
    ana_dm = await consented(ana)
    await ana.say(ana_dm, f"!join {code}")
    await ana.replies(ana_dm)
    with raw_session(matrix_bot.app.engine) as session:
        camp = session.exec(select(CampSettings)).one()
        camp.agenda_published_at = datetime.now(UTC)
        session.add(camp)
    room = await orga.group_room("BarCamp-Raum", [ana])
    await orga.replies(room)  # the bot's hello
    await orga.say(room, "!board widget")
    assert await orga.replies(room) == [t("board.widget_where")]  # not linked yet
    await orga.say(room, "!linkgroup")
    await orga.replies(room)

    url = f"{BASE}/e/{code}/board"
    widget_id = f"barcamp-board-{code}"
    await orga.say(room, "!board widget")
    assert await orga.replies(room) == [t("board.widget_added", url=url)]
    missing = await orga.client.room_get_state_event(room, WIDGET_EVENT, widget_id)
    assert not isinstance(missing, nio.RoomGetStateEventResponse)  # the bot may not, yet

    levels = await orga.client.room_get_state_event(room, "m.room.power_levels")
    assert isinstance(levels, nio.RoomGetStateEventResponse), levels
    users = {**levels.content["users"], matrix_bot.user_id: 50}
    raised = await orga.client.room_put_state(
        room, "m.room.power_levels", {**levels.content, "users": users}
    )
    assert isinstance(raised, nio.RoomPutStateResponse), raised
    await ana.say(room, "!board widget")
    assert await orga.replies(room) == [t("board.widget_organisers")]
    await orga.say(room, "!board widget")
    assert await orga.replies(room) == [t("board.widget_added", url=url)]

    found = None
    for _ in range(100):  # the outbox sends the reply, then the state event
        found = await orga.client.room_get_state_event(room, WIDGET_EVENT, widget_id)
        if isinstance(found, nio.RoomGetStateEventResponse):
            break
        await asyncio.sleep(0.1)
    assert isinstance(found, nio.RoomGetStateEventResponse), found
    assert found.content == {
        "type": "m.custom",
        "id": widget_id,
        "name": t("web.board_title"),
        "url": url,
        "creatorUserId": matrix_bot.user_id,
        "data": {"title": t("web.board_title")},
    }
