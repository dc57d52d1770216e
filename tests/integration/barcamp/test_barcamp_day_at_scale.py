"""A whole BarCamp day at scale through the router: 20 people, 12 proposals.

The evening before, the organiser sets up the camp; 20 young people (German and
English) join and propose 12 sessions. The organiser moderates them (buttons of
/queue and /approve; one rejected with a reason, one merged), most people vote, and a
deadline closes the voting. In the morning the nudge reaches only who has not voted,
the deadline tells everyone, the organiser plans, publishes and moves a session, the
reminders reach hosts and voters before each slot, and people ask /now and /next.

Expected texts come from the catalogues; who hears what comes from the tables below,
not from the code that decides it. The grid is the planner's; its properties (cells,
hosts, rooms, missed votes) are checked against those tables.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

import pytest

from bot.bootstrap import App
from schedules.core.clock import ManualClock
from tests.integration.core.test_store import chat_people
from tests.support.chat import Person
from tests.support.day import (
    CAMP,
    Place,
    berlin,
    fast_planner,  # noqa: F401  (the fixture, used below by name)
    places,
    run_scheduled,
)
from tests.unit.core.test_flow import create_camp, t

pytestmark = pytest.mark.usefixtures("fast_planner")
MakeApp = Callable[[str], App]

ORGA = "Orga"
PARTICIPANTS = {
    "Ana": "de",
    "Ben": "en",
    "Cem": "de",
    "Dana": "en",
    "Emil": "de",
    "Fatma": "de",
    "Gus": "en",
    "Hanna": "de",
    "Ilias": "de",
    "Jule": "en",
    "Kofi": "en",
    "Lea": "de",
    "Mats": "de",
    "Nora": "en",
    "Ole": "de",
    "Pia": "en",
    "Quinn": "en",
    "Rosa": "de",
    "Sami": "en",
    "Tess": "en",
}
LANGUAGE = {ORGA: "de", **PARTICIPANTS}
MEMBERS = frozenset(LANGUAGE)

# Proposal number -> (proposer, what they send after /propose).
PROPOSALS = {
    1: ("Ana", "Skatepark am See | Wo könnte er hin?"),
    2: ("Ben", "Late buses | Getting home after 10 pm"),
    3: ("Cem", "Jugendraum renovieren"),
    4: ("Dana", "Youth room makeover"),
    5: ("Emil", "Handyregeln an Schulen"),
    6: ("Fatma", "Klimastreik planen"),
    7: ("Gus", "Esports club"),
    8: ("Hanna", "Mehr Sport-AGs"),
    9: ("Ilias", "Verkaufe mein Fahrrad"),
    10: ("Jule", "Queer youth meetup"),
    11: ("Kofi", "Podcast workshop"),
    12: ("Lea", "Graffiti-Wand am Bahnhof"),
}
TITLES = {number: text.partition(" | ")[0] for number, (_, text) in PROPOSALS.items()}
PRESSED, TYPED = (1, 2, 3, 5, 6, 7, 8), (10, 11, 12)  # approved by button and by /approve
REJECTED, REASON = 9, "Verkäufe gehören ans schwarze Brett."
MERGED, INTO = 4, 3
SESSIONS = (*PRESSED, *TYPED)
UNVOTED = 11  # nobody wants it: ten sessions, nine cells, it is the one left out
# Hosts in the order the agenda names them: the proposer, then the merged proposal's.
HOSTS = {number: (PROPOSALS[number][0],) for number in SESSIONS} | {INTO: ("Cem", "Dana")}

# Votes are cast the evening before, except by who is nudged in the morning. Apart from
# Tess (five votes: at least two of them clash in three slots) nobody's votes need to
# clash: {1, 2, 3}, {5, 6, 8} and {7, 10, 12} in one slot each is a grid that misses
# only two votes. Skatepark has 16 votes: more than Raum 2 holds.
EVENING_VOTES = {
    "Ana": (1, 5, 10),
    "Ben": (2, 6, 12),
    "Cem": (3, 8, 7),
    "Dana": (3, 5),
    "Emil": (1, 5, 12),
    "Fatma": (1, 6, 10),
    "Gus": (1, 8, 7),
    "Hanna": (1, 8),
    "Ilias": (1, 6, 7),
    "Jule": (1, 5, 10),
    "Kofi": (1, 6, 12),
    "Lea": (1, 8, 12),
    "Mats": (1, 5, 7),
    "Nora": (1, 6, 10),
    "Ole": (1, 8, 12),
    "Pia": (1, 5, 10),
    "Tess": (1, 2, 5, 6, 10),
}
MORNING_VOTES = {"Quinn": (1, 6, 7), "Sami": (1, 8, 7)}
VOTES = EVENING_VOTES | MORNING_VOTES  # Orga and Rosa never vote
VOTERS = {n: {name for name, numbers in VOTES.items() if n in numbers} for n in SESSIONS}
INTERESTED = {n: VOTERS[n] | set(HOSTS[n]) for n in SESSIONS}
REMINDERS_OFF = "Hanna"

ROOMS = (("Aula", 60), ("Raum 1", 20), ("Raum 2", 15))
SLOTS = {1: "10:00–10:45", 2: "11:00–11:45", 3: "12:00–13:00", 4: "13:00–13:45"}
BREAK = 3
OPEN = tuple(slot for slot in SLOTS if slot != BREAK)
DAY_NAME = {"de": "Sonntag, 13. Juni", "en": "Sunday 13 June"}
DEADLINE = "2027-06-13 09:00"

People = dict[str, Person]
Grid = dict[int, Place]


def drain(people: People) -> dict[str, list[str]]:
    """What each person received since last asked, for those who received anything."""
    heard = {
        name: [reply.text for reply in person.new_replies()] for name, person in people.items()
    }
    return {name: texts for name, texts in heard.items() if texts}


def everyone_hears(key: str, **values: object) -> dict[str, list[str]]:
    return {name: [t(LANGUAGE[name], key, **values)] for name in MEMBERS}


def place(language: str, slot: int, room: int) -> str:
    return t(
        language, "agenda.place", day=DAY_NAME[language], time=SLOTS[slot], room=ROOMS[room - 1][0]
    )


def line(language: str, grid: Grid, number: int, *, votes: bool = False, mark: bool = False) -> str:
    """A session's line in the grid, /now, /next and the reminders, from the tables."""
    room, capacity = ROOMS[grid[number][1] - 1]
    text = t(
        language,
        "agenda.session_votes" if votes else "agenda.session",
        room=room,
        capacity=capacity,
        number=number,
        title=TITLES[number],
        hosts=t(language, "agenda.hosts", names=", ".join(HOSTS[number])),
        votes=len(VOTERS[number]),
    )
    return "⭐ " + text if mark else text


