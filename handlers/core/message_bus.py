"""Domain events and the message bus: what follows from a use case, in its transaction.

A use case says what happened by raising an event, a frozen dataclass deriving from
`DomainEvent`: `ctx.raise_event(ProposalApproved(...))` in a chat command, or
`due.raise_event(...)` in timed work. Once the use case is done, the router (or the
timed work) hands the events it raised to the bus, which calls each handler subscribed
to the event's type, in the order they subscribed, with the use case's unit of work.
So what the handlers change or queue is committed together with the use case, or
rolled back with it: a failing handler fails the whole event, and a refusal rolls the
use case back before any handler runs (its events are dropped). Events that handlers
raise are handled after those already waiting.

Any domain subscribes with one decorator:

    @handles(ProposalApproved)
    def tell_the_proposer(event: ProposalApproved, effects: Effects) -> None: ...
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypeAlias, TypeVar

from handlers.core.config import CoreConfig
from handlers.core.i18n import Catalogues, Voice
from handlers.core.messages import Reply
from handlers.core.notices import tell_members, tell_person, voice_of, voices
from handlers.core.outbox_replies import PRIORITY_NOTICE, enqueue_for_person
from storage.core.shared_tables import Person
from storage.uow import UnitOfWork


@dataclass(frozen=True)
class DomainEvent:
    """Something that happened, named in the past tense, with plain values only."""


E = TypeVar("E", bound=DomainEvent)
EventHandler: TypeAlias = Callable[[E, "Effects"], None]


@dataclass
class Effects:
    """What an event's handlers work with: the use case's unit of work and time, the
    texts, and ways to tell people (each in their language, via the outbox)."""

    uow: UnitOfWork
    now: datetime
    texts: Catalogues
    config: CoreConfig
    # Notices that go along with the answer to whoever acted (the router passes the
    # answer's replies); None: straight into the outbox (timed work).
    answers: list[Reply] | None = None
    # False when timed work runs later than the grace: handlers still change what they
    # change, but nobody is told anything ("voting closed" an hour late helps nobody).
    sends: bool = True
    raised: list[DomainEvent] = field(default_factory=list)
    # Who acted (the router passes the person whose message this is); None: timed work.
    actor: int | None = None

    def raise_event(self, event: DomainEvent) -> None:
        """A further event, handled after those already waiting."""
        self.raised.append(event)

    def notify(self, person_id: int, key: str, /, **values: object) -> None:
        """Tell one person, in their language, on their platforms; next to the answer."""
        if not self.sends:
            return
        person = self.uow.people.get(person_id)
        if person is None:
            return
        reply = Reply(
            voice_of(person, self.texts, self.config).t(key, **values), to_person=person_id
        )
        if self.answers is not None:
            self.answers.append(reply)
        else:
            enqueue_for_person(self.uow, person_id, reply, self.now, PRIORITY_NOTICE)

    def notify_actor(self, person_id: int, key: str, /, **values: object) -> None:
        """Like `notify`, but the person who acted hears it with the answer, in the chat
        they acted in: once, however many platforms their accounts are on."""
        if self.answers is None or person_id != self.actor:
            self.notify(person_id, key, **values)
            return
        person = self.uow.people.get(person_id)
        if self.sends and person is not None:
            self.answers.append(Reply(voice_of(person, self.texts, self.config).t(key, **values)))

    def tell(self, person: Person, text: str) -> bool:
        """Queue an already translated text to the person at once; False if not sent."""
        return self.sends and tell_person(self.uow, person, text, self.now)

    def tell_members(self, event_id: int, key: str, **values: object) -> int:
        """One message per member in their language, as a batch; how many were told."""
        if not self.sends:
            return 0
        return tell_members(self.uow, event_id, key, self.now, self.texts, self.config, **values)

    def voices(self, person_ids: Iterable[int]) -> Iterator[tuple[Person, Voice]]:
        """The people who still exist, each with their language, in a stable order."""
        return voices(self.uow, person_ids, self.texts, self.config)


class MessageBus:
    """Which handlers follow which event type, and handling events in order."""

    def __init__(self) -> None:
        self._handlers: dict[type[DomainEvent], list[Callable[[Any, Effects], None]]] = {}

    def subscribe(self, event_type: type[E]) -> Callable[[EventHandler[E]], EventHandler[E]]:
        """Decorator: `handler(event, effects)` runs after every `event_type` raised."""

        def register(handler: EventHandler[E]) -> EventHandler[E]:
            handlers = self._handlers.setdefault(event_type, [])
            if handler in handlers:
                raise ValueError(f"{handler!r} subscribed to {event_type.__name__} twice")
            handlers.append(handler)
            return handler

        return register

    def handlers_of(self, event_type: type[DomainEvent]) -> tuple[Callable[..., None], ...]:
        return tuple(self._handlers.get(event_type, ()))

    def handle(self, events: list[DomainEvent], effects: Effects) -> None:
        """Handle and take out `events` in order, then whatever their handlers raise.

        Runs inside the caller's unit of work; an error in a handler propagates, so the
        caller rolls back the use case along with what the handlers did before it.
        """
        queue = deque(events)
        events.clear()
        while queue:
            event = queue.popleft()
            for handler in self._handlers.get(type(event), ()):
                handler(event, effects)
                queue.extend(effects.raised)
                effects.raised.clear()


bus = MessageBus()
handles = bus.subscribe
