"""Benchmark: 5,000 vote presses from 500 simulated people through the loopback Bot API.

Run from the project root: ``.venv/bin/python bench/telegram_votes.py`` (``--people``,
``--presses`` for other sizes). Each person presses a vote button on their ballot, waits
until the ballot shows the answer (the edit), then presses the next one; everyone at once.
The same run measures a bare python-telegram-bot Application that answers the same
presses with the same two API calls (answerCallbackQuery and editMessageText, sent
together) and no logic and no store, with the same concurrency as ours: 16 updates side
by side (``concurrent_updates(16)``) and a pool of 32 connections. Each bot runs in its
own process (``barcamp-bot run`` for ours, on SQLite), the server in this one and the
people in another (bench/storm.py), so neither caps the bots; the presses come in
alternating rounds (``--rounds``), first to the bare bot, then to ours. Each bot's CPU
time is read from its own process around its rounds.
Targets: ``cpu_ratio`` (our CPU ms per press over the bare bot's) at most 1.0 with every
vote committed, and ``ratio`` (our presses/s over the bare bot's) at least 1.0. The last
line is JSON with ``ratio``, ``ours_per_s``, ``baseline_per_s``, ``cpu_ms_per_press``,
``baseline_cpu_ms_per_press``, ``cpu_ratio``, ``p95_ms`` and ``all_committed``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import sys
import tempfile
from collections import Counter
from collections.abc import AsyncIterator, Awaitable
from contextlib import asynccontextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.storm import Run, bench_routes, run_storm
from tests.support.cpu import cpu_seconds
from tests.support.telegram_api import BotAccount, TelegramApiServer, serve_in_thread
from tests.support.telegram_bot import (
    PROPOSALS,
    expected_votes,
    post_ballots,
    seed_voting_camp,
    start_bot_process,
    stored_votes,
)
from tests.support.telegram_updates import TgUser

TARGET_RATIO, TARGET_CPU_RATIO = 1.0, 1.0
BARE_TOKEN = "777001:bare-baseline-token"

# -- the two bots, each in its own process -----------------------------------------------

BARE_BOT = """
import asyncio, sys
from telegram.ext import ApplicationBuilder, CallbackQueryHandler

async def answer(update, context):
    query = update.callback_query
    await asyncio.gather(
        query.answer(text=f"✅ {query.data}"),
        query.edit_message_text(
            f"Stimmzettel – {query.data} (#{update.update_id})",
            reply_markup=query.message.reply_markup,
        ),
    )

