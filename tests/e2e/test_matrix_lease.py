"""Two `barcamp-bot run` processes for one Matrix account on one PostgreSQL store, on a
real Synapse: only the process holding the Matrix lease syncs and sends; when it is
killed with SIGKILL the standby takes over within 10 seconds, and the encrypted direct
chat goes on working, since both processes share the folder with the device id and the
crypto store (BARCAMP_DATA_DIR, or BARCAMP_MATRIX_STORE_DIR, on a shared volume).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.matrix_bot import PICKLE_KEY, Young, consented, wait_until
from tests.support.synapse import SynapseClients, SynapseServer

pytestmark = [pytest.mark.e2e, pytest.mark.postgres]

REPO = Path(__file__).resolve().parents[2]
SYNCS = " on device "  # "Matrix: @bot:... on device ...", said once logged in
STANDS_BY = "another process syncs as the bot; standing by"


@pytest.fixture
def two_bots(
    synapse: SynapseServer, postgres_url: str, tmp_path: Path
) -> Iterator[tuple[list[subprocess.Popen[bytes]], list[Path], str]]:
    account = synapse.register_user()
    environment = {
        **os.environ,
        "PYTHONPATH": str(REPO),
        "BARCAMP_DATABASE_URL": postgres_url,
        "BARCAMP_DATA_DIR": str(tmp_path / "shared-data"),  # the crypto store, shared
        "BARCAMP_MATRIX_HOMESERVER": synapse.base_url,
        "BARCAMP_MATRIX_USER_ID": account.user_id,
        "BARCAMP_MATRIX_ACCESS_TOKEN": account.access_token,
        "BARCAMP_MATRIX_PICKLE_KEY": PICKLE_KEY,
    }
    logs = [tmp_path / f"bot{n}.log" for n in range(2)]
    bots = []
    for log in logs:
        with log.open("wb") as output:
            bots.append(
                subprocess.Popen(
                    [sys.executable, "-m", "bot", "run"],
                    cwd=tmp_path,
                    env=environment,
                    stdin=subprocess.DEVNULL,
                    stdout=output,
                    stderr=subprocess.STDOUT,
                )
            )
    try:
        yield bots, logs, account.user_id
    finally:
        for bot in bots:
            if bot.poll() is None:
                bot.send_signal(signal.SIGTERM)
        for bot in bots:
            try:
                bot.wait(15)
            except subprocess.TimeoutExpired:
                bot.kill()


def says(log: Path, words: str) -> bool:
    return words in log.read_text(errors="replace")


async def test_the_standby_takes_over_the_matrix_lease_and_the_encrypted_chat(
    synapse_clients: SynapseClients,
    two_bots: tuple[list[subprocess.Popen[bytes]], list[Path], str],
) -> None:
    bots, logs, bot_id = two_bots
    await wait_until(lambda: sum(says(log, SYNCS) for log in logs) == 1, "one syncs", 90)
    await wait_until(lambda: sum(says(log, STANDS_BY) for log in logs) == 1, "one stands by", 30)
    (active,) = [n for n, log in enumerate(logs) if says(log, SYNCS)]
    standby = 1 - active
    orga = Young(synapse_clients.new("orga", encrypted=True), bot_id)
    dm = await consented(orga)
    assert orga.client.rooms[dm].encrypted

    bots[active].send_signal(signal.SIGKILL)
    bots[active].wait(10)
    killed = time.monotonic()
    await wait_until(lambda: says(logs[standby], SYNCS), "the standby syncs", 30)
    takeover = time.monotonic() - killed
    await orga.say(dm, "!help")
    (answer,) = await orga.next_events(dm)
    answered = time.monotonic() - killed
    print(f"lease taken over after {takeover:.1f} s, encrypted answer after {answered:.1f} s")
    assert takeover <= 10.0
    # The answer came encrypted, and decrypted with the keys the new process has.
    assert answer.decrypted
    assert answer.source["content"]["body"]
    assert not says(logs[standby], "Traceback")
