"""Which of several bot processes on one store polls Telegram and delivers its queue.

Only one process may call getUpdates (Telegram answers a second one with 409 Conflict,
and the two would take turns): the process that holds the polling lease polls, the
others stand by without asking Telegram anything and take over within seconds when it
dies. On a SQLite store a second process cannot stand by usefully (SQLite is for one
process); it stops with a message that says so.
"""

from __future__ import annotations

import asyncio
import logging

from storage.leases import Leases, delivery_lease

log = logging.getLogger(__name__)

PLATFORM = "telegram"
POLL_LEASE = "poll:telegram"
STANDBY_CHECK_SECONDS = 1.0
ONLY_ONE_POLLER = (
    "Another bot process already polls Telegram on this SQLite store, and only one "
    "process may poll. Stop the other one, or run several processes on PostgreSQL "
    "(BARCAMP_DATABASE_URL=postgresql+psycopg://...), where the others stand by."
)


class PollingTaken(Exception):
    """A second polling process on a store that cannot have standbys (SQLite)."""


class Leadership:
    """The Telegram leases of this process; without leases, this process is the only one."""

    def __init__(self, leases: Leases | None) -> None:
        self.leases = leases

    def polls(self) -> bool:
        return self.leases is None or self.leases.holds(POLL_LEASE)

    def delivers(self) -> bool:
        return self.leases is None or self.leases.holds(delivery_lease(PLATFORM))

    async def wait_to_poll(self) -> None:
        """Until this process holds the polling lease; stands by meanwhile."""
        leases = self.leases
        if leases is None:
            return
        standing_by = False
        while not await asyncio.to_thread(leases.try_hold, POLL_LEASE):
            if not leases.shared:
                log.error(ONLY_ONE_POLLER)
                raise PollingTaken(ONLY_ONE_POLLER)
            if not standing_by:
                log.info("another process polls Telegram; standing by to take over")
                standing_by = True
            await asyncio.sleep(STANDBY_CHECK_SECONDS)
        log.info("this process polls Telegram now")
