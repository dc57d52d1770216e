"""A youth council made through the router, as its organiser makes it."""

from __future__ import annotations

import re

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
