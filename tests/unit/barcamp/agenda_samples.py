"""Agenda values for exporter tests and the benchmark: from empty to a full two-day camp."""

from __future__ import annotations

import dataclasses
import functools
from datetime import UTC, datetime, timedelta

from handlers.core.i18n import catalogues
from schedules.barcamp.agenda_model import Agenda, AgendaRoom, AgendaSession, AgendaSlot
from schedules.barcamp.exports import EXPORTERS
from schedules.barcamp.exports.base import Exporter, Translate

TIMEZONE = "Europe/Berlin"
FIRST_DAY = datetime(2024, 9, 14)
SECOND_DAY = datetime(2024, 9, 15)
SESSION_LENGTH = timedelta(minutes=45)

ROOMS = (
    AgendaRoom(1, "Aula", 80),
    AgendaRoom(2, "Raum 1", 20),
    AgendaRoom(3, "Raum 2", 20),
    AgendaRoom(4, "Küche", 12),
    AgendaRoom(5, "Gruppenraum Süd", 15),
    AgendaRoom(6, "Werkstatt & Garten", 25),
)

# Day 1 ends with a late slot that runs past midnight; both days have a lunch break.
DAY_ONE_STARTS = ("09:30", "10:30", "11:30", "13:15", "14:15", "15:15", "16:15", "17:15", "19:00")
DAY_TWO_STARTS = (
    "09:30", "10:30", "11:30", "13:15", "14:15", "15:15", "16:15", "17:15", "18:15", "19:15",
)  # fmt: skip
LATE_SLOT = (datetime(2024, 9, 14, 23, 30), datetime(2024, 9, 15, 0, 30))
LUNCH = ("12:15", "13:15")

TOPICS = (
    "Skatepark für alle",
    "Busverbindung am Abend",
    "Jugendraum renovieren",
    "Mehr Grün auf dem Schulhof",
    "Öffnungszeiten der Bücherei",
    "Sicher Radfahren",
    "Müll vermeiden beim Stadtfest",
    "Jugendrat gründen – wie geht das?",
    "Graffiti-Wand 🎨",
    "Kostenloses WLAN am Marktplatz",
)
HOSTS = ("Ana", "Ben", "Çağla", "Dörte", "Emil", "Fatima", "Gustav", "Hannah")

HOSTILE_TITLES = (
    "<script>alert(1)</script>",
    "\"Quotes\" & 'apostrophes' <b>bold</b> &amp; &lt;",
    "שלום עולם – مرحبا بالعالم",
    "Rechtsschutzversicherungsgesellschaftenkammerjugendbeteiligungsgesetzausführungs",
    "🎉 Party-Planung 🏳️‍🌈 mit Emoji 👩🏽‍💻",
    "# Überschrift\n- Liste [Link](javascript:alert(1)) | Tabelle ~~durch~~",
    '=HYPERLINK("http://example.invalid")',
    "Steuer\x00zeichen und \u202eumgedreht",
)
LONG_WORD = HOSTILE_TITLES[3]


def translator(language: str = "de") -> Translate:
    """``t(key, **values)`` from the project's catalogues, as handlers would pass it."""
    return functools.partial(catalogues().text, language)


def at(day: datetime, clock: str) -> datetime:
    hours, minutes = (int(part) for part in clock.split(":"))
    return day.replace(hour=hours, minute=minutes)


def day_slots(day: datetime, starts: tuple[str, ...], first_id: int) -> list[AgendaSlot]:
    slots = [
        AgendaSlot(first_id + index, at(day, start), at(day, start) + SESSION_LENGTH)
        for index, start in enumerate(starts)
    ]
    lunch = AgendaSlot(first_id + len(starts), at(day, LUNCH[0]), at(day, LUNCH[1]), blocked=True)
    return [*slots, lunch]


def two_day_slots() -> tuple[AgendaSlot, ...]:
    first = day_slots(FIRST_DAY, DAY_ONE_STARTS, first_id=1)
    late = AgendaSlot(50, *LATE_SLOT)
    second = day_slots(SECOND_DAY, DAY_TWO_STARTS, first_id=100)
    return (*first, late, *second)


