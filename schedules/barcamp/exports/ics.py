"""iCalendar (RFC 5545): one VEVENT per scheduled session, with a VTIMEZONE.

UIDs are the agenda's session GUIDs, so a re-export updates calendar entries instead
of duplicating them. Drafts say so in the calendar name, in every summary and with
``STATUS:TENTATIVE``.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import UTC, date, datetime

from icalendar import STATUS, Calendar, Event, Timezone

from schedules.barcamp.agenda_model import AGENDA_NAMESPACE, Agenda
from schedules.barcamp.exports.base import Translate, personal_agenda
from schedules.barcamp.exports.layout import (
    Clock,
    PlacedSession,
    clean_text,
    document_title,
    hosts_label,
    one_line,
    placed_sessions,
    session_title,
    utc_now,
    zone,
)

PRODUCT_ID = "-//barcamp-bot//agenda//EN"


class IcsExporter:
    format = "ics"
    media_type = "text/calendar; charset=utf-8"
    filename = "agenda.ics"

    def __init__(self, now: Clock = utc_now, personal: bool = False) -> None:
        self._now = now
        self._personal = personal

    def render(self, agenda: Agenda, t: Translate) -> bytes:
        stamp = self._now().astimezone(UTC)
        placed = placed_sessions(agenda)
        calendar = Calendar.new(
            name=self._calendar_name(agenda, t),
            prodid=PRODUCT_ID,
            method="PUBLISH",
            uid=self._calendar_uid(agenda),
            description=None if agenda.published else one_line(t("exports.draft_notice")),
        )
        calendar.add("X-WR-TIMEZONE", agenda.timezone)
        calendar.add_component(_vtimezone(agenda, stamp))
        for item in placed:
            calendar.add_component(_event(agenda, item, stamp, t))
        return bytes(calendar.to_ical())

    def _calendar_name(self, agenda: Agenda, t: Translate) -> str:
        title = document_title(agenda, t)
        return t("exports.personal_title", name=title) if self._personal else title

    def _calendar_uid(self, agenda: Agenda) -> uuid.UUID:
        kind = "personal-calendar" if self._personal else "calendar"
        return uuid.uuid5(AGENDA_NAMESPACE, f"{agenda.code}/{kind}")


def render_personal_ics(
    agenda: Agenda, session_ids: Iterable[int], t: Translate, now: Clock = utc_now
) -> bytes:
    """A calendar with only the given sessions, for ``/mine ics``."""
    exporter = IcsExporter(now=now, personal=True)
    return exporter.render(personal_agenda(agenda, session_ids), t)


def _event(agenda: Agenda, placed: PlacedSession, stamp: datetime, t: Translate) -> Event:
    event = Event.new(
        uid=str(agenda.session_guid(placed.session)),
        stamp=stamp,
        start=placed.start,
        end=placed.end,
        summary=session_title(agenda, placed.session, t),
        location=one_line(placed.room.name),
        description=_description(placed, t),
        status=STATUS.CONFIRMED if agenda.published else STATUS.TENTATIVE,
    )
    # Calendar apps take an entry with a higher SEQUENCE as the newer one (RFC 5545).
    event.add("sequence", placed.session.sequence)
    return event


def _description(placed: PlacedSession, t: Translate) -> str:
    session = placed.session
    parts = [
        clean_text(session.description).strip(),
        hosts_label(session, t),
        t("exports.session_number", number=session.number),
    ]
    return "\n\n".join(part for part in parts if part)


def _vtimezone(agenda: Agenda, stamp: datetime) -> Timezone:
    """The agenda's time zone, with the transitions of the years the camp touches."""
    first, last = _years_covered(agenda, stamp)
    return Timezone.from_tzinfo(
        zone(agenda.timezone),
        tzid=agenda.timezone,
        first_date=date(first, 1, 1),
        last_date=date(last + 1, 1, 1),
    )


def _years_covered(agenda: Agenda, stamp: datetime) -> tuple[int, int]:
    years = [moment.year for slot in agenda.slots for moment in (slot.start, slot.end)]
    return (min(years), max(years)) if years else (stamp.year, stamp.year)
