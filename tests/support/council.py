"""A youth council made through the router, as its organiser makes it."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from storage.council.council_tables import Meeting, MeetingChange
from tests.support.chat import Person

COUNCIL_NAME, COUNCIL_PLACE = "Jugendrat Musterstadt", "Rathaus"


async def create_council(organiser: Person, language: str = "de", quorum: str = "-") -> str:
    """Consent, then /newcouncil guided; returns the join code."""
    await organiser.says("/start")
    await organiser.press(f"consent {language}")
    await organiser.says("/newcouncil")
    for answer in (COUNCIL_NAME, COUNCIL_PLACE, "-"):
        await organiser.says(answer)
    done = await organiser.text(quorum)
    match = re.search(r"/join ([A-Z2-9]{6})", done)
    assert match, done
    return match.group(1)


def meeting_row(number: int, start: datetime, rrule: str | None, **more: object) -> Meeting:
    """A meeting as the store has it (id = number), for the pure rules' tests."""
    return Meeting(
        id=number,
        event_id=1,
        number=number,
        uid=f"meeting-{number}@test",
        title=f"Treffen {number}",
        place="Rathaus",
        starts_at=start,
        rrule=rrule,
        created_at=datetime(2027, 3, 1, tzinfo=UTC),
        **more,
    )


def moved(original: datetime, new: datetime, meeting_id: int = 1) -> MeetingChange:
    return MeetingChange(meeting_id=meeting_id, original_start=original, starts_at=new)


def cancelled(original: datetime, meeting_id: int = 1) -> MeetingChange:
    return MeetingChange(meeting_id=meeting_id, original_start=original, cancelled=True)
