"""Neutral router features for chat platforms: personal steps asked in a group move to
the private chat, and a press on a view (the ballot) re-renders it in place."""

from __future__ import annotations

from collections.abc import Callable

from handlers.core.i18n import catalogues
from handlers.core.messages import ButtonPress, Chat, ChatKind, IncomingText, Refresh
from handlers.core.registry import registry
from tests.support.chat import PLATFORM, FakeAdapter
from tests.support.chat import Person as ChatPerson
from tests.unit.core.test_flow import create_camp

MakePerson = Callable[..., ChatPerson]
GROUP = Chat(PLATFORM, "group-1", ChatKind.GROUP)


def t(key: str, **values: object) -> str:
    return catalogues().text("de", key, **values)


def test_personal_commands_are_private_and_the_vote_refreshes_the_ballot() -> None:
    private = {name for name, spec in registry.commands.items() if spec.private}
    assert {"sessions", "vote", "propose", "newcamp", "start", "queue", "help"} <= private
    assert not {"poll", "announce", "linkgroup", "closepoll", "approve"} & private
    assert registry.commands["vote"].refreshes == "sessions"


async def test_a_personal_step_in_a_group_happens_privately(
    people: MakePerson, adapter: FakeAdapter
) -> None:
    orga, ben = people("Orga"), people("Ben")
    code = await create_camp(orga, "de")
    await orga.says("/propose Skatepark am See")
    await orga.dispatcher.on_event(IncomingText(orga.sender, GROUP, "/sessions@bot"))
    assert adapter.sent[GROUP.chat_id][-1].text == t("group.moved", name="Orga")
    [ballot] = orga.new_replies()
    assert [b.data for row in ballot.buttons for b in row] == ["vote 1"]
    # Someone the bot never met privately is asked to come over (no link configured here).
    await ben.dispatcher.on_event(IncomingText(ben.sender, GROUP, "/propose Idee"))
    assert adapter.sent[GROUP.chat_id][-1].text == t("group.go_private_unlinked", name="Ben")
    assert code


async def test_a_press_on_the_ballot_answers_with_the_ballot(people: MakePerson) -> None:
    orga = people("Orga")
    await create_camp(orga, "de")
    await orga.says("/propose Skatepark am See")
    await orga.says("/sessions")
    press = ButtonPress(orga.sender, orga.chat, "vote 1", message_id="m42", external_id="e1")
    await orga.dispatcher.on_event(press)
    [refreshed] = orga.new_replies()
    # The vote's own budget line is the ballot's last line: said once, not in the notice.
    notice = t("vote.added", number=1, title="Skatepark am See")
    assert refreshed.refresh == Refresh(message_id="m42", press_id="e1", notice=notice)
    assert refreshed.text.startswith(notice + "\n\n")
    assert refreshed.text.count(t("vote.budget", used=1, budget=5)) == 1
    assert next(b.label for row in refreshed.buttons for b in row).startswith("✅")
