"""A person's own data (GDPR Art. 15 and 20): every section of it, as JSON for `/mydata`.

The core knows what every kind of event keeps (identities, settings, consent, events and
roles, poll answers, a dialog in progress); each domain adds its own sections with one
decorator, so the file always holds everything the bot stores about the person:

    @personal_data("proposals")
    def proposals_of(uow: UnitOfWork, person_id: int) -> list[dict[str, object]]: ...

A section returns plain JSON values (dates as `datetime`/`date`, written as ISO 8601).
It lists the person's own rows only: their votes, for instance, which nobody else sees.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from storage.uow import UnitOfWork

Section = Callable[[UnitOfWork, int], Any]
# Each section by its name in the file, in the order they were registered.
SECTIONS: dict[str, Section] = {}
FILENAME = "my-data.json"
MEDIA_TYPE = "application/json"


def personal_data(name: str) -> Callable[[Section], Section]:
    def register(section: Section) -> Section:
        if name in SECTIONS:
            raise ValueError(f"personal data section {name!r} registered twice")
        SECTIONS[name] = section
        return section

    return register


def collect(uow: UnitOfWork, person_id: int) -> dict[str, Any]:
    return {name: section(uow, person_id) for name, section in SECTIONS.items()}


def as_json(data: dict[str, Any]) -> bytes:
    return json.dumps(data, ensure_ascii=False, indent=2, default=_iso).encode("utf-8")


def _iso(value: object) -> str:
    if isinstance(value, datetime | date):
        return value.isoformat()
    raise TypeError(f"not a JSON value: {value!r}")


def event_codes(uow: UnitOfWork, person_id: int) -> list[tuple[int, str]]:
    """The events the person belongs to, (id, join code), for the domains' sections."""
    return [
        (event.id, event.code)
        for _, event in uow.events.memberships_of(person_id)
        if event.id is not None
    ]


@personal_data("person")
def _person(uow: UnitOfWork, person_id: int) -> dict[str, Any]:
    person = uow.people.get(person_id)
    assert person is not None
    active = uow.events.get(person.active_event_id) if person.active_event_id else None
    return {
        "display_name": person.display_name,
        "language": person.language,
        "reminders": person.remind,
        "active_event": active.code if active is not None else None,
        "first_seen": person.created_at,
    }


@personal_data("identities")
def _identities(uow: UnitOfWork, person_id: int) -> list[dict[str, Any]]:
    return [
        {
            "platform": identity.platform,
            "id": identity.platform_user_id,
            "direct_chat": identity.direct_chat_id,
            "unreachable_since": identity.unreachable_at,
        }
        for identity in uow.people.identities(person_id)
    ]


@personal_data("consent")
def _consent(uow: UnitOfWork, person_id: int) -> list[dict[str, Any]]:
    return [
        {"privacy_policy_version": consent.policy_version, "given_at": consent.given_at}
        for consent in uow.personal_records.consents(person_id)
    ]


@personal_data("events")
def _events(uow: UnitOfWork, person_id: int) -> list[dict[str, Any]]:
    return [
        {
            "code": event.code,
            "name": event.name,
            "kind": event.kind.value,
            "role": membership.role.value,
            "joined_at": membership.joined_at,
        }
        for membership, event in uow.events.memberships_of(person_id)
    ]


@personal_data("poll_answers")
def _poll_answers(uow: UnitOfWork, person_id: int) -> list[dict[str, Any]]:
    return [
        {
            "event": record.event_code,
            "question": record.question,
            "answer": record.answer,
            "answered_at": record.answered_at,
        }
        for record in uow.personal_records.poll_answers(person_id)
    ]


@personal_data("dialog")
def _dialog(uow: UnitOfWork, person_id: int) -> dict[str, Any] | None:
    state = uow.dialogs.get(person_id)
    if state is None:
        return None
    return {
        "name": state.name,
        "step": state.step,
        "answers": state.data,
        "updated_at": state.updated_at,
    }
