"""Quick polls on both stores: only members of the poll's event answer, by button, by
command or natively; everyone else is refused or not counted and leaves nothing behind;
poll numbers are counted per event."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from sqlmodel import col, func, select

from bot.bootstrap import App
from handlers.core.i18n import catalogues
from handlers.core.messages import (
    ButtonPress,
    Chat,
    ChatKind,
    IncomingText,
    PollAnswerEvent,
    Reply,
    Sender,
)
from storage.core.shared_tables import MessageRef, Person, PollAnswer, Role
from storage.uow import UnitOfWork
from tests.support.chat import FakePlatform
from tests.support.chat import Person as ChatPerson
from tests.support.store import raw_session
from tests.unit.core.test_flow import create_camp

GROUP_A = Chat("fake", "group-a", ChatKind.GROUP)
GROUP_B = Chat("fake", "group-b", ChatKind.GROUP)
MakeApp = Callable[[str], App]
CAMP = "Jugend-BarCamp Musterstadt"


def t(key: str, **values: object) -> str:
    return catalogues().text("de", key, **values)


class Camps(FakePlatform):
    """The camps' people and their polls, in groups."""

    async def in_group(self, person: ChatPerson, group: Chat, text: str) -> Reply:
        await self.dispatcher.on_event(IncomingText(person.sender, group, text))
        return self.adapter.sent[group.chat_id][-1]

    async def press_in_group(
        self, person: ChatPerson, group: Chat, data: str, message_id: str = ""
    ) -> str:
        await self.dispatcher.on_event(ButtonPress(person.sender, group, data, message_id))
        return self.adapter.sent[group.chat_id][-1].text

    def poll_message(self, group: Chat, index: int = -1) -> str:
        """The platform's id of a poll message posted to `group` (the last, or `index`)."""
        with raw_session(self.app.engine) as session:
            refs = session.exec(
                select(MessageRef.message_id)
                .where(MessageRef.kind == "poll", MessageRef.chat_id == group.chat_id)
                .order_by(col(MessageRef.id))
            ).all()
        return refs[index]

    def answers(self) -> list[int]:
        with raw_session(self.app.engine) as session:
            return sorted(session.exec(select(PollAnswer.person_id)).all())

    def people_stored(self) -> int:
        with raw_session(self.app.engine) as session:
            return int(session.exec(select(func.count()).select_from(Person)).one())

    def person_id(self, person: ChatPerson) -> int:
        with UnitOfWork(self.app.engine) as uow:
            found = uow.people.by_identity("fake", person.user_id)
            assert found is not None
            assert found.id is not None
            return found.id


@pytest.fixture
def camps(make_app: MakeApp, store_url: str) -> Camps:
    return Camps(make_app(store_url))


async def test_poll_numbers_count_per_event(camps: Camps) -> None:
    olga, otto = camps.person("Olga"), camps.person("Otto")
    await create_camp(olga, "de")
    await create_camp(otto, "de")
    first = await camps.in_group(olga, GROUP_A, "/poll Pizza? | Ja | Nein")
    second = await camps.in_group(olga, GROUP_A, "/poll Eis? | Ja | Nein")
    other = await camps.in_group(otto, GROUP_B, "/poll Kino? | Ja | Nein")
    buttons = [[b.data for row in poll.buttons for b in row] for poll in (first, second, other)]
    assert buttons == [
        ["pollanswer 1 0", "pollanswer 1 1"],
        ["pollanswer 2 0", "pollanswer 2 1"],
        ["pollanswer 1 0", "pollanswer 1 1"],
    ]
    # Each organiser was told their poll's number privately; that is read here.
    told = [reply.text for reply in otto.new_replies()]
    assert t("poll.started_private", question="Kino?", number=1) in told
    olga.new_replies()
    # Otto's poll 1 is his camp's, and closing it leaves Olga's open.
    assert await otto.text("/closepoll 2") == t("poll.unknown", number=2, event=CAMP)
    assert t("poll.results", question="Kino?") in await otto.text("/closepoll 1")
    assert t("poll.results", question="Pizza?") in await olga.text("/closepoll 1")


