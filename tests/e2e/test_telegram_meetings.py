"""A council meeting's reminder on Telegram: real python-telegram-bot against the loopback
Bot API server; the invite arrives as a calendar file, the reminder with its two inline
buttons, and a press is stored as the member's answer for that occurrence."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest
from sqlmodel import select

from bot.bootstrap import bootstrap
from handlers.core.i18n import catalogues
from handlers.core.timed_work import run_due
from schedules.core.clock import ManualClock
from storage.core.shared_tables import Event
from storage.council.council_tables import MeetingAttendance
from tests.support.telegram_api import (
    BotAccount,
    telegram_api_fixture,  # noqa: F401 (fixture)
    telegram_server_fixture,  # noqa: F401 (fixture)
)
from tests.support.telegram_bot import (
    Phone,
    bot_settings,
    button_data,
    button_labels,
    running_bot,
    text_of,
)
from tests.support.telegram_updates import TgUser

pytestmark = pytest.mark.e2e

ORGA = TgUser(2101, "Olga", "olga", language_code="de")
ANA = TgUser(2102, "Ana", language_code="de")
# The test clock: two weeks before the meeting; its 24-hour reminder is due on 15 March.
START = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)
REMINDER_DUE = datetime(2027, 3, 15, 16, 0, tzinfo=UTC)


def t(key: str, **values: object) -> str:
    return catalogues().text("de", key, **values)


async def test_a_meeting_reminder_and_its_buttons(
    telegram_api: BotAccount, sqlite_url: str
) -> None:
    clock = ManualClock(START)
    app = bootstrap(bot_settings(telegram_api, sqlite_url), clock=clock)
    async with running_bot(telegram_api, sqlite_url, app=app) as bot:
        olga, ana = Phone(telegram_api, bot, ORGA), Phone(telegram_api, bot, ANA)
        await olga.says("/start")
        await olga.presses(t("start.agree"))
        await olga.says("/newcouncil Jugendrat Musterstadt | Rathaus")
        with bot.store() as session:
            [council] = session.exec(select(Event)).all()
        await ana.says("/start")
        await ana.presses(t("start.agree"))
        await ana.says(f"/join {council.code}")
        await olga.says("/meeting add Plenum | 16.03.2027 17:00 | Rathaus")
        await bot.settled()
        [invite] = [m for m in ana.new_messages() if "document" in m]
        assert invite["document"]["file_name"] == "meeting-1.ics"
        assert text_of(invite).startswith("📅 Neues Treffen von Jugendrat Musterstadt")

        clock.set(REMINDER_DUE)
        ran = await asyncio.to_thread(
            run_due, app.uow_factory, clock, app.router.catalogues, app.router.config
        )
        assert ran == 1
        await ana.says("/meetings")  # any update wakes the sender
        await bot.settled()
        [reminder] = [m for m in ana.messages() if text_of(m).startswith("⏰")]
        assert text_of(reminder).startswith("⏰ In 24 Stunden: „Plenum“")
        assert button_labels(reminder) == [
            t("meeting.button_coming"),
            t("meeting.button_not_coming"),
        ]
        assert button_data(reminder) == ["attend 1 1 yes", "attend 1 1 no"]
        ana.new_messages()
        pressed = await ana.presses(t("meeting.button_coming"), reminder)
        assert [text_of(m) for m in pressed] == [
            t("attend.coming", title="Plenum", when="Di, 16.03.2027, 17:00 Uhr")
        ]
        await ana.presses(t("meeting.button_not_coming"), reminder)
        with bot.store() as session:
            [answer] = session.exec(select(MeetingAttendance)).all()
        assert (answer.occurrence, answer.coming) == (1, False)
        view = "\n".join(text_of(m) for m in await olga.says("/meeting 1"))
        assert "❌ 1 kommen nicht: Ana" in view
