"""Exports in chat, through the router and the outbox: /export, /agenda png, /mine ics."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from typing import Any

import pytest
from icalendar import Calendar

from bot.bootstrap import App
from handlers.barcamp.agenda_files import FORMATS
from handlers.core.i18n import catalogues
from handlers.core.messages import Attachment, Reply
from handlers.core.registry import registry
from schedules.barcamp.exports import EXPORTERS
from storage.core.shared_tables import Role
from storage.uow import UnitOfWork
from tests.support.chat import PLATFORM, Person
from tests.support.day import (
    CAMP,
    MakePerson,
    camp_with,
    fast_planner,  # noqa: F401  (the fixture, used below by name)
    propose_approved,
)
from tests.support.exports import assert_readable
from tests.unit.core.test_flow import create_camp, t

pytestmark = pytest.mark.usefixtures("fast_planner")
# Typed in chat, so they pass input validation; the ampersand and quotes test escaping.
TITLES = ("Skatepark am See", 'Graffiti & "Kunst" 🎨', "Mehr Busse am Abend")


@dataclass
class Camp:
    orga: Person
    ana: Person  # hosts 1, votes for 3
    ben: Person  # hosts 2, votes for 1; speaks English
    cem: Person  # neither hosts nor votes


@pytest.fixture
async def planned(people: MakePerson) -> Camp:
    """Three sessions in a planned grid, not published yet."""
    orga, members = await camp_with(people, ("Ana", "de"), ("Ben", "en"), ("Cem", "de"))
    ana, ben, cem = members.values()
    await propose_approved(orga, (ana, TITLES[0]), (ben, TITLES[1]), (orga, TITLES[2]))
    await ana.says("/vote 3")
    await ben.says("/vote 1")
    await orga.says("/voting close")
    await orga.says("/plan")
    for person in (orga, ana, ben, cem):
        person.new_replies()
    return Camp(orga, ana, ben, cem)


async def publish(camp: Camp) -> None:
    await camp.orga.says("/publish")
    for person in (camp.ana, camp.ben, camp.cem):
        person.new_replies()


def the_file(replies: list[Reply]) -> Attachment:
    """The one document or image among the answers."""
    (reply,) = replies
    attachment = reply.document or reply.image
    assert attachment is not None, reply.text
    return attachment


def caption(language: str, format_name: str, draft: bool = False) -> str:
    key = "export.caption_draft" if draft else "export.caption"
    return t(language, key, name=CAMP, about=t(language, f"export.about_{format_name}"))


def summaries(calendar_file: Attachment) -> set[str]:
    calendar = Calendar.from_ical(calendar_file.content)
    return {str(event["SUMMARY"]) for event in calendar.walk("VEVENT")}


async def test_export_sends_every_format_as_a_file_that_reads_back(planned: Camp) -> None:
    await publish(planned)
    for format_name in FORMATS:
        replies = await planned.orga.says(f"/export {format_name}")
        sent = the_file(replies)
        assert sent.filename == EXPORTERS[format_name].filename
        assert sent.media_type == EXPORTERS[format_name].media_type
        # The picture is sent to look at, every other format as a file to keep.
        assert (replies[0].image is not None) == (format_name == "png")
        assert replies[0].text == caption("de", format_name)
        assert_readable(format_name, sent.content, TITLES)


async def test_html_from_chat_escapes_what_people_typed(planned: Camp) -> None:
    await publish(planned)
    page = the_file(await planned.orga.says("/export html")).content.decode("utf-8")
    assert "Graffiti &amp; &quot;Kunst&quot;" in page
    assert 'Graffiti & "Kunst"' not in page


async def test_a_draft_says_so_in_the_message_and_in_the_file(planned: Camp) -> None:
    replies = await planned.orga.says("/export ics")
    assert replies[0].text == caption("de", "ics", draft=True)
    draft_title = t("de", "exports.draft_title", name=TITLES[0])
    assert draft_title in summaries(the_file(replies))
    schedule = the_file(await planned.orga.says("/export xml"))
    version = ET.fromstring(schedule.content).findtext("version") or ""
    assert version.startswith(t("de", "exports.draft_version", version=""))
    assert_readable("xml", schedule.content, TITLES)


async def test_participants_may_not_export_but_youth_workers_may(app: App, planned: Camp) -> None:
    await publish(planned)
    assert await planned.ana.text("/export md") == t("de", "error.not_allowed")
    make_youth_worker(app, planned.ana)
    replies = await planned.ana.says("/export csv")
    assert_readable("csv", the_file(replies).content, TITLES)


def make_youth_worker(app: App, person: Person) -> None:
    with UnitOfWork(app.engine) as uow:
        found = uow.people.by_identity(PLATFORM, person.user_id)
        assert found is not None
        assert found.id is not None
        membership = uow.events.membership(1, found.id)
        assert membership is not None
        membership.role = Role.YOUTHWORKER


async def test_agenda_png_for_the_team_as_a_draft_for_everyone_once_published(
    planned: Camp,
) -> None:
    assert await planned.ana.text("/agenda png") == t("de", "agenda.not_published")
    draft = await planned.orga.says("/agenda png")
    assert draft[0].text == caption("de", "png", draft=True)
    assert_readable("png", the_file(draft).content)
    await publish(planned)
    for person, language in ((planned.ana, "de"), (planned.ben, "en")):
        replies = await person.says("/agenda png")
        assert replies[0].image is not None
        assert replies[0].text == caption(language, "png")
        assert_readable("png", replies[0].image.content)
    # Without the word, /agenda is still the text grid.
    text_grid = await planned.ana.says("/agenda")
    assert all(reply.image is None and reply.document is None for reply in text_grid)


async def test_mine_ics_has_only_the_sessions_i_host_or_voted_for(planned: Camp) -> None:
    assert await planned.ana.text("/mine ics") == t("de", "agenda.not_published")
    # The team may look at a draft: the organiser hosts session 3.
    draft = await planned.orga.says("/mine ics")
    assert draft[0].text == t("de", "export.personal_draft", count=1)
    assert summaries(the_file(draft)) == {t("de", "exports.draft_title", name=TITLES[2])}
    await publish(planned)
    for person, language, mine in (
        (planned.ana, "de", {TITLES[0], TITLES[2]}),
        (planned.ben, "en", {TITLES[0], TITLES[1]}),
    ):
        replies = await person.says("/mine ics")
        assert replies[0].text == t(language, "export.personal", count=2)
        calendar_file = the_file(replies)
        assert calendar_file.filename == "my-agenda.ics"
        assert summaries(calendar_file) == mine
        name = Calendar.from_ical(calendar_file.content)["X-WR-CALNAME"]
        assert str(name) == t(language, "exports.personal_title", name=CAMP)
    assert await planned.cem.text("/mine ics") == t("de", "export.personal_empty")


async def test_a_camp_without_sessions_exports_every_format_dated_by_its_day(
    people: MakePerson,
) -> None:
    orga = people("Orga")
    await create_camp(orga, "de")  # on 2027-06-13; the test clock says 2027-03-01
    files = {name: the_file(await orga.says(f"/export {name}")).content for name in FORMATS}
    for format_name, content in files.items():
        assert_readable(format_name, content)
    root = ET.fromstring(files["xml"])
    assert [day.get("date") for day in root.findall("day")] == ["2027-06-13"]
    schedule: dict[str, Any] = json.loads(files["json"])["schedule"]
    assert schedule["conference"]["start"] == "2027-06-13"


def test_the_export_command_offers_exactly_the_registered_formats() -> None:
    (param,) = registry.commands["export"].params
    assert param.choices == tuple(EXPORTERS) == FORMATS
    for language in ("de", "en"):
        keys = catalogues().keys(language)
        assert {f"export.about_{name}" for name in FORMATS} <= keys
