"""The BarCamp day through the router: voting, planning, the grid, /now, /next, /mine."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlmodel import select

from bot.bootstrap import App
from handlers.barcamp.agenda_chat_text import place_text
from handlers.barcamp.agenda_loader import build_agenda
from handlers.core.i18n import Voice, catalogues
from handlers.core.messages import Chat, ChatKind, IncomingText
from schedules.core.clock import ManualClock
from storage.barcamp.camp_tables import ProposalStatus
from storage.core.shared_tables import ScheduledItem, ScheduledKind
from storage.uow import UnitOfWork
from tests.support.chat import Person
from tests.support.day import (
    CAMP,
    MakePerson,
    berlin,
    camp_with,
    fast_planner,  # noqa: F401  (the fixture, used below by name)
    places,
    proposal,
    propose_approved,
)
from tests.support.store import raw_session
from tests.unit.core.test_flow import t

pytestmark = pytest.mark.usefixtures("fast_planner")
GROUP = Chat("fake", "group-1", ChatKind.GROUP)
MEMBERS = (("Ana", "de"), ("Ben", "en"), ("Cem", "de"), ("Dana", "en"))
ROOMS = ("Aula", "Raum 1", "Raum 2")
TITLES = ("Skatepark am See", "Mehr Busse am Abend", "Jugendraum renovieren", "WLAN im Park")


async def voted_camp(people: MakePerson) -> tuple[Person, dict[str, Person]]:
    """Four sessions by four people, one by the organiser without votes; voting closed.

    Shared voters: 1 & 2 (Ana), 1 & 3 (Ben), 2 & 3 (Cem), 1 & 4 (Dana).
    """
    orga, members = await camp_with(people, *MEMBERS)
    ana, ben, cem, dana = members.values()
    await propose_approved(
        orga, *zip((ana, ben, cem, dana), TITLES, strict=True), (orga, "Graffiti-Wand")
    )
    for person, votes in ((ana, "1 2"), (ben, "1 3"), (cem, "2 3"), (dana, "1 4")):
        await person.says(f"/vote {votes}")
    await orga.says("/voting close")
    for person in (orga, *members.values()):
        person.new_replies()  # only what follows matters
    return orga, members


async def test_voting_opens_and_closes_and_everyone_hears_in_their_language(
    app: App, people: MakePerson
) -> None:
    orga, members = await camp_with(people, ("Ana", "de"), ("Ben", "en"))
    ana, ben = members.values()
    await orga.says("/propose Skatepark bauen")
    assert await orga.text("/voting open") == t("de", "voting.already_open")
    assert t("de", "voting.closed") in await orga.text("/voting close")
    assert [r.text for r in ana.new_replies()] == [t("de", "voting.closed_notice", name=CAMP)]
    assert [r.text for r in ben.new_replies()] == [t("en", "voting.closed_notice", name=CAMP)]
    assert await ana.text("/vote 1") == t("de", "vote.closed")
    assert await orga.text("/voting close") == t("de", "voting.already_closed")
    assert t("de", "voting.opened") in await orga.text("/voting open")
    assert ben.new_replies()[-1].text == t("en", "voting.opened_notice", name=CAMP, budget=5)
    assert t("de", "vote.budget", used=1, budget=5) in await ana.text("/vote 1")
    assert await ana.text("/voting close") == t("de", "error.not_allowed")


async def test_a_voting_deadline_is_stored_in_the_events_time_zone(
    app: App, people: MakePerson
) -> None:
    orga, _ = await camp_with(people)
    reply = await orga.text("/voting close at 2027-06-13 09:30")
    assert reply == t("de", "voting.deadline_set", when="2027-06-13 09:30")
    # A second deadline replaces the first: one voting, one deadline.
    await orga.says("/voting close at 13.06.2027 9:45")
    with raw_session(app.engine) as session:
        items = session.exec(select(ScheduledItem)).all()
        # …and moves the reminder to those who have not voted (60 minutes before).
        assert sorted((i.kind.value, i.due_at) for i in items) == [
            (ScheduledKind.VOTE_REMINDER.value, berlin(8, 45)),
            (ScheduledKind.VOTING_CLOSE.value, berlin(9, 45)),
        ]
    # Closing by hand makes the deadline moot.
    await orga.says("/voting close")
    with UnitOfWork(app.engine) as uow:
        assert uow.timed_items.pending() == []


async def test_plan_states_its_goal_and_places_every_session_there_is_room_for(
    app: App, people: MakePerson
) -> None:
    orga, members = await voted_camp(people)
    preview = await orga.says("/plan")
    text = "\n".join(reply.text for reply in preview)
    assert text.startswith(t("de", "plan.header_draft", name=CAMP))
    assert t("de", "plan.perfect") in text
    assert "🕙 Slot 4 · 13:00–13:45" in text
    assert [b.data for r in preview for row in r.buttons for b in row] == ["publish"]
    grid = places(app)
    # Sessions that share voters run at different times; the organiser's session without
    # votes still gets one of the free rooms; nothing in the break (slot 3).
    for first, second in ((1, 2), (1, 3), (2, 3), (1, 4)):
        assert grid[first][0] != grid[second][0]
    assert sorted(grid) == [1, 2, 3, 4, 5]
    assert all(slot != 3 for slot, _, _ in grid.values())
    # Nothing is public before /publish.
    assert await members["Ana"].text("/agenda") == t("de", "agenda.not_published")


async def test_plan_reports_missed_votes_and_the_bound(app: App, people: MakePerson) -> None:
    orga, members = await camp_with(people, ("Ana", "de"), ("Ben", "de"))
    ana, ben = members.values()
    await propose_approved(
        orga, *[(person, f"Thema {n}") for n, person in enumerate((ana, ben) * 2)]
    )
    await ana.says("/vote 1 2 3 4")  # four sessions, three open slots: one must clash
    text = await orga.text("/plan")
    assert t("de", "plan.voting_open") in text
    assert t("de", "plan.quality", missed=1, overflow=0) in text
    assert t("de", "plan.optimal", bound=1, gap=0) in text


async def test_move_after_publishing_moves_only_what_it_must_and_tells_those_affected(
    app: App, people: MakePerson
) -> None:
    orga, members = await voted_camp(people)
    ana, ben, cem, dana = members.values()
    await orga.says("/plan")
    # A hand-made grid, unlike what a fresh plan would give: session 5 in the last free
    # place, no longer pinned. Re-planning must keep it there too.
    taken = {place[:2] for place in places(app).values()}
    free = max(
        (slot, room) for slot in (1, 2, 4) for room in (1, 2, 3) if (slot, room) not in taken
    )
    await orga.says(f"/move 5 {free[0]} {ROOMS[free[1] - 1]}")
    await orga.says("/pin 5")
    assert t(
        "de", "publish.done", told=t("de", "publish.told", people=5), minutes=10
    ) in await orga.text("/publish")
    for person in members.values():
        person.new_replies()
    before = places(app)
    assert before[5] == (*free, False)
    target = before[3]  # session 4 goes where session 3 is
    reply = await orga.text(f"/move 4 {target[0]} {ROOMS[target[1] - 1]}")
    after = places(app)
    assert after[4] == (target[0], target[1], True)
    assert after[3][:2] != target[:2]
    assert {n: p for n, p in after.items() if n not in (3, 4)} == {
        n: p for n, p in before.items() if n not in (3, 4)
    }
    assert reply.startswith(t("de", "move.done", number=4, place="").split(":")[0])
    assert t("de", "move.told") in reply
    with UnitOfWork(app.engine) as uow:
        agenda = build_agenda(uow, 1, "de")
    assert agenda.published
    # Hosts and voters of sessions 3 and 4 hear of it, each in their language; Ana does not.
    assert ana.new_replies() == []
    for person, language, number in ((ben, "en", 3), (cem, "de", 3), (dana, "en", 4)):
        session = next(s for s in agenda.sessions if s.number == number)
        place = place_text(agenda, session, Voice(catalogues(), language))
        notice = t(
            language,
            "plan.changed_notice",
            name=CAMP,
            number=number,
            title=TITLES[number - 1],
            place=place,
        )
        assert [r.text for r in person.new_replies()] == [notice]
    # Re-planning the published grid keeps everything where it is.
    replanned = await orga.text("/plan")
    assert t("de", "plan.moved", moved=0) in replanned
    assert places(app) == after
    assert all(person.new_replies() == [] for person in members.values())


async def test_pins_hold_and_a_pinned_place_is_not_taken(app: App, people: MakePerson) -> None:
    orga, _ = await voted_camp(people)
    await orga.says("/plan")
    one = places(app)[1]
    assert await orga.text("/pin 1") == t("de", "pin.pinned", number=1)
    room = ROOMS[one[1] - 1]
    refused = await orga.text(f"/move 5 {one[0]} {room.lower()}")
    assert refused == t("de", "move.place_pinned", number=1)
    assert places(app)[1] == (*one[:2], True)
    assert await orga.text("/pin 1") == t("de", "pin.unpinned", number=1)
    # The start time names a slot as well as its number does.
    await orga.says(f"/move 5 {('10:00', '11:00', '', '13:00')[one[0] - 1]} {room}")
    assert places(app)[5] == (*one[:2], True)


async def test_publish_needs_closed_voting_and_a_grid(app: App, people: MakePerson) -> None:
    orga, members = await camp_with(people, ("Ana", "de"))
    await propose_approved(orga, (members["Ana"], "Skatepark am See"))
    assert await orga.text("/publish") == t("de", "publish.no_grid")
    await orga.says("/plan")
    assert await orga.text("/publish") == t("de", "publish.voting_open")
    await orga.says("/voting close")
    members["Ana"].new_replies()
    assert t(
        "de", "publish.done", told=t("de", "publish.told", people=2), minutes=10
    ) in await orga.text("/publish")
    assert [r.text for r in members["Ana"].new_replies()] == [t("de", "publish.notice", name=CAMP)]
    assert await orga.text("/publish") == t("de", "publish.already")
    with UnitOfWork(app.engine) as uow:
        pending = uow.timed_items.pending()
        reminders = [
            (i.kind, i.due_at) for i in pending if i.kind is not ScheduledKind.QUEUE_NOTICE
        ]
    # One reminder per open slot, ten minutes before it (Berlin time, in UTC).
    assert reminders == [
        (ScheduledKind.REMINDER, berlin(9, 50)),
        (ScheduledKind.REMINDER, berlin(10, 50)),
        (ScheduledKind.REMINDER, berlin(12, 50)),
    ]


async def test_now_and_next_use_the_events_time_zone(
    app: App, people: MakePerson, clock: ManualClock
) -> None:
    orga, members = await voted_camp(people)
    ana = members["Ana"]
    await orga.says("/plan")
    await orga.says("/publish")
    ana.new_replies()
    grid = places(app)
    in_slot = {slot: sorted(n for n, p in grid.items() if p[0] == slot) for slot in (1, 2, 4)}
    clock.set(berlin(10, 10))  # 08:10 UTC: a UTC comparison would find nothing yet
    now = await ana.text("/now")
    assert now.startswith(t("de", "now.header", day="Sonntag, 13. Juni", time="10:00–10:45"))
    assert all(TITLES[n - 1] in now for n in in_slot[1] if n <= 4)
    marked = [line for line in now.splitlines() if line.startswith("⭐")]
    assert len(marked) == len({1, 2} & set(in_slot[1]))  # Ana voted for 1 and 2
    nxt = await ana.text("/next")
    assert nxt.startswith(t("de", "next.header", day="Sonntag, 13. Juni", time="11:00–11:45"))
    clock.set(berlin(12, 20))
    assert await ana.text("/now") == t("de", "now.break", until="13:00")
    assert "13:00–13:45" in await ana.text("/next")
    clock.set(berlin(14, 0))
    assert await ana.text("/now") == t("de", "now.nothing")
    assert await ana.text("/next") == t("de", "next.nothing")
    # In a group a star would tell everyone what Ana voted for.
    clock.set(berlin((10, 11, 12, 13)[grid[1][0] - 1], 10))  # while session 1 runs
    private = await ana.text("/now")
    assert "⭐" in private
    await ana.dispatcher.on_event(IncomingText(ana.sender, GROUP, "/now"))
    assert ana.adapter.sent[GROUP.chat_id][-1].text == private.replace("⭐ ", "")


async def test_now_and_agenda_wait_for_publishing(app: App, people: MakePerson) -> None:
    orga, members = await voted_camp(people)
    ana = members["Ana"]
    assert await ana.text("/now") == t("de", "agenda.not_published")
    assert await orga.text("/agenda") == t("de", "agenda.empty")
    await orga.says("/plan")
    draft = await orga.text("/agenda")
    assert draft.startswith(t("de", "agenda.header_draft", name=CAMP))
    assert "Graffiti-Wand – mit Orga" in draft
    assert await ana.text("/agenda") == t("de", "agenda.not_published")


async def test_mine_shows_my_sessions_once_published(app: App, people: MakePerson) -> None:
    orga, members = await voted_camp(people)
    dana = members["Dana"]
    assert t("en", "mine.agenda_pending") in await dana.text("/mine")
    await orga.says("/plan")
    await orga.says("/publish")
    mine = await dana.text("/mine")
    assert t("en", "mine.agenda_pending") not in mine
    agenda_part = mine.split(t("en", "mine.agenda"))[1]
    # Dana voted for 1 and 4 and hosts 4: two sessions, in time order.
    lines = [line for line in agenda_part.splitlines() if line.startswith("•")]
    assert [line.split(": ", 1)[1] for line in lines] == [
        f"{n}. {TITLES[n - 1]}" for n in sorted((1, 4), key=lambda n: places(app)[n][0])
    ]


async def test_merge_moves_votes_once_and_makes_co_hosts(app: App, people: MakePerson) -> None:
    orga, members = await camp_with(people, ("Ana", "de"), ("Ben", "en"), ("Cem", "de"))
    ana, ben, cem = members.values()
    await propose_approved(orga, (ana, "Skatepark am See"), (ben, "Skate park by the lake"))
    await cem.says("/vote 1 2")
    await ben.says("/vote 2")
    reply = await orga.text("/merge 2 1")
    assert reply == t("de", "merge.done", number=2, into=1, title="Skatepark am See")
    values = {"title": "Skate park by the lake", "number": 1, "target": "Skatepark am See"}
    assert ben.new_replies()[-1].text == t("en", "merge.notice", **values)
    assert ana.new_replies()[-1].text == t("de", "merge.notice_target", **values)
    assert proposal(app, 2).status == ProposalStatus.MERGED
    # Cem voted for both: one vote stays, one comes back.
    assert t("de", "vote.budget", used=1, budget=5) in await cem.text("/mine")
    with UnitOfWork(app.engine) as uow:
        agenda = build_agenda(uow, 1, "de")
    assert [(s.number, s.hosts, s.votes) for s in agenda.sessions] == [(1, ("Ana", "Ben"), 2)]
    assert await orga.text("/merge 2 1") == t("de", "merge.unknown", number=2)


async def test_remind_switches_and_shows_the_state(app: App, people: MakePerson) -> None:
    ana = people("Ana")
    await ana.says("/start")
    await ana.press("consent de")
    shown = (await ana.says("/remind"))[0]
    assert shown.text == t("de", "remind.is_on")
    assert shown.buttons[0][0].data == "remind off"
    assert await ana.text("/remind off") == t("de", "remind.off")
    assert (await ana.says("/remind"))[0].buttons[0][0].data == "remind on"
    with UnitOfWork(app.engine) as uow:
        person = uow.people.by_identity("fake", "ana")
        assert person is not None
        assert person.remind is False


async def test_announce_at_stores_the_announcement_for_later(app: App, people: MakePerson) -> None:
    orga, members = await camp_with(people, ("Ana", "de"))
    # The camp is in Berlin; on 1 March that is UTC+1.
    reply = await orga.text("/announce at 2027-03-01 12:00 Pizza im Foyer!")
    assert reply == t("de", "announce.scheduled", when="2027-03-01 12:00")
    assert members["Ana"].new_replies() == []
    with UnitOfWork(app.engine) as uow:
        (item,) = uow.timed_items.pending()
    assert item.kind == ScheduledKind.ANNOUNCEMENT
    assert item.due_at == datetime(2027, 3, 1, 11, 0, tzinfo=UTC)
    assert item.payload == {"text": "Pizza im Foyer!"}
    # A text that merely starts with "at" is an announcement now.
    assert "an 2 Personen und 0 Gruppen." in await orga.text("/announce at last: Pizza!")


async def test_merge_after_publishing_tells_the_merged_sessions_people_where_it_is_now(
    app: App, people: MakePerson
) -> None:
    orga, members = await voted_camp(people)
    ana, ben, cem, dana = members.values()
    await orga.says("/plan")
    await orga.says("/publish")
    for person in members.values():
        person.new_replies()
    await orga.says("/merge 4 1")  # Dana's "WLAN im Park" (her own vote) into Ana's session 1
    with UnitOfWork(app.engine) as uow:
        agenda = build_agenda(uow, 1, "en")
    session = next(s for s in agenda.sessions if s.number == 1)
    place = place_text(agenda, session, Voice(catalogues(), "en"))
    values = {"title": TITLES[3], "number": 1, "target": TITLES[0]}
    assert [r.text for r in dana.new_replies()] == [
        t("en", "merge.changed_notice", name=CAMP, place=place, **values),
        t("en", "merge.notice", **values),
    ]
    assert [r.text for r in ana.new_replies()] == [t("de", "merge.notice_target", **values)]
    assert ben.new_replies() == cem.new_replies() == []  # their sessions did not move
    assert 4 not in places(app)


async def test_sessions_with_voting_closed_give_no_voting_instructions(
    app: App, people: MakePerson
) -> None:
    _, members = await voted_camp(people)
    for person, language in ((members["Ana"], "de"), (members["Ben"], "en")):
        [listing] = await person.says("/sessions")
        lines = listing.text.splitlines()
        assert lines[0] == t(language, "sessions.header_closed", name=CAMP)
        assert lines[-1] == t(language, "vote.closed")
        assert listing.buttons == ()
        assert "/vote" not in listing.text
        assert t(language, "matrix.tap_button") not in listing.text


async def test_mine_marks_two_of_my_sessions_at_the_same_time(app: App, people: MakePerson) -> None:
    orga, members = await camp_with(people, ("Ana", "de"), ("Ben", "en"))
    ana, ben = members.values()
    await propose_approved(
        orga, *[(person, f"Thema {n}") for n, person in enumerate((ana, ben) * 2, start=1)]
    )
    await ana.says("/vote 1 2 3 4")  # four sessions, three open slots: two share one
    await orga.says("/voting close")
    await orga.says("/plan")
    await orga.says("/publish")
    slot_of = {number: place[0] for number, place in places(app).items()}
    for person, language, own in ((ana, "de", (1, 2, 3, 4)), (ben, "en", (2, 4))):
        # Ana voted for all four, Ben hosts 2 and 4: clashes among one's own sessions.
        slots = [slot_of[number] for number in own]
        clashing = {number for number in own if slots.count(slot_of[number]) > 1}
        agenda_part = (await person.text("/mine")).split(t(language, "mine.agenda"))[1]
        lines = {
            number: next(line for line in agenda_part.splitlines() if f": {number}. " in line)
            for number in own
        }
        mark = t(language, "mine.same_time")
        assert {number for number, line in lines.items() if line.endswith(mark)} == clashing
        assert sum(mark in line for line in agenda_part.splitlines()) == len(clashing)
        if person is ana:
            assert len(clashing) == 2
