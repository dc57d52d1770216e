"""End to end on a real Synapse: the bot process killed with SIGKILL, and started again.

`barcamp-bot run` runs as a process of its own with the Matrix settings. An organiser
sends 300 `!propose Idee N` into an encrypted direct chat without waiting for answers,
while twelve announcements go out, paced, into the camp's linked room. The bot is killed
after about a hundred ideas (the announcements are not through yet either) and started
again while the commands keep coming. Afterwards every idea exists exactly once, every
answer arrived exactly once, and the room has each announcement once, in order.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine, func
from sqlmodel import col, select

from handlers.core.announcements import announce_to_event
from handlers.core.config import CoreConfig
from handlers.core.i18n import catalogues
from storage.barcamp.camp_tables import Proposal
from storage.core.shared_tables import DeliveryStatus, OutboxMessage
from storage.db import make_engine
from storage.uow import UnitOfWork
from tests.support.matrix_bot import PICKLE_KEY, Young, camp_of, consented, t, wait_until
from tests.support.store import raw_session
from tests.support.synapse import RegisteredUser, SynapseClients, SynapseServer

pytestmark = pytest.mark.e2e

COMMANDS = 300
KILL_AFTER = 100
CAMP = "Crash-Camp"
REPO = Path(__file__).resolve().parents[2]


class BotProcess:
    """`barcamp-bot run` in a process of its own, with its output in a log file."""

    def __init__(self, server: SynapseServer, account: RegisteredUser, folder: Path) -> None:
        self.folder = folder
        self.environment = {
            **os.environ,
            "BARCAMP_DATABASE_URL": f"sqlite:///{folder / 'bot.sqlite3'}",
            "BARCAMP_DATA_DIR": str(folder / "data"),
            "BARCAMP_LOG_LEVEL": "WARNING",
            "BARCAMP_MATRIX_HOMESERVER": server.base_url,
            "BARCAMP_MATRIX_USER_ID": account.user_id,
            "BARCAMP_MATRIX_ACCESS_TOKEN": account.access_token,
            "BARCAMP_MATRIX_PICKLE_KEY": PICKLE_KEY,
        }
        self.process: subprocess.Popen[bytes] | None = None
        self.starts = 0

    def start(self) -> None:
        self.starts += 1
        with (self.folder / f"bot-{self.starts}.log").open("wb") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "bot", "run"],
                cwd=self.folder,
                env=self.environment,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
            )

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(10)

    def log(self) -> str:
        return "\n".join(
            path.read_text(errors="replace")[-3000:] for path in sorted(self.folder.glob("*.log"))
        )


@pytest.fixture
def bot_process(synapse: SynapseServer, tmp_path: Path) -> Iterator[BotProcess]:
    process = BotProcess(synapse, synapse.register_user(), tmp_path)
    process.environment["PYTHONPATH"] = str(REPO)
    try:
        yield process
    finally:
        process.kill()


def proposals(engine: Engine) -> int:
    with raw_session(engine) as session:
        return int(session.exec(select(func.count()).select_from(Proposal)).one())


def waiting_for(engine: Engine, room_id: str) -> int:
    """Messages into the room not delivered yet (a sent one no longer says where it went)."""
    with raw_session(engine) as session:
        statement = select(func.count()).where(
            OutboxMessage.chat_id == room_id,
            col(OutboxMessage.status).in_([DeliveryStatus.PENDING, DeliveryStatus.SENDING]),
        )
        return int(session.exec(statement).one())


def announce(engine: Engine, event_id: int, texts: list[str]) -> list[str]:
    """Announcements queued as `/announce` queues them; the texts as the room gets them."""
    with UnitOfWork(engine) as uow:
        for text in texts:
            announce_to_event(uow, event_id, text, datetime.now(UTC), catalogues(), CoreConfig())
    return [t("announce.message", name=CAMP, text=text) for text in texts]


async def linked_room(orga: Young) -> str:
    room = await orga.group_room("BarCamp-Raum", [])
    await orga.replies(room)  # the greeting
    await orga.say(room, "!linkgroup")
    await orga.replies(room)
    return room


async def test_sigkill_during_300_commands_and_paced_announcements(
    synapse_clients: SynapseClients,
    bot_process: BotProcess,
) -> None:
    bot_process.environment["BARCAMP_MATRIX_ROOM_MESSAGES_PER_SECOND"] = "2"  # bursts of 4
    bot_process.start()
    bot_id = bot_process.environment["BARCAMP_MATRIX_USER_ID"]
    orga = Young(synapse_clients.new("orga", encrypted=True), bot_id)
    try:
        dm = await consented(orga)
        engine = make_engine(bot_process.environment["BARCAMP_DATABASE_URL"])
        event_id = camp_of(engine, orga.user_id, CAMP).id
        assert event_id is not None
        room = await linked_room(orga)

        async def send_all() -> None:
            for number in range(1, COMMANDS + 1):
                await orga.say(dm, f"!propose Idee {number}")

        sending = asyncio.create_task(send_all())
        await wait_until(lambda: proposals(engine) >= KILL_AFTER, "a hundred ideas", 150)
        announcements = announce(engine, event_id, [f"Ankündigung {n}" for n in range(1, 13)])
        # Kill it when a few announcements are out and the paced rest is still to come.
        left = len(announcements) - 4
        await wait_until(lambda: waiting_for(engine, room) <= left, "the first ones", 30)
        bot_process.kill()
        assert proposals(engine) < COMMANDS, "the kill came in the middle of the stream"
        assert waiting_for(engine, room) > 0, "and of the announcements"
        bot_process.start()
        await sending
        await wait_until(lambda: proposals(engine) >= COMMANDS, "all ideas", 90)

        # The direct chat: every answer once, and the announcements (the organiser is a member).
        in_dm = await orga.replies(dm, COMMANDS + len(announcements), timeout=150)
        assert sorted(body for body in in_dm if body not in announcements) == sorted(
            t("propose.approved", number=n, title=f"Idee {n}") for n in range(1, COMMANDS + 1)
        )
        assert [body for body in in_dm if body in announcements] == announcements
        with raw_session(engine) as session:
            titles = Counter(session.exec(select(Proposal.title)).all())
        assert titles == Counter(f"Idee {n}" for n in range(1, COMMANDS + 1))
        # The room: the rest of the announcements after the restart, none twice.
        assert await orga.replies(room, len(announcements), timeout=150) == announcements
        await asyncio.sleep(1)  # anything sent twice would arrive now
        await orga.sync()
        assert (len(orga.from_bot[dm]), len(orga.from_bot[room])) == (
            orga.read[dm],
            orga.read[room],
        )
    except BaseException:
        print(bot_process.log())
        raise
