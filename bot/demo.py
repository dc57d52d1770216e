"""`barcamp-bot demo`: a whole BarCamp in seconds, without a messenger.

Simulated people talk to the same router as on Telegram or Matrix: the organiser
sets up the camp with `/newcamp`, participants join, propose and vote, the organiser
approves, closes the voting, runs `/plan` and `/publish`; then every export format is
written. The store is a fresh SQLite file in a temporary folder, removed afterwards,
so the configured store is never touched.

The same seed gives the same files, byte for byte: random choices come from the seed,
the clock stands still, the join code derives from the seed and the planner's
result depends only on its input and budget.
"""

from __future__ import annotations

import math
import random
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.bootstrap import App, bootstrap
from bot.council_demo import CouncilReport, run_council
from bot.settings import Settings
from handlers.barcamp.agenda_files import FORMATS, export_event
from handlers.barcamp.agenda_loader import build_agenda
from handlers.core.i18n import Catalogues
from handlers.core.join_codes import CODE_ALPHABET, CODE_LENGTH
from handlers.core.messages import ButtonPress, Chat, IncomingText, Reply, Sender
from schedules.core.clock import ManualClock

PLATFORM = "demo"
# The demo happens some weeks before its camp day; both are fixed for reproducible files.
DEMO_NOW = datetime(2027, 5, 3, 16, 0, tzinfo=UTC)
CAMP_NAME = "Jugend-BarCamp Demostadt"
CAMP_DAY = date(2027, 6, 12)
CAMP_PLACE = "Jugendhaus am Markt"
DAY_SLOTS = ("10:00-10:45", "11:00-11:45", "12:00-13:00 Pause", "13:00-13:45", "14:00-14:45")
OPEN_SLOTS = 4
# A grid that still reads well as a picture on a phone; bigger camps get a second day.
MAX_ROOMS = 6
MAX_SESSIONS = 2 * MAX_ROOMS * OPEN_SLOTS
BIG_ROOM, ROOM_CAPACITY = "Aula:60", 20
VOTE_BUDGET = 5
# A short planning budget: a demo camp is small, and newcomers should not wait.
PLAN_SECONDS, PLAN_WORKERS = 2.0, 1

NAMES = (
    "Ana", "Ben", "Çağla", "Dörte", "Emil", "Fatima", "Gustav", "Hannah", "Ilyas", "Jule",
    "Kemal", "Lena", "Mika", "Nour", "Ole", "Paula", "Quentin", "Rosa", "Sören", "Tuğba",
    "Uwe", "Vanessa", "Wiktor", "Xenia", "Yusuf", "Zoë",
)  # fmt: skip
TOPICS = (
    ("Skatepark am See", "Wo könnte er hin, und wer baut mit?"),
    ("Mehr Busse am Abend", "Nach 20 Uhr fährt kaum noch etwas. Was brauchen wir?"),
    ("Jugendraum renovieren", "Farbe, Möbel, WLAN: Wir sammeln Ideen und Hände."),
    ("Graffiti-Wand 🎨", "Eine legale Fläche für Sprayer*innen."),
    ("Jugendrat gründen", "Wie geht das, wer macht mit, was darf er entscheiden?"),
    ("Kostenloses WLAN am Marktplatz", "Freies Netz für alle, auch ohne Datenvolumen."),
    ("Sicher Radfahren zur Schule", "Gefährliche Stellen sammeln und Lösungen vorschlagen."),
    ("Müll vermeiden beim Stadtfest", "Mehrwegbecher, Sammelstationen, weniger Plastik."),
    ("Öffnungszeiten der Bücherei", "Auch am Samstagnachmittag? Lernplätze?"),
    ("Mehr Grün auf dem Schulhof", "Bäume, Hochbeete und Schattenplätze."),
    ("Bandprobenraum", "Ein Raum zum Üben, der nicht die Nachbarn stört."),
    ("Sportplatz abends beleuchten", "Im Winter ist es um 17 Uhr dunkel."),
    ("Kinoabend im Sommer", "Open-Air-Kino im Park, von Jugendlichen organisiert."),
    ("Wie bekommen wir einen Jugendrat, der wirklich mitentscheiden darf?", ""),
    ("Treffpunkt ohne Konsumzwang", "Wo können wir sein, ohne etwas kaufen zu müssen?"),
    ("Mental Health an Schulen", "Ansprechpersonen, Ruheräume, Workshops."),
    ("Barrierefreie Innenstadt", "Rampen, Aufzüge und Leitsysteme, die funktionieren."),
    ("Repair-Café", "Fahrräder, Handys und Kleidung reparieren statt wegwerfen."),
    ("Nachtbus am Wochenende", "Sicher nach Hause von der Party in der Nachbarstadt."),
    ("Bolzplatz erneuern", "Neue Tore und ein Zaun, der hält."),
    ("Klimaschutz in unserer Stadt", "Was können wir vor Ort tun?"),
    ("Schüler*innenzeitung digital", "Eine Website für alle Schulen der Stadt."),
    ("Ferienprogramm 2028", "Was soll es geben, und was darf es kosten?"),
    ("Sprachcafé", "Deutsch, Arabisch, Türkisch, Ukrainisch: voneinander lernen."),
)