url, token = sys.argv[1], sys.argv[2]
builder = ApplicationBuilder().token(token).base_url(url + "/bot")
builder = builder.base_file_url(url + "/file/bot").concurrent_updates(16)
app = builder.connection_pool_size(32).pool_timeout(30).build()
app.add_handler(CallbackQueryHandler(answer))
app.run_polling(timeout=10)
"""


@asynccontextmanager
async def bot_process(
    tg: BotAccount, start: Awaitable[asyncio.subprocess.Process]
) -> AsyncIterator[asyncio.subprocess.Process]:
    """Until the bot polls (it deletes any webhook first); stopped with SIGTERM after."""
    before = len(tg.calls("deleteWebhook"))
    process = await start
    try:
        await tg.wait_for(lambda _: len(tg.calls("deleteWebhook")) > before, timeout=60)
        yield process
    finally:
        process.terminate()
        await asyncio.wait_for(process.wait(), 30)


async def press_round(
    tg: BotAccount,
    bot: asyncio.subprocess.Process,
    people: list[TgUser],
    chunk: dict[int, list[int]],
    ballots: dict[int, int],
    folder: Path,
) -> Run:
    """One round of the storm against one bot, with the CPU its process used meanwhile."""
    edits = Counter(int(call.chat_id or 0) for call in tg.calls("editMessageText"))
    before = cpu_seconds(bot.pid)
    run, _ = await run_storm(tg.server.url, tg.token, people, chunk, ballots, edits, folder)
    run.cpu_seconds = cpu_seconds(bot.pid) - before
    return run


async def measure(
    server: TelegramApiServer,
    people_count: int,
    presses_each: int,
    rounds: int,
    folder: Path,
    driven: dict[str, BotAccount],
) -> tuple[Run, Run, bool]:
    """Both bots run side by side; the people press in alternating rounds (bare bot, our
    bot, bare bot, ...), so a change in the machine's load meets both alike."""
    chosen = random.Random(5)
    people = [TgUser(80_000 + n, f"Teen {n}") for n in range(people_count)]
    presses = {u.id: [chosen.randint(1, PROPOSALS) for _ in range(presses_each)] for u in people}

    bare = server.add_account(BARE_TOKEN, "bare_bot")
    driven[bare.token] = bare  # the people's process presses here too
    bare_ballots = await post_ballots(bare, people)
    bare_start = asyncio.create_subprocess_exec(
        sys.executable, "-c", BARE_BOT, server.url, bare.token, stderr=asyncio.subprocess.DEVNULL
    )
    ours_account = server.account
    database_url = f"sqlite:///{folder / 'bench.sqlite3'}"
    person_ids = seed_voting_camp(database_url, ours_account, people)
    our_ballots = await post_ballots(ours_account, people)
    ours_start = start_bot_process(ours_account, database_url, folder / "bot.log")
    baseline, ours = Run(0.0, [], 0), Run(0.0, [], 0)
    async with (
        bot_process(bare, bare_start) as bare_bot,
        bot_process(ours_account, ours_start) as our_bot,
    ):
        for part in range(rounds):
            chunk = {user: numbers[part::rounds] for user, numbers in presses.items()}
            baseline = baseline.plus(
                await press_round(bare, bare_bot, people, chunk, bare_ballots, folder)
            )
            ours = ours.plus(
                await press_round(ours_account, our_bot, people, chunk, our_ballots, folder)
            )
    pressed = [(user_id, number) for user_id, numbers in presses.items() for number in numbers]
    return ours, baseline, stored_votes(database_url) == expected_votes(pressed, person_ids)


def report(ours: Run, baseline: Run, all_committed: bool) -> dict[str, float]:
    ratio = ours.per_second / baseline.per_second
    cpu_ratio = ours.cpu_ms_per_press / baseline.cpu_ms_per_press
    for name, run in (("ours", ours), ("bare PTB", baseline)):
        print(
            f"{name:>9}: {run.presses} presses in {run.seconds:.1f} s = {run.per_second:.0f}/s, "
            f"p50 {run.percentile(0.5):.0f} ms, p95 {run.percentile(0.95):.0f} ms, "
            f"{run.cpu_seconds:.1f} CPU-s = {run.cpu_ms_per_press:.2f} CPU-ms per press"
        )
    print(
        f"ratio {ratio:.2f} (target ≥ {TARGET_RATIO}), CPU ratio {cpu_ratio:.2f} "
        f"(target ≤ {TARGET_CPU_RATIO}); every vote committed: {all_committed}"
    )
    return {
        "ratio": round(ratio, 3),
        "ours_per_s": round(ours.per_second, 1),
        "baseline_per_s": round(baseline.per_second, 1),
        "cpu_ms_per_press": round(ours.cpu_ms_per_press, 2),
        "baseline_cpu_ms_per_press": round(baseline.cpu_ms_per_press, 2),
        "cpu_ratio": round(cpu_ratio, 3),
        "p50_ms": round(ours.percentile(0.5), 1),
        "p95_ms": round(ours.percentile(0.95), 1),
        "baseline_p95_ms": round(baseline.percentile(0.95), 1),
        "all_committed": all_committed,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--people", type=int, default=500)
    parser.add_argument("--presses", type=int, default=10, help="presses per person")
    parser.add_argument("--rounds", type=int, default=5, help="alternating rounds per bot")
    arguments = parser.parse_args()
    server = TelegramApiServer()
    driven = {server.account.token: server.account}
    server.routes = bench_routes(driven)
    with tempfile.TemporaryDirectory() as folder, serve_in_thread(server):
        size = (arguments.people, arguments.presses, arguments.rounds)
        ours, baseline, committed = asyncio.run(measure(server, *size, Path(folder), driven))
    print(json.dumps(report(ours, baseline, committed)))


if __name__ == "__main__":
    main()
