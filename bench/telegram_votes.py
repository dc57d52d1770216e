"""Benchmark: 5,000 vote presses from 500 simulated people through the loopback Bot API.

Run from the project root: ``.venv/bin/python bench/telegram_votes.py`` (``--people``,
``--presses`` for other sizes). Each person presses a vote button on their ballot, waits
until the ballot shows the answer (the edit), then presses the next one; everyone at once.
The same run measures a bare python-telegram-bot Application (default settings) that
answers the same presses with the same two API calls (answerCallbackQuery and
editMessageText) and no logic and no store. Both bots run in their own process
(``barcamp-bot run`` for ours, on SQLite), the server and the people in this one; the
presses come in alternating rounds (``--rounds``), first to the bare bot, then to ours.
Target: our throughput at least 0.8 of the bare one, and every vote committed. The last
line is JSON with ``ours_per_s``, ``baseline_per_s``, ``ratio``, ``p95_ms`` and
``baseline_p95_ms``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Awaitable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


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

TARGET_RATIO = 0.8


@dataclass
class Run:
    seconds: float
    latencies: list[float]
    presses: int

    @property
    def per_second(self) -> float:
        return self.presses / self.seconds

    def plus(self, other: Run) -> Run:
        return Run(
            self.seconds + other.seconds,
            self.latencies + other.latencies,
            self.presses + other.presses,
        )

    def percentile(self, share: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(share * len(ordered)))] * 1000


class Answers:
    """Which ballot (chat) was last edited when: the server tells us from its own thread."""

    def __init__(self, tg: BotAccount, loop: asyncio.AbstractEventLoop) -> None:
        self.tg, self.loop = tg, loop
        self.events: dict[int, asyncio.Event] = {}
        original = tg.handle

        async def handle(method: str, params: Any, files: Any) -> Any:
            answer = await original(method, params, files)
            if method.lower() == "editmessagetext":
                chat = int(params["chat_id"])
                loop.call_soon_threadsafe(self.events[chat].set)
            return answer

        tg.handle = handle  # type: ignore[method-assign]

    async def wait(self, chat_id: int, timeout: float = 60.0) -> None:
        await asyncio.wait_for(self.events[chat_id].wait(), timeout)
        self.events[chat_id].clear()


async def press_all(
    answers: Answers, people: list[TgUser], presses: dict[int, list[int]], ballots: dict[int, int]
) -> Run:
    tg, latencies = answers.tg, []
    for user in people:
        answers.events[user.id] = asyncio.Event()

    async def person(user: TgUser) -> None:
        for number in presses[user.id]:
            started = time.perf_counter()
            await asyncio.to_thread(
                tg.inject_callback, user, user.id, ballots[user.id], data=f"vote {number}"
            )
            await answers.wait(user.id)
            latencies.append(time.perf_counter() - started)

    started = time.perf_counter()
    await asyncio.gather(*(person(user) for user in people))
    return Run(time.perf_counter() - started, latencies, sum(map(len, presses.values())))


# -- the two bots, each in its own process -----------------------------------------------

BARE_BOT = """
import sys
from telegram.ext import ApplicationBuilder, CallbackQueryHandler

async def answer(update, context):
    query = update.callback_query
    await query.answer(text=f"✅ {query.data}")
    await query.edit_message_text(
        f"Stimmzettel – {query.data} (#{update.update_id})",
        reply_markup=query.message.reply_markup,
    )

url, token = sys.argv[1], sys.argv[2]
builder = ApplicationBuilder().token(token).base_url(url + "/bot")
app = builder.base_file_url(url + "/file/bot").build()
app.add_handler(CallbackQueryHandler(answer))
app.run_polling(timeout=10)
"""


@asynccontextmanager
async def bot_process(
    tg: BotAccount, start: Awaitable[asyncio.subprocess.Process]
) -> AsyncIterator[None]:
    """Until the bot polls (it deletes any webhook first); stopped with SIGTERM after."""
    before = len(tg.calls("deleteWebhook"))
    process = await start
    try:
        await tg.wait_for(lambda _: len(tg.calls("deleteWebhook")) > before, timeout=60)
        yield
    finally:
        process.terminate()
        await asyncio.wait_for(process.wait(), 30)


async def measure(
    server: TelegramApiServer, people_count: int, presses_each: int, rounds: int, folder: Path
) -> tuple[Run, Run, bool]:
    """Both bots run side by side; the people press in alternating rounds (bare bot, our
    bot, bare bot, ...), so a change in the machine's load meets both alike."""
    chosen = random.Random(5)
    people = [TgUser(80_000 + n, f"Teen {n}") for n in range(people_count)]
    presses = {u.id: [chosen.randint(1, PROPOSALS) for _ in range(presses_each)] for u in people}

    bare = server.add_account("777001:bare-baseline-token", "bare_bot")
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
    loop = asyncio.get_running_loop()
    bare_answers, our_answers = Answers(bare, loop), Answers(ours_account, loop)
    async with bot_process(bare, bare_start), bot_process(ours_account, ours_start):
        for part in range(rounds):
            chunk = {user: numbers[part::rounds] for user, numbers in presses.items()}
            baseline = baseline.plus(await press_all(bare_answers, people, chunk, bare_ballots))
            ours = ours.plus(await press_all(our_answers, people, chunk, our_ballots))
    pressed = [(user_id, number) for user_id, numbers in presses.items() for number in numbers]
    return ours, baseline, stored_votes(database_url) == expected_votes(pressed, person_ids)


def report(ours: Run, baseline: Run, all_committed: bool) -> dict[str, float]:
    ratio = ours.per_second / baseline.per_second
    for name, run in (("ours", ours), ("bare PTB", baseline)):
        print(
            f"{name:>9}: {run.presses} presses in {run.seconds:.1f} s = {run.per_second:.0f}/s, "
            f"p50 {run.percentile(0.5):.0f} ms, p95 {run.percentile(0.95):.0f} ms"
        )
    print(f"ratio {ratio:.2f} (target ≥ {TARGET_RATIO}); every vote committed: {all_committed}")
    return {
        "ours_per_s": round(ours.per_second, 1),
        "baseline_per_s": round(baseline.per_second, 1),
        "ratio": round(ratio, 3),
        "p50_ms": round(ours.percentile(0.5), 1),
        "p95_ms": round(ours.percentile(0.95), 1),
        "baseline_p50_ms": round(baseline.percentile(0.5), 1),
        "baseline_p95_ms": round(baseline.percentile(0.95), 1),
        "all_committed": all_committed,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--people", type=int, default=500)
    parser.add_argument("--presses", type=int, default=10, help="presses per person")
    parser.add_argument("--rounds", type=int, default=5, help="alternating rounds per bot")
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder, serve_in_thread() as server:
        ours, baseline, committed = asyncio.run(
            measure(server, arguments.people, arguments.presses, arguments.rounds, Path(folder))
        )
    print(json.dumps(report(ours, baseline, committed)))


if __name__ == "__main__":
    main()
