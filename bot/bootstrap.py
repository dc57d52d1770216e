"""Builds everything from settings: store, migrations, router; the adapters get the store
and the clock from here (see `bot.runtime.build_adapters`).

The only place that makes engines, clocks and units of work: the rest of the bot gets
them from the `App`.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import Engine

import handlers.barcamp.commands
import handlers.core.commands
import handlers.council.commands  # noqa: F401  (registering the domains' commands)
from bot.settings import Settings
from bot.web.app import LiveBoard
from handlers.barcamp.camp_config import CampConfig
from handlers.core.config import CoreConfig, JoinLinks
from handlers.core.i18n import catalogues
from handlers.core.registry import registry
from handlers.core.router import Router
from schedules.core.clock import Clock, SystemClock
from storage.db import make_engine
from storage.leases import Leases
from storage.migrate import upgrade
from storage.uow import UnitOfWorkFactory, unit_of_work_factory


@dataclass
class App:
    settings: Settings
    engine: Engine
    uow_factory: UnitOfWorkFactory
    router: Router
    clock: Clock
    # This process among the bot's processes on the store: its name in outbox claims,
    # and its leases (`run_bot` takes its worker lease: while it holds it, it is alive).
    worker: str
    leases: Leases

    def learn_telegram_username(self, username: str) -> None:
        """The bot's username from getMe makes the join links; the setting, if any, wins."""
        if not self.settings.telegram_bot_username:
            self.router.config.join_links.learn("telegram", telegram_join_link(username))


def bootstrap(settings: Settings, clock: Clock | None = None, migrate: bool = True) -> App:
    engine = make_engine(settings.database_url)
    if migrate:
        upgrade(engine)
    worker = uuid.uuid4().hex[:16]
    leases = Leases(engine)  # connects when the runtime takes the first lease
    uow_factory = unit_of_work_factory(engine, worker)
    config = CoreConfig(
        default_language=settings.default_language,
        timezone=settings.timezone,
        join_links=_join_links(settings),
        grace=timedelta(minutes=settings.schedule_grace_minutes),
        retention_months=settings.retention_months,
    )
    camp = CampConfig(
        plan_seconds=settings.plan_seconds,
        plan_workers=settings.plan_workers,
        web_base_url=settings.web_base_url or "",
    )
    clock = clock or SystemClock()
    router = Router(registry, uow_factory, clock, config, domain_configs=[camp])
    return App(settings, engine, uow_factory, router, clock, worker, leases)


def live_board(app: App, clock: Clock | None = None, tick_seconds: float = 30.0) -> LiveBoard:
    """The live board's pages on the app's store; its own clock for the demo's served day."""
    return LiveBoard(
        app.uow_factory,
        clock or app.clock,
        catalogues(),
        app.settings.default_language,
        tick_seconds=tick_seconds,
    )


def upgrade_store(settings: Settings) -> None:
    """Apply all migrations to the configured store, and nothing else."""
    engine = make_engine(settings.database_url)
    try:
        upgrade(engine)
    finally:
        engine.dispose()


def _join_links(settings: Settings) -> JoinLinks:
    """From the settings; the Telegram adapter learns its bot's username at start."""
    links = JoinLinks()
    if settings.telegram_bot_username:
        links.learn("telegram", telegram_join_link(settings.telegram_bot_username))
    return links


def telegram_join_link(username: str) -> str:
    """The deep link that opens the bot's chat and sends `/start CODE`."""
    return f"https://t.me/{username.removeprefix('@')}?start={{code}}"
