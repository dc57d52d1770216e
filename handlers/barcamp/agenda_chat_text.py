"""The agenda as chat text: the grid, one slot, and the lines of reminders and notices."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date

from babel.dates import format_date

from handlers.core.chat_lines import chunks as chunks  # re-exported for the commands
from handlers.core.i18n import Texts
from schedules.barcamp.agenda_model import Agenda, AgendaSession, AgendaSlot

MARK = "⭐ "


def grid_lines(
    agenda: Agenda, texts: Texts, *, marks: Collection[int] = (), staff: bool = False
) -> list[str]:
    """Day by day, slot by slot; staff see numbered slots, empty ones and votes."""
    lines: list[str] = []
    day: date | None = None
    for position, slot in enumerate(agenda.slots, start=1):
        if slot.start.date() != day:
            day = slot.start.date()
            lines.append(texts.t("agenda.day", day=day_name(day, texts)))
        if slot.blocked:
            lines.append(texts.t("agenda.break", time=span(slot)))
            continue
        sessions = sessions_in(agenda, slot.id)
        if staff:
            lines.append(texts.t("agenda.slot_numbered", position=position, time=span(slot)))
        elif sessions:
            lines.append(texts.t("agenda.slot", time=span(slot)))
        lines += [
            session_line(agenda, s, texts, marked=s.id in marks, votes=staff) for s in sessions
        ]
    return lines


def session_line(
    agenda: Agenda,
    session: AgendaSession,
    texts: Texts,
    *,
    marked: bool = False,
    votes: bool = False,
) -> str:
    assert session.room_id is not None
    room = agenda.room(session.room_id)
    hosts = texts.t("agenda.hosts", names=", ".join(session.hosts)) if session.hosts else ""
    line = texts.t(
        "agenda.session_votes" if votes else "agenda.session",
        room=room.name,
        capacity=room.capacity,
        number=session.number,
        title=session.title,
        hosts=hosts,
        votes=session.votes,
    )
    return MARK + line if marked else line


def place_text(agenda: Agenda, session: AgendaSession, texts: Texts) -> str:
    """Where and when a session runs, e.g. "Sa., 13. Juni, 10:00–10:45, Aula"."""
    if session.slot_id is None or session.room_id is None:
        return texts.t("agenda.no_place")
    slot = agenda.slot(session.slot_id)
    return texts.t(
        "agenda.place",
        day=day_name(slot.start.date(), texts),
        time=span(slot),
        room=agenda.room(session.room_id).name,
    )


def sessions_in(agenda: Agenda, slot_id: int) -> list[AgendaSession]:
    return [session for session in agenda.scheduled() if session.slot_id == slot_id]


def span(slot: AgendaSlot) -> str:
    return f"{slot.start:%H:%M}–{slot.end:%H:%M}"


def day_name(day: date, texts: Texts) -> str:
    return str(format_date(day, format=texts.t("agenda.day_format"), locale=texts.language))
