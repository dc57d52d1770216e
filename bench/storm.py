"""The press storm of the benchmarks: simulated people in a process of their own.

The loopback Bot API server runs in the benchmark's process (in a thread) with two
extra routes; the people run here, in another process, so neither caps the other nor
the bots: each person presses a vote button (``POST /_bench/<token>/press``), waits
until the bot has edited the ballot (``POST /_bench/<token>/edited``), then presses the
next one; everyone at once. ``run_storm`` starts this file as that process and returns
what it measured; ``bench_routes`` are the server's side.
"""

from __future__ import annotations

import asyncio
import json
import resource
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp import web

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.support.telegram_api import BotAccount
from tests.support.telegram_updates import TgUser

WAIT_S = 120.0


@dataclass
class Run:
    seconds: float
    latencies: list[float]
    presses: int
    cpu_seconds: float = 0.0  # of the bot(s) while pressing

    @property
    def per_second(self) -> float:
        return self.presses / self.seconds

    def plus(self, other: Run) -> Run:
        return Run(
            self.seconds + other.seconds,
            self.latencies + other.latencies,
            self.presses + other.presses,
            self.cpu_seconds + other.cpu_seconds,
        )

    def percentile(self, share: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(share * len(ordered)))] * 1000

    @property
    def cpu_ms_per_press(self) -> float:
        return self.cpu_seconds * 1000 / self.presses


class Edits:
    """How often the bot edited each chat's ballot, and who waits for the next edit."""

    def __init__(self, account: BotAccount) -> None:
        self.counts: dict[int, int] = {}
        self.changed: dict[int, asyncio.Event] = {}
        original = account.handle

        async def handle(method: str, params: Any, files: Any) -> Any:
            answer = await original(method, params, files)
            if method.lower() == "editmessagetext":
                chat = int(params["chat_id"])
                self.counts[chat] = self.counts.get(chat, 0) + 1
                self.changed.setdefault(chat, asyncio.Event()).set()
            return answer

        account.handle = handle  # type: ignore[method-assign]

    async def after(self, chat: int, seen: int) -> int:
        while self.counts.get(chat, 0) <= seen:
            event = self.changed.setdefault(chat, asyncio.Event())
            event.clear()
            await asyncio.wait_for(event.wait(), WAIT_S)
        return self.counts[chat]


def bench_routes(accounts: dict[str, BotAccount]) -> list[web.RouteDef]:
    """Routes to add to the server (``TelegramApiServer(routes=...)``) for `accounts`;
    wrap the accounts with `watch` once the server runs."""
    edits: dict[str, Edits] = {}

    async def press(request: web.Request) -> web.Response:
        account = accounts[request.match_info["token"]]
        body = await request.json()
        user = TgUser(body["user"], body["name"])
        update_id = account.inject_callback(user, user.id, body["ballot"], data=body["data"])
        return web.json_response({"update_id": update_id})

    async def edited(request: web.Request) -> web.Response:
        token = request.match_info["token"]
        watcher = edits.get(token) or edits.setdefault(token, Edits(accounts[token]))
        body = await request.json()
        return web.json_response({"count": await watcher.after(body["chat"], body["seen"])})

    async def watch(request: web.Request) -> web.Response:
        token = request.match_info["token"]
        edits.setdefault(token, Edits(accounts[token]))
        return web.json_response({"ok": True})

    return [
        web.post("/_bench/{token}/press", press),
        web.post("/_bench/{token}/edited", edited),
        web.post("/_bench/{token}/watch", watch),
    ]


# -- the people's process ---------------------------------------------------------------


async def people(plan: dict[str, Any]) -> dict[str, Any]:
    base = f"{plan['url']}/_bench/{plan['token']}"
    latencies: list[float] = []
    connector = aiohttp.TCPConnector(limit=0)
    async with aiohttp.ClientSession(connector=connector) as http:
        async with http.post(f"{base}/watch", json={}) as answer:
            answer.raise_for_status()

        async def person(who: dict[str, Any]) -> None:
            seen = who["edits"]
            for number in who["presses"]:
                started = time.perf_counter()
                body = {"user": who["id"], "name": who["name"], "ballot": who["ballot"]}
                async with http.post(f"{base}/press", json=body | {"data": f"vote {number}"}):
                    pass
                async with http.post(f"{base}/edited", json={"chat": who["id"], "seen": seen}) as r:
                    seen = (await r.json())["count"]
                latencies.append(time.perf_counter() - started)

        started = time.perf_counter()
        await asyncio.gather(*(person(who) for who in plan["people"]))
        seconds = time.perf_counter() - started
    return {"seconds": seconds, "latencies": latencies}


async def run_storm(
    url: str,
    token: str,
    users: list[TgUser],
    presses: dict[int, list[int]],
    ballots: dict[int, int],
    edits_before: dict[int, int],
    folder: Path,
) -> tuple[Run, float]:
    """The storm from a process of its own: what it measured, and its CPU seconds."""
    plan = {
        "url": url,
        "token": token,
        "people": [
            {
                "id": user.id,
                "name": user.first_name,
                "ballot": ballots[user.id],
                "presses": presses[user.id],
                "edits": edits_before.get(user.id, 0),
            }
            for user in users
        ],
    }
    path = folder / "storm.json"
    path.write_text(json.dumps(plan))
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    process = await asyncio.create_subprocess_exec(
        sys.executable, __file__, str(path), stdout=asyncio.subprocess.PIPE
    )
    output, _ = await process.communicate()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if process.returncode != 0:
        raise RuntimeError("the people's process failed")
    measured = json.loads(output)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    count = sum(len(numbers) for numbers in presses.values())
    return Run(measured["seconds"], measured["latencies"], count), cpu


if __name__ == "__main__":
    print(json.dumps(asyncio.run(people(json.loads(Path(sys.argv[1]).read_text())))))
