"""The core's domain events, which every domain may subscribe to (`message_bus.handles`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from handlers.core.message_bus import DomainEvent


@dataclass(frozen=True)
class PersonForgetting(DomainEvent):
    """/forgetme: the person is about to be removed. Handled before the core removes them
    (`handlers.core.person_removal`), so each domain first forgets or anonymises its own rows."""

    person_id: int


@dataclass(frozen=True)
class EventAnonymising(DomainEvent):
    """Retention: the event's personal data is about to go (`handlers.core.retention`).
    Handled before the core removes the memberships, so each domain first anonymises its
    rows of the event (votes become counts; what the event decided stays)."""

    event_id: int


@dataclass(frozen=True)
class GuardianConsentAwaited(DomainEvent):
    """Someone under 16 waits in an event that asks for a guardian's consent."""

    event_id: int
    person_id: int


@dataclass(frozen=True)
class GuardianConsentConfirmed(DomainEvent):
    """An organiser has the guardian's form: the person is in."""

    event_id: int
    person_id: int


@dataclass(frozen=True)
class GroupUnlinked(DomainEvent):
    """/unlinkgroup: a group chat on `platform` no longer belongs to the event."""

    event_id: int
    platform: str
    by_person_id: int


@dataclass(frozen=True)
class PeopleMerged(DomainEvent):
    """/link: two platform accounts are one person now. Handled before the core moves its
    own rows and removes `gone` (`handlers.core.identity_linking`), so each domain first
    moves its rows of `gone` to `kept` (a vote both cast counts once)."""

    kept: int
    gone: int


@dataclass(frozen=True)
class RoleChanged(DomainEvent):
    """/role: an organiser gave a member of the event another role."""

    event_id: int
    person_id: int
    role: str
    by: int


@dataclass(frozen=True)
class CampCopyRequested(DomainEvent):
    """/nextcamp in a council: next year's camp, made from `camp_id` (a camp linked to the
    council) with its rooms and its slots on `starts_on`, linked to the council, with
    `organiser_id` as its organiser. The BarCamp handles it: a council knows no camps'
    rooms, and the core knows no domain."""

    council_id: int
    camp_id: int
    starts_on: date
    organiser_id: int
    # None: the old camp's name, its year made the new one's.
    name: str | None = None
