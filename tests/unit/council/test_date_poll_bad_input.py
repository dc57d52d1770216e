"""Bad input to the date polls' commands, in a council: a short explanation, nothing
stored (the poll, its answers, its timed work), and never silence or an internal error."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from bot.bootstrap import App
from handlers.core.i18n import catalogues
from tests.support.chat import Person
from tests.support.council import create_council
from tests.unit.core.test_bad_input import DATEPOLL_BAD, HOSTILE, snapshot

MakePerson = Callable[..., Person]
# Poll 1 exists, with one date, and is open.
BAD_ANSWERS = [*HOSTILE, "1", "1 1", "1 2 yes", "2 1 yes", "1 1 vielleicht", "1 1 yes no", "0 1 no"]
BAD_CONFIRMS = [*HOSTILE, "1", "1 1", "2 1", "1 1 1"]  # 1 is still open


@pytest.fixture
async def council(app: App, people: MakePerson) -> tuple[Person, Person]:
    orga = people("Orga")
    code = await create_council(orga)
    await orga.says("/datepoll Treffen | 2027-06-12 17:00")
    ana = people("Ana")
    await ana.joins(code)
    return orga, ana


@pytest.mark.parametrize(
    ("command", "arguments"),
    [
        *(("datepoll", arguments) for arguments in DATEPOLL_BAD),
        *(("dateanswer", arguments) for arguments in BAD_ANSWERS),
        *(("dateconfirm", arguments) for arguments in BAD_CONFIRMS),
    ],
)
async def test_bad_date_poll_input_changes_nothing(
    app: App, council: tuple[Person, Person], command: str, arguments: str
) -> None:
    orga, ana = council
    person = ana if command == "dateanswer" else orga
    person.new_replies()
    before = snapshot(app.engine)
    replies = await person.says(f"/{command} {arguments}")
    assert replies, "bad input must never be met with silence"
    assert all(len(reply.text) < 1500 for reply in replies)
    internal = catalogues().text("de", "error.internal")
    assert all(internal not in reply.text for reply in replies)
    assert snapshot(app.engine) == before


EXPLANATIONS = [
    ("datepoll.past", {"item": "2020-01-12 17:00"}),
    ("datepoll.day_impossible", {"item": "2027-02-30 17:00"}),
    ("datepoll.twice", {"item": "12.06.2027 17:00"}),
    ("datepoll.count", {"maximum": 10}),
    ("datepoll.deadline_late", {"item": "2027-06-12 17:00"}),
    ("datepoll.deadline_past", {}),
    ("datepoll.duration", {"minimum": 15, "maximum": 720}),
    ("datepoll.duration", {"minimum": 15, "maximum": 720}),
    ("datepoll.when_format", {"item": "2027-06-12 25:61"}),
    ("datepoll.title", {"minimum": 3, "maximum": 80}),
]


@pytest.mark.parametrize(
    ("line", "explained"), list(zip(DATEPOLL_BAD[5:], EXPLANATIONS, strict=True))
)
async def test_each_bad_poll_says_what_is_wrong(
    council: tuple[Person, Person], line: str, explained: tuple[str, dict[str, object]]
) -> None:
    orga, _ = council
    orga.new_replies()
    key, values = explained
    assert await orga.text(f"/datepoll {line}") == catalogues().text("de", key, **values)
