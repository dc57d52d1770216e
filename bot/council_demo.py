"""`barcamp-bot demo --council`: the youth council's first months, after the demo camp.

The same simulated people talk to the same router: the organiser founds the council,
links the camp and invites its people; some accept, some decline, some never answer.
A date poll finds the first meeting (some members answer, the others get the poll's
reminder, the organiser confirms the proposed date), then a meeting every two weeks
starts, one occurrence moves and one is cancelled, and the reminders before the first
meetings go out with their "I'm coming" buttons. The timed work runs as the scheduler
would run it, on the demo's clock. It writes `council-meetings.ics` (the calendar of
`/export ics`) and `council-members.csv` (the roster of `/members`).

The same seed gives the same files: choices come from the demo's random generator and
the clock moves only as set here.
"""

from __future__ import annotations

import csv
import io
import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Protocol

from bot.bootstrap import App
from handlers.core.i18n import Catalogues
from handlers.core.join_codes import CODE_ALPHABET, CODE_LENGTH
from handlers.core.messages import Reply
from handlers.core.timed_work import run_due
from schedules.core.clock import ManualClock
from storage.core.shared_tables import Role
from storage.uow import UnitOfWork

COUNCIL_NAME = "Jugendrat Demostadt"
COUNCIL_PLACE = "Rathaus Demostadt"
# A week after the camp day the council is founded; its dates come after that.
FOUNDED = datetime(2027, 6, 19, 8, 0, tzinfo=UTC)
POLL = "Erste Sitzung | 2027-07-06 17:00 | 2027-07-07 18:00 | 2027-07-08 17:00"
POLL_DEADLINE = "2027-06-30 12:00"
SERIES = "Jugendrat | 2027-07-20 17:00 90 | Rathaus Demostadt | alle 2 Wochen bis 2027-12-21"
# The series is meeting 2 (the date poll's meeting is 1): its third one moves, its fifth
# is cancelled.
MOVED, MOVED_TO, CANCELLED = "2.3", "2027-08-18 18:00", "2.5"
# Until when the timed work runs: past the reminders of the series' first meeting.
RUN_UNTIL = datetime(2027, 7, 20, 16, 0, tzinfo=UTC)
ANSWERS = ("yes", "yes", "maybe", "no")


class Speaker(Protocol):
    """A simulated person of the demo (`bot.demo.DemoPerson`)."""

    @property
    def user_id(self) -> str: ...

    def says(self, text: str) -> list[Reply]: ...

    def presses(self, data: str) -> list[Reply]: ...


@dataclass(frozen=True)
class CouncilReport:
    code: str
    invited: int
    # Who accepted the invitation (the organiser founded the council).
    joined: int
    files: tuple[Path, ...]

    def lines(self, texts: Catalogues, language: str) -> list[str]:
        summary = texts.text(
            language,
            "demo.council_done",
            name=COUNCIL_NAME,
            code=self.code,
            invited=texts.text(language, "demo.invited", invited=self.invited),
            joined=self.joined,
        )
        return [summary, *(f"  {path}" for path in self.files)]


def run_council(
    app: App,
    organiser: Speaker,
    people: Sequence[Speaker],
    camp_code: str,
    out: Path,
    rng: random.Random,
) -> CouncilReport:
    clock = app.clock
    if not isinstance(clock, ManualClock):
        raise TypeError("the council demo runs on the demo's manual clock")
    # The camp day's reminders go out at their times first, as the running bot sends them.
    _run_timed_work(app, clock, FOUNDED)
    organiser.says(f"/newcouncil {COUNCIL_NAME} | {COUNCIL_PLACE}")
    code = _seeded_code(app, organiser, rng)
    organiser.says(f"/linkcamp {camp_code}")
    organiser.says("/invitecamp")
    invited = [person for person in people if _invited(app, person, code)]
    members = _answer_invitations(invited, code, rng)
    _find_first_date(app, clock, organiser, members, rng)
    organiser.says(f"/meeting add {SERIES}")
    organiser.says(f"/meeting move {MOVED} {MOVED_TO}")
    organiser.says(f"/meeting cancel {CANCELLED}")
    _run_timed_work(app, clock, RUN_UNTIL)
    series = _series_id(app, code)
    for member in members:
        if rng.random() < 0.7:  # most answer the first reminder's buttons
            member.presses(f"attend {series} 1 {rng.choice(('yes', 'yes', 'no'))}")
    files = (_write_calendar(organiser, out), _write_roster(app, code, out))
    return CouncilReport(code, len(invited), len(members), files)


def _council_id(uow: UnitOfWork, code: str) -> int:
    council = uow.events.by_code(code)
    if council is None or council.id is None:
        raise RuntimeError(f"the demo council {code} is gone")
    return council.id


