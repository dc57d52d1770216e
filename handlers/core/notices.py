"""Messages to people outside an answer, each in the person's language, via the outbox."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import datetime

from handlers.core.config import CoreConfig
from handlers.core.i18n import Catalogues, Voice
from handlers.core.messages import Reply
from handlers.core.outbox_replies import PRIORITY_ANNOUNCEMENT, PRIORITY_NOTICE, enqueue_for_person
from storage.core.shared_tables import Person
from storage.uow import UnitOfWork


def voice_of(person: Person, texts: Catalogues, config: CoreConfig) -> Voice:
    return Voice(texts, person.language or config.default_language)


def voices(
    uow: UnitOfWork, person_ids: Iterable[int], texts: Catalogues, config: CoreConfig
) -> Iterator[tuple[Person, Voice]]:
    """The people who still exist, each with their language, in a stable order."""
    for person_id in sorted(person_ids):
        person = uow.people.get(person_id)
        if person is not None:
            yield person, voice_of(person, texts, config)


def tell_person(
    uow: UnitOfWork,
    person: Person,
    text: str,
    now: datetime,
    *,
    priority: int = PRIORITY_NOTICE,
    batch: str | None = None,
) -> bool:
    """Queue an already translated text to every platform of the person; False if none."""
    assert person.id is not None
    return enqueue_for_person(uow, person.id, Reply(text), now, priority, batch) > 0


def tell_members(
    uow: UnitOfWork,
    event_id: int,
    key: str,
    now: datetime,
    texts: Catalogues,
    config: CoreConfig,
    **values: object,
) -> int:
    """One message per member in their language, as a batch behind the answers."""
    batch = f"{key}-{event_id}-{now:%Y%m%d%H%M%S}"
    return sum(
        tell_person(
            uow,
            person,
            voice_of(person, texts, config).t(key, **values),
            now,
            priority=PRIORITY_ANNOUNCEMENT,
            batch=batch,
        )
        for person in uow.events.members(event_id)
    )


def members_reachable(uow: UnitOfWork, event_id: int) -> int:
    """How many members `tell_members` reaches: those with a platform account that can
    still be reached."""
    return sum(
        any(identity.unreachable_at is None for identity in uow.people.identities(_id(person)))
        for person in uow.events.members(event_id)
    )


def _id(person: Person) -> int:
    assert person.id is not None
    return person.id
