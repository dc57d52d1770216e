"""The runtime's wiring: adapters get the store and the clock that bootstrap built."""

from __future__ import annotations

from pathlib import Path

from bot.bootstrap import bootstrap
from bot.console import ConsoleAdapter
from bot.matrix import MatrixAdapter
from bot.runtime import build_adapters
from bot.settings import Settings
from bot.telegram import TelegramAdapter
from schedules.core.clock import ManualClock
from tests.conftest import START


def test_platform_adapters_share_the_apps_units_of_work_and_clock(tmp_path: Path) -> None:
    settings = Settings(
        database_url=f"sqlite:///{tmp_path / 'bot.sqlite3'}",
        data_dir=tmp_path,
        telegram_token="123:abc",
        matrix_homeserver="http://127.0.0.1:1",
        matrix_user_id="@bot:localhost",
        matrix_pickle_key="a long random secret",
        matrix_access_token="token",
        _env_file=None,  # type: ignore[call-arg]
    )
    app = bootstrap(settings, clock=ManualClock(START))
    try:
        adapters = build_adapters(app)
        telegram, matrix = adapters["telegram"], adapters["matrix"]
        assert isinstance(telegram, TelegramAdapter)
        assert isinstance(matrix, MatrixAdapter)
        for store in (telegram.store, matrix.store):
            assert store.uow_factory is app.uow_factory
            assert store.clock is app.clock
    finally:
        app.engine.dispose()


def test_the_console_when_no_platform_is_configured(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'bot.sqlite3'}"
    app = bootstrap(Settings(database_url=url, data_dir=tmp_path, _env_file=None))  # type: ignore[call-arg]
    try:
        adapters = build_adapters(app)
        assert list(adapters) == ["console"]
        assert isinstance(adapters["console"], ConsoleAdapter)
    finally:
        app.engine.dispose()


def test_the_telegram_username_from_get_me_makes_the_join_links(tmp_path: Path) -> None:
    for configured, expected in ((None, "learned_bot"), ("set_bot", "set_bot")):
        settings = Settings(
            database_url=f"sqlite:///{tmp_path / 'bot.sqlite3'}",
            data_dir=tmp_path,
            telegram_token="123:abc",
            telegram_bot_username=configured,
            _env_file=None,  # type: ignore[call-arg]
        )
        app = bootstrap(settings, clock=ManualClock(START))
        try:
            telegram = build_adapters(app)["telegram"]
            assert isinstance(telegram, TelegramAdapter)
            assert telegram.on_username is not None
            telegram.on_username("learned_bot")  # what the adapter does once getMe answered
            link = app.router.config.join_links.get("telegram")
            assert link == f"https://t.me/{expected}?start={{code}}"
        finally:
            app.engine.dispose()
