"""A whole BarCamp day through the router, with the scheduler's work and a restart.

Evening before: proposals, moderation, a merge, a voting deadline and an announcement
for the morning. The bot restarts overnight. Morning: the deadline closes the voting,
the organiser plans, moves a session and publishes; reminders and the announcement go
out on time, each once; people ask /now, /next, /agenda and /mine.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import timedelta

import pytest

from bot.bootstrap import App
from handlers.barcamp.agenda_chat_text import session_line, sessions_in
from handlers.barcamp.agenda_loader import build_agenda
from handlers.core.i18n import Voice, catalogues
from schedules.core.clock import ManualClock
from storage.uow import UnitOfWork
from tests.integration.core.test_store import chat_people
from tests.support.chat import Person
from tests.support.day import (
    CAMP,
    berlin,
    fast_planner,  # noqa: F401  (the fixture, used below by name)
    places,
    run_scheduled,
)
from tests.unit.core.test_flow import create_camp, t

pytestmark = pytest.mark.usefixtures("fast_planner")
MakeApp = Callable[[str], App]
BREAKFAST = "Frühstück im Foyer!"


async def evening_before(app: App, clock: ManualClock) -> dict[str, Person]:
    clock.set(berlin(19) - timedelta(days=1))
    person = chat_people(app)
    orga = person("Orga")
    code = await create_camp(orga, "de")
    people = {"Orga": orga}
    for name, language in (("Ana", "de"), ("Ben", "en"), ("Cem", "de"), ("Dana", "en")):
        people[name] = person(name)
        people[name].language_hint = language
        await people[name].joins(code, language)
    ana, ben, cem, dana = (people[name] for name in ("Ana", "Ben", "Cem", "Dana"))
    await ana.says("/propose Skatepark am See | Wo könnte er hin?")
    await ben.says("/propose Late buses | Getting home after 10 pm")
    await cem.says("/propose Jugendraum renovieren")
    await dana.says("/propose Youth room makeover")
    await orga.says("/propose Jugendrat gründen")
    for number in (1, 2, 3, 4):
        await orga.press(f"approve {number}")
    assert t("de", "merge.done", number=4, into=3, title="Jugendraum renovieren") in (
        await orga.text("/merge 4 3")
    )
    for voter, numbers in ((ana, "1 2 3"), (ben, "1 2"), (cem, "3 5"), (dana, "1 3")):
        await voter.says(f"/vote {numbers}")
    await cem.says("/remind off")
    await orga.says("/voting close at 2027-06-13 09:00")
    await orga.says(f"/announce at 2027-06-13 09:30 {BREAKFAST}")
    return people


async def test_a_whole_barcamp_day(make_app: MakeApp, sqlite_url: str, clock: ManualClock) -> None:
    evening = make_app(sqlite_url)
    await evening_before(evening, clock)
    evening.engine.dispose()

    # The bot restarts overnight; people come back in a new process.
    app = make_app(sqlite_url)
    person = chat_people(app)
    orga, ana, ben, cem, dana = (person(n) for n in ("Orga", "Ana", "Ben", "Cem", "Dana"))
    ben.language_hint = dana.language_hint = "en"
    everyone = (orga, ana, ben, cem, dana)

    clock.set(berlin(8))  # an hour before the deadline: only who has not voted is nudged
    # ... and last evening's notice of waiting proposals runs, too late to be sent.
    assert await run_scheduled(app, orga.dispatcher) == 2
    nudge = t("de", "voting.reminder_notice", name=CAMP, deadline="2027-06-13 09:00")
    assert [r.text for r in orga.new_replies()] == [nudge]
    assert [r.text for r in ana.new_replies() + ben.new_replies()] == []

    clock.set(berlin(9) + timedelta(seconds=30))
    assert await run_scheduled(app, orga.dispatcher) == 1  # the voting deadline
    assert [r.text for r in ben.new_replies()] == [t("en", "voting.closed_notice", name=CAMP)]
    assert [r.text for r in ana.new_replies()] == [t("de", "voting.closed_notice", name=CAMP)]
    assert await ana.text("/vote 1") == t("de", "vote.closed")

    preview = await orga.text("/plan")
    assert t("de", "plan.perfect") in preview
    grid = places(app)
    assert sorted(grid) == [1, 2, 3, 5]  # 4 is part of 3 now
    # Cem hosts 3 (with Dana, whose proposal was merged into it) and votes for 5.
    assert grid[3][0] != grid[5][0]
    assert t(
        "de", "publish.done", told=t("de", "publish.told", people=5), minutes=10
    ) in await orga.text("/publish")
    for someone in everyone:
        someone.new_replies()

    clock.set(berlin(9, 31))
    assert await run_scheduled(app, orga.dispatcher) == 1  # the announcement
    for someone, language in zip(everyone, ("de", "de", "en", "de", "en"), strict=True):
        assert [r.text for r in someone.new_replies()] == [
            t(language, "announce.message", name=CAMP, text=BREAKFAST)
        ]

    clock.set(berlin(9, 50))
    assert await run_scheduled(app, orga.dispatcher) == 1  # the reminder of slot 1
    with UnitOfWork(app.engine) as uow:
        agenda = build_agenda(uow, 1, "de")
    first_slot = agenda.slots[0].id
    starting = {session.number for session in sessions_in(agenda, first_slot)}
    interested = {"Ana": {1, 2, 3}, "Ben": {1, 2}, "Cem": set(), "Dana": {1, 3, 4}}
    for someone, language in ((ana, "de"), (ben, "en"), (cem, "de"), (dana, "en")):
        mine = [s for s in sessions_in(agenda, first_slot) if s.number in interested[someone.name]]
        expected = []
        if mine:  # Cem said /remind off
            voice = Voice(catalogues(), language)
            lines = [voice.t("remind.soon", minutes=10)]
            lines += [session_line(agenda, session, voice) for session in mine]
            expected = ["\n".join([*lines, voice.t("remind.off_hint")])]
        assert [r.text for r in someone.new_replies()] == expected, someone.name
    assert starting

    clock.set(berlin(10, 5))
    now = await ben.text("/now")
    assert now.startswith(t("en", "now.header", day="Sunday 13 June", time="10:00–10:45"))
    assert "11:00–11:45" in await ben.text("/next")

    # A room is flooded: session 5 moves to slot 4, Raum 2; only its people hear of it.
    await orga.says("/move 5 13:00 Raum 2")
    assert places(app)[5] == (4, 3, True)
    assert [len(someone.new_replies()) for someone in (ana, ben, cem, dana)] == [0, 0, 1, 0]

    mine = await ana.text("/mine")
    assert t("de", "mine.agenda") in mine
    assert "Skatepark am See" in mine.split(t("de", "mine.agenda"))[1]

    # Nothing was sent twice to anyone, across the restart and all the scheduled runs.
    for someone in everyone:
        texts = Counter(reply.text for reply in someone.adapter.sent[someone.chat.chat_id])
        assert [text for text, count in texts.items() if count > 1] == [], someone.name
    assert await run_scheduled(app, orga.dispatcher) == 0
