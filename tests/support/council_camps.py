"""A BarCamp and a youth council organised by one person, through the router."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlmodel import col, select

from bot.bootstrap import App
from handlers.core.i18n import catalogues
from handlers.core.messages import Reply
from storage.core.shared_tables import Event, Membership, Role
from storage.core.shared_tables import Person as Someone
from tests.support.chat import FakePlatform, Person
from tests.support.store import raw_session
from tests.unit.core.test_flow import create_camp

CAMP = "Jugend-BarCamp Musterstadt"
COUNCIL = "Jugendrat Musterstadt"


def t(key: str, **values: object) -> str:
    return catalogues().text("de", key, **values)


@dataclass
class CampAndCouncil:
    olga: Person
    campers: list[Person]
    camp_code: str
    council_code: str


async def camp_and_council(platform: FakePlatform) -> CampAndCouncil:
    """Olga organises the camp (Ana, Ben and Cem joined it) and then the council, which
    is her active event."""
    olga = platform.person("Olga")
    camp_code = await create_camp(olga, "de")
    campers = [platform.person(name) for name in ("Ana", "Ben", "Cem")]
    for person in campers:
        await person.joins(camp_code)
        person.new_replies()
    done = await olga.text(f"/newcouncil {COUNCIL} | Rathaus")
    return CampAndCouncil(olga, campers, camp_code, join_code_in(done))


def join_code_in(text: str) -> str:
    match = re.search(r"/join ([A-Z2-9]{6})", text)
    assert match, text
    return match.group(1)


def members_of(app: App, code: str) -> dict[str, Role]:
    """Display names and roles of the event's members."""
    with raw_session(app.engine) as session:
        statement = (
            select(Someone.display_name, Membership.role)
            .join(Membership, col(Membership.person_id) == col(Someone.id))
            .join(Event, col(Event.id) == col(Membership.event_id))
            .where(Event.code == code)
        )
        return dict(session.exec(statement).all())


def invitations(replies: list[Reply]) -> list[Reply]:
    """The invitations among them: the replies with a join button."""
    return [
        reply
        for reply in replies
        if any(button.data.startswith("join ") for row in reply.buttons for button in row)
    ]