def one_day_slots() -> tuple[AgendaSlot, ...]:
    return tuple(day_slots(FIRST_DAY, DAY_ONE_STARTS[:4], first_id=1))


def camp(**changes: object) -> Agenda:
    base = Agenda(
        code="JBC-MUSTERSTADT",
        name="Jugend-BarCamp Musterstadt",
        place="Jugendzentrum Alte Mühle",
        timezone=TIMEZONE,
        rooms=ROOMS,
        slots=one_day_slots(),
    )
    return dataclasses.replace(base, **changes)  # type: ignore[arg-type]


def bare_camp() -> Agenda:
    """Just created: no rooms, no slots, no sessions."""
    return camp(rooms=(), slots=(), place="")


def empty_camp(published: bool = False) -> Agenda:
    """Rooms and slots set up, no session yet."""
    return camp(published=published)


def one_session_camp(published: bool = True, language: str = "de") -> Agenda:
    session = AgendaSession(
        id=7,
        number=1,
        title="Skatepark für alle",
        description="Wo könnte ein Skatepark hin? Wir sammeln Ideen für den Jugendrat.",
        hosts=("Ana", "Ben"),
        votes=12,
        slot_id=2,
        room_id=1,
    )
    return camp(sessions=(session,), published=published, language=language)


def full_camp(published: bool = True) -> Agenda:
    """120 sessions over two days: six rooms, twenty open slots, two breaks."""
    open_slots = [slot for slot in two_day_slots() if not slot.blocked]
    sessions = [
        _generated_session(number, slot, room)
        for number, (slot, room) in enumerate(
            ((slot, room) for slot in open_slots for room in ROOMS), start=1
        )
    ]
    return camp(
        name="Jugend-BarCamp Musterstadt 2024",
        slots=two_day_slots(),
        sessions=tuple(sessions),
        published=published,
    )


def _generated_session(number: int, slot: AgendaSlot, room: AgendaRoom) -> AgendaSession:
    topic = TOPICS[number % len(TOPICS)]
    return AgendaSession(
        id=1000 + number,
        number=number,
        title=f"{topic} ({number})",
        description=f"Session {number}: {topic}. Bring Ideen mit, alle sind willkommen.",
        hosts=(HOSTS[number % len(HOSTS)], HOSTS[(number + 3) % len(HOSTS)]),
        votes=(number * 7) % 23,
        slot_id=slot.id,
        room_id=room.id,
    )


def hostile_camp(published: bool = True) -> Agenda:
    """Everything users type is hostile or odd; one session is not placed yet."""
    open_slots = [slot for slot in one_day_slots() if not slot.blocked]
    rooms = (*ROOMS[:2], AgendaRoom(9, '<Raum & "Co"> \u05d7\u05d3\u05e8', 10))
    places = [(slot, room) for slot in open_slots for room in rooms]
    sessions = [
        AgendaSession(
            id=500 + index,
            number=index + 1,
            title=title,
            description=f"{title}\n\n<img src=x onerror=alert(1)> & more",
            hosts=("<b>Mallory</b>", 'O\'Brien & "Eve"'),
            votes=index,
            slot_id=slot.id,
            room_id=room.id,
        )
        for index, (title, (slot, room)) in enumerate(zip(HOSTILE_TITLES, places, strict=False))
    ]
    waiting = AgendaSession(id=599, number=99, title="<i>Noch offen</i>", description="")
    return camp(
        name='<b>Camp</b> & "Co" \u202e',
        place="<script>alert('place')</script>",
        rooms=rooms,
        sessions=(*sessions, waiting),
        published=published,
    )


SAMPLES = {
    "bare": bare_camp,
    "empty": empty_camp,
    "one": one_session_camp,
    "full": full_camp,
    "hostile": hostile_camp,
}


FIXED_NOW = datetime(2024, 9, 1, 8, 0, tzinfo=UTC)


def render(format_name: str, agenda: Agenda, language: str | None = None) -> bytes:
    """One export of `agenda` through the registry, in the agenda's language by default."""
    return EXPORTERS[format_name].render(agenda, translator(language or agenda.language))


def render_with(exporter: Exporter, agenda: Agenda, language: str = "de") -> bytes:
    return exporter.render(agenda, translator(language))


def fixed_clock() -> datetime:
    return FIXED_NOW
