"""What the live board's public pages may show, read from the store: only published camps,
only sessions, rooms, times and (if the camp allows) hosts' names.

The web adapter asks by join code or personal token and gets None for anything it may not
show (unknown, not a camp, not published), so its answer cannot tell which it was.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime

from handlers.barcamp.agenda_loader import build_agenda, sessions_of_person
from schedules.barcamp.agenda_model import Agenda
from schedules.barcamp.exports.base import Translate
from schedules.barcamp.exports.ics import IcsExporter, render_personal_ics
from schedules.barcamp.live_board import public_agenda
from storage.core.shared_tables import EventKind
from storage.uow import UnitOfWork


@dataclass(frozen=True)
class PublishedCamp:
    event_id: int
    agenda: Agenda  # the public view (see `public_agenda`)
    version: int  # the camp's change counter when read
    changed_at: datetime  # the last change the pages show, or the publication

    def calendar(self, t: Translate) -> CalendarFeed:
        content = IcsExporter(now=lambda: self.changed_at).render(self.agenda, t)
        return CalendarFeed(content, self.changed_at)


@dataclass(frozen=True)
class CalendarFeed:
    """A calendar file with what HTTP caches and calendar apps compare."""

    content: bytes
    modified: datetime

    @property
    def etag(self) -> str:
        return '"' + hashlib.sha256(self.content).hexdigest()[:32] + '"'


def event_id_of(uow: UnitOfWork, code: str) -> int | None:
    """The camp behind a join code (any case), published or not."""
    event = uow.events.by_code(code.strip().upper())
    if event is None or event.kind != EventKind.BARCAMP:
        return None
    return event.id


def published_camp(uow: UnitOfWork, event_id: int, language: str) -> PublishedCamp | None:
    camp = uow.camp_settings.of(event_id)
    if camp.agenda_published_at is None:
        return None
    agenda = public_agenda(build_agenda(uow, event_id, language), camp.public_hosts)
    changed_at = camp.board_changed_at or camp.agenda_published_at
    return PublishedCamp(event_id, agenda, camp.board_version, _utc(changed_at))


def personal_calendar(
    uow: UnitOfWork, token: str, language: str, t: Translate
) -> CalendarFeed | None:
    """`/p/TOKEN/calendar.ics`: the programme of the person the token belongs to."""
    link = uow.board.by_token(token)
    if link is None:
        return None
    camp = published_camp(uow, link.event_id, language)
    if camp is None:
        return None
    mine = sessions_of_person(uow, link.event_id, link.person_id)
    content = render_personal_ics(camp.agenda, mine, t, lambda: camp.changed_at)
    return CalendarFeed(content, camp.changed_at)


def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
