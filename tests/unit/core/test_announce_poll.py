"""Announcements, linked groups and quick polls through the router and the outbox."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from sqlmodel import select

from bot.bootstrap import App
from handlers.core.i18n import catalogues
from handlers.core.messages import ButtonPress, Chat, ChatKind, IncomingText, PollAnswerEvent
from storage.core.shared_tables import (
    LinkedChat,
    MessageRef,
    OutboxMessage,
    Poll,
    PollAnswer,
)
from tests.support.chat import Person
from tests.support.store import raw_session
from tests.unit.core.test_flow import create_camp

MakePerson = Callable[..., Person]
GROUP = Chat("fake", "group-1", ChatKind.GROUP)


def t(language: str, key: str, **values: object) -> str:
    return catalogues().text(language, key, **values)


async def camp_with_members(people: MakePerson) -> tuple[Person, list[Person]]:
    orga = people("Orga")
    code = await create_camp(orga, "de")
    members = [people(name, language_hint=lang) for name, lang in (("Ana", "de"), ("Ben", "en"))]
    for member, language in zip(members, ("de", "en"), strict=True):
        await member.joins(code, language)
    return orga, members


async def in_group(person: Person, text: str, *, admin: bool = False) -> None:
    """`admin`: the platform says the person is an administrator of the group."""
    sender = replace(person.sender, group_admin=admin)
    await person.dispatcher.on_event(IncomingText(sender, GROUP, text))


async def test_announce_reaches_every_member_in_their_language_and_linked_groups(
    app: App, people: MakePerson
) -> None:
    orga, (ana, ben) = await camp_with_members(people)
    await in_group(orga, "/linkgroup", admin=True)
    assert [r.text for r in orga.adapter.sent["group-1"]] == [
        t("de", "linkgroup.done", name="Jugend-BarCamp Musterstadt")
    ]
    name = "Jugend-BarCamp Musterstadt"
    pizza = "Um 14 Uhr gibt's Pizza!"
    # The organiser is a member too: the confirmation comes first, answers before announcements.
    assert [r.text for r in await orga.says(f"/announce {pizza}")] == [
        "📢 Deine Ankündigung ist unterwegs an 3 Personen und 1 Gruppe.",
        t("de", "announce.message", name=name, text=pizza),
    ]
    assert ana.new_replies()[-1].text == t(
        "de", "announce.message", name=name, text="Um 14 Uhr gibt's Pizza!"
    )
    assert ben.new_replies()[-1].text == t(
        "en", "announce.message", name=name, text="Um 14 Uhr gibt's Pizza!"
    )
    assert orga.adapter.sent["group-1"][-1].text.endswith("Pizza!")
    with raw_session(app.engine) as session:
        batch = session.exec(select(OutboxMessage).where(OutboxMessage.batch != None)).all()  # noqa: E711
        assert len(batch) == 4
        assert {m.status.value for m in batch} == {"sent"}


async def test_participants_may_not_announce_or_link(people: MakePerson) -> None:
    _, (ana, _) = await camp_with_members(people)
    assert await ana.text("/announce Hallo alle") == t("de", "error.not_allowed")
    await in_group(ana, "/linkgroup")
    assert ana.adapter.sent["group-1"][-1].text == t("de", "error.not_allowed")


async def test_a_poll_with_buttons_counts_each_person_once(app: App, people: MakePerson) -> None:
    orga, (ana, ben) = await camp_with_members(people)
    await in_group(orga, "/poll Pizza oder Pasta? | Pizza | Pasta")
    posted = orga.adapter.sent["group-1"][-1]
    assert posted.poll is not None
    assert posted.poll.options == ("Pizza", "Pasta")
    poll_id = posted.poll.poll_id
    assert [b.data for row in posted.buttons for b in row] == [
        f"pollanswer {poll_id} 0",
        f"pollanswer {poll_id} 1",
    ]
    for person, choice in ((ana, 0), (ben, 1), (ana, 1)):  # Ana changes her mind
        await person.dispatcher.on_event(
            ButtonPress(person.sender, GROUP, f"pollanswer {poll_id} {choice}")
        )
    with raw_session(app.engine) as session:
        assert len(session.exec(select(PollAnswer)).all()) == 2
    summary = await orga.text(f"/closepoll {poll_id}")
    assert t("de", "poll.result_line", option="Pizza", count=0) in summary
    assert t("de", "poll.result_line", option="Pasta", count=2) in summary
    with raw_session(app.engine) as session:  # closed: only anonymous counts remain
        assert session.exec(select(PollAnswer)).all() == []
    assert await ana.text(f"/pollanswer {poll_id} 0") == t("de", "poll.closed")


async def test_native_poll_answers_map_back_through_the_message_reference(
    app: App, people: MakePerson
) -> None:
    orga, (ana, _) = await camp_with_members(people)
    await in_group(orga, "/poll Wann treffen wir uns? | Montag | Dienstag")
    with raw_session(app.engine) as session:
        ref = session.exec(select(MessageRef).where(MessageRef.kind == "poll")).one()
        poll_ref = ref.message_id
    answer = PollAnswerEvent(ana.sender, poll_ref, (1,), external_id="poll-answer-1")
    await ana.dispatcher.on_event(answer)
    await ana.dispatcher.on_event(answer)  # redelivered: counted once
    with raw_session(app.engine) as session:
        (stored,) = session.exec(select(PollAnswer)).all()
        assert stored.option_id is not None
    assert t("de", "poll.result_line", option="Dienstag", count=1) in await orga.text(
        f"/closepoll {ref.object_id}"
    )


async def test_a_poll_from_a_private_chat_goes_to_linked_groups(
    app: App, people: MakePerson
) -> None:
    orga, _ = await camp_with_members(people)
    await in_group(orga, "/linkgroup", admin=True)
    reply = await orga.text("/poll Pizza? | Ja | Nein")
    assert reply.startswith("Umfrage Nr. 1 ist in 1 Gruppe gestartet.")
    assert orga.adapter.sent["group-1"][-1].poll is not None
    with raw_session(app.engine) as session:
        assert len(session.exec(select(LinkedChat)).all()) == 1


async def test_a_group_poll_tells_its_number_privately_and_closepoll_finds_the_newest(
    app: App, people: MakePerson
) -> None:
    orga, _ = await camp_with_members(people)
    other_group = Chat("fake", "group-2", ChatKind.GROUP)
    await in_group(orga, "/poll Pizza? | Ja | Nein")
    # The number goes to the organiser's own chat; the group sees only the poll.
    assert [r.text for r in orga.new_replies()] == [
        t("de", "poll.started_private", question="Pizza?", number=1)
    ]
    counts = [t("de", "poll.result_line", option=option, count=0) for option in ("Ja", "Nein")]
    assert [r.text for r in orga.adapter.sent["group-1"]] == ["\n".join(["Pizza?", "", *counts])]
    await in_group(orga, "/poll Pasta? | Ja | Nein")
    await orga.dispatcher.on_event(IncomingText(orga.sender, other_group, "/poll Eis? | Ja | Nein"))
    orga.new_replies()

    # In a group, /closepoll closes the newest open poll posted there.
    for question in ("Pasta?", "Pizza?"):
        await in_group(orga, "/closepoll")
        last = orga.adapter.sent["group-1"][-1].text
        assert last.startswith(t("de", "poll.results", question=question))
    await in_group(orga, "/closepoll")
    assert orga.adapter.sent["group-1"][-1].text == t("de", "poll.none_open")
    # In the private chat: the newest open poll of the active event.
    assert (await orga.text("/closepoll")).startswith(t("de", "poll.results", question="Eis?"))
    assert await orga.text("/closepoll") == t("de", "poll.none_open")
    with raw_session(app.engine) as session:
        assert [poll.closed for poll in session.exec(select(Poll))] == [True, True, True]
