"""Benchmark: command-to-reply latency of the bot on Matrix against a bare nio echo bot.

Run from the project root: ``.venv/bin/python bench/matrix_roundtrip.py [--commands 500]
[--encrypted]``. It starts a Synapse of its own (the test suite's, installed into
``.cache/synapse/`` on first use) and two bots, each a process of its own:

- the bare bot: a matrix-nio client that answers every message with a notice, nothing else;
- our bot: ``barcamp-bot run`` with the Matrix settings and an SQLite store, answering
  ``!vote 1`` (a toggle: a transaction with a write, an outbox row, a delivery).

One tester sends a command, waits for the answer, sends the next; in blocks of 50 it
switches between the two bots, so a busy moment of the machine hits both alike. The
first block of each bot is warm-up and not counted. Both talk in direct chats, which
our bot does not pace (it paces rooms with many people). Target: our p95 at most 1.25
times the bare bot's. The last line is JSON with ``p50_ms``,
``p95_ms``, ``baseline_p95_ms``, ``ratio`` (and the same by the server's clock, from the
command stored to the answer stored, which leaves out the tester's own sync).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import nio  # type: ignore[import-untyped, unused-ignore]

from handlers.barcamp.camp_input import RoomInput, slots
from handlers.barcamp.camps import CampInput, create_camp
from storage.db import make_engine
from storage.uow import UnitOfWork
from tests.support.synapse import (
    RegisteredUser,
    SynapseServer,
    maintain_keys,
    running_synapse,
)

BLOCK = 50
TARGET_RATIO = 1.25
WAIT_S = 30.0
REPO = Path(__file__).resolve().parents[1]


# --------------------------------------------------------------------------- the bare bot


async def echo_bot(homeserver: str, user_id: str, device_id: str, token: str, store: str) -> None:
    """The baseline: sync, and answer every text from someone else with a notice."""
    config = nio.AsyncClientConfig(encryption_enabled=bool(store), store_sync_tokens=False)
    client = nio.AsyncClient(homeserver, user_id, device_id, store_path=store, config=config)
    client.restore_login(user_id, device_id, token)

    async def answer(room: nio.MatrixRoom, event: nio.RoomMessageText) -> None:
        if event.sender != user_id:
            content = {"msgtype": "m.notice", "body": f"echo: {event.body}"}
            await client.room_send(
                room.room_id, "m.room.message", content, ignore_unverified_devices=True
            )

    async def join(room: nio.MatrixRoom, _event: Any) -> None:
        await client.join(room.room_id)

    client.add_event_callback(answer, nio.RoomMessageText)
    client.add_event_callback(join, nio.InviteMemberEvent)
    await client.sync_forever(timeout=30_000, full_state=True)


# --------------------------------------------------------------------------- processes


@contextmanager
def process(command: list[str], log: Path, env: dict[str, str] | None = None) -> Iterator[None]:
    with log.open("wb") as output:
        child = subprocess.Popen(
            command,
            cwd=REPO,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        yield
    finally:
        child.terminate()
        try:
            child.wait(10)
        except subprocess.TimeoutExpired:
            child.kill()


def echo_command(server: SynapseServer, bot: RegisteredUser, store: str) -> list[str]:
    arguments = [server.base_url, bot.user_id, bot.device_id, bot.access_token, store]
    return [sys.executable, __file__, "--echo-bot", *arguments]


def our_bot_environment(server: SynapseServer, bot: RegisteredUser, folder: Path) -> dict[str, str]:
    return {
        **os.environ,
        "PYTHONPATH": str(REPO),
        "BARCAMP_DATABASE_URL": f"sqlite:///{folder / 'bot.sqlite3'}",
        "BARCAMP_DATA_DIR": str(folder / "data"),
        "BARCAMP_LOG_LEVEL": "WARNING",
        "BARCAMP_MATRIX_HOMESERVER": server.base_url,
        "BARCAMP_MATRIX_USER_ID": bot.user_id,
        "BARCAMP_MATRIX_ACCESS_TOKEN": bot.access_token,
        "BARCAMP_MATRIX_PICKLE_KEY": "benchmark pickle key",
        "BARCAMP_MATRIX_STORE_DIR": str(folder / "matrix-store"),
    }


# --------------------------------------------------------------------------- the tester


class Tester:
    def __init__(self, client: nio.AsyncClient) -> None:
        self.client = client

    async def sync(self, timeout_ms: int = 30_000) -> nio.SyncResponse:
        response = await self.client.sync(timeout=timeout_ms)
        if not isinstance(response, nio.SyncResponse):
            raise RuntimeError(f"sync failed: {response}")
        if self.client.olm is not None:
            await maintain_keys(self.client)
        return response

    async def room_with(self, bot_id: str, encrypted: bool) -> str:
        state = [nio.EnableEncryptionBuilder().as_dict()] if encrypted else []
        created = await self.client.room_create(
            invite=[bot_id],
            is_direct=True,
            preset=nio.RoomPreset.trusted_private_chat,
            initial_state=state,
        )
        assert isinstance(created, nio.RoomCreateResponse), created
        deadline = time.monotonic() + WAIT_S
        while not self._joined(created.room_id, bot_id):
            if time.monotonic() > deadline:
                raise TimeoutError(f"{bot_id} did not join")
            await self.sync(500)
        return str(created.room_id)

    async def round_trip(self, room_id: str, bot_id: str, text: str) -> tuple[float, float]:
        """Seconds from sending `text` until the bot's answer arrives here, and the same
        by the server's clock (command stored to answer stored: the bot's share)."""
        started = time.perf_counter()
        sent = await self.client.room_send(
            room_id,
            "m.room.message",
            {"msgtype": "m.text", "body": text},
            ignore_unverified_devices=True,
        )
        assert isinstance(sent, nio.RoomSendResponse), sent
        stored_at: int | None = None
        deadline = time.monotonic() + WAIT_S
        while time.monotonic() < deadline:
            response = await self.sync()
            joined = response.rooms.join.get(room_id)
            for event in joined.timeline.events if joined else []:
                if event.event_id == sent.event_id:
                    stored_at = event.server_timestamp
                elif getattr(event, "sender", None) == bot_id and stored_at is not None:
                    arrived = time.perf_counter() - started
                    return arrived, (event.server_timestamp - stored_at) / 1000
        raise TimeoutError(f"no answer from {bot_id} to {text!r}")

    async def drain(self, room_id: str, bot_id: str, count: int) -> None:
        """Wait for `count` messages from the bot (set-up answers), without timing them."""
        seen = 0
        deadline = time.monotonic() + WAIT_S
        while seen < count:
            if time.monotonic() > deadline:
                raise TimeoutError(f"{bot_id} answered {seen} of {count}")
            response = await self.sync(1000)
            joined = response.rooms.join.get(room_id)
            for event in joined.timeline.events if joined else []:
                if (
                    getattr(event, "sender", None) == bot_id
                    and event.source.get("type") == "m.room.message"
                ):
                    seen += 1

    def _joined(self, room_id: str, user_id: str) -> bool:
        room = self.client.rooms.get(room_id)
        return room is not None and user_id in room.users and user_id not in room.invited_users


async def prepare_our_bot(tester: Tester, room: str, bot_id: str, database_url: str) -> None:
    """The tester agrees, a camp with one proposal exists: `!vote 1` toggles a real vote."""
    await tester.drain(room, bot_id, 1)  # greeting
    for command in ("!start", "!consent de"):
        await tester.client.room_send(
            room,
            "m.room.message",
            {"msgtype": "m.text", "body": command},
            ignore_unverified_devices=True,
        )
        await tester.drain(room, bot_id, 1)
    day = date(2027, 6, 13)
    camp = CampInput(
        "Bench-Camp", day, "Jugendhaus", [RoomInput("Aula", 60)], slots("10:00-10:45", day)
    )
    with UnitOfWork(make_engine(database_url)) as uow:
        person = uow.people.by_identity("matrix", tester.client.user_id)
        assert person is not None
        assert person.id is not None
        create_camp(uow, camp, [person.id], datetime.now(UTC))
    await tester.client.room_send(
        room,
        "m.room.message",
        {"msgtype": "m.text", "body": "!propose Skatepark am See"},
        ignore_unverified_devices=True,
    )
    await tester.drain(room, bot_id, 1)


async def measure(commands: int, encrypted: bool) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as temporary:
        folder = Path(temporary)
        with running_synapse(folder / "synapse") as server:
            return await measure_on(server, folder, commands, encrypted)


async def measure_on(
    server: SynapseServer, folder: Path, commands: int, encrypted: bool
) -> dict[str, float]:
    bare, ours, person = (
        server.register_user(f"{name}-bench") for name in ("bare", "ours", "tester")
    )
    store = str(folder / "tester-store")
    echo_store = ""
    if encrypted:
        Path(store).mkdir()
        echo_store = str(folder / "echo-store")
        Path(echo_store).mkdir()
    environment = our_bot_environment(server, ours, folder)
    client = server.client_for(person, Path(store) if encrypted else None)
    tester = Tester(client)
    try:
        await tester.sync(0)
        with (
            process(echo_command(server, bare, echo_store), folder / "echo.log"),
            process([sys.executable, "-m", "bot", "run"], folder / "bot.log", environment),
        ):
            bare_room = await tester.room_with(bare.user_id, encrypted)
            our_room = await tester.room_with(ours.user_id, encrypted)
            await prepare_our_bot(
                tester, our_room, ours.user_id, environment["BARCAMP_DATABASE_URL"]
            )
            timings: dict[str, list[tuple[float, float]]] = {"bare": [], "ours": []}
            for block in range(commands // BLOCK + 1):  # the first block is warm-up
                for name, room, bot in (
                    ("bare", bare_room, bare.user_id),
                    ("ours", our_room, ours.user_id),
                ):
                    for _ in range(BLOCK):
                        measured = await tester.round_trip(room, bot, "!vote 1")
                        if block:
                            timings[name].append(measured)
    finally:
        await client.close()
    return summary(timings["ours"], timings["bare"])


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def summary(ours: list[tuple[float, float]], bare: list[tuple[float, float]]) -> dict[str, float]:
    def ms(values: list[tuple[float, float]], which: int, fraction: float) -> float:
        return round(percentile([value[which] for value in values], fraction) * 1000, 1)

    return {
        "p50_ms": ms(ours, 0, 0.5),
        "p95_ms": ms(ours, 0, 0.95),
        "baseline_p50_ms": ms(bare, 0, 0.5),
        "baseline_p95_ms": ms(bare, 0, 0.95),
        "ratio": round(ms(ours, 0, 0.95) / ms(bare, 0, 0.95), 3),
        # By the server's clock, without the tester's own sync: what the bot itself adds.
        "server_p50_ms": ms(ours, 1, 0.5),
        "server_p95_ms": ms(ours, 1, 0.95),
        "baseline_server_p50_ms": ms(bare, 1, 0.5),
        "baseline_server_p95_ms": ms(bare, 1, 0.95),
        "commands": len(ours),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--commands", type=int, default=500, help="timed commands per bot")
    parser.add_argument("--encrypted", action="store_true", help="encrypted rooms for both bots")
    parser.add_argument("--echo-bot", nargs=5, help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.echo_bot:
        asyncio.run(echo_bot(*arguments.echo_bot))
        return
    result = asyncio.run(measure(arguments.commands, arguments.encrypted))
    result["encrypted"] = arguments.encrypted
    verdict = "meets" if result["ratio"] <= TARGET_RATIO else "misses"
    print(
        f"our bot p50 {result['p50_ms']} ms, p95 {result['p95_ms']} ms; "
        f"bare nio bot p50 {result['baseline_p50_ms']} ms, p95 {result['baseline_p95_ms']} ms; "
        f"ratio {result['ratio']} ({verdict} the target of {TARGET_RATIO}); "
        f"by the server's clock {result['server_p50_ms']}/{result['server_p95_ms']} ms "
        f"against {result['baseline_server_p50_ms']}/{result['baseline_server_p95_ms']} ms"
    )
    print(json.dumps(result))


if __name__ == "__main__":
    main()
