"""Retention: an event's personal data goes a while after its last day.

`CoreConfig.retention_months` after the event's last day (default 12) its people's data
is anonymised: people who belong to no other event are removed as by /forgetme, the
others lose their membership and every row of theirs in the event (votes become
anonymous counts); the event's name, tallies, published agenda and results stay. Its
organisers are told a month before, once; the anonymisation waits until a month after
that notice, so nobody is surprised (also where the bot meets an old event late).

The store is the truth: a daily job (`bot.scheduler`) calls `run_retention`, which claims
each step in the transaction that does it, so two processes or a rerun never do it twice.
Each domain names its events' last days (`@last_day`, the BarCamp: its last slot) and
anonymises its own rows (`@handles(EventAnonymising)`).
"""

from __future__ import annotations

import calendar
import logging
from collections.abc import Callable
from datetime import date, datetime, time, timedelta

from handlers.core.config import CoreConfig
from handlers.core.core_events import EventAnonymising
from handlers.core.event_time import local_now, moment_of
from handlers.core.i18n import Catalogues
from handlers.core.message_bus import Effects, MessageBus
from handlers.core.message_bus import bus as default_bus
from handlers.core.person_removal import forget_person
from handlers.core.timed_work import run_each
from schedules.core.clock import Clock
from storage.core.shared_tables import Event
from storage.uow import UnitOfWork, UnitOfWorkFactory

log = logging.getLogger(__name__)

NOTICE_MONTHS = 1
LastDay = Callable[[UnitOfWork, int], date | None]
# What each domain knows of an event's last day (a camp's last slot, a council's meeting).
LAST_DAYS: list[LastDay] = []


def last_day(func: LastDay) -> LastDay:
    LAST_DAYS.append(func)
    return func


def add_months(moment: datetime, months: int) -> datetime:
    """The same day and time `months` later (or earlier), the month's last day if shorter."""
    month_index = moment.month - 1 + months
    year, month = moment.year + month_index // 12, month_index % 12 + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


def event_last_day(uow: UnitOfWork, event: Event) -> date:
    """The latest of its date, what the domains know, and the day it was created."""
    assert event.id is not None
    known = [event.created_at.date(), *([event.starts_on] if event.starts_on else [])]
    known += [day for func in LAST_DAYS if (day := func(uow, event.id)) is not None]
    return max(known)


def retention_deadline(uow: UnitOfWork, event: Event, months: int) -> datetime:
    """When its personal data goes: `months` after the end of its last day (local time)."""
    end = moment_of(event, datetime.combine(event_last_day(uow, event) + timedelta(1), time()))
    return add_months(end, months)


def run_retention(
    uow_factory: UnitOfWorkFactory,
    clock: Clock,
    texts: Catalogues,
    config: CoreConfig,
    bus: MessageBus = default_bus,
) -> int:
    """Notify and anonymise what is due, each event in its own transaction; steps done."""
    with uow_factory(read_only=True) as uow:
        events = uow.retention.not_anonymised()
    return run_each(
        uow_factory,
        events,
        lambda uow, event_id: retention_step(uow, event_id, clock.now(), texts, config, bus),
        "retention of event",
    )


def retention_step(
    uow: UnitOfWork,
    event_id: int,
    now: datetime,
    texts: Catalogues,
    config: CoreConfig,
    bus: MessageBus = default_bus,
) -> bool:
    """The event's next step if it is due: the notice, or the anonymisation."""
    event = uow.events.get(event_id)
    if event is None:
        return False
    deadline = retention_deadline(uow, event, config.retention_months)
    effects = Effects(uow, now, texts, config)
    notified = uow.retention.notified_at(event_id)
    if notified is None:
        return _notify_organisers(uow, event, deadline, effects)
    if now < max(deadline, add_months(notified, NOTICE_MONTHS)):
        return False
    if not uow.retention.claim_anonymising(event_id, now):
        return False
    anonymise_event(uow, event_id, effects, bus)
    log.info("event %s anonymised (last day %s)", event_id, event_last_day(uow, event))
    return True


def _notify_organisers(uow: UnitOfWork, event: Event, deadline: datetime, effects: Effects) -> bool:
    """A month before: the organisers hear when it happens (and can export before)."""
    assert event.id is not None
    now = effects.now
    if now < add_months(deadline, -NOTICE_MONTHS) or not uow.retention.claim_notice(event.id, now):
        return False
    when = local_now(event, max(deadline, add_months(now, NOTICE_MONTHS)))
    for organiser in uow.retention.organisers(event.id):
        effects.notify(organiser, "retention.notice", name=event.name, date=f"{when:%Y-%m-%d}")
    return True


def anonymise_event(uow: UnitOfWork, event_id: int, effects: Effects, bus: MessageBus) -> None:
    """People of this event alone are removed as /forgetme does; then every domain
    anonymises the rest of the event, and its memberships go."""
    alone = uow.retention.members_of_this_only(event_id)
    # Under-16s still waiting for their guardian there belong to no event at all.
    for person_id in [*alone, *uow.guardians.waiting_without_membership(event_id)]:
        forget_person(person_id, bus, effects)
    bus.handle([EventAnonymising(event_id)], effects)
    uow.retention.anonymise_core(event_id)
