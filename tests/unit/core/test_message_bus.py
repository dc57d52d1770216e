"""The message bus: handlers in order, after the use case, in its transaction, exactly once."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from bot.bootstrap import App
from handlers.core.commands.forgetme import forgetme
from handlers.core.config import CoreConfig
from handlers.core.context import Context, Refusal
from handlers.core.core_events import PersonForgetting
from handlers.core.message_bus import DomainEvent, Effects, MessageBus
from handlers.core.messages import Chat, ChatKind, IncomingText, Reply, Sender
from handlers.core.registry import Registry
from handlers.core.router import Router
from handlers.core.timed_work import WORK, Due, run_item
from storage.core.shared_tables import Event, Role, ScheduledKind
from storage.uow import UnitOfWork
from tests.unit.core.test_flow import t

SENDER = Sender("fake", "ana", "Ana", "de")
CHAT = Chat("fake", "dm-ana", ChatKind.PRIVATE)


@dataclass(frozen=True)
class Renamed(DomainEvent):
    person_id: int
    name: str


@dataclass(frozen=True)
class Echoed(DomainEvent):
    name: str


def bare_effects() -> Effects:
    """For handlers that touch neither the store nor the texts."""
    return Effects(None, None, None, CoreConfig())  # type: ignore[arg-type]


def test_handlers_run_in_the_order_they_subscribed_and_events_in_the_order_raised() -> None:
    bus = MessageBus()
    seen: list[str] = []

    @bus.subscribe(Renamed)
    def first(event: Renamed, effects: Effects) -> None:
        seen.append(f"first {event.name}")
        effects.raise_event(Echoed(event.name))

    @bus.subscribe(Renamed)
    def second(event: Renamed, effects: Effects) -> None:
        seen.append(f"second {event.name}")

    @bus.subscribe(Echoed)
    def echo(event: Echoed, effects: Effects) -> None:
        seen.append(f"echo {event.name}")

    events: list[DomainEvent] = [Renamed(1, "a"), Renamed(1, "b")]
    bus.handle(events, bare_effects())
    # What handlers raise waits behind the events raised before it.
    assert seen == ["first a", "second a", "first b", "second b", "echo a", "echo b"]
    assert events == []  # handled once: taken out
    assert bus.handlers_of(Renamed) == (first, second)


def test_an_event_without_handlers_is_fine_and_a_handler_subscribes_once() -> None:
    bus = MessageBus()
    bus.handle([Echoed("nobody listens")], bare_effects())

    def handler(event: Echoed, effects: Effects) -> None: ...

    bus.subscribe(Echoed)(handler)
    with pytest.raises(ValueError, match="twice"):
        bus.subscribe(Echoed)(handler)


# -- through the router: after the use case, in its unit of work --------------------


@pytest.fixture
def bus() -> MessageBus:
    return MessageBus()


@pytest.fixture
def router(app: App, bus: MessageBus) -> Router:
    registry = Registry()

    @registry.command("rename", consent=False)
    def rename(ctx: Context, name: str) -> None:
        ctx.person.display_name = name
        ctx.raise_event(Renamed(ctx.person_id, name))
        ctx.reply("queue.empty")

    @registry.command("refuse", consent=False)
    def refuse(ctx: Context, name: str) -> None:
        ctx.person.display_name = name
        ctx.raise_event(Renamed(ctx.person_id, name))
        raise Refusal("error.not_allowed")

    return Router(registry, app.uow_factory, app.clock, app.router.config, bus=bus)


def says(router: Router, text: str, external_id: str = "") -> list[Reply]:
    return router.handle(IncomingText(SENDER, CHAT, text, external_id=external_id))


def stored_person(app: App) -> tuple[str, bool]:
    with UnitOfWork(app.engine) as uow:
        person = uow.people.by_identity("fake", "ana")
        assert person is not None
        return person.display_name, person.remind


def test_handlers_run_after_the_use_case_and_their_notices_follow_the_answer(
    app: App, router: Router, bus: MessageBus
) -> None:
    seen: list[str] = []

    @bus.subscribe(Renamed)
    def switch_reminders_off(event: Renamed, effects: Effects) -> None:
        person = effects.uow.people.get(event.person_id)
        assert person is not None
        seen.append(person.display_name)  # the use case has run
        person.remind = False
        effects.notify(event.person_id, "forgetme.done")

    replies = says(router, "/rename Anna")
    assert seen == ["Anna"]
    assert [(r.text, r.to_person) for r in replies] == [
        (t("de", "queue.empty"), None),
        (t("de", "forgetme.done"), 1),
    ]
    assert stored_person(app) == ("Anna", False)  # committed together


def test_a_failing_handler_rolls_back_the_use_case_and_the_handlers_before_it(
    app: App, router: Router, bus: MessageBus
) -> None:
    says(router, "/rename Ana")

    @bus.subscribe(Renamed)
    def switch_reminders_off(event: Renamed, effects: Effects) -> None:
        person = effects.uow.people.get(event.person_id)
        assert person is not None
        person.remind = False

    @bus.subscribe(Renamed)
    def fail(event: Renamed, effects: Effects) -> None:
        raise RuntimeError("handler broke")

    assert [r.text for r in says(router, "/rename Anna")] == [t("de", "error.internal")]
    assert stored_person(app) == ("Ana", True)


def test_events_of_a_refused_use_case_are_never_handled(
    app: App, router: Router, bus: MessageBus
) -> None:
    says(router, "/rename Ana")
    handled: list[DomainEvent] = []
    bus.subscribe(Renamed)(lambda event, effects: handled.append(event))
    assert [r.text for r in says(router, "/refuse Anna")] == [t("de", "error.not_allowed")]
    assert handled == []
    assert stored_person(app) == ("Ana", True)


def test_an_event_seen_again_is_not_handled_again(
    app: App, router: Router, bus: MessageBus
) -> None:
    handled: list[DomainEvent] = []
    bus.subscribe(Renamed)(lambda event, effects: handled.append(event))
    says(router, "/rename Anna", external_id="update-1")
    assert says(router, "/rename Anna", external_id="update-1") == []
    assert handled == [Renamed(1, "Anna")]


# -- in timed work ---------------------------------------------------------------------


def test_timed_work_raises_events_too_and_late_ones_change_state_but_send_nothing(
    app: App, bus: MessageBus, monkeypatch: pytest.MonkeyPatch
) -> None:
    says(Router(Registry(), app.uow_factory, app.clock, bus=bus), "/hello")  # Ana exists now
    now, grace = app.clock.now(), app.router.config.grace
    with UnitOfWork(app.engine) as uow:
        event_id = uow.events.add(Event(name="Camp", code="ABCDEF", created_at=now)).id
        assert event_id is not None
        uow.events.join(event_id, 1, Role.PARTICIPANT, now)
        late = uow.timed_items.put(event_id, ScheduledKind.ANNOUNCEMENT, now - 2 * grace, now).id
        on_time = uow.timed_items.put(event_id, ScheduledKind.ANNOUNCEMENT, now, now).id
    monkeypatch.setitem(WORK, ScheduledKind.ANNOUNCEMENT, rename_to_whether_on_time)
    told: list[int] = []

    @bus.subscribe(Renamed)
    def rename_and_tell(event: Renamed, effects: Effects) -> None:
        person = effects.uow.people.get(event.person_id)
        assert person is not None
        person.display_name = event.name
        told.append(effects.tell_members(event_id, "queue.empty"))
        effects.notify(event.person_id, "queue.empty")  # no answer: into the outbox at once

    queued = []
    for item_id in (late, on_time):
        assert item_id is not None
        with UnitOfWork(app.engine) as uow:
            assert run_item(uow, item_id, app.clock, app.router.catalogues, app.router.config, bus)
            queued.append(uow.outbox.added)
        queued.append(len(told))
        queued.append(stored_person(app)[0] == f"Ana {item_id == on_time}")
    # Late: renamed, nobody told; on time: renamed, Ana told twice.
    assert told == [0, 1]
    assert queued == [0, 1, True, 2, 2, True]


def rename_to_whether_on_time(due: Due) -> None:
    due.raise_event(Renamed(1, f"Ana {due.on_time}"))


def test_domains_forget_a_person_before_the_core_removes_them(app: App, bus: MessageBus) -> None:
    registry = Registry()
    registry.command("forgetme", consent=False)(forgetme)
    router = Router(registry, app.uow_factory, app.clock, bus=bus)
    says(router, "/hello")
    seen: list[str | None] = []

    @bus.subscribe(PersonForgetting)
    def forget_my_rows(event: PersonForgetting, effects: Effects) -> None:
        person = effects.uow.people.get(event.person_id)
        seen.append(person.display_name if person else None)

    assert [r.text for r in says(router, "/forgetme confirm")] == [t("de", "forgetme.done")]
    assert seen == [""]  # still there while the domains forget
    with UnitOfWork(app.engine) as uow:
        assert uow.people.by_identity("fake", "ana") is None