@dataclass(frozen=True)
class DemoSize:
    people: int = 30
    sessions: int = 15
    seed: int = 1
    # After the camp, the youth council's first months (`bot.council_demo`).
    council: bool = False


@dataclass(frozen=True)
class DemoReport:
    code: str
    people: int
    placed: int
    rooms: int
    votes: int
    files: tuple[Path, ...]
    council: CouncilReport | None = None

    def lines(self, texts: Catalogues, language: str) -> list[str]:
        """What the terminal shows: the camp, each file, what to do with them."""
        summary = texts.text(
            language,
            "demo.done",
            name=CAMP_NAME,
            code=self.code,
            people=texts.text(language, "demo.people", people=self.people),
            placed=texts.text(language, "demo.sessions", placed=self.placed),
            rooms=texts.text(language, "demo.rooms", rooms=self.rooms),
            votes=texts.text(language, "demo.votes", votes=self.votes),
        )
        files = [f"  {path}" for path in self.files]
        board = texts.text(language, "demo.board_hint", code=self.code)
        lines = [summary, *files, board, texts.text(language, "demo.next")]
        if self.council is not None:
            lines += self.council.lines(texts, language)
        return lines


class DemoPerson:
    """Someone typing into the bot; the answers are returned, nothing is delivered."""

    def __init__(self, app: App, name: str, language: str = "de") -> None:
        self.app = app
        self.sender = Sender(PLATFORM, name.casefold(), name, language)
        self.chat = Chat(PLATFORM, f"dm-{name.casefold()}")
        self.language = language

    @property
    def user_id(self) -> str:
        return self.sender.user_id

    def says(self, text: str) -> list[Reply]:
        return self.app.router.handle(IncomingText(self.sender, self.chat, text))

    def presses(self, data: str) -> list[Reply]:
        return self.app.router.handle(ButtonPress(self.sender, self.chat, data))

    def agrees(self) -> None:
        self.says("/start")
        self.presses(f"consent {self.language}")


def run_demo(
    settings: Settings,
    out: Path,
    size: DemoSize,
    texts: Catalogues,
    on_done: Callable[[App, DemoReport], None] | None = None,
) -> DemoReport:
    """Simulate the camp in a temporary store and write every export into `out`;
    `on_done` runs before the store goes (`--serve` keeps it served meanwhile)."""
    out.mkdir(parents=True, exist_ok=True)
    rng = random.Random(size.seed)
    with tempfile.TemporaryDirectory(prefix="barcamp-demo-") as folder:
        demo_settings = settings.model_copy(
            update={
                "database_url": f"sqlite:///{folder}/demo.sqlite3",
                "plan_seconds": PLAN_SECONDS,
                "plan_workers": PLAN_WORKERS,
            }
        )
        app = bootstrap(demo_settings, clock=ManualClock(DEMO_NOW))
        try:
            report = _simulate(app, out, size, rng, texts)
            if on_done is not None:
                on_done(app, report)
            return report
        finally:
            app.engine.dispose()


class RunningClock:
    """Real time, shifted to start at `start`: the served demo's camp day goes on."""

    def __init__(self, start: datetime) -> None:
        self._shift = start - datetime.now(UTC)

    def now(self) -> datetime:
        return datetime.now(UTC) + self._shift


def demo_day_clock(timezone: str) -> RunningClock:
    """The demo camp's day, 20 minutes into its first session (wall-clock 10:20)."""
    start = datetime.combine(CAMP_DAY, time(10, 20), tzinfo=ZoneInfo(timezone))
    return RunningClock(start.astimezone(UTC))


