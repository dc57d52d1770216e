"""`barcamp-bot demo --council`: after the camp, the council's first months through the
same handlers; its calendar and roster are written beside the camp's files, the same
for the same seed."""

from __future__ import annotations

import csv
import io
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import recurring_ical_events
from icalendar import Calendar

from bot.council_demo import CANCELLED, COUNCIL_NAME, MOVED_TO
from bot.demo import DemoSize, run_demo
from bot.settings import Settings
from handlers.core.i18n import catalogues
from tests.integration.bot.test_cli import cli

BERLIN = ZoneInfo("Europe/Berlin")


def test_demo_council_writes_its_calendar_and_roster(tmp_path: Path) -> None:
    result = cli(tmp_path, "demo", "--council", "--out", "out", "--people", "12",
                 "--sessions", "6", "--seed", "5")  # fmt: skip
    assert result.returncode == 0, result.stderr
    out = tmp_path / "out"
    assert {"council-meetings.ics", "council-members.csv", "agenda.ics"} <= {
        path.name for path in out.iterdir()
    }
    assert any(COUNCIL_NAME in line for line in result.stdout.splitlines())
    roster = list(csv.DictReader(io.StringIO((out / "council-members.csv").read_text())))
    assert roster[0]["role"] == "organiser"
    joined = [row for row in roster if row["role"] == "member"]
    assert 1 <= len(joined) <= 12, "some of the camp's 12 accepted, nobody else"
    assert [int(row["number"]) for row in roster] == list(range(1, len(roster) + 1))
    calendar = Calendar.from_ical((out / "council-meetings.ics").read_bytes())
    events = calendar.walk("VEVENT")
    series = [event for event in events if "RRULE" in event and "RECURRENCE-ID" not in event]
    assert len(series) == 1, "one series, every two weeks"
    assert series[0]["RRULE"]["INTERVAL"] == [2]
    assert [event for event in events if "RECURRENCE-ID" in event], "one meeting moved"
    assert "EXDATE" in series[0], "one meeting cancelled"
    starts = [
        occurrence["DTSTART"].dt.astimezone(BERLIN).replace(tzinfo=None)
        for occurrence in recurring_ical_events.of(calendar).between(
            datetime(2027, 6, 1), datetime(2028, 1, 1)
        )
    ]
    assert datetime.fromisoformat(MOVED_TO) in starts
    # The date poll's meeting (in July, at a date the poll offered) comes first.
    assert starts[0] in {
        datetime(2027, 7, 6, 17),
        datetime(2027, 7, 7, 18),
        datetime(2027, 7, 8, 17),
    }
    assert CANCELLED == "2.5"
    assert datetime(2027, 9, 14, 17) not in starts  # the series' fifth, cancelled
    # The same seed, the same files.
    again = tmp_path / "again"
    settings = Settings(database_url=f"sqlite:///{tmp_path}/x.sqlite3", _env_file=None)  # type: ignore[call-arg]
    run_demo(settings, again, DemoSize(12, 6, 5, council=True), catalogues())
    for name in ("council-meetings.ics", "council-members.csv"):
        assert (again / name).read_bytes() == (out / name).read_bytes(), name
