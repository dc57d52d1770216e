"""`barcamp-bot run` killed with SIGKILL in the middle of 1,000 vote presses, restarted:
every press the server delivered counts exactly once."""

from __future__ import annotations

import asyncio
import random
import signal
import time
from pathlib import Path

import pytest
from sqlmodel import col, func, select

from bot.telegram.store import external_id
from storage.core.shared_tables import InboxEvent
from storage.db import make_engine
from tests.support.store import raw_session
from tests.support.telegram_api import (
    BotAccount,
    telegram_api_fixture,  # noqa: F401 (fixture)
    telegram_server_fixture,  # noqa: F401 (fixture)
)
from tests.support.telegram_bot import (
    PROPOSALS,
    expected_votes,
    post_ballots,
    seed_voting_camp,
    start_bot_process,
    stored_votes,
)
from tests.support.telegram_updates import TgUser

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

PEOPLE, PRESSES_EACH = 100, 10


def handled_presses(database_url: str, keys: list[str]) -> int:
    engine = make_engine(database_url)
    try:
        with raw_session(engine) as session:
            statement = select(func.count(col(InboxEvent.id))).where(
                InboxEvent.platform == "telegram",
                col(InboxEvent.external_id).in_(keys),
                col(InboxEvent.handled_at).is_not(None),
            )
            return int(session.exec(statement).one())
    finally:
        engine.dispose()


async def wait_handled(database_url: str, keys: list[str], at_least: int, timeout: float) -> int:
    deadline = time.monotonic() + timeout
    while (done := await asyncio.to_thread(handled_presses, database_url, keys)) < at_least:
        if time.monotonic() > deadline:
            raise AssertionError(f"only {done} of {at_least} presses handled in {timeout} s")
        await asyncio.sleep(0.05)
    return done


async def test_sigkill_in_the_middle_of_1000_vote_presses(
    telegram_api: BotAccount, tmp_path: Path
) -> None:
    database_url = f"sqlite:///{tmp_path / 'crash.sqlite3'}"
    people = [TgUser(70_000 + n, f"Teen {n}") for n in range(PEOPLE)]
    person_ids = seed_voting_camp(database_url, telegram_api, people)
    ballots = await post_ballots(telegram_api, people)
    chosen = random.Random(7)
    presses = [(u.id, chosen.randint(1, PROPOSALS)) for _ in range(PRESSES_EACH) for u in people]
    users = {user.id: user for user in people}
    keys = [
        external_id(
            telegram_api.inject_callback(
                users[user_id], user_id, ballots[user_id], data=f"vote {n}"
            )
        )
        for user_id, n in presses
    ]
    log = tmp_path / "bot.log"
    first = await start_bot_process(telegram_api, database_url, log)
    try:
        before_kill = await wait_handled(database_url, keys, 300, timeout=60)
        first.send_signal(signal.SIGKILL)
        await first.wait()
        killed_at = await asyncio.to_thread(handled_presses, database_url, keys)
        second = await start_bot_process(telegram_api, database_url, log)
        try:
            await wait_handled(database_url, keys, len(keys), timeout=60)
        finally:
            second.send_signal(signal.SIGTERM)
            await asyncio.wait_for(second.wait(), 15)
    finally:
        if first.returncode is None:
            first.kill()
    assert 300 <= before_kill <= killed_at < len(keys), "the kill came in the middle"
    assert "Traceback" not in log.read_text()
    assert stored_votes(database_url) == expected_votes(presses, person_ids)
