"""What a use case gets: the person, their active event, the store and a way to answer."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any, TypeVar

from handlers.core.config import PRIVACY_POLICY_VERSION, CoreConfig
from handlers.core.i18n import Catalogues, normalise_language
from handlers.core.message_bus import DomainEvent, Effects, MessageBus
from handlers.core.message_bus import bus as default_bus
from handlers.core.messages import Attachment, Button, ButtonPress, Chat, ChatKind, Reply, Sender
from handlers.core.validation import Explained
from schedules.core.clock import Clock
from storage.core.shared_tables import Event, Membership, Person, Role
from storage.uow import UnitOfWork

DomainConfig = TypeVar("DomainConfig")


class Refusal(Explained):
    """The person may not do this now; the transaction is rolled back."""


@dataclass
class Context:
    uow: UnitOfWork
    person: Person
    sender: Sender
    chat: Chat
    clock: Clock
    config: CoreConfig
    catalogues: Catalogues
    replies: list[Reply] = field(default_factory=list)
    # What the use case raised, handled once it is done (see `handlers.core.message_bus`);
    # forks share it.
    events: list[DomainEvent] = field(default_factory=list)
    bus: MessageBus = default_bus
    # Each domain's own settings (the BarCamp's `CampConfig`), by type; see `domain_config`.
    domain_configs: Mapping[type, object] = field(default_factory=dict)
    # The press, when a button was pressed (not typed): answers may point at the buttons.
    press: ButtonPress | None = None
    # Asked several times per event (checks, the use case, the refreshed view). Only
    # what cannot be undone within the event is kept: a consent given, the active event
    # (also against the store's weak identity map), a membership.
    _consented: bool = field(default=False, init=False, repr=False, compare=False)
    _event: Event | None = field(default=None, init=False, repr=False, compare=False)
    _membership: Membership | None = field(default=None, init=False, repr=False, compare=False)

    def fork(self, **changes: Any) -> Context:
        """The same person and event with other fields (chat, replies), knowing as much."""
        forked = replace(self, **changes)
        forked._consented, forked._event = self._consented, self._event
        forked._membership = self._membership
        return forked

    # -- who and where -------------------------------------------------------------

    @property
    def person_id(self) -> int:
        assert self.person.id is not None
        return self.person.id

    @property
    def language(self) -> str:
        if self.person.language:
            return self.person.language
        return normalise_language(self.sender.language_hint, self.config.default_language)

    @property
    def consented(self) -> bool:
        if not self._consented:
            self._consented = self.uow.people.has_consent(self.person_id, PRIVACY_POLICY_VERSION)
        return self._consented

    @property
    def pressed(self) -> bool:
        return self.press is not None

    @property
    def in_group(self) -> bool:
        return self.chat.kind is ChatKind.GROUP

    def now(self) -> datetime:
        return self.clock.now()

    def domain_config(self, kind: type[DomainConfig]) -> DomainConfig:
        """A domain's settings, e.g. `ctx.domain_config(CampConfig)`: the core knows
        none of them, the bot's wiring gives them to the router."""
        found = self.domain_configs.get(kind)
        if not isinstance(found, kind):
            raise LookupError(f"the router was given no {kind.__name__}")
        return found

    def active_event(self) -> Event | None:
        event_id = self.person.active_event_id
        if event_id is None:
            return None
        if self._event is None or self._event.id != event_id:
            self._event = self.uow.events.get(event_id)
        return self._event

    def membership(self) -> Membership | None:
        event = self.active_event()
        if event is None or event.id is None:
            return None
        known = self._membership
        if known is None or known.event_id != event.id:
            known = self._membership = self.uow.events.membership(event.id, self.person_id)
        return known

    def role(self) -> Role | None:
        membership = self.membership()
        return membership.role if membership else None

    def require_event(self) -> Event:
        """The active event, or a refusal that says how to join one."""
        event = self.active_event()
        if event is None or self.membership() is None:
            if event is not None and self._waits_for_guardian(event):
                raise Refusal("guardian.waiting", name=event.name)
            raise Refusal("event.none")
        return event

    def _waits_for_guardian(self, event: Event) -> bool:
        return event.id is not None and self.uow.guardians.is_waiting(event.id, self.person_id)

    def event_id(self) -> int:
        event_id = self.require_event().id
        assert event_id is not None
        return event_id

    # -- answering -----------------------------------------------------------------

    def t(self, key: str, /, **values: object) -> str:
        return self.catalogues.text(self.language, key, **values)

    def reply(
        self,
        key: str,
        /,
        *,
        buttons: tuple[tuple[Button, ...], ...] = (),
        image: Attachment | None = None,
        document: Attachment | None = None,
        **values: object,
    ) -> None:
        self.replies.append(
            Reply(self.t(key, **values), buttons=buttons, image=image, document=document)
        )

    def reply_text(self, text: str, *, buttons: tuple[tuple[Button, ...], ...] = ()) -> None:
        """Send already translated text, e.g. a list assembled from translated lines."""
        self.replies.append(Reply(text, buttons=buttons))

    def button(self, key: str, data: str, /, **values: object) -> Button:
        return Button(self.t(key, **values), data)

    # -- domain events ---------------------------------------------------------------

    def raise_event(self, event: DomainEvent) -> None:
        """Say what happened: its handlers run once the use case is done, in its unit of
        work, and only if it is not refused."""
        self.events.append(event)

    def effects(self) -> Effects:
        """What the handlers get; their notices go along with this answer."""
        return Effects(
            self.uow,
            self.now(),
            self.catalogues,
            self.config,
            answers=self.replies,
            actor=self.person_id,
        )

    # -- dialogs ---------------------------------------------------------------------

    def start_dialog(self, name: str, step: str, data: dict[str, Any] | None = None) -> None:
        self.uow.dialogs.save(self.person_id, name, step, data or {}, self.now())
