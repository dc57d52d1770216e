"""The JSON file format of `barcamp-bot plan` (a public contract; see docs/planner.md).

Input:  {"rooms": [{"id", "name", "capacity"}],
         "slots": [{"id", "start", "end", "blocked"?}],
         "sessions": [{"id", "title", "hosts", "voters", "pinned"?: {"slot", "room"} | null}]}
Output: {"assignments": [{"session", "slot", "room"}], "unscheduled": [ids],
         "missed", "overflow", "bound", "seconds", "optimal", "method"}

Ids are JSON integers or strings and come back exactly as given. Every problem is an
`InstanceError` naming the place, e.g. `sessions[3].pinned.room: no room with id "R9"`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

from schedules.barcamp.planner.model import (
    Identifier,
    Instance,
    InstanceError,
    Pin,
    Room,
    Session,
    Slot,
    check_identifier,
    describe,
)
from schedules.barcamp.planner.solve import PlanResult, plan


def load_instance(source: str | bytes | Mapping[str, Any]) -> Instance:
    """An instance from JSON text or from an already parsed mapping."""
    document = _parse(source) if isinstance(source, str | bytes) else source
    if not isinstance(document, Mapping):
        raise InstanceError("", f"the file must hold a JSON object, not {describe(document)}")
    return Instance(
        rooms=tuple(_room(item, where) for item, where in _items(document, "rooms")),
        slots=tuple(_slot(item, where) for item, where in _items(document, "slots")),
        sessions=tuple(_session(item, where) for item, where in _items(document, "sessions")),
    )


def dump_instance(instance: Instance) -> dict[str, Any]:
    """The JSON form of an instance; `load_instance` reads it back unchanged."""
    return {
        "rooms": [{"id": r.id, "name": r.name, "capacity": r.capacity} for r in instance.rooms],
        "slots": [
            {
                "id": t.id,
                "start": t.start.isoformat(),
                "end": t.end.isoformat(),
                "blocked": t.blocked,
            }
            for t in instance.slots
        ],
        "sessions": [
            {
                "id": s.id,
                "title": s.title,
                "hosts": list(s.hosts),
                "voters": list(s.voters),
                "pinned": None
                if s.pinned is None
                else {"slot": s.pinned.slot, "room": s.pinned.room},
            }
            for s in instance.sessions
        ],
    }


def dump_result(result: PlanResult, instance: Instance | None = None) -> dict[str, Any]:
    """The JSON form of a plan; with the instance, assignments are in grid order."""
    assignments = list(result.assignments.items())
    if instance is not None:
        slot_order = {slot.id: index for index, slot in enumerate(instance.slots)}
        room_order = {room.id: index for index, room in enumerate(instance.rooms)}
        assignments.sort(key=lambda item: (slot_order[item[1][0]], room_order[item[1][1]]))
    return {
        "assignments": [
            {"session": session, "slot": slot, "room": room}
            for session, (slot, room) in assignments
        ],
        "unscheduled": list(result.unscheduled),
        "missed": result.missed,
        "overflow": result.overflow,
        "bound": result.bound,
        "seconds": round(result.seconds, 3),
        "optimal": result.optimal,
        "method": result.method,
    }


def plan_file(path: Path, time_limit: float = 10.0) -> str:
    """Plan the instance in a JSON file; the result as JSON text (for the CLI)."""
    try:
        text = path.read_bytes()
    except OSError as error:
        raise InstanceError(str(path), f"cannot read the file: {error.strerror}") from error
    instance = load_instance(text)
    result = plan(instance, time_limit=time_limit)
    return json.dumps(dump_result(result, instance), indent=2, ensure_ascii=False)


# -- parsing ---------------------------------------------------------------------


def _parse(text: str | bytes) -> Any:
    try:
        return json.loads(text, object_pairs_hook=_unique_keys, parse_constant=_no_constant)
    except json.JSONDecodeError as error:
        raise InstanceError(
            "", f"not JSON: {error.msg} (line {error.lineno}, column {error.colno})"
        ) from error
    except UnicodeDecodeError as error:
        raise InstanceError("", "not JSON: the file is not UTF-8 text") from error


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    document: dict[str, Any] = {}
    for key, value in pairs:
        if key in document:
            raise InstanceError(
                "", f"not valid: the key {json.dumps(key)} appears twice in one object"
            )
        document[key] = value
    return document


def _no_constant(name: str) -> Any:
    raise InstanceError("", f"not JSON: {name} is not a number")


def _items(document: Mapping[str, Any], key: str) -> list[tuple[Mapping[str, Any], str]]:
    items = _field(document, key, list, "", "an array")
    return [
        (_object(item, f"{key}[{index}]"), f"{key}[{index}]") for index, item in enumerate(items)
    ]


def _object(value: object, where: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise InstanceError(where, f"must be an object, not {describe(value)}")
    return value


_REQUIRED: Any = object()


def _field(
    item: Mapping[str, Any],
    key: str,
    kind: type,
    where: str,
    kind_name: str,
    default: Any = _REQUIRED,
) -> Any:
    path = f"{where}.{key}" if where else key
    if key not in item:
        if default is not _REQUIRED:
            return default
        raise InstanceError(where, f'missing key "{key}"')
    value = item[key]
    # JSON true/false must not pass for the integers 1 and 0.
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise InstanceError(path, f"must be {kind_name}, not {describe(value)}")
    return value


def _identifier(item: Mapping[str, Any], key: str, where: str) -> Identifier:
    if key not in item:
        raise InstanceError(where, f'missing key "{key}"')
    return check_identifier(item[key], f"{where}.{key}")


def _identifiers(item: Mapping[str, Any], key: str, where: str) -> tuple[Identifier, ...]:
    values = _field(item, key, list, where, "an array of ids")
    return tuple(
        check_identifier(value, f"{where}.{key}[{index}]") for index, value in enumerate(values)
    )


def _time(item: Mapping[str, Any], key: str, where: str) -> datetime:
    text = _field(item, key, str, where, "an ISO 8601 time as a string")
    try:
        return datetime.fromisoformat(text)
    except ValueError as error:
        raise InstanceError(
            f"{where}.{key}", f"not an ISO 8601 time: {json.dumps(text)}"
        ) from error


def _room(item: Mapping[str, Any], where: str) -> Room:
    return Room(
        id=_identifier(item, "id", where),
        name=_field(item, "name", str, where, "a string"),
        capacity=_field(item, "capacity", int, where, "an integer"),
    )


def _slot(item: Mapping[str, Any], where: str) -> Slot:
    return Slot(
        id=_identifier(item, "id", where),
        start=_time(item, "start", where),
        end=_time(item, "end", where),
        blocked=_field(item, "blocked", bool, where, "true or false", default=False),
    )


def _session(item: Mapping[str, Any], where: str) -> Session:
    pinned = _field(item, "pinned", object, where, "", default=None)
    return Session(
        id=_identifier(item, "id", where),
        title=_field(item, "title", str, where, "a string"),
        hosts=_identifiers(item, "hosts", where),
        voters=_identifiers(item, "voters", where),
        pinned=None if pinned is None else _pin(pinned, f"{where}.pinned"),
    )


def _pin(value: object, where: str) -> Pin:
    pin = _object(value, where)
    return Pin(slot=_identifier(pin, "slot", where), room=_identifier(pin, "room", where))