def _simulate(
    app: App, out: Path, size: DemoSize, rng: random.Random, texts: Catalogues
) -> DemoReport:
    organiser = DemoPerson(app, "Orga-Team")
    code = _join_code(rng)
    event_id = _set_up_camp(app, organiser, size.sessions, code)
    participants = [_participant(app, rng, index) for index in range(size.people)]
    for person in participants:
        person.says(f"/join {code}")
    _propose(organiser, participants, size.sessions, rng)
    for person in participants:
        _vote(person, size.sessions, rng)
    for command in ("/voting close", "/plan", "/publish"):
        organiser.says(command)
    with app.uow_factory() as uow:
        agenda = build_agenda(uow, event_id, app.settings.default_language)
    if not agenda.published:
        raise RuntimeError("the demo's /plan or /publish was refused")
    files = _write_exports(app, code, out, texts)
    votes = sum(session.votes for session in agenda.sessions)
    council = run_council(app, organiser, participants, code, out, rng) if size.council else None
    placed, rooms = len(agenda.scheduled()), len(agenda.rooms)
    return DemoReport(code, size.people, placed, rooms, votes, files, council)


def _set_up_camp(app: App, organiser: DemoPerson, sessions: int, code: str) -> int:
    """`/newcamp` as an organiser would answer it; then the seed's join code. The event id."""
    organiser.agrees()
    rooms, slots = _grid_answers(sessions)
    for answer in ("/newcamp", CAMP_NAME, CAMP_DAY.isoformat(), CAMP_PLACE, rooms, slots):
        organiser.says(answer)
    with app.uow_factory() as uow:
        person = uow.people.by_identity(PLATFORM, organiser.sender.user_id)
        event_id = person.active_event_id if person else None
        event = uow.events.get(event_id) if event_id else None
        if event is None or event.id is None:
            raise RuntimeError("/newcamp did not create the demo camp")
        event.code = code
        return event.id


def _grid_answers(sessions: int) -> tuple[str, str]:
    """Rooms and slots for /newcamp: as few days and rooms as give every session a place."""
    days = math.ceil(sessions / (MAX_ROOMS * OPEN_SLOTS))
    room_count = math.ceil(sessions / (days * OPEN_SLOTS))
    rooms = [BIG_ROOM, *(f"Raum {n}:{ROOM_CAPACITY}" for n in range(1, room_count))]
    # Slots after the first day start with their date.
    slots = [*DAY_SLOTS]
    for later in range(1, days):
        day = CAMP_DAY + timedelta(days=later)
        slots += [f"{day.isoformat()} {slot}" for slot in DAY_SLOTS]
    return ", ".join(rooms), ", ".join(slots)


def _join_code(rng: random.Random) -> str:
    return "".join(rng.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def _participant(app: App, rng: random.Random, index: int) -> DemoPerson:
    name = NAMES[index % len(NAMES)]
    if index >= len(NAMES):
        name = f"{name} {index // len(NAMES) + 1}"
    person = DemoPerson(app, name, rng.choice(("de", "de", "en")))
    person.agrees()
    return person


def _propose(
    organiser: DemoPerson, participants: Sequence[DemoPerson], count: int, rng: random.Random
) -> None:
    """Participants propose (a topic list, repeated with a part number), the team approves.

    Hosts take turns in a shuffled order, so nobody hosts twice while others host nothing.
    """
    hosts = rng.sample(participants, len(participants))
    for number in range(1, count + 1):
        title, description = TOPICS[(number - 1) % len(TOPICS)]
        if number > len(TOPICS):
            title = f"{title} ({(number - 1) // len(TOPICS) + 1})"
        hosts[(number - 1) % len(hosts)].says(f"/propose {title} | {description or '-'}")
        organiser.says(f"/approve {number}")


def _vote(person: DemoPerson, sessions: int, rng: random.Random) -> None:
    """Some topics are popular, most are not: votes follow a skewed popularity."""
    wanted = rng.randint(1, min(VOTE_BUDGET, sessions))
    popularity = {number: 1 / number**0.7 for number in range(1, sessions + 1)}
    # Weighted sampling without replacement (Efraimidis–Spirakis).
    ranked = sorted(popularity, key=lambda number: rng.random() ** (1 / popularity[number]))
    person.says("/vote " + " ".join(str(number) for number in sorted(ranked[-wanted:])))


def _write_exports(app: App, code: str, out: Path, texts: Catalogues) -> tuple[Path, ...]:
    language = app.settings.default_language
    with app.uow_factory() as uow:
        attachments = [
            export_event(uow, code, format_name, texts, language, app.clock.now)
            for format_name in FORMATS
        ]
    for attachment in attachments:
        (out / attachment.filename).write_bytes(attachment.content)
    return tuple(out / attachment.filename for attachment in attachments)