def in_slot(grid: Grid, slot: int) -> list[int]:
    """The sessions of a slot in room order, as the agenda lists them."""
    return sorted((n for n, (s, _, _) in grid.items() if s == slot), key=lambda n: grid[n][1])


def mine(name: str) -> set[int]:
    return {number for number in SESSIONS if name in INTERESTED[number]}


# -- the evening before ----------------------------------------------------------------


async def set_up_camp(app: App) -> tuple[Person, People]:
    person = chat_people(app)
    orga = person(ORGA)
    code = await create_camp(orga, "de")
    people = {ORGA: orga}
    for name, language in PARTICIPANTS.items():
        people[name] = person(name)
        people[name].language_hint = language
        await people[name].joins(code, language)
        last = people[name].adapter.sent[people[name].chat.chat_id][-1]
        assert t(language, "join.done", name=CAMP) in last.text, name
    assert drain(people) == {}
    return orga, people


async def propose_and_moderate(orga: Person, people: People) -> None:
    for number, (name, text) in PROPOSALS.items():
        language = LANGUAGE[name]
        reply = await people[name].text(f"/propose {text}")
        assert reply == t(language, "propose.submitted", number=number, title=TITLES[number])

    queue = await orga.says("/queue")
    assert [[b.data for b in reply.buttons[0]] for reply in queue] == [
        [f"approve {number}", f"rejectreason {number}"] for number in PROPOSALS
    ]
    assert queue[0].text == t(
        "de", "queue.item", number=1, title=TITLES[1], description="Wo könnte er hin?"
    )
    for number in PRESSED:
        assert [r.text for r in await orga.press(f"approve {number}")] == [
            t("de", "approve.done", number=number, title=TITLES[number])
        ]
    for number in TYPED:
        assert await orga.text(f"/approve {number}") == t(
            "de", "approve.done", number=number, title=TITLES[number]
        )
    assert await orga.text(f"/reject {REJECTED} {REASON}") == t(
        "de", "reject.done", number=REJECTED, title=TITLES[REJECTED]
    )
    assert await orga.text(f"/merge {MERGED} {INTO}") == t(
        "de", "merge.done", number=MERGED, into=INTO, title=TITLES[INTO]
    )
    assert await orga.text("/queue") == t("de", "queue.empty")
    # Approval twice is refused: the proposal no longer waits.
    assert await orga.text("/approve 1") == t(
        "de", "moderation.not_waiting", number=1, status=t("de", "status.approved")
    )

    # Each proposer hears of their own proposal, in their language; nobody else hears.
    proposers = {number: PROPOSALS[number][0] for number in SESSIONS}
    expected = {
        name: [t(LANGUAGE[name], "approve.notice", title=TITLES[number])]
        for number, name in proposers.items()
    }
    ilias, dana, cem = LANGUAGE["Ilias"], LANGUAGE["Dana"], LANGUAGE["Cem"]
    expected["Ilias"] = [
        t(ilias, "reject.notice_reason", title=TITLES[REJECTED], reason=REASON),
    ]
    merged = {"title": TITLES[MERGED], "number": INTO, "target": TITLES[INTO]}
    expected["Dana"] = [t(dana, "merge.notice", **merged)]
    expected["Cem"].append(t(cem, "merge.notice_target", **merged))
    assert drain(people) == expected


