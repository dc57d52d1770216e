"""Meetings through the router on both stores, with nine members: a two-weekly series
across the start of summer time, one occurrence moved and one cancelled, everyone told
with the invite attached, reminders at the right moments with the test clock (also
across a restart at a reminder's due time: sent exactly once), the attendance buttons
and the organiser's view, the calendar export; and every organiser action refused to
participants, members of another event and people in no event."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import icalendar
import pytest
import recurring_ical_events
from sqlmodel import select

from bot.bootstrap import App
from handlers.core.i18n import catalogues
from handlers.core.messages import Reply
from handlers.core.retention import add_months, event_last_day, run_retention
from schedules.core.clock import ManualClock
from storage.core.shared_tables import ScheduledItem, ScheduledKind
from storage.council.council_tables import MeetingAttendance
from storage.uow import UnitOfWork
from tests.support.chat import FakePlatform, Person
from tests.support.council import COUNCIL_NAME, create_council
from tests.support.day import run_scheduled
from tests.support.store import raw_session
from tests.unit.core.test_bad_input import snapshot
from tests.unit.core.test_flow import create_camp

MakeApp = Callable[[str], App]
MEMBERS = ("Ana", "Ben", "Cem", "Dana", "Emil", "Finn", "Greta", "Hana")
SERIES = "/meeting add Plenum | 16.03.2027 17:00 | Rathaus, Raum 2 | alle 2 Wochen 6 mal"
# The series' meetings (wall-clock, Europe/Berlin); summer time begins on 28 March.
TIMES = [(3, 16), (3, 30), (4, 13), (4, 27), (5, 11), (5, 25)]


def t(key: str, **values: object) -> str:
    return catalogues().text("de", key, **values)


def utc(month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2027, month, day, hour, minute, tzinfo=UTC)


@pytest.fixture
def platform(make_app: MakeApp, store_url: str) -> FakePlatform:
    return FakePlatform(make_app(store_url))


async def council_of_nine(platform: FakePlatform) -> tuple[Person, list[Person]]:
    olga = platform.person("Olga")
    code = await create_council(olga)
    members = [platform.person(name) for name in MEMBERS]
    for member in members:
        await member.joins(code)
    return olga, members


def reminders(app: App) -> list[ScheduledItem]:
    with raw_session(app.engine) as session:
        statement = select(ScheduledItem).where(ScheduledItem.kind == ScheduledKind.MEETING_ALERT)
        return sorted(session.exec(statement).all(), key=lambda item: item.due_at)


def pending_keys(app: App) -> dict[str, datetime]:
    return {
        str(item.key): item.due_at.replace(tzinfo=UTC)
        if item.due_at.tzinfo is None
        else item.due_at
        for item in reminders(app)
        if item.done_at is None
    }


def reminder_texts(replies: list[Reply]) -> list[str]:
    return [reply.text for reply in replies if reply.text.startswith("⏰")]


async def test_a_series_moved_cancelled_reminded_and_answered(
    platform: FakePlatform, make_app: MakeApp, store_url: str, clock: ManualClock
) -> None:
    olga, members = await council_of_nine(platform)
    ana, ben, cem = members[:3]
    assert await cem.text("/remind off") == t("remind.off")
    added = await olga.says(SERIES)
    assert added[0].text == t(
        "meeting.added",
        number=1,
        title="Plenum",
        when="Di, 16.03.2027, 17:00 Uhr",
        repeat="\n🔁 alle 2 Wochen, 6 Mal",
    )
    # Every member (the organiser too) gets one notice with the invite.
    await platform.dispatcher.sender.flush()
    for person in [olga, *members]:
        got = added if person is olga else person.new_replies()
        [notice] = [reply for reply in got if reply.document]
        assert notice.text.startswith("📅 Neues Treffen von Jugendrat Musterstadt: „Plenum“")
        assert notice.document is not None
        invite = icalendar.Calendar.from_ical(notice.document.content)
        [event] = invite.walk("VEVENT")
        assert event["RRULE"].to_ical() == b"FREQ=WEEKLY;COUNT=6;INTERVAL=2"
    uid = str(event["UID"])

    # Two reminders per meeting, each at the wall-clock time's moment: an hour earlier
    # in UTC from 30 March on.
    keys = pending_keys(platform.app)
    assert len(keys) == 12
    assert keys["meeting:1:1:1440"] == utc(3, 15, 16)
    assert keys["meeting:1:1:60"] == utc(3, 16, 15)
    assert keys["meeting:1:2:60"] == utc(3, 30, 14)

    assert (await olga.says("/meeting move 1.3 14.04.2027 18:00"))[0].text == t(
        "meeting.moved", label="1.3", title="Plenum", when="Mi, 14.04.2027, 18:00 Uhr"
    )
    assert (await olga.says("/meeting cancel 1.4"))[0].text == t(
        "meeting.cancelled", label="1.4", title="Plenum"
    )
    await platform.dispatcher.sender.flush()
    for person in members:
        told = [reply.text for reply in person.new_replies()]
        assert told[0].startswith("🔀 Jugendrat Musterstadt: „Plenum“ am Di, 13.04.2027, 17:00")
        assert told[1].startswith("❌ Jugendrat Musterstadt: „Plenum“ am Di, 27.04.2027, 17:00")
    keys = pending_keys(platform.app)
    assert keys["meeting:1:3:60"] == utc(4, 14, 15)
    assert not any(key.startswith("meeting:1:4:") for key in keys)
    assert len(keys) == 10

    listing = await ana.text("/meetings")
    lines = listing.splitlines()
    assert lines[0] == t("meetings.header", council=COUNCIL_NAME)
    assert lines[3].startswith("1.3 · Mi, 14.04.2027, 18:00 Uhr – Plenum")
    assert "verschoben, war Di, 13.04.2027, 17:00 Uhr" in lines[3]
    assert lines[4].startswith("1.4 · ❌ fällt aus: Di, 27.04.2027, 17:00 Uhr")
    assert "✅" not in lines[1]  # members do not see the counts

    # 24 hours before the first: everyone with reminders on, with the two buttons.
    clock.set(utc(3, 15, 16))
    assert await run_scheduled(platform.app, platform.dispatcher) == 1
    for person in [olga, *members]:
        got = [reply for reply in person.new_replies() if reply.text.startswith("⏰")]
        if person is cem:
            assert got == []
            continue
        [reminder] = got
        assert reminder.text.startswith("⏰ In 24 Stunden: „Plenum“")
        labels = [button.data for row in reminder.buttons for button in row]
        assert labels == ["attend 1 1 yes", "attend 1 1 no"]
    await ana.press("attend 1 1 yes")
    await ben.press("attend 1 1 no")
    [answer] = await ben.press("attend 1 1 yes")  # changed the mind
    assert answer.text.startswith("👍")
    await members[3].press("attend 1 1 no")
    view = await olga.text("/meeting 1.1")
    assert "✅ 2 kommen: Ana, Ben" in view
    assert "❌ 1 kommen nicht: Dana" in view
    assert "❔ 6 ohne Antwort bisher" in view
    assert "· ✅ 2 ❌ 1" in (await olga.text("/meetings")).splitlines()[1]

    # A restart exactly at the second meeting's 1-hour reminder (after summer time
    # began): a new process on the same store, both run what is due, sent once.
    clock.set(utc(3, 30, 14))
    restarted = make_app(store_url)
    assert await run_scheduled(restarted, platform.dispatcher) >= 1
    assert await run_scheduled(platform.app, platform.dispatcher) == 0
    for person in members:
        got = reminder_texts(person.new_replies())
        assert got == ([] if person is cem else [got[0]]), person.name
        if person is not cem:
            assert got[0].startswith("⏰ In 1 Stunde: „Plenum“")
            assert "Di, 30.03.2027, 17:00 Uhr" in got[0]

    # The moved meeting is reminded at its new time, the cancelled one never.
    clock.set(utc(4, 14, 15))
    await run_scheduled(platform.app, platform.dispatcher)
    [moved] = reminder_texts(ana.new_replies())
    assert "Mi, 14.04.2027, 18:00 Uhr" in moved
    clock.set(utc(4, 27, 15))
    await run_scheduled(platform.app, platform.dispatcher)
    assert reminder_texts(ana.new_replies()) == []

    # The calendar: the bot's meetings exactly, with the same UID as the invite.
    [export] = await ana.says("/export ics")
    assert export.document is not None
    calendar = icalendar.Calendar.from_ical(export.document.content)
    assert {str(e["UID"]) for e in calendar.walk("VEVENT")} == {uid}
    window = recurring_ical_events.of(calendar).between(utc(3, 1, 0), utc(7, 1, 0))
    starts = sorted(e["DTSTART"].dt.astimezone(UTC) for e in window)
    assert starts == [
        utc(3, 16, 16),
        utc(3, 30, 15),
        utc(4, 14, 16),
        utc(5, 11, 15),
        utc(5, 25, 15),
    ]
    # Retention counts from the last meeting.
    with UnitOfWork(platform.app.engine) as uow:
        event = uow.events.get(1)
        assert event is not None
        assert event_last_day(uow, event).isoformat() == "2027-05-25"


async def test_ending_a_series_and_changing_the_reminder_times(
    platform: FakePlatform, clock: ManualClock
) -> None:
    olga, members = await council_of_nine(platform)
    await olga.says(SERIES)
    assert await olga.text("/meeting reminders 2d 30min") == t(
        "meeting.reminders_set", before="48 Stunden, 30 Minuten"
    )
    keys = pending_keys(platform.app)
    assert len(keys) == 12
    assert keys["meeting:1:1:2880"] == utc(3, 14, 16)
    assert keys["meeting:1:1:30"] == utc(3, 16, 15, 30)
    assert (await olga.says("/meeting cancel 1.3 rest"))[0].text == t(
        "meeting.ended", label="1.3", title="Plenum"
    )
    assert {key.split(":")[2] for key in pending_keys(platform.app)} == {"1", "2"}
    await platform.dispatcher.sender.flush()
    told = [reply.text for reply in members[0].new_replies()]
    assert told[-1].startswith("❌ Jugendrat Musterstadt: „Plenum“ fällt ab Di, 13.04.2027")
    lines = (await members[0].text("/meetings")).splitlines()
    assert [line.split(" ")[0] for line in lines[1:-1]] == ["1.1", "1.2"]
    assert await olga.text("/meeting reminders aus") == t("meeting.reminders_off")
    assert pending_keys(platform.app) == {}
    # A one-off meeting, guided, moved as a whole.
    await olga.says("/meeting add")
    for answer in ("Vorstand", "20.03.2027 18:00 60", "https://meet.example.org/rat", "-"):
        last = await olga.text(answer)
    assert last.startswith("✅ Treffen 2 „Vorstand“ ist geplant: Sa, 20.03.2027, 18:00 Uhr")
    assert (await olga.says("/meeting move 2 21.03.2027 11:00"))[0].text == t(
        "meeting.moved", label="2", title="Vorstand", when="So, 21.03.2027, 11:00 Uhr"
    )


async def test_attendance_is_personal_data(platform: FakePlatform, clock: ManualClock) -> None:
    olga, members = await council_of_nine(platform)
    await olga.says(SERIES)
    ana = members[0]
    await ana.press("attend 1 2 no")
    [mydata] = [reply for reply in await ana.says("/mydata") if reply.document]
    assert mydata.document is not None
    assert b'"meeting_attendance"' in mydata.document.content
    assert b'"1.2"' in mydata.document.content
    await ana.says("/forgetme")
    await ana.press("forgetme confirm")
    with raw_session(platform.app.engine) as session:
        assert session.exec(select(MeetingAttendance)).all() == []


async def test_organiser_actions_are_refused_to_everyone_else(
    platform: FakePlatform, make_app: MakeApp
) -> None:
    olga, members = await council_of_nine(platform)
    await olga.says(SERIES)
    ana = members[0]
    camp_orga = platform.person("Carla")
    await create_camp(camp_orga, "de")
    stranger = platform.person("Sam")
    await stranger.says("/start")
    await stranger.press("consent de")
    actions = [
        "/meeting add Party | 20.03.2027 18:00",
        "/meeting move 1.2 31.03.2027 18:00",
        "/meeting cancel 1.2",
        "/meeting cancel 1.2 rest",
        "/meeting reminders 1h",
        "/meeting 1.1",
        "/meeting add",
    ]
    refusals = {
        ana.name: t("error.not_allowed"),
        camp_orga.name: t(
            "kind.only_council", command="meeting", event="Jugend-BarCamp Musterstadt"
        ),
    }
    await platform.dispatcher.sender.flush()
    for person in (ana, camp_orga, stranger):
        person.new_replies()  # the invite and the greetings, before
        for line in actions:
            before = snapshot(platform.app.engine)
            answer = await person.text(line)
            assert snapshot(platform.app.engine) == before, (person.name, line)
            assert not answer.startswith("✅"), (person.name, line)
            if person.name in refusals:
                assert answer == refusals[person.name], (person.name, line)
    # A press on a reminder's button by someone not in the council changes nothing.
    before = snapshot(platform.app.engine)
    assert await camp_orga.text("/attend 1 1 yes") == t("error.not_allowed")
    assert await stranger.text("/attend 1 1 yes") == t("error.not_allowed")
    assert snapshot(platform.app.engine) == before
    # In a camp, /export is still the camp's.
    assert (await camp_orga.text("/export")).startswith(t("error.usage", usage="")[:10])


async def test_retention_counts_from_the_last_meeting_and_takes_the_answers(
    platform: FakePlatform, clock: ManualClock
) -> None:
    olga, members = await council_of_nine(platform)
    await olga.says(SERIES)
    await members[0].press("attend 1 6 yes")
    app = platform.app

    def retain() -> int:
        return run_retention(app.uow_factory, app.clock, app.router.catalogues, app.router.config)

    # Twelve months after the last meeting (25 May 2027), a month's notice first.
    clock.set(add_months(utc(5, 26, 0), 11) - timedelta(days=2))
    assert retain() == 0
    clock.set(add_months(utc(5, 26, 0), 11) + timedelta(days=1))
    assert retain() == 1  # the organisers' notice
    with raw_session(app.engine) as session:
        assert len(session.exec(select(MeetingAttendance)).all()) == 1
    clock.set(add_months(utc(5, 26, 0), 12) + timedelta(days=1))
    assert retain() == 1
    with raw_session(app.engine) as session:
        assert session.exec(select(MeetingAttendance)).all() == []
