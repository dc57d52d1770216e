"""Benchmark: an announcement to 1,000 members through the loopback Bot API server.

Run from the project root: ``.venv/bin/python bench/telegram_broadcast.py`` (``--members``
for another size). The server enforces Telegram's flood limits (30 messages/s overall,
1/s per chat) and answers 429 to every excess; the floor is 1,000 / 30 = 33.3 s. Target:
at least 0.95 of the floor's rate and zero 429 answers. The last line is JSON with
``recipients``, ``seconds``, ``floor_seconds``, ``ratio`` and ``http_429``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from handlers.core.i18n import catalogues
from tests.support.telegram_api import BotAccount, FloodLimits, serve_in_thread
from tests.support.telegram_bot import Phone, join_people, running_bot, text_of
from tests.support.telegram_updates import TgUser

OVERALL_PER_SECOND = 30
TARGET_RATIO = 0.95
ORGA = TgUser(9001, "Olga", language_code="de")
CAMP_ANSWERS = ("Bench-Camp", "2030-06-13", "Jugendhaus", "Aula:60", "10:00-10:45")


async def broadcast(tg: BotAccount, members: int, folder: Path) -> tuple[float, int]:
    async with running_bot(tg, f"sqlite:///{folder / 'bench.sqlite3'}", limits=None) as bot:
        orga = Phone(tg, bot, ORGA)
        await orga.says("/start")
        await orga.presses(catalogues().text("de", "start.agree"))
        await orga.says("/newcamp")
        for answer in CAMP_ANSWERS:
            done = await orga.says(answer)
        code = text_of(done[0]).split("/join ")[1].split()[0].strip(".,")
        users = [TgUser(100_000 + n, f"Teen {n}") for n in range(members)]
        join_people(bot.app.engine, tg, code, users)
        tg.flood_limits = FloodLimits()
        before = len(tg.sends())
        started = time.perf_counter()
        update_id = tg.inject_message(ORGA, "/announce Morgen um 10 in der Aula!")
        await bot.settled(update_id, timeout=members / OVERALL_PER_SECOND * 3 + 30)
        seconds = time.perf_counter() - started
        assert len(tg.sends()) - before >= members, "every member got the announcement"
    return seconds, sum(1 for call in tg.calls() if call.error_code == 429)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--members", type=int, default=1000)
    members = parser.parse_args().members
    with tempfile.TemporaryDirectory() as folder, serve_in_thread() as server:
        seconds, http_429 = asyncio.run(broadcast(server.account, members, Path(folder)))
    # The organiser's own copy and the "on its way" answer travel in the same stream.
    recipients = members + 1
    floor = recipients / OVERALL_PER_SECOND
    ratio = floor / seconds
    print(f"{recipients} recipients in {seconds:.1f} s; floor at 30 messages/s: {floor:.1f} s")
    print(f"ratio {ratio:.3f} (target ≥ {TARGET_RATIO}); 429 answers: {http_429}")
    figures = {
        "recipients": recipients,
        "seconds": round(seconds, 2),
        "floor_seconds": round(floor, 2),
        "ratio": round(ratio, 3),
        "http_429": http_429,
    }
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