def _series_id(app: App, code: str) -> int:
    """The two-weekly series: the council's second meeting (the poll's is the first)."""
    with app.uow_factory(read_only=True) as uow:
        series = uow.meetings.by_number(_council_id(uow, code), 2)
        if series is None or series.id is None or series.rrule is None:
            raise RuntimeError("/meeting add did not create the demo's series")
        return series.id


def _seeded_code(app: App, organiser: Speaker, rng: random.Random) -> str:
    """The new council's join code, made from the seed (as the demo camp's is)."""
    code = "".join(rng.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    with app.uow_factory() as uow:
        council = uow.events.by_code(_active_code(app, organiser))
        if council is None:
            raise RuntimeError("/newcouncil did not create the demo council")
        council.code = code
    return code


def _active_code(app: App, person: Speaker) -> str:
    with app.uow_factory(read_only=True) as uow:
        found = uow.people.by_identity("demo", person.user_id)
        event = uow.events.get(found.active_event_id) if found and found.active_event_id else None
        if event is None:
            raise RuntimeError("/newcouncil did not create the demo council")
        return event.code


def _invited(app: App, person: Speaker, code: str) -> bool:
    with app.uow_factory(read_only=True) as uow:
        council = uow.events.by_code(code)
        found = uow.people.by_identity("demo", person.user_id)
        if council is None or council.id is None or found is None or found.id is None:
            return False
        return uow.council_invitations.of(council.id, found.id) is not None


def _answer_invitations(invited: Sequence[Speaker], code: str, rng: random.Random) -> list[Speaker]:
    """Two in three press "join", some decline, the rest never answer."""
    members = []
    for person in invited:
        chance = rng.random()
        if chance < 0.66:
            person.presses(f"join {code}")
            members.append(person)
        elif chance < 0.8:
            person.presses(f"declineinvite {code}")
    return members


def _find_first_date(
    app: App, clock: ManualClock, organiser: Speaker, members: Sequence[Speaker], rng: random.Random
) -> None:
    """The date poll: most members answer every date, the rest are reminded; at the
    deadline the poll closes and the organiser confirms the proposed date."""
    organiser.says(f"/datepoll {POLL} | bis {POLL_DEADLINE}")
    for member in members:
        if rng.random() < 0.75:
            for position in (1, 2, 3):
                member.presses(f"dateanswer 1 {position} {rng.choice(ANSWERS)}")
    deadline = datetime.fromisoformat(POLL_DEADLINE).replace(tzinfo=UTC) + timedelta(hours=1)
    _run_timed_work(app, clock, deadline)
    organiser.presses(f"dateconfirm 1 {_proposed_date(app, organiser)}")


def _run_timed_work(app: App, clock: ManualClock, until: datetime) -> None:
    """Each stored item at its own time, as the scheduler would run it."""
    while True:
        with app.uow_factory(read_only=True) as uow:
            due = sorted(item.due_at for item in uow.timed_items.pending() if item.due_at <= until)
        if not due:
            break
        clock.set(max(due[0], clock.now()))
        run_due(app.uow_factory, clock, app.router.catalogues, app.router.config)
    clock.set(max(until, clock.now()))


def _proposed_date(app: App, organiser: Speaker) -> int:
    """The position of the date that closing proposed (the organiser's confirm button)."""
    with app.uow_factory(read_only=True) as uow:
        council_id = _council_id(uow, _active_code(app, organiser))
        poll = uow.polls.by_number(council_id, 1)
        date_poll = uow.date_polls.get(poll.id) if poll is not None and poll.id else None
        if poll is None or poll.id is None or date_poll is None:
            raise RuntimeError("/datepoll did not create the demo's date poll")
        options = [option.id for option in uow.polls.options(poll.id)]
        if date_poll.proposed_option_id not in options:
            raise RuntimeError("the demo's date poll proposed no date")
        return options.index(date_poll.proposed_option_id) + 1


def _write_calendar(organiser: Speaker, out: Path) -> Path:
    for reply in organiser.says("/export ics"):
        if reply.document is not None:
            path = out / reply.document.filename
            path.write_bytes(reply.document.content)
            return path
    raise RuntimeError("/export ics sent no calendar")


def _write_roster(app: App, code: str, out: Path) -> Path:
    """The roster as `/members` shows it: number, name, role, platforms."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(("number", "name", "role", "platforms"))
    with app.uow_factory(read_only=True) as uow:
        roster = uow.events.roster(_council_id(uow, code))
        platforms = uow.people.platforms([membership.person_id for membership, _ in roster])
        for number, (membership, person) in enumerate(roster, start=1):
            role = "member" if membership.role is Role.PARTICIPANT else membership.role.value
            on = " ".join(platforms.get(membership.person_id, []))
            writer.writerow((number, person.display_name, role, on))
    path = out / "council-members.csv"
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return path
