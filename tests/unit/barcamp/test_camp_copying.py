"""Next year's camp from this year's: slots on the new day, the year in the name."""

from __future__ import annotations

from datetime import date, datetime

from handlers.barcamp.camp_input import SlotInput
from handlers.barcamp.rules.camp_copying import next_name, shifted_slots

OLD, NEW = date(2027, 6, 13), date(2028, 6, 10)


def test_slots_keep_their_wall_clock_time_and_their_day() -> None:
    slots = [
        SlotInput(datetime(2027, 6, 13, 10), datetime(2027, 6, 13, 10, 45)),
        SlotInput(datetime(2027, 6, 13, 12), datetime(2027, 6, 13, 13), blocked=True),
        SlotInput(datetime(2027, 6, 14, 9, 30), datetime(2027, 6, 14, 10, 15)),
    ]
    assert shifted_slots(slots, OLD, NEW) == [
        SlotInput(datetime(2028, 6, 10, 10), datetime(2028, 6, 10, 10, 45)),
        SlotInput(datetime(2028, 6, 10, 12), datetime(2028, 6, 10, 13), blocked=True),
        SlotInput(datetime(2028, 6, 11, 9, 30), datetime(2028, 6, 11, 10, 15)),
    ]


def test_slots_across_the_summer_time_change_keep_their_hours() -> None:
    # 2027-03-27 is a Saturday before the change, 2028-03-26 is the day of it.
    slots = [SlotInput(datetime(2027, 3, 27, 1, 30), datetime(2027, 3, 27, 4, 0))]
    [moved] = shifted_slots(slots, date(2027, 3, 27), date(2028, 3, 26))
    assert (moved.starts_at.hour, moved.starts_at.minute, moved.ends_at.hour) == (1, 30, 4)


def test_the_old_year_in_the_name_becomes_the_new_one() -> None:
    assert next_name("Jugend-BarCamp 2027", OLD, NEW) == "Jugend-BarCamp 2028"
    assert next_name("BarCamp Musterstadt", OLD, NEW) == "BarCamp Musterstadt"
    # Other numbers and other years stay.
    assert next_name("BarCamp 2027 (seit 2019), Raum 20270", OLD, NEW) == (
        "BarCamp 2028 (seit 2019), Raum 20270"
    )
