"""Next year's camp from this year's: the same rooms, the slots on the new day."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date

from handlers.barcamp.camp_input import SlotInput

YEAR = re.compile(r"(?<!\d)(?:19|20)\d\d(?!\d)")


def shifted_slots(slots: Sequence[SlotInput], old_day: date, new_day: date) -> list[SlotInput]:
    """Each slot the same number of days after the new day as after the old one, at the
    same wall-clock time (a second day stays the second day)."""
    shift = new_day - old_day
    return [SlotInput(slot.starts_at + shift, slot.ends_at + shift, slot.blocked) for slot in slots]


def next_name(name: str, old_day: date, new_day: date) -> str:
    """ "BarCamp 2026" becomes "BarCamp 2027"; a name without its year stays as it is."""
    old, new = str(old_day.year), str(new_day.year)
    return YEAR.sub(lambda match: new if match.group(0) == old else match.group(0), name)