async def vote_in_the_evening(orga: Person, people: People) -> None:
    for name, numbers in EVENING_VOTES.items():
        reply = await people[name].text("/vote " + " ".join(map(str, numbers)))
        assert t(LANGUAGE[name], "vote.budget", used=len(numbers), budget=5) in reply, name
    tess, ilias = people["Tess"], people["Ilias"]
    over = {"budget": 5, "used": 5, "wanted": 6}
    assert await tess.text("/vote 12") == t("en", "vote.over_budget_used", **over)
    assert await ilias.text(f"/vote {REJECTED}") == t("de", "vote.unknown", number=REJECTED)
    assert await people["Nora"].text(f"/vote {MERGED}") == t("en", "vote.unknown", number=MERGED)
    assert await people[REMINDERS_OFF].text("/remind off") == t("de", "remind.off")
    assert await orga.text(f"/voting close at {DEADLINE}") == t(
        "de", "voting.deadline_set", when=DEADLINE
    )
    assert drain(people) == {}


# -- the morning -----------------------------------------------------------------------


async def close_the_voting(app: App, orga: Person, people: People, clock: ManualClock) -> None:
    clock.set(berlin(7, 59))
    # Only last evening's notice of waiting proposals, far too late to be sent.
    assert await run_scheduled(app, orga.dispatcher) == 1
    assert drain(people) == {}
    assert await run_scheduled(app, orga.dispatcher) == 0
    clock.set(berlin(8))  # an hour before the deadline: only who has no vote is nudged
    assert await run_scheduled(app, orga.dispatcher) == 1
    nudged = {ORGA, "Quinn", "Rosa", "Sami"}
    assert drain(people) == {
        name: [t(LANGUAGE[name], "voting.reminder_notice", name=CAMP, deadline=DEADLINE)]
        for name in nudged
    }

    clock.set(berlin(8, 15))
    for name, numbers in MORNING_VOTES.items():
        reply = await people[name].text("/vote " + " ".join(map(str, numbers)))
        assert t("en", "vote.budget", used=len(numbers), budget=5) in reply

    clock.set(berlin(9) + timedelta(seconds=30))
    assert await run_scheduled(app, orga.dispatcher) == 1  # the deadline
    assert drain(people) == everyone_hears("voting.closed_notice", name=CAMP)
    assert await people["Rosa"].text("/vote 1") == t("de", "vote.closed")


