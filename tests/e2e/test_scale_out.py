"""Several `barcamp-bot run` processes on one PostgreSQL store, as an operator runs them.

- three webhook processes behind nginx: a storm of 1,000 vote presses and an
  announcement to 300 members; the process that delivers the announcement is killed
  with SIGKILL in the middle. Every press that reached the bot counts once, every member
  got the announcement at most once (an interrupted send is not repeated: see
  bot/outbox.py), nothing was sent twice, the dead process's claims were taken over;
- three polling processes: one polls, two stand by without calling getUpdates, one
  takes over within 5 seconds of the poller's SIGKILL;
- on SQLite a second polling process stops and says why.
"""

from __future__ import annotations

import asyncio
import random
import signal
import time
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from functools import partial
from pathlib import Path

import pytest
from sqlmodel import col, func, select

from bot.telegram.store import external_id
from storage.core.shared_tables import DeliveryStatus, InboxEvent, OutboxMessage
from storage.db import make_engine
from tests.support.nginx import PATH, free_port, reverse_proxy
from tests.support.store import raw_session
from tests.support.telegram_api import (
    BotAccount,
    FloodLimits,
    telegram_api_fixture,  # noqa: F401 (fixture)
    telegram_server_fixture,  # noqa: F401 (fixture)
)
from tests.support.telegram_bot import (
    PROPOSALS,
    expected_votes,
    join_people,
    post_ballots,
    seed_camp,
    start_bot_process,
    stored_votes,
)
from tests.support.telegram_updates import TgUser

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

Process = asyncio.subprocess.Process
HOOK = f"{PATH}hook"
MEMBERS, PRESSES = 300, 1000
DELIVERS = "delivers the queued messages on telegram"
POLLS = "this process polls Telegram now"


Start = Callable[[], Awaitable[Process]]


@asynccontextmanager
async def processes(starts: list[Start]) -> AsyncIterator[list[Process]]:
    """Bot processes, stopped (SIGTERM, then SIGKILL) at the end whatever happened."""
    running: list[Process] = []
    try:
        for start in starts:
            running.append(await start())
        yield running
    finally:
        for process in running:
            if process.returncode is None:
                process.terminate()
        for process in running:
            try:
                await asyncio.wait_for(process.wait(), 15)
            except TimeoutError:
                process.kill()
                await process.wait()


async def until(check: Callable[[], bool], timeout: float, what: str) -> float:
    """Seconds until `check` holds; fails after `timeout`."""
    started = time.monotonic()
    while not await asyncio.to_thread(check):
        if time.monotonic() - started > timeout:
            raise AssertionError(f"not within {timeout} s: {what}")
        await asyncio.sleep(0.05)
    return time.monotonic() - started


def count_rows(database_url: str, statement: object) -> int:
    engine = make_engine(database_url)
    try:
        with raw_session(engine) as session:
            return int(session.exec(statement).one())  # type: ignore[call-overload]
    finally:
        engine.dispose()


def handled(database_url: str, keys: list[str]) -> int:
    return count_rows(
        database_url,
        select(func.count(col(InboxEvent.id))).where(
            col(InboxEvent.external_id).in_(keys), col(InboxEvent.handled_at).is_not(None)
        ),
    )


def undelivered(database_url: str) -> int:
    return count_rows(
        database_url,
        select(func.count(col(OutboxMessage.id))).where(
            col(OutboxMessage.status).in_([DeliveryStatus.PENDING, DeliveryStatus.SENDING])
        ),
    )


def interrupted(database_url: str) -> int:
    """Messages skipped because the process sending them died (never sent again)."""
    return count_rows(
        database_url,
        select(func.count(col(OutboxMessage.id))).where(
            OutboxMessage.status == DeliveryStatus.SKIPPED, OutboxMessage.error == "interrupted"
        ),
    )


def log_says(log: Path, words: str) -> bool:
    return log.exists() and words in log.read_text()


