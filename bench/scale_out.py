"""Benchmark: 1, 2 and 3 webhook processes on PostgreSQL behind nginx, then a broadcast.

Run from the project root: ``.venv/bin/python bench/scale_out.py`` (``--people``,
``--presses``, ``--members``; PostgreSQL as for the tests, BARCAMP_TEST_POSTGRES_URL).
For each process count the same press storm as bench/telegram_votes.py (people in their
own process, bench/storm.py) goes through the loopback Bot API, which delivers up to 40
webhook requests at once as Telegram does, to nginx and on to the `barcamp-bot run`
processes. It prints presses/s, p95 and the CPU seconds of every process: each bot, nginx,
PostgreSQL (all its server processes, so other work on the server counts too), the
people's process and this one (the Bot API server). On a machine with few cores the sum
shows when the machine, not the bot, is the limit.
Then an announcement to ``--members`` people goes out through 3 processes against the
server's flood limits (30 messages/s): the ratio of the achieved rate to 30/s, the 429
answers, members who got nothing (lost) and who got it twice (doubled).
Target: 2 processes at least 1.5x the presses/s of one; broadcast ratio at least 0.98
with no 429. The last line is JSON with ``per_s`` (by process count), ``p95_ms``,
``broadcast_ratio``, ``http_429``, ``lost`` and ``doubled``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import resource
import socket
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.storm import Run, bench_routes, run_storm
from handlers.core.announcements import announce_to_event
from handlers.core.config import CoreConfig
from handlers.core.i18n import catalogues
from storage.db import make_engine
from storage.uow import UnitOfWork
from tests.support.cpu import cpu_seconds
from tests.support.nginx import PATH, Proxy, free_port, reverse_proxy
from tests.support.store import postgres_schema_url
from tests.support.telegram_api import (
    BotAccount,
    FloodLimits,
    TelegramApiServer,
    serve_in_thread,
)
from tests.support.telegram_bot import (
    PROPOSALS,
    expected_votes,
    join_people,
    post_ballots,
    seed_camp,
    seed_voting_camp,
    start_bot_process,
    stored_votes,
)
from tests.support.telegram_updates import TgUser

FLOOR_PER_S = 30.0
TARGET_SCALE, TARGET_BROADCAST = 1.5, 0.98
Process = asyncio.subprocess.Process


def postgres_cpu() -> float:
    """CPU seconds of every PostgreSQL server process on this machine."""
    total = 0.0
    for comm in Path("/proc").glob("[0-9]*/comm"):
        try:
            if comm.read_text().strip() == "postgres":
                total += cpu_seconds(int(comm.parent.name))
        except OSError:
            continue
    return total


def own_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


async def listening(port: int, timeout: float = 90.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), 0.2):
                return
        except OSError:
            await asyncio.sleep(0.1)
    raise RuntimeError(f"no bot listens on {port}")


async def start_fleet(
    tg: BotAccount, database_url: str, proxy: Proxy, ports: list[int], folder: Path
) -> list[Process]:
    before = len(tg.calls("setWebhook"))
    bots = []
    for number, port in enumerate(ports):
        log = folder / f"bot{number}" / "bot.log"
        log.parent.mkdir(parents=True)
        bots.append(
            await start_bot_process(
                tg,
                database_url,
                log,
                telegram_webhook_url=proxy.url(f"{PATH}hook"),
                telegram_webhook_port=str(port),
                telegram_webhook_secret="scale-out-bench",
            )
        )
    for port in ports:
        await listening(port)
    await tg.wait_for(lambda _: len(tg.calls("setWebhook")) >= before + len(ports), timeout=60)
    return bots


async def stop(bots: list[Process]) -> None:
    for bot in bots:
        bot.terminate()
    for bot in bots:
        await asyncio.wait_for(bot.wait(), 30)


async def storm(
    server: TelegramApiServer,
    driven: dict[str, BotAccount],
    count: int,
    people_count: int,
    presses_each: int,
    folder: Path,
) -> dict[str, Any]:
    """The press storm through `count` processes on a fresh store; its figures."""
    tg = server.add_account(f"{710_000 + count}:scale-out-token", f"scale{count}_bot")
    tg.parallel_webhook = True
    driven[tg.token] = tg
    people = [TgUser(90_000 + n, f"Teen {n}") for n in range(people_count)]
    chosen = random.Random(count)
    presses = {u.id: [chosen.randint(1, PROPOSALS) for _ in range(presses_each)] for u in people}
    with postgres_schema_url() as database_url:
        person_ids = seed_voting_camp(database_url, tg, people)
        ballots = await post_ballots(tg, people)
        ports = [free_port() for _ in range(count)]
        with reverse_proxy(folder / f"nginx{count}", ports) as proxy:
            bots = await start_fleet(tg, database_url, proxy, ports, folder / f"fleet{count}")
            try:
                await asyncio.sleep(3)  # start-up work (menus, retention) out of the way
                before = [cpu_seconds(bot.pid) for bot in bots]
                nginx, postgres, this = proxy.cpu_seconds(), postgres_cpu(), own_cpu()
                run, load = await run_storm(
                    server.url, tg.token, people, presses, ballots, {}, folder
                )
                cpu = {
                    "bots": [
                        round(cpu_seconds(bot.pid) - spent, 1)
                        for bot, spent in zip(bots, before, strict=True)
                    ],
                    "nginx": round(proxy.cpu_seconds() - nginx, 1),
                    "postgresql": round(postgres_cpu() - postgres, 1),
                    "people": round(load, 1),
                    "api_server": round(own_cpu() - this, 1),
                }
            finally:
                await stop(bots)
        pressed = [(user, number) for user, numbers in presses.items() for number in numbers]
        committed = stored_votes(database_url) == expected_votes(pressed, person_ids)
    return report_storm(count, run, cpu, committed)


def report_storm(count: int, run: Run, cpu: dict[str, Any], committed: bool) -> dict[str, Any]:
    total = sum(cpu["bots"]) + sum(value for key, value in cpu.items() if key != "bots")
    print(
        f"{count} process(es): {run.presses} presses in {run.seconds:.1f} s = "
        f"{run.per_second:.0f}/s, p95 {run.percentile(0.95):.0f} ms; CPU-s bots {cpu['bots']}, "
        f"nginx {cpu['nginx']}, PostgreSQL {cpu['postgresql']}, people {cpu['people']}, "
        f"API server {cpu['api_server']}: {total:.1f} CPU-s in {run.seconds:.1f} s "
        f"= {total / run.seconds:.2f} cores busy; every vote committed: {committed}"
    )
    return {
        "per_s": round(run.per_second, 1),
        "p95_ms": round(run.percentile(0.95), 1),
        "cpu_seconds": cpu,
        "cores_busy": round(total / run.seconds, 2),
        "all_committed": committed,
    }


async def broadcast(server: TelegramApiServer, members: int, folder: Path) -> dict[str, Any]:
    """An announcement to `members` through 3 processes, against the flood limits."""
    tg = server.add_account("719999:scale-out-broadcast", "broadcast_bot")
    tg.parallel_webhook = True
    people = [TgUser(95_000 + n, f"Mitglied {n}") for n in range(members)]
    text = "Morgen um 10 Uhr geht es los!"
    with postgres_schema_url() as database_url:
        code = seed_camp(database_url, tg)
        engine = make_engine(database_url)
        join_people(engine, tg, code, people)
        ports = [free_port() for _ in range(3)]
        with reverse_proxy(folder / "nginx-broadcast", ports) as proxy:
            bots = await start_fleet(tg, database_url, proxy, ports, folder / "broadcast")
            try:
                tg.flood_limits = FloodLimits()
                with UnitOfWork(engine) as uow:
                    event = uow.events.by_code(code)
                    assert event is not None
                    assert event.id is not None
                    announce_to_event(
                        uow, event.id, text, datetime.now(UTC), catalogues(), CoreConfig()
                    )

                def announced() -> list[Any]:
                    return [c for c in tg.calls("sendMessage") if c.ok and text in (c.text or "")]

                await tg.wait_for(lambda _: len(announced()) >= members, timeout=members / 10)
                await asyncio.sleep(1)  # anything sent twice would come now
            finally:
                await stop(bots)
        engine.dispose()
    sends = announced()
    seconds = sends[-1].at - sends[0].at
    rate = (len(sends) - 1) / seconds
    received = Counter(call.chat_id for call in sends)
    result = {
        "broadcast_per_s": round(rate, 2),
        "broadcast_ratio": round(rate / FLOOR_PER_S, 3),
        "http_429": len([call for call in tg.calls() if call.error_code == 429]),
        "lost": len([p for p in people if received[p.id] == 0]),
        "doubled": len([chat for chat, times in received.items() if times > 1]),
    }
    print(
        f"broadcast to {members} through 3 processes: {len(sends)} in {seconds:.1f} s = "
        f"{rate:.2f}/s, {result['broadcast_ratio']:.3f} of {FLOOR_PER_S:.0f}/s "
        f"(target ≥ {TARGET_BROADCAST}); 429s {result['http_429']}, lost {result['lost']}, "
        f"doubled {result['doubled']}"
    )
    return result


async def measure(
    server: TelegramApiServer, driven: dict[str, BotAccount], arguments: Any, folder: Path
) -> dict[str, Any]:
    storms = [
        await storm(server, driven, count, arguments.people, arguments.presses, folder)
        for count in (1, 2, 3)
    ]
    per_s = [result["per_s"] for result in storms]
    print(f"2 processes: {per_s[1] / per_s[0]:.2f}x one (target ≥ {TARGET_SCALE}x)")
    return {
        "per_s": per_s,
        "p95_ms": [result["p95_ms"] for result in storms],
        "scale_2": round(per_s[1] / per_s[0], 3),
        "cores_busy": [result["cores_busy"] for result in storms],
        "all_committed": all(result["all_committed"] for result in storms),
    } | await broadcast(server, arguments.members, folder)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--people", type=int, default=300)
    parser.add_argument("--presses", type=int, default=10, help="presses per person")
    parser.add_argument("--members", type=int, default=1000, help="who get the announcement")
    arguments = parser.parse_args()
    server = TelegramApiServer()
    driven: dict[str, BotAccount] = {}
    server.routes = bench_routes(driven)
    with tempfile.TemporaryDirectory() as folder, serve_in_thread(server):
        result = asyncio.run(measure(server, driven, arguments, Path(folder)))
    print(json.dumps(result))


if __name__ == "__main__":
    main()