async def plan_the_grid(app: App, orga: Person, clock: ManualClock) -> Grid:
    clock.set(berlin(9, 5))
    preview = await orga.says("/plan")
    text = "\n".join(reply.text for reply in preview)
    grid = places(app)

    # Every approved session but the unvoted one has a cell of its own in an open slot.
    assert sorted(grid) == sorted(n for n in SESSIONS if n != UNVOTED)
    assert len({(slot, room) for slot, room, _ in grid.values()}) == len(grid)
    assert {slot for slot, _, _ in grid.values()} == set(OPEN)
    assert not any(pinned for _, _, pinned in grid.values())
    for slot in OPEN:  # no host in two places at once
        hosts = [host for number in in_slot(grid, slot) for host in HOSTS[number]]
        assert len(hosts) == len(set(hosts)), (slot, hosts)
    # Nobody sits above a room's size; only Tess's two clashing votes are missed.
    for number, (_, room, _) in grid.items():
        assert len(VOTERS[number]) <= ROOMS[room - 1][1], number
    missed = sum(
        len(numbers) - len({grid[n][0] for n in numbers if n in grid}) for numbers in VOTES.values()
    )
    assert missed == 2

    # The preview says what was optimised, that nothing better exists, and shows it all.
    assert text.startswith(t("de", "plan.header_draft", name=CAMP))
    assert t("de", "plan.quality", missed=2, overflow=0) in text
    assert t("de", "plan.optimal") in text
    assert t("de", "plan.voting_open") not in text
    for number in grid:
        assert line("de", grid, number, votes=True) in text.splitlines(), number
    unplaced = t("de", "plan.session_ref", number=UNVOTED, title=TITLES[UNVOTED])
    assert t("de", "plan.unplaced", sessions=unplaced) in text.splitlines()
    assert text.endswith(t("de", "plan.next_draft"))
    assert [b.data for row in preview[-1].buttons for b in row] == ["publish"]
    return grid


async def publish_and_move(
    app: App, orga: Person, people: People, grid: Grid, clock: ManualClock
) -> Grid:
    clock.set(berlin(9, 10))
    assert [reply.text for reply in await orga.says("/publish")] == [
        t("de", "publish.done", told=t("de", "publish.told", people=21), minutes=10),
        t("de", "publish.notice", name=CAMP),
    ]
    # The organiser's own notice came with the answer; the other 20 got theirs too.
    notices = everyone_hears("publish.notice", name=CAMP)
    assert drain(people) == {name: texts for name, texts in notices.items() if name != ORGA}

    # The host of a session in a slot without the Skatepark wants Raum 1 instead of
    # Raum 2; the session in Raum 1 swaps with it, nothing else moves.
    clock.set(berlin(9, 20))
    slot = max(s for s in OPEN if s != grid[1][0])
    moved, swapped = (next(n for n in in_slot(grid, slot) if grid[n][1] == r) for r in (3, 2))
    start = SLOTS[slot].partition("–")[0]
    reply = await orga.text(f"/move {moved} {start} Raum 1")
    assert reply == "\n".join(
        (
            t("de", "move.done", number=moved, place=place("de", slot, 2)),
            t("de", "move.also", number=swapped, place=place("de", slot, 3)),
            t("de", "move.told"),
        )
    )
    after = places(app)
    assert after == grid | {moved: (slot, 2, True), swapped: (slot, 3, False)}

    # Only the hosts and voters of the two sessions hear of it, each in their language.
    told: dict[str, list[str]] = {}
    for number in sorted((moved, swapped)):
        for name in sorted(INTERESTED[number]):
            language = LANGUAGE[name]
            told.setdefault(name, []).append(
                t(
                    language,
                    "plan.changed_notice",
                    name=CAMP,
                    number=number,
                    title=TITLES[number],
                    place=place(language, *after[number][:2]),
                )
            )
    assert drain(people) == told
    assert ORGA not in told
    assert set(told) < MEMBERS
    return after


