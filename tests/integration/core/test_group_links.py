"""/linkgroup and /unlinkgroup on both stores: a group is linked only by an organiser who
is one of its admins, a group linked to another event is not taken over, and unlinking
(by that event's organisers or a group admin) is told to the event's organisers."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import pytest
from sqlmodel import select

from bot.bootstrap import App
from handlers.core.i18n import catalogues
from handlers.core.messages import Chat, ChatKind, IncomingText
from storage.core.shared_tables import Event, LinkedChat
from tests.support.chat import FakePlatform
from tests.support.chat import Person as ChatPerson
from tests.support.store import raw_session
from tests.unit.core.test_flow import create_camp

GROUP = Chat("fake", "group-1", ChatKind.GROUP)
CAMP = "Jugend-BarCamp Musterstadt"
MakeApp = Callable[[str], App]


def t(key: str, **values: object) -> str:
    return catalogues().text("de", key, **values)


class Group(FakePlatform):
    async def says(self, person: ChatPerson, text: str, *, admin: bool = False) -> str:
        """`admin`: the platform says the person is an administrator of the group."""
        sender = replace(person.sender, group_admin=admin)
        await self.dispatcher.on_event(IncomingText(sender, GROUP, text))
        return self.adapter.sent[GROUP.chat_id][-1].text

    def linked_to(self) -> list[str]:
        with raw_session(self.app.engine) as session:
            statement = select(Event.code).join(LinkedChat, LinkedChat.event_id == Event.id)
            return list(session.exec(statement.where(LinkedChat.chat_id == GROUP.chat_id)))


@pytest.fixture
def group(make_app: MakeApp, store_url: str) -> Group:
    return Group(make_app(store_url))


async def test_only_an_organiser_who_is_a_group_admin_links(group: Group) -> None:
    olga, ana = group.person("Olga"), group.person("Ana")
    code = await create_camp(olga, "de")
    await ana.joins(code)
    assert await group.says(ana, "/linkgroup", admin=True) == t("error.not_allowed")
    assert await group.says(olga, "/linkgroup") == t("linkgroup.not_admin")
    assert group.linked_to() == []
    assert await group.says(olga, "/linkgroup", admin=True) == t("linkgroup.done", name=CAMP)
    assert await group.says(olga, "/linkgroup", admin=True) == t("linkgroup.done", name=CAMP)
    assert group.linked_to() == [code]


async def test_a_linked_group_is_not_taken_over(group: Group) -> None:
    olga, otto, mallory = group.person("Olga"), group.person("Otto"), group.person("Mallory")
    first = await create_camp(olga, "de")
    second = await create_camp(otto, "de")
    await group.says(olga, "/linkgroup", admin=True)
    olga.new_replies()

    # Otto organises another camp and is a group admin: he is told, nothing changes.
    assert await group.says(otto, "/linkgroup", admin=True) == t("linkgroup.taken", name=CAMP)
    assert await group.says(otto, "/unlinkgroup") == t("unlinkgroup.not_allowed", name=CAMP)
    assert group.linked_to() == [first]
    assert olga.new_replies() == []

    # A group admin who never used the bot may unlink it; Olga hears of it.
    assert await group.says(mallory, "/unlinkgroup", admin=True) == t("unlinkgroup.done", name=CAMP)
    assert group.linked_to() == []
    assert [reply.text for reply in olga.new_replies()] == [
        t("unlinkgroup.notice", name=CAMP, platform="fake")
    ]
    assert await group.says(otto, "/linkgroup", admin=True) == t("linkgroup.done", name=CAMP)
    assert group.linked_to() == [second]

    # The organisers of the linked camp may unlink it without being group admins.
    assert await group.says(olga, "/unlinkgroup") == t("unlinkgroup.not_allowed", name=CAMP)
    assert await group.says(otto, "/unlinkgroup") == t("unlinkgroup.done", name=CAMP)
    assert group.linked_to() == []
    assert olga.new_replies() == []  # not her camp's group any more
    assert await group.says(otto, "/unlinkgroup") == t("unlinkgroup.not_linked")


async def test_unlinkgroup_belongs_in_a_group(group: Group) -> None:
    olga = group.person("Olga")
    await create_camp(olga, "de")
    assert await olga.text("/unlinkgroup") == t("unlinkgroup.not_group")
