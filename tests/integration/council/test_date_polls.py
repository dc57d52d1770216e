"""Meeting-date polls through the router on both stores, with nine members: creating,
answering and changing answers, the one reminder to those who have not answered (also
after a restart), closing at the deadline, confirming a date into a meeting; and who may
do what."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import select

from bot.bootstrap import App
from handlers.core.config import CoreConfig
from handlers.core.core_events import EventAnonymising
from handlers.core.i18n import catalogues
from handlers.core.message_bus import Effects, bus
from handlers.core.messages import ButtonPress, Reply
from schedules.core.clock import ManualClock
from storage.core.shared_tables import Poll
from storage.council.council_tables import Meeting
from storage.council.date_poll_tables import DateAnswer, DateAnswerKind, DatePoll
from storage.uow import UnitOfWork
from tests.conftest import START
from tests.support.chat import FakePlatform, Person
from tests.support.council import COUNCIL_NAME, create_council
from tests.support.day import run_scheduled
from tests.support.store import raw_session

MakeApp = Callable[[str], App]
NAMES = ("Ana", "Ben", "Cem", "Dana", "Eli", "Finn", "Gül", "Hanna")
# The clock starts on 2027-03-01 09:00 UTC (10:00 in Berlin).
LINE = (
    "Frühjahrstreffen | 2027-03-10 17:00 | 11.03.2027 18:00 | 2027-03-12 17:00"
    " | dauer 60 | bis 2027-03-08 12:00"
)
# Berlin is UTC+1 in early March: the deadline is 11:00 UTC, the reminder a day before.
DEADLINE = datetime(2027, 3, 8, 11, 0, tzinfo=UTC)
REMINDER = DEADLINE - timedelta(hours=24)


def t(key: str, **values: object) -> str:
    return catalogues().text("de", key, **values)


def last(person: Person) -> Reply:
    return person.adapter.sent[person.chat.chat_id][-1]


def answers(app: App) -> dict[tuple[int, int], DateAnswerKind]:
    """(option position from 1, person id) -> answer."""
    with raw_session(app.engine) as session:
        rows = session.exec(select(DateAnswer)).all()
        first = min((row.option_id for row in rows), default=0)
        return {(row.option_id - first + 1, row.person_id): row.answer for row in rows}


async def council_of_nine(platform: FakePlatform) -> tuple[Person, list[Person], str]:
    olga = platform.person("Olga")
    code = await create_council(olga)
    members = [platform.person(name) for name in NAMES]
    for member in members:
        await member.joins(code)
        member.new_replies()
    olga.new_replies()
    return olga, members, code


def people_on(app: App) -> Callable[[str], Person]:
    platform = FakePlatform(app)
    return platform.person


@pytest.fixture
def platform(make_app: MakeApp, store_url: str) -> FakePlatform:
    return FakePlatform(make_app(store_url))


async def test_a_date_poll_from_creation_to_the_meeting(
    make_app: MakeApp, store_url: str, clock: ManualClock
) -> None:
    first = FakePlatform(make_app(store_url))
    olga, members, _ = await council_of_nine(first)
    created = await olga.says(f"/datepoll {LINE}")
    assert created[0].text == t("datepoll.created", number=1, count=9, minutes=60)
    # Every member got the poll privately: three dates, a row of ✅ 🤷 ❌ each.
    for member in members:
        [poll] = member.new_replies()
        assert poll.text.startswith(t("datepoll.header", number=1, title="Frühjahrstreffen"))
        assert [[b.data for b in row] for row in poll.buttons][1] == [
            "dateanswer 1 2 yes",
            "dateanswer 1 2 maybe",
            "dateanswer 1 2 no",
        ]
        assert "Olga" not in poll.text  # names are for the team only
    # Members answer with the buttons; Ana changes her mind.
    ana, ben, cem, dana, eli, finn, *_ = members
    for person in (ana, ben, cem):
        await person.press("dateanswer 1 1 yes")
        await person.press("dateanswer 1 2 yes")
    await dana.press("dateanswer 1 2 maybe")
    await eli.press("dateanswer 1 3 yes")
    await ana.press("dateanswer 1 1 no")
    # A press on the poll's message re-renders it with the counts.
    press = ButtonPress(finn.sender, finn.chat, "dateanswer 1 2 yes", message_id="m-poll")
    await finn.dispatcher.on_event(press)
    [view] = finn.new_replies()
    assert view.refresh is not None
    assert view.refresh.message_id == "m-poll"
    when_2 = "Do 11.03.2027, 18:00"
    assert view.text.startswith(t("datepoll.answered", position=2, when=when_2, mark="✅"))
    line_2 = t("datepoll.line", position=2, when=when_2, yes=4, maybe=1, no=0)
    assert f"{line_2} {t('datepoll.yours', mark='✅')}" in view.text.split("\n")
    assert view.buttons[1][0].label == "✔ 2 ✅"
    stored = answers(first.app)
    assert len(stored) == 9  # Ana's change replaced her answer
    assert list(stored.values()).count(DateAnswerKind.NO) == 1
    # The team sees who answered what, and who has not answered yet.
    team_view = await olga.text("/datepoll 1")
    assert "✅ Ben, Cem · 🤷 – · ❌ Ana" in team_view
    assert team_view.endswith(t("datepoll.not_answered", count=3, names="Olga, Gül, Hanna"))
    assert "Ben, Cem" not in await ben.text("/datepoll 1")

    # Before the reminder is due, the bot restarts: a new App on the same store.
    first.app.engine.dispose()
    second = make_app(store_url)
    person = people_on(second)
    olga, *members = [person("Olga"), *(person(name) for name in NAMES)]
    clock.set(REMINDER - timedelta(minutes=1))
    assert await run_scheduled(second, olga.dispatcher) == 0
    clock.set(REMINDER + timedelta(minutes=1))
    assert await run_scheduled(second, olga.dispatcher) == 1
    reminded = {p.name for p in [olga, *members] if p.new_replies()}
    # Olga, Gül and Hanna have not answered; everyone else is never reminded.
    assert reminded == {"Olga", "Gül", "Hanna"}
    assert last(olga).text.startswith(t("datepoll.reminder", number=1))
    assert last(olga).buttons  # the poll again, to answer at once
    assert await run_scheduled(second, olga.dispatcher) == 0
    assert len(answers(second)) == 9  # the answers survived the restart

    # At the deadline the poll closes: date 2 has the most yes (4) and the quorum (5).
    clock.set(DEADLINE + timedelta(minutes=1))
    assert await run_scheduled(second, olga.dispatcher) == 1
    closed = olga.new_replies()[-1]
    assert closed.text.startswith(t("datepoll.closed_heading", number=1))
    assert t("datepoll.proposed", position=2, when=when_2) in closed.text
    assert closed.buttons[0][0].data == "dateconfirm 1 2"
    assert {row[0].data for row in closed.buttons} == {f"dateconfirm 1 {n}" for n in (1, 2, 3)}
    member_notice = members[0].new_replies()[-1]
    assert member_notice.buttons == ()
    assert "Ben" not in member_notice.text
    refused = await members[0].text("/dateanswer 1 3 yes")
    assert refused == t("datepoll.closed_already", number=1)
    assert len(answers(second)) == 9

    # Olga picks date 1 instead of the proposal: the meeting is stored.
    confirmed = await olga.text("/dateconfirm 1 1")
    assert confirmed.startswith(
        t(
            "datepoll.meeting_stored",
            number=1,
            title="Frühjahrstreffen",
            when="Mi 10.03.2027, 17:00",
            minutes=60,
        )
    )
    with raw_session(second.engine) as session:
        [meeting] = session.exec(select(Meeting)).all()
        [settings] = session.exec(select(DatePoll)).all()
    assert (meeting.title, meeting.starts_at, meeting.duration_minutes) == (
        "Frühjahrstreffen",
        datetime(2027, 3, 10, 17, 0),
        60,
    )
    assert settings.meeting_id == meeting.id
    assert await olga.text("/dateconfirm 1 2") == t("datepoll.confirmed_already", number=1)


async def test_closepoll_closes_a_date_poll_and_proposes_by_the_rule(
    platform: FakePlatform,
) -> None:
    olga, members, _ = await council_of_nine(platform)
    await olga.says("/datepoll Treffen | 2027-03-10 17:00 | 2027-03-11 17:00")
    # Date 1: four yes, no quorum of five; date 2: three yes and two if need be.
    for member in members[:4]:
        await member.press("dateanswer 1 1 yes")
    for member in members[4:7]:
        await member.press("dateanswer 1 2 yes")
    for member in members[:2]:
        await member.press("dateanswer 1 2 maybe")
    assert await members[0].text("/closepoll 1") == t("error.not_allowed")
    replies = await olga.says("/closepoll 1")
    assert replies[0].text == t("datepoll.closing", number=1)
    assert t("datepoll.proposed", position=2, when="Do 11.03.2027, 17:00") in replies[1].text
    assert replies[1].buttons[0][0].data == "dateconfirm 1 2"
    assert await olga.text("/closepoll 1") == t("poll.closed")
    with raw_session(platform.app.engine) as session:
        [poll] = session.exec(select(Poll)).all()
    assert poll.closed
    assert not poll.secret
    # Every member saw the final counts; a quick poll's answer leaves date polls alone.
    assert members[0].new_replies()[-1].text.startswith(t("datepoll.closed_heading", number=1))
    unknown = t("poll.unknown", number=1, event=COUNCIL_NAME)
    assert await members[0].text("/pollanswer 1 0") == unknown


async def test_who_may_do_what(platform: FakePlatform) -> None:
    olga, members, _ = await council_of_nine(platform)
    ana = members[0]
    line = "/datepoll Treffen | 2027-03-10 17:00"
    # A member (participant) may neither start nor close nor confirm.
    assert await ana.text(line) == t("datepoll.team_only")
    assert await ana.text("/datepoll") == t("datepoll.team_only")
    await olga.says(line)
    ana.new_replies()
    assert await ana.text("/dateconfirm 1 1") == t("error.not_allowed")
    # Someone who never joined: no council, nothing to answer.
    kim = platform.person("Kim")
    await kim.says("/start")
    await kim.press("consent de")
    assert await kim.text("/dateanswer 1 1 yes") == t("event.none")
    assert await kim.text("/datepoll 1") == t("event.none")
    # The organiser of another council reaches only that council's polls.
    otto = platform.person("Otto")
    await otto.says("/start")
    await otto.press("consent de")
    await otto.says("/newcouncil Jugendrat Nachbarort | -")
    for attempt in ("/closepoll 1", "/dateconfirm 1 1", "/datepoll 1", "/dateanswer 1 1 yes"):
        assert await otto.text(attempt) in (
            t("poll.unknown", number=1, event="Jugendrat Nachbarort"),
            t("datepoll.unknown", number=1),
        ), attempt
    assert answers(platform.app) == {}
    # Bad answers to a real poll.
    assert await ana.text("/dateanswer 1 2 yes") == t("datepoll.no_such_date", count=1)
    assert await ana.text("/dateanswer 1 1 vielleicht") == t(
        "error.usage", usage=t("usage.dateanswer")
    )
    assert answers(platform.app) == {}


async def test_guided_date_poll(platform: FakePlatform) -> None:
    olga, members, _ = await council_of_nine(platform)
    assert await olga.text("/datepoll") == t("datepoll.ask_title")
    assert await olga.text("Sommertreffen") == t("datepoll.ask_dates")
    refused = await olga.text("2027-02-30 17:00")
    assert refused.startswith(t("datepoll.day_impossible", item="2027-02-30 17:00"))
    assert await olga.text("2027-03-10 17:00\n2027-03-12 17:00") == t(
        "datepoll.ask_duration", minutes=90
    )
    assert await olga.text("-") == t("datepoll.ask_deadline")
    refused = await olga.text("2027-03-11 12:00")
    assert refused.startswith(t("datepoll.deadline_late", item="2027-03-10 17:00"))
    replies = await olga.says("2027-03-09 20:00")
    assert replies[0].text == t("datepoll.created", number=1, count=9, minutes=90)
    assert members[3].new_replies()[-1].buttons


async def test_date_answers_in_mydata_and_gone_with_forgetme(platform: FakePlatform) -> None:
    olga, members, _ = await council_of_nine(platform)
    await olga.says("/datepoll Treffen | 2027-03-10 17:00 | 2027-03-12 17:00")
    ana = members[0]
    await ana.press("dateanswer 1 2 maybe")
    [data] = [r for r in await ana.says("/mydata") if r.document is not None]
    assert data.document is not None
    mine = json.loads(data.document.content)["date_poll_answers"]
    assert mine == [
        {
            "event": mine[0]["event"],
            "poll": 1,
            "title": "Treffen",
            "date": "2027-03-12 17:00",
            "answer": "maybe",
            "answered_at": mine[0]["answered_at"],
        }
    ]
    await members[1].press("dateanswer 1 1 yes")
    await ana.press("forgetme confirm")
    assert list(answers(platform.app).values()) == [DateAnswerKind.YES]
    assert "Ana" not in await olga.text("/datepoll 1")
    # Retention: who answered what goes, the poll stays.
    with UnitOfWork(platform.app.engine) as uow:
        effects = Effects(uow, START, catalogues(), CoreConfig())
        bus.handle([EventAnonymising(1)], effects)
    assert answers(platform.app) == {}
    with raw_session(platform.app.engine) as session:
        assert len(session.exec(select(DatePoll)).all()) == 1