# -- during the day --------------------------------------------------------------------


async def remind(
    app: App, people: People, grid: Grid, slot: int, clock: ManualClock, at: datetime
) -> set[str]:
    """Ten minutes before the slot, its hosts and voters hear of their sessions there."""
    clock.set(at)
    assert await run_scheduled(app, people[ORGA].dispatcher) == 1
    sessions = in_slot(grid, slot)
    concerned = {name for number in sessions for name in INTERESTED[number]}
    expected = {}
    for name in sorted(concerned - {REMINDERS_OFF}):
        language = LANGUAGE[name]
        lines = [t(language, "remind.soon", minutes=10)]
        lines += [line(language, grid, n) for n in sessions if name in INTERESTED[n]]
        lines.append(t(language, "remind.off_hint"))
        expected[name] = ["\n".join(lines)]
    assert drain(people) == expected, slot
    return concerned


async def ask_now_and_next(people: People, name: str) -> tuple[str, str]:
    person = people[name]
    return await person.text("/now"), await person.text("/next")


def slot_text(name: str, grid: Grid, slot: int, key: str) -> str:
    language = LANGUAGE[name]
    header = t(language, key, day=DAY_NAME[language], time=SLOTS[slot])
    own = mine(name)
    lines = [line(language, grid, n, mark=n in own) for n in in_slot(grid, slot)]
    return "\n".join([header, *lines])


async def test_a_barcamp_day_with_twenty_people(
    make_app: MakeApp, sqlite_url: str, clock: ManualClock
) -> None:
    app = make_app(sqlite_url)
    clock.set(berlin(18) - timedelta(days=1))
    orga, people = await set_up_camp(app)
    assert len(people) == len(MEMBERS) == 21
    await propose_and_moderate(orga, people)
    await vote_in_the_evening(orga, people)

    await close_the_voting(app, orga, people, clock)
    grid = await plan_the_grid(app, orga, clock)
    grid = await publish_and_move(app, orga, people, grid, clock)
    first, second, last = OPEN

    # Before the first slot.
    clock.set(berlin(9, 30))
    for name in ("Nora", "Mats"):
        now, next_ = await ask_now_and_next(people, name)
        assert now == t(LANGUAGE[name], "now.nothing")
        assert next_ == slot_text(name, grid, first, "next.header")

    concerned = await remind(app, people, grid, first, clock, berlin(9, 50))

    # During the first slot.
    clock.set(berlin(10, 20))
    for name in ("Tess", "Ana"):
        now, next_ = await ask_now_and_next(people, name)
        assert now == slot_text(name, grid, first, "now.header")
        assert next_ == slot_text(name, grid, second, "next.header")

    concerned |= await remind(app, people, grid, second, clock, berlin(10, 50))

    # Between two slots nothing runs; the next one is shown.
    now, next_ = await ask_now_and_next(people, "Ben")
    assert now == t("en", "now.nothing")
    assert next_ == slot_text("Ben", grid, second, "next.header")

    # In the break.
    clock.set(berlin(12, 30))
    for name in ("Rosa", "Kofi"):
        now, next_ = await ask_now_and_next(people, name)
        until = SLOTS[BREAK].partition("–")[2]
        assert now == t(LANGUAGE[name], "now.break", until=until)
        assert next_ == slot_text(name, grid, last, "next.header")

    concerned |= await remind(app, people, grid, last, clock, berlin(12, 50))
    # Hanna hosts and voted, so reminders would have reached her: /remind off held.
    assert REMINDERS_OFF in concerned
    # Rosa never voted and hosts nothing: no reminder for her at all.
    assert "Rosa" not in concerned

    # After the last slot.
    clock.set(berlin(14))
    for name in ("Pia", "Ole"):
        now, next_ = await ask_now_and_next(people, name)
        assert now == t(LANGUAGE[name], "now.nothing")
        assert next_ == t(LANGUAGE[name], "next.nothing")
    assert await run_scheduled(app, orga.dispatcher) == 0
    assert drain(people) == {}
