"""/mydata through the router: the person's own data as JSON, and nothing of anyone else."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from handlers.core.messages import ButtonPress, Chat, ChatKind, IncomingText, Reply
from handlers.core.personal_data import FILENAME, MEDIA_TYPE, SECTIONS
from tests.support.chat import Person
from tests.unit.core.test_flow import create_camp, t

MakePerson = Callable[..., Person]
GROUP = Chat("fake", "group-1", ChatKind.GROUP)
CAMP = "Jugend-BarCamp Musterstadt"


def file_of(replies: list[Reply]) -> dict[str, Any]:
    [reply] = replies
    assert reply.text == t("de", "mydata.caption")
    assert reply.document is not None
    assert (reply.document.filename, reply.document.media_type) == (FILENAME, MEDIA_TYPE)
    data: dict[str, Any] = json.loads(reply.document.content)
    return data


async def test_mydata_holds_exactly_my_own_data(people: MakePerson) -> None:
    orga, ana, ben = people("Orga"), people("Ana"), people("Ben")
    code = await create_camp(orga, "de")
    for person in (ana, ben):
        await person.joins(code)
    await ana.says("/propose Skatepark am See | Wo könnte er hin?")
    await ben.says("/propose Mehr Busse am Abend")
    await orga.says("/approve 1")
    await orga.says("/approve 2")
    await ana.says("/vote 2")
    await ben.says("/vote 1 2")
    await orga.dispatcher.on_event(IncomingText(orga.sender, GROUP, "/poll Pizza? | Ja | Nein"))
    for person, position in ((ana, 0), (ben, 1)):
        await person.dispatcher.on_event(
            ButtonPress(person.sender, GROUP, f"pollanswer 1 {position}")
        )
    await ana.says("/remind off")
    await ana.says("/propose")  # a dialog in progress

    data = file_of(await ana.says("/mydata"))

    assert set(data) == {"exported_at", *SECTIONS}
    assert data["person"] == {
        "display_name": "Ana",
        "language": "de",
        "reminders": False,
        "active_event": code,
        "first_seen": "2027-03-01T09:00:00+00:00",
    }
    assert data["identities"] == [
        {"platform": "fake", "id": "ana", "direct_chat": "dm-ana", "unreachable_since": None}
    ]
    assert [c["privacy_policy_version"] for c in data["consent"]] == [1]
    assert [(e["code"], e["name"], e["kind"], e["role"]) for e in data["events"]] == [
        (code, CAMP, "barcamp", "participant")
    ]
    assert [(p["number"], p["title"], p["status"]) for p in data["proposals"]] == [
        (1, "Skatepark am See", "approved")
    ]
    assert data["votes"] == [{"event": code, "number": 2, "title": "Mehr Busse am Abend"}]
    assert [(a["event"], a["question"], a["answer"]) for a in data["poll_answers"]] == [
        (code, "Pizza?", "Ja")
    ]
    assert data["dialog"]["name"] == "propose"
    # Nothing of Ben's: not his name, account, proposal as his, nor his votes or answer.
    text = json.dumps(data, ensure_ascii=False)
    others = ("Ben", '"ben"', "dm-ben", "Orga", '"orga"', "Nein")
    assert [word for word in others if word in text] == []


async def test_mydata_asked_in_a_group_arrives_privately(people: MakePerson) -> None:
    orga = people("Orga")
    await create_camp(orga, "de")
    await orga.dispatcher.on_event(IncomingText(orga.sender, GROUP, "/mydata"))
    assert orga.adapter.sent[GROUP.chat_id][-1].text == t("de", "group.moved", name="Orga")
    assert orga.adapter.sent[GROUP.chat_id][-1].document is None
    data = file_of(orga.new_replies()[-1:])
    assert [e["role"] for e in data["events"]] == ["organiser"]


async def test_before_consent_only_the_platform_id_is_there(people: MakePerson) -> None:
    cem = people("Cem")
    data = file_of(await cem.says("/mydata"))
    assert data["person"]["display_name"] == ""
    assert [i["id"] for i in data["identities"]] == ["cem"]
    assert data["consent"] == data["events"] == data["votes"] == data["proposals"] == []
