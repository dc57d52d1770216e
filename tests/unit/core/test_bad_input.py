"""Bad input at every step gets a helpful reply and changes nothing in the store."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, MetaData, select

from bot.bootstrap import App
from handlers.core.i18n import catalogues
from handlers.core.messages import Reply, command_line, parse_command
from handlers.core.registry import registry
from tests.support.chat import Person
from tests.support.council import create_council
from tests.unit.core.test_flow import create_camp

MakePerson = Callable[..., Person]

LONG = "x" * 10_000
HOSTILE = [
    "",
    LONG,
    "🎉🔥💯",
    "<b>fett</b><script>alert(1)</script>",
    "1; DROP TABLE vote; --",
    "' OR '1'='1",
    "\u202egnp.exe\u200b",
    "-1",
    "3.5",
    "٣",  # an Arabic-Indic digit: a digit, but not a number we accept
    "99999999999999999999",
]
# For each command, arguments that must be refused without any change.
BAD_ARGUMENTS: dict[str, list[str]] = {
    "vote": [*HOSTILE, "1 1", "0", "99", "1 abc", "5 6"],
    "join": [*HOSTILE[1:], "ZZZZZZ", "K7M2QX extra"],
    "use": [*HOSTILE[1:], "ZZZZZZ"],
    "language": [*HOSTILE[1:], "fr", "de en"],
    "approve": [*HOSTILE, "1", "99"],  # 1 is approved already
    "reject": [*HOSTILE, "1 weil", "99 Grund"],
    "propose": [
        LONG,
        "🎉🔥💯",
        "ab",
        "   |   ",
        "x" * 81,
        "Gute Idee | " + "y" * 501,
        "\u202e\u200b\u200b",
    ],
    "forgetme": ["now", LONG, "confirm confirm"],
    "start": [f"{'x' * 20} {'y' * 20}"],
    "sessions": ["extra"],
    "mine": ["1", "link old", "ics new"],
    "board": ["x"],
    "queue": ["1"],
    "cancel": ["all"],
    "help": ["vote"],
    "privacy": ["x"],
    "newcamp": ["Name"],
    "newcouncil": [
        LONG,
        "🎉🔥💯",
        "ab",
        "   |   ",
        "x" * 81,
        "<b>Rat</b> | Ort",
        "Jugendrat | " + "y" * 121,
        "\u202e\u200b\u200b",
    ],
    "announce": ["", "   ", "x" * 2001, "<b>Pizza</b>", "'; DROP TABLE person;--"],
    "linkgroup": ["now", LONG],
    "poll": [
        "",
        "Frage?",
        "Frage? | nur eine",
        "Frage? | A | a",
        "Frage? | " + " | ".join(str(n) for n in range(11)),
        "x" * 301 + " | A | B",
        "Frage? | " + "y" * 101 + " | B",
        "<i>Frage</i> | A | B",
        "Frage? | A | B",  # in a private chat with no linked group
    ],
    "closepoll": [*HOSTILE, "99"],
}
# The BarCamp day (no grid exists in `camp`). Number parsing is the registry's and
# tested above, so a few hostile words each, then what these commands check themselves.
SOME_HOSTILE = ["", "<b>fett</b><script>alert(1)</script>", "1; DROP TABLE vote; --"]
BAD_ARGUMENTS |= {
    "voting": [
        *SOME_HOSTILE,
        *("maybe", "open", "open at 2027-06-13 10:00", "close at 2020-01-01 10:00"),
        *("close at tomorrow", "close at 2027-06-13 10:00 extra"),
    ],
    "plan": ["now", LONG],
    "publish": ["", "now"],
    "move": [*SOME_HOSTILE, "1 1", "99 1 Aula", "1 9 Aula", "1 3 Aula", "1 1 Keller", "1 9:99 A"],
    "pin": [*SOME_HOSTILE, "1", "99"],
    "agenda": ["x"],
    "now": ["x"],
    "next": ["x"],
    "remind": [*SOME_HOSTILE, "maybe", "on off"],
    "merge": [*SOME_HOSTILE, "1 1", "1 99", "99 1", "1 2 3"],
    "settings": [
        *SOME_HOSTILE,
        *("budget", "budget 0", "budget 51", "budget drei", "budget -1", "budget 5 6"),
        *("counts maybe", "hosts maybe", "reminder 241", "votereminder 1441", "colour red"),
    ],
}
BAD_ARGUMENTS["announce"] += [
    "at 2020-01-01 10:00 Zu spät",
    "at 2027-13-01 10:00 Text",
    "at 14:00 Pizza",
    "at 2027-06-13 10:00",
    "at 2099-06-13 10:00 Text",
    "at 2027-06-13 10:00 <b>Pizza</b>",
]

# Exports: one format word and nothing else.
BAD_ARGUMENTS["export"] = [*SOME_HOSTILE, LONG, "pdf", "md html", "../agenda.md", "png;"]
BAD_ARGUMENTS["agenda"] += ["pdf", "png png"]
BAD_ARGUMENTS["mydata"] = ["x", LONG, "json"]
BAD_ARGUMENTS["guardian"] = [*SOME_HOSTILE, LONG, "maybe", "1", "99 ok", "on ok", "1 nope", "0 ok"]
BAD_ARGUMENTS["mine"] += ["pdf", "ics ics"]
# People and roles: Orga is number 1 (the only organiser), Ana number 2 (a participant).
BAD_ARGUMENTS["members"] = ["x", LONG, "1"]
BAD_ARGUMENTS["role"] = [
    *SOME_HOSTILE,
    *("1", "99 orga", "0 orga", "1 boss", "abc orga", "2 orga extra", LONG),
    *("1 orga", "2 teilnehmer", "2 participant", "1 teilnehmer", "1 youthworker"),
]
# A wrong code is counted (the attempts are limited), but nothing else changes.
BAD_ARGUMENTS["link"] = [*HOSTILE[1:], "ZZZZZZZZ", "abcd efgh", "K7M2QX"]
COUNTED_TABLES = {"link": {"linkattempt"}}
# Date polls (in a camp they are refused for the kind; tests/unit/council/ tries them in a
# council, where each case is explained and creates nothing).
DATEPOLL_BAD = [
    *SOME_HOSTILE[1:],
    LONG,
    "99",
    "Treffen",
    "Treffen | 2020-01-12 17:00",
    "Treffen | 2027-02-30 17:00",
    "Treffen | 2027-06-12 17:00 | 12.06.2027 17:00",
    "Treffen | " + " | ".join(f"2027-07-{day:02d} 17:00" for day in range(1, 12)),
    "Treffen | 2027-06-12 17:00 | bis 2027-06-13 12:00",
    "Treffen | 2027-06-12 17:00 | bis 2027-01-01 12:00",
    "Treffen | 2027-06-12 17:00 | dauer 5",
    "Treffen | 2027-06-12 17:00 | dauer 100000",
    "Treffen | 2027-06-12 25:61",
    "ab | 2027-06-12 17:00",
]
BAD_ARGUMENTS["datepoll"] = DATEPOLL_BAD


# The council's camps (tried in a camp here, in the council in
# tests/integration/council/test_camp_link_refusals.py).
CODES = [*SOME_HOSTILE, LONG, "ZZZZZZ", "K7M2QX extra"]
BAD_ARGUMENTS |= {
    "linkcamp": CODES,
    "unlinkcamp": CODES,
    "invitecamp": ["now", LONG],
    "declineinvite": CODES,
    "nextcamp": [
        *SOME_HOSTILE,
        *("2020-01-01", "2027-02-30", "morgen", "2028-06-10 ab", "2028-06-10 <b>Camp</b>"),
        "2028-06-10 " + "x" * 81,
    ],
}

# The council's commands, by registry key, tried in a council with a series 1 of six
# meetings (1.1 on 16.03.2027 17:00, every two weeks): organisers' by the organiser.
DATE = "16.03.2027 17:00"
COUNCIL_BAD_ARGUMENTS: dict[str, list[str]] = {
    "meeting": [
        *SOME_HOSTILE,
        *("add Plenum", f"add P | {DATE}", "add Plenum | 2020-01-01 17:00", "add Plenum | morgen"),
        *(f"add Plenum | {DATE} | every week", f"add Plenum | {DATE} | every week 500 times"),
        *(
            f"add <b>x</b> | {DATE}",
            f"add Plenum | {DATE} | " + "y" * 121,
            f"add Plenum | {DATE} 5",
        ),
        *(f"add Plenum | {DATE} | monthly 2nd friday 3 times", f"add Plenum | {DATE} | a | b"),
        *("move 1.2", "move 9.1 20.03.2027 18:00", "move 1.99 20.03.2027 18:00"),
        *("move 1 20.03.2027 18:00", "move 1.2 2020-01-01 10:00", "move 1.2 30.03.2027 17:00"),
        *("move 1.2 31.03.2027 18:00 90", "move x 31.03.2027 18:00"),
        *("cancel x", "cancel 1.2 maybe", "cancel 1.2 rest now", "cancel 7", "cancel 1.7"),
        *("reminders soon", "reminders 1h 2h 3h 4h", "reminders 30d", "reminders 0min"),
        *("1.99", "abc", "1.2.3", "9", LONG),
    ],
    "meetings": ["extra", LONG],
    "council_export": [*SOME_HOSTILE[1:], LONG, "pdf", "ics ics", "../meetings.ics"],
    "attend": ["", "1", "1 1 maybe", "99 1 yes", "1 99 yes", "1 1 yes extra", "x 1 yes"],
}


# The answer itself is queued for delivery; everything else must stay as it was.
DELIVERY_TABLES = {"alembic_version", "outboxmessage", "inboxevent"}


def snapshot(engine: Engine) -> dict[str, list[tuple[object, ...]]]:
    metadata = MetaData()
    metadata.reflect(engine)
    with engine.connect() as connection:
        return {
            name: sorted(map(tuple, connection.execute(select(table))), key=repr)
            for name, table in metadata.tables.items()
            if name not in DELIVERY_TABLES
        }


def answered_briefly(replies: list[Reply]) -> None:
    assert replies, "bad input must never be met with silence"
    assert all(len(reply.text) < 1500 for reply in replies), "replies stay short"
    internal = catalogues().text("de", "error.internal")
    assert all(internal not in reply.text and "Traceback" not in reply.text for reply in replies)


@pytest.fixture
async def camp(app: App, people: MakePerson) -> tuple[Person, Person]:
    orga = people("Orga")
    code = await create_camp(orga, "de")
    await orga.says("/propose Skatepark bauen")
    ana = people("Ana")
    await ana.joins(code)
    await ana.says("/vote 1")
    return orga, ana


def test_every_command_has_bad_input_cases() -> None:
    import handlers.barcamp.commands
    import handlers.core.commands
    import handlers.council.commands  # noqa: F401  (registers the domains' commands)

    visible = {key for key, spec in registry.commands.items() if not spec.hidden}
    covered = set(BAD_ARGUMENTS) | set(COUNCIL_BAD_ARGUMENTS)
    assert visible <= covered, visible - covered


@pytest.mark.parametrize(
    ("command", "arguments"),
    [(command, arguments) for command, cases in BAD_ARGUMENTS.items() for arguments in cases],
)
async def test_bad_arguments_change_nothing(
    app: App, camp: tuple[Person, Person], command: str, arguments: str
) -> None:
    orga, ana = camp
    # Staff commands are tried by the organiser, so the refusal is about the input.
    staff_commands = ("approve", "reject", "queue", "announce", "poll", "closepoll", "linkgroup")
    staff_commands += ("merge", "voting", "plan", "move", "pin", "publish", "settings")
    staff_commands += ("export", "guardian", "members", "role")
    person = orga if command in staff_commands else ana
    before = snapshot(app.engine)
    answered_briefly(await person.says(f"/{command} {arguments}"))
    if command not in ("newcamp", "newcouncil", "propose") or arguments.strip():
        after = snapshot(app.engine)
        for table in COUNTED_TABLES.get(command, set()):
            del before[table], after[table]
        assert after == before


@pytest.fixture
async def council(app: App, people: MakePerson) -> tuple[Person, Person]:
    olga = people("Olga")
    code = await create_council(olga)
    await olga.says(f"/meeting add Plenum | {DATE} | Rathaus | alle 2 Wochen 6 mal")
    ana = people("Ana")
    await ana.joins(code)
    return olga, ana


@pytest.mark.parametrize(
    ("key", "arguments"),
    [(key, arguments) for key, cases in COUNCIL_BAD_ARGUMENTS.items() for arguments in cases],
)
async def test_bad_arguments_in_a_council_change_nothing(
    app: App, council: tuple[Person, Person], key: str, arguments: str
) -> None:
    olga, ana = council
    person = olga if registry.commands[key].roles else ana
    before = snapshot(app.engine)
    replies = await person.says(f"/{registry.commands[key].name} {arguments}")
    answered_briefly(replies)
    assert not any(reply.document for reply in replies)
    assert snapshot(app.engine) == before


@pytest.mark.parametrize("bad", [LONG, "", "🎉🎉🎉", "<i>x</i>", "'; DROP TABLE event;--"])
async def test_bad_dialog_answers_stay_on_the_step(app: App, people: MakePerson, bad: str) -> None:
    orga = people("Orga")
    await create_camp(orga, "de")
    await orga.says("/newcamp")
    before = snapshot(app.engine)
    reply = await orga.text(bad or " ")
    assert reply != catalogues().text("de", "newcamp.ask_date")
    assert reply.endswith(catalogues().text("de", "newcamp.ask_name"))  # asked again
    assert snapshot(app.engine) == before
    assert await orga.text("Ein gutes Camp") == catalogues().text("de", "newcamp.ask_date")


BASE = ["Camp", "2027-06-13", "-", "Aula:10"]
NEWCAMP_FIELDS = ("name", "date", "place", "rooms", "slots")
NEWCAMP_QUESTIONS = [f"newcamp.ask_{field}" for field in NEWCAMP_FIELDS]


@pytest.mark.parametrize(
    ("answers", "key", "values"),
    [
        (["Camp", "31.02.2027"], "input.date_format", {}),
        (["Camp", "2020-01-01"], "input.date_past", {}),
        ([*BASE[:3], "Aula"], "input.room_format", {"item": "Aula"}),
        ([*BASE[:3], "Aula:0"], "input.room_capacity", {"room": "Aula"}),
        ([*BASE[:3], "Aula:10, aula:20"], "input.room_duplicate", {"room": "Aula"}),
        ([*BASE, "10:00-09:00"], "input.slot_order", {"item": "10:00-09:00"}),
        (
            [*BASE, "10:00-11:00, 10:30-11:30"],
            "input.slots_overlap",
            {"first": "10:00-11:00", "second": "10:30-11:30"},
        ),
        ([*BASE, "25:00-26:00"], "input.slot_format", {"item": "25:00-26:00"}),
        ([*BASE, "10:00-11:00 Party"], "input.slot_format", {"item": "10:00-11:00 Party"}),
    ],
)
async def test_newcamp_explains_each_bad_step(
    app: App, people: MakePerson, answers: list[str], key: str, values: dict[str, str]
) -> None:
    orga = people("Orga")
    await orga.says("/start")
    await orga.press("consent de")
    await orga.says("/newcamp")
    for answer in answers[:-1]:
        await orga.says(answer)
    before = snapshot(app.engine)
    # The explanation, then the same question again.
    question = NEWCAMP_QUESTIONS[len(answers) - 1]
    explained = [catalogues().text("de", key, **values), catalogues().text("de", question)]
    assert [reply.text for reply in await orga.says(answers[-1])] == explained
    assert snapshot(app.engine) == before


async def test_unknown_command_and_free_text_get_hints(people: MakePerson) -> None:
    ana = people("Ana")
    assert await ana.text("/fly") == catalogues().text("de", "error.unknown_command", command="fly")
    assert await ana.text("hallo?") == catalogues().text("de", "error.not_a_command", prefix="/")
    assert await ana.text("/") == catalogues().text("de", "error.unknown_command", command="")
    assert await ana.text("/<script>") == catalogues().text(
        "de", "error.unknown_command", command="<script>"
    )


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(text=st.text(max_size=300))
async def test_any_text_is_answered_and_never_crashes(
    app: App, camp: tuple[Person, Person], text: str
) -> None:
    _, ana = camp
    for line in (text, "/vote " + text, "/propose " + text, "/join " + text):
        replies = await ana.says(line)
        internal = catalogues().text("de", "error.internal")
        assert all(internal not in reply.text for reply in replies)


@given(data=st.text(max_size=80))
def test_button_data_reads_as_the_same_command_typed(data: str) -> None:
    """A press is read as its data, without turning it into typed text first."""
    assert command_line(data) == parse_command("/" + data)
