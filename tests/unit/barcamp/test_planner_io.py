"""The JSON contract of `barcamp-bot plan`: round trips and bad files."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from schedules.barcamp.planner import Instance, InstanceError, Pin, Room, Session, plan
from schedules.barcamp.planner.io import dump_instance, dump_result, load_instance, plan_file
from tests.unit.barcamp.test_planner_reference import make_slots, naive_objective


def example_document() -> dict[str, Any]:
    """Int and string ids mixed on purpose: both must come back as they were given."""
    return {
        "rooms": [
            {"id": "R1", "name": "Aula", "capacity": 3},
            {"id": 2, "name": "Raum 2", "capacity": 2},
        ],
        "slots": [
            {"id": "T1", "start": "2025-06-14T10:00:00+02:00", "end": "2025-06-14T10:45:00+02:00"},
            {
                "id": 12,
                "start": "2025-06-14T11:00:00+02:00",
                "end": "2025-06-14T12:00:00+02:00",
                "blocked": True,
            },
            {
                "id": "T3",
                "start": "2025-06-14T12:00:00+02:00",
                "end": "2025-06-14T12:45:00+02:00",
                "blocked": False,
            },
        ],
        "sessions": [
            {"id": 1, "title": "Robots", "hosts": ["ana"], "voters": [1, 2, 3], "pinned": None},
            {"id": "s2", "title": "Podcasts", "hosts": ["ben"], "voters": [1, "x"]},
            {
                "id": 3,
                "title": "Klima",
                "hosts": ["ana"],
                "voters": [2, 3],
                "pinned": {"slot": "T3", "room": 2},
            },
            {"id": 4, "title": "Games", "hosts": [], "voters": ["x"], "pinned": None},
        ],
    }


def test_instance_round_trip_keeps_everything() -> None:
    instance = load_instance(json.dumps(example_document()))
    again = load_instance(json.loads(json.dumps(dump_instance(instance))))
    assert again == instance
    assert [s.id for s in instance.sessions] == [1, "s2", 3, 4]
    assert instance.sessions[2].pinned == Pin("T3", 2)
    assert [slot.blocked for slot in instance.slots] == [False, True, False]


def test_result_json_keeps_id_types_and_reports_figures(tmp_path: Path) -> None:
    path = tmp_path / "instance.json"
    path.write_text(json.dumps(example_document()), encoding="utf-8")
    output = json.loads(plan_file(path, time_limit=0.2))
    assert set(output) >= {"assignments", "unscheduled", "missed", "overflow", "bound", "seconds"}
    places = {entry["session"]: (entry["slot"], entry["room"]) for entry in output["assignments"]}
    assert places[3] == ("T3", 2)  # the pin, with its int room id
    assert set(places) | set(output["unscheduled"]) == {1, "s2", 3, 4}
    assert all(slot in ("T1", "T3") for slot, _ in places.values())
    instance = load_instance(example_document())
    assert (output["missed"], output["overflow"]) == naive_objective(instance, places)
    assert output["bound"] <= output["missed"] + output["overflow"]


def test_dump_result_orders_the_grid_by_slot_then_room() -> None:
    instance = Instance(
        rooms=(Room("a", "A", 5), Room("b", "B", 5)),
        slots=make_slots(2),
        sessions=tuple(Session(i, f"S{i}", voters=(f"v{i}",)) for i in range(4)),
    )
    result = plan(instance, time_limit=0.1)
    places = [(e["slot"], e["room"]) for e in dump_result(result, instance)["assignments"]]
    assert places == [("T0", "a"), ("T0", "b"), ("T1", "a"), ("T1", "b")]


def changed(path: str, value: Any) -> dict[str, Any]:
    """The example document with one value replaced (or removed, for ...); path like
    'sessions.2.pinned.room'."""
    document = copy.deepcopy(example_document())
    *parents, last = path.split(".")
    target: Any = document
    for key in parents:
        target = target[int(key)] if isinstance(target, list) else target[key]
    if value is ...:
        del target[last]
    elif isinstance(target, list):
        target[int(last)] = value
    else:
        target[last] = value
    return document


BAD_DOCUMENTS = [
    (changed("rooms.0.capacity", -1), "rooms[0].capacity: must not be negative, got -1"),
    (changed("rooms.0.capacity", "3"), "rooms[0].capacity: must be an integer, not a string"),
    (changed("rooms.1.capacity", True), "rooms[1].capacity: must be an integer, not a boolean"),
    (changed("rooms.1.name", ...), 'rooms[1]: missing key "name"'),
    (changed("rooms.1.id", "R1"), 'rooms[1].id: duplicate id "R1" (also rooms[0])'),
    (changed("sessions.3.id", "s2"), 'sessions[3].id: duplicate id "s2" (also sessions[1])'),
    (changed("slots", ...), 'missing key "slots"'),
    (changed("slots", {}), "slots: must be an array, not an object"),
    (changed("slots.0", "T1"), "slots[0]: must be an object, not a string"),
    (changed("slots.0.end", "2025-06-14T09:00:00+02:00"), "slots[0].end: must be after start"),
    (changed("slots.0.start", "10 Uhr"), 'slots[0].start: not an ISO 8601 time: "10 Uhr"'),
    (changed("slots.0.blocked", "no"), "slots[0].blocked: must be true or false, not a string"),
    (
        changed("slots.2.start", "2025-06-14T11:30:00+02:00"),
        "slots[2]: overlaps slots[1]",
    ),
    (changed("sessions.2.pinned.room", "R9"), 'sessions[2].pinned.room: no room with id "R9"'),
    (changed("sessions.2.pinned.room", "2"), 'sessions[2].pinned.room: no room with id "2"'),
    (changed("sessions.2.pinned.slot", 7), "sessions[2].pinned.slot: no slot with id 7"),
    (changed("sessions.2.pinned.slot", 12), "sessions[2].pinned.slot: slot 12 is blocked"),
    (
        changed("sessions.2.pinned", ["T3", 2]),
        "sessions[2].pinned: must be an object, not an array",
    ),
    (
        changed("sessions.0.pinned", {"slot": "T3", "room": 2}),
        "sessions[2].pinned: same slot and room as sessions[0]",
    ),
    (
        changed("sessions.0.pinned", {"slot": "T3", "room": "R1"}),
        'sessions[2].pinned: host "ana" is also pinned in slot "T3" by sessions[0]',
    ),
    (changed("sessions.1.voters.1", 1), "sessions[1].voters[1]: duplicate voter 1"),
    (
        changed("sessions.1.hosts", "ben"),
        "sessions[1].hosts: must be an array of ids, not a string",
    ),
    (
        changed("sessions.1.hosts.0", None),
        "sessions[1].hosts[0]: must be an integer or a string, not null",
    ),
    (changed("sessions.0.id", 1.5), "sessions[0].id: must be an integer or a string, not a number"),
    (changed("sessions.0.id", " "), "sessions[0].id: must not be empty"),
    (changed("sessions.0.title", ...), 'sessions[0]: missing key "title"'),
]


@pytest.mark.parametrize(("document", "message"), BAD_DOCUMENTS)
def test_bad_documents_name_the_problem_and_place(document: dict[str, Any], message: str) -> None:
    with pytest.raises(InstanceError) as raised:
        load_instance(json.dumps(document))
    assert str(raised.value) == message


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{", "not JSON: Expecting property name enclosed in double quotes (line 1, column 2)"),
        ("[]", "the file must hold a JSON object, not an array"),
        ('{"rooms": [], "rooms": []}', 'not valid: the key "rooms" appears twice in one object'),
        ('{"rooms": [{"id": 1, "name": "A", "capacity": NaN}]}', "not JSON: NaN is not a number"),
        (b'{"rooms": "\xc3\x28"}', "not JSON: the file is not UTF-8 text"),
    ],
)
def test_unreadable_text_is_reported(text: str | bytes, message: str) -> None:
    with pytest.raises(InstanceError) as raised:
        load_instance(text)
    assert str(raised.value) == message


def test_missing_file_is_an_instance_error(tmp_path: Path) -> None:
    with pytest.raises(InstanceError, match="cannot read the file"):
        plan_file(tmp_path / "nope.json", time_limit=0.1)


def test_instances_built_in_python_are_checked_the_same_way() -> None:
    with pytest.raises(InstanceError) as raised:
        Instance(
            rooms=(Room("R1", "Aula", 10),),
            slots=make_slots(1),
            sessions=(Session(1, "A"), Session(2, "B", pinned=Pin("T0", "R9"))),
        )
    assert str(raised.value) == 'sessions[1].pinned.room: no room with id "R9"'
