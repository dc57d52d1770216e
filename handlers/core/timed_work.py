"""Work due at a time: scheduled announcements, the voting deadline, session reminders.

Items live in the store (`ScheduledItem`); the bot's scheduler only decides *when* to
call `run_due`. Each item runs in its own transaction, which marks it done and queues
its messages together: after a crash either both happened or neither, so nothing is
sent twice. An item found later than the grace (`CoreConfig.grace`: the bot was down)
still does what it changes, such as closing the voting, but its messages are dropped
with a log line: "your session starts in 10 minutes" an hour late helps nobody.

Domain events an item raises (`Due.raise_event`) are handled right after it, in its
transaction, as the router does for a chat command; a late item's handlers send nothing.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

from handlers.core.announcements import announce_to_event
from handlers.core.config import CoreConfig
from handlers.core.context import Context
from handlers.core.event_time import local_now, moment_of
from handlers.core.i18n import Catalogues
from handlers.core.message_bus import DomainEvent, Effects, MessageBus
from handlers.core.message_bus import bus as default_bus
from handlers.core.validation import InputError, calendar_date
from schedules.core.clock import Clock
from storage.core.shared_tables import Event, ScheduledItem, ScheduledKind
from storage.uow import UnitOfWork, UnitOfWorkFactory

log = logging.getLogger(__name__)

# Nobody plans a BarCamp announcement more than a year ahead; more is a typo.
HORIZON = timedelta(days=366)

# "at 2027-06-13 14:00 rest" (or 13.06.2027, 14.00); anything else after "at <digit>" is
# a mistyped time rather than an announcement that happens to start with "at".
SCHEDULED_FORM = re.compile(r"at\s+\d", re.IGNORECASE)
AT_TIME = re.compile(
    r"at\s+(?P<day>\S+)\s+(?P<hour>\d{1,2})[:.](?P<minute>\d{2})(?:\s+(?P<rest>.*))?",
    re.IGNORECASE | re.DOTALL,
)


# -- when ----------------------------------------------------------------------------


def split_schedule(ctx: Context, text: str) -> tuple[datetime | None, str]:
    """`at 2027-06-13 14:00 rest` -> (the moment, "rest"); other text -> (None, text).

    The time is the event's wall-clock time; it must lie ahead, within a year.
    """
    if not SCHEDULED_FORM.match(text):
        return None, text
    match = AT_TIME.fullmatch(text.strip())
    if match is None:
        raise InputError("schedule.format")
    day = calendar_date(match["day"])
    hour, minute = int(match["hour"]), int(match["minute"])
    if hour > 23 or minute > 59:
        raise InputError("schedule.format")
    due = moment_of(ctx.require_event(), datetime.combine(day, time(hour, minute)))
    if due <= ctx.now():
        raise InputError("schedule.past")
    if due > ctx.now() + HORIZON:
        raise InputError("schedule.far")
    return due, (match["rest"] or "").strip()


def local_text(event: Event, moment: datetime) -> str:
    """A moment as the event's wall-clock time, e.g. 2027-06-13 14:00."""
    return f"{local_now(event, moment):%Y-%m-%d %H:%M}"


def schedule_announcement(ctx: Context, due: datetime, message: str) -> None:
    """`/announce at …`: the same announcement as `/announce`, sent when it is due."""
    event = ctx.require_event()
    assert event.id is not None
    ctx.uow.timed_items.put(
        event.id,
        ScheduledKind.ANNOUNCEMENT,
        due,
        ctx.now(),
        payload={"text": message},
        created_by=ctx.person_id,
    )
    ctx.reply("announce.scheduled", when=local_text(event, due))


# -- running due work ------------------------------------------------------------------


@dataclass(frozen=True)
class Due:
    """One item being run, with what its work needs."""

    uow: UnitOfWork
    item: ScheduledItem
    event: Event
    now: datetime
    texts: Catalogues
    config: CoreConfig
    # False when the item came later than the grace: change state, send nothing.
    on_time: bool
    # What the work raised, handled after it in its transaction.
    events: list[DomainEvent] = field(default_factory=list)

    def raise_event(self, event: DomainEvent) -> None:
        self.events.append(event)


def run_due(
    uow_factory: UnitOfWorkFactory,
    clock: Clock,
    texts: Catalogues,
    config: CoreConfig,
    bus: MessageBus = default_bus,
) -> int:
    """Run every item whose time has come, each in its own transaction; how many ran."""
    with uow_factory() as uow:
        due = uow.timed_items.due(clock.now())
    return run_each(
        uow_factory,
        due,
        lambda uow, item_id: run_item(uow, item_id, clock, texts, config, bus),
        "scheduled item",
    )


def run_each(
    uow_factory: UnitOfWorkFactory,
    ids: Iterable[int],
    work: Callable[[UnitOfWork, int], int],
    what: str,
) -> int:
    """`work` on each id in a transaction of its own; the sum of what it returned. A
    failure is logged and rolled back, so that id is tried again at the next run."""
    done = 0
    for item_id in ids:
        try:
            with uow_factory() as uow:
                done += work(uow, item_id)
        except Exception:
            log.exception("%s %s failed", what, item_id)
    return done


def run_item(
    uow: UnitOfWork,
    item_id: int,
    clock: Clock,
    texts: Catalogues,
    config: CoreConfig,
    bus: MessageBus = default_bus,
) -> bool:
    """Do one item and mark it done in the caller's transaction; False if done already."""
    now = clock.now()
    item = uow.timed_items.get(item_id)
    if item is None or item.done_at is not None:
        return False
    late = now - item.due_at > config.grace
    if not uow.timed_items.claim(item_id, now, "late" if late else "done"):
        return False  # another process or an earlier attempt did it
    if late:
        log.warning(
            "scheduled %s %s was due %s, %s ago (grace %s): its messages are dropped",
            item.kind.value,
            item.id,
            item.due_at.isoformat(),
            now - item.due_at,
            config.grace,
        )
    event = uow.events.get(item.event_id)
    assert event is not None  # items go with their event (ON DELETE CASCADE)
    due = Due(uow, item, event, now, texts, config, on_time=not late)
    WORK[item.kind](due)
    if due.events:
        bus.handle(due.events, Effects(uow, now, texts, config, sends=due.on_time))
    return True


def _announce(due: Due) -> None:
    if due.on_time:
        announce_to_event(
            due.uow,
            due.item.event_id,
            str(due.item.payload["text"]),
            due.now,
            due.texts,
            due.config,
            batch=f"scheduled-{due.item.id}",
        )


TimedWork = Callable[[Due], None]
# What each kind of item does; every domain registers its own kinds (`@timed_work`).
WORK: dict[ScheduledKind, TimedWork] = {}


def timed_work(kind: ScheduledKind) -> Callable[[TimedWork], TimedWork]:
    def register(func: TimedWork) -> TimedWork:
        if kind in WORK:
            raise ValueError(f"timed work {kind} registered twice")
        WORK[kind] = func
        return func

    return register


timed_work(ScheduledKind.ANNOUNCEMENT)(_announce)