async def test_poll_buttons_and_commands_count_only_from_members(camps: Camps) -> None:
    olga, otto = camps.person("Olga"), camps.person("Otto")
    code = await create_camp(olga, "de")
    other_code = await create_camp(otto, "de")
    ana, cem, dan = camps.person("Ana"), camps.person("Cem"), camps.person("Dan")
    await ana.joins(code)
    await cem.joins(other_code)  # a member of another camp, which has a poll 1 too
    await dan.says("/start")
    await dan.press("consent de")  # consented, in no event
    await camps.in_group(otto, GROUP_B, "/poll Kino? | Ja | Nein")
    await camps.in_group(olga, GROUP_A, "/poll Pizza? | Ja | Nein")
    posted = len(camps.adapter.sent[GROUP_A.chat_id])

    # In a group a press answers the poll posted there, whoever presses: never Cem's
    # own camp's poll 1. Refusals go to the presser alone, not into the group.
    members_only = t("poll.members_only")
    for stranger in (cem, dan):
        assert await camps.press_in_group(stranger, GROUP_A, "pollanswer 1 0") == members_only
        refusal = camps.adapter.sent[GROUP_A.chat_id][-1]
        assert refusal.refresh is not None
        assert refusal.refresh.message_id == ""  # nothing to show in the group
    unknown = t("poll.unknown_here", number=7)
    assert await camps.press_in_group(cem, GROUP_A, "pollanswer 7 0") == unknown
    assert await dan.text("/pollanswer 1 1") == t("event.none")
    assert camps.answers() == []
    # Ana's press re-renders the poll's message with the counts; the answer is its toast.
    message_id = camps.poll_message(GROUP_A)
    answered = await camps.press_in_group(ana, GROUP_A, "pollanswer 1 0", message_id)
    assert t("poll.result_line", option="Ja", count=1) in answered
    refresh = camps.adapter.sent[GROUP_A.chat_id][-1].refresh
    assert refresh is not None
    assert (refresh.message_id, refresh.notice) == (message_id, t("poll.answered", option="Ja"))
    assert camps.answers() == [camps.person_id(ana)]
    group = camps.adapter.sent[GROUP_A.chat_id][posted:]
    assert all(reply.refresh is not None for reply in group), "the group was told nothing"
    summary = await olga.text("/closepoll 1")
    assert t("poll.result_line", option="Ja", count=1) in summary
    assert t("poll.result_line", option="Nein", count=0) in summary
    kino = await otto.text("/closepoll 1")
    assert t("poll.result_line", option="Ja", count=0) in kino


async def test_a_press_answers_the_poll_of_the_pressed_message(camps: Camps) -> None:
    """Two camps' poll 1 in one group: each button answers its own message's poll."""
    olga, otto = camps.person("Olga"), camps.person("Otto")
    code = await create_camp(olga, "de")
    await create_camp(otto, "de")
    ana = camps.person("Ana")
    await ana.joins(code)
    await camps.in_group(olga, GROUP_A, "/poll Pizza? | Ja | Nein")
    await camps.in_group(otto, GROUP_A, "/poll Kino? | Ja | Nein")
    olgas, ottos = camps.poll_message(GROUP_A, 0), camps.poll_message(GROUP_A, 1)

    refused = await camps.press_in_group(ana, GROUP_A, "pollanswer 1 1", ottos)
    assert refused == t("poll.members_only")
    assert camps.answers() == []
    answered = await camps.press_in_group(ana, GROUP_A, "pollanswer 1 1", olgas)
    assert answered.startswith("Pizza?")
    assert t("poll.result_line", option="Nein", count=1) in answered
    assert camps.answers() == [camps.person_id(ana)]


async def test_native_poll_answers_count_only_from_members(camps: Camps) -> None:
    olga, otto = camps.person("Olga"), camps.person("Otto")
    code = await create_camp(olga, "de")
    other_code = await create_camp(otto, "de")
    ana, cem = camps.person("Ana"), camps.person("Cem")
    await ana.joins(code)
    await cem.joins(other_code)
    # Known only by platform id, as `camp create --organiser` makes them: no consent yet.
    with UnitOfWork(camps.app.engine) as uow:
        event = uow.events.by_code(code)
        assert event is not None
        assert event.id is not None
        ida = uow.people.create_with_identity("fake", "ida", datetime.now(UTC))
        assert ida.id is not None
        uow.events.join(event.id, ida.id, Role.ORGANISER, datetime.now(UTC))
    await camps.in_group(olga, GROUP_A, "/poll Wann? | Montag | Dienstag")
    with raw_session(camps.app.engine) as session:
        poll_ref = session.exec(
            select(MessageRef.message_id).where(MessageRef.kind == "poll")
        ).one()
    people_before = camps.people_stored()

    stranger = Sender("fake", "stranger", "Mallory")
    ida_sender = Sender("fake", "ida", "Ida")
    for number, sender in enumerate((stranger, cem.sender, ida_sender, ana.sender)):
        answer = PollAnswerEvent(sender, poll_ref, (1,), external_id=f"answer-{number}")
        await camps.dispatcher.on_event(answer)

    assert camps.answers() == [camps.person_id(ana)]
    assert camps.people_stored() == people_before  # not even a row for the stranger
    assert t("poll.result_line", option="Dienstag", count=1) in await olga.text("/closepoll 1")