async def test_three_webhook_processes_behind_nginx_survive_a_sigkill(
    telegram_api: BotAccount, postgres_url: str, tmp_path: Path
) -> None:
    tg = telegram_api
    tg.parallel_webhook = True  # up to 40 deliveries at once, spread over the processes
    organiser = TgUser(69_999, "Orga")
    people = [TgUser(70_000 + n, f"Teen {n}") for n in range(MEMBERS)]
    code = seed_camp(postgres_url, tg, organiser)
    engine = make_engine(postgres_url)
    try:
        person_ids = join_people(engine, tg, code, people)
    finally:
        engine.dispose()
    ballots = await post_ballots(tg, people)
    tg.flood_limits = FloodLimits()  # from now on 429 above Telegram's limits
    chosen = random.Random(17)
    presses = [(people[n % MEMBERS], chosen.randint(1, PROPOSALS)) for n in range(PRESSES)]

    ports = [free_port() for _ in range(3)]
    logs = [tmp_path / f"bot{n}" / "bot.log" for n in range(3)]
    with reverse_proxy(tmp_path / "nginx", ports) as proxy:
        settings = {
            "telegram_webhook_url": proxy.url(HOOK),
            "telegram_webhook_secret": "scale-out-secret",
        }
        starts: list[Start] = []
        for port, log in zip(ports, logs, strict=True):
            log.parent.mkdir()
            starts.append(
                partial(
                    start_bot_process,
                    tg,
                    postgres_url,
                    log,
                    telegram_webhook_port=str(port),
                    **settings,
                )
            )
        async with processes(starts) as bots:
            await until(lambda: len(tg.calls("setWebhook")) >= 3, 60, "three webhooks set")
            await until(lambda: any(log_says(log, DELIVERS) for log in logs), 30, "a deliverer")

            def press(user: TgUser, number: int) -> str:
                update = tg.inject_callback(user, user.id, ballots[user.id], data=f"vote {number}")
                return external_id(update)

            keys = [press(user, number) for user, number in presses[: PRESSES // 2]]
            announcement = "Pizza im Foyer!"
            keys.append(external_id(tg.inject_message(organiser, f"/announce {announcement}")))
            keys += [press(user, number) for user, number in presses[PRESSES // 2 :]]

            def announced() -> list[int]:
                return [
                    int(call.chat_id)  # type: ignore[arg-type]
                    for call in tg.calls("sendMessage")
                    if call.ok and announcement in (call.text or "")
                ]

            await until(lambda: len(announced()) >= 60, 60, "the announcement under way")
            (deliverer,) = [n for n, log in enumerate(logs) if log_says(log, DELIVERS)]
            handled_at_kill = await asyncio.to_thread(handled, postgres_url, keys)
            bots[deliverer].send_signal(signal.SIGKILL)
            await bots[deliverer].wait()
            sent_at_kill = len(announced())

            await until(
                lambda: sum(log_says(log, DELIVERS) for log in logs) == 2, 15, "a new deliverer"
            )
            await until(lambda: handled(postgres_url, keys) == len(keys), 60, "all handled")
            await until(lambda: undelivered(postgres_url) == 0, 60, "the outbox empty")

    assert sent_at_kill < MEMBERS + 1, "killed in the middle of the announcement"
    assert handled_at_kill < len(keys), "and of the presses"
    delivered = {d.update_id for d in tg.webhook_deliveries() if d.ok}
    assert {int(key.removeprefix("update:")) for key in keys} <= delivered
    # Every press counts once: the votes are what the presses left, none lost or doubled.
    pressed = [(user.id, number) for user, number in presses]
    assert stored_votes(postgres_url) == expected_votes(pressed, person_ids)
    # The announcement: each member at most once; those without it are the messages the
    # killed process had claimed and was sending: taken over as interrupted, not resent.
    received = Counter(announced())
    members = [organiser.id, *(user.id for user in people)]
    assert max(received.values()) == 1
    missing = [member for member in members if received[member] == 0]
    gone = interrupted(postgres_url)
    assert 1 <= gone <= 32, "the dead process's claimed messages were taken over"
    assert len(missing) <= gone
    # Nothing was sent twice, and the server's flood limits were never hit.
    sends = Counter((call.chat_id, call.text) for call in tg.calls("sendMessage") if call.ok)
    assert max(sends.values()) == 1
    queries = tg.calls("answerCallbackQuery")
    answered = Counter(call.params.get("callback_query_id") for call in queries)
    assert max(answered.values()) == 1
    # The new deliverer waits out the flood window before it sends. What is left: an
    # answer from one process and an announcement from another to the same chat in one
    # second (the per-chat pace is not shared yet); such a 429 is postponed, not doubled.
    assert len([call for call in tg.calls() if call.error_code == 429]) <= 1
    for log in logs:
        assert "Traceback" not in log.read_text()


def polling_starts(tg: BotAccount, url: str, logs: list[Path]) -> list[Start]:
    for log in logs:
        log.parent.mkdir(parents=True)
    return [partial(start_bot_process, tg, url, log) for log in logs]


async def test_one_process_polls_and_a_standby_takes_over_within_5_s(
    telegram_api: BotAccount, postgres_url: str, tmp_path: Path
) -> None:
    tg = telegram_api
    logs = [tmp_path / f"bot{n}" / "bot.log" for n in range(3)]
    async with processes(polling_starts(tg, postgres_url, logs)) as bots:
        await until(lambda: sum(log_says(log, POLLS) for log in logs) == 1, 60, "one poller")
        await until(
            lambda: sum(log_says(log, "standing by to take over") for log in logs) == 2,
            60,
            "two standbys",
        )
        ana = TgUser(71_001, "Ana")
        tg.inject_message(ana, "/help")
        await until(lambda: bool(tg.sends(ana.id)), 30, "an answer")
        await asyncio.sleep(2)  # the standbys keep standing by
        assert not [call for call in tg.calls("getUpdates") if call.error_code == 409]
        (poller,) = [n for n, log in enumerate(logs) if log_says(log, POLLS)]
        bots[poller].send_signal(signal.SIGKILL)
        await bots[poller].wait()
        ben = TgUser(71_002, "Ben")
        tg.inject_message(ben, "/help")  # waits for the new poller
        takeover = await until(
            lambda: sum(log_says(log, POLLS) for log in logs) == 2, 10, "a new poller"
        )
        assert takeover <= 5.0
        await until(lambda: bool(tg.sends(ben.id)), 30, "an answer after the takeover")
        # At most the dead poller's own waiting request was answered with a conflict.
        assert len([c for c in tg.calls("getUpdates") if c.error_code == 409]) <= 1


async def test_a_second_polling_process_on_sqlite_says_it_needs_postgresql(
    telegram_api: BotAccount, sqlite_url: str, tmp_path: Path
) -> None:
    logs = [tmp_path / f"bot{n}" / "bot.log" for n in range(2)]
    starts = polling_starts(telegram_api, sqlite_url, logs)
    async with processes(starts[:1]) as first:
        await until(lambda: log_says(logs[0], POLLS), 60, "the first polls")
        async with processes(starts[1:]) as second:
            await asyncio.wait_for(second[0].wait(), 60)
            assert second[0].returncode != 0
            said = logs[1].read_text()
            assert "only one process may poll" in said
            assert "PostgreSQL" in said
        assert first[0].returncode is None  # the first one polls on
