"""Fixtures of the Matrix end-to-end tests: the bot on Synapse, and young people using it.

Imported here rather than in each module, so that the Matrix modules share one session
Synapse (a module that imports the fixtures itself still gets a server of its own).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from tests.support.matrix_bot import MatrixBot, NewYoung, StartBot, Young, start_matrix_bot
from tests.support.synapse import (
    RegisteredUser,
    SynapseClients,
    SynapseServer,
    synapse,  # noqa: F401  (fixture)
    synapse_clients,  # noqa: F401  (fixture)
)


@pytest.fixture
async def start_bot(
    synapse: SynapseServer,  # noqa: F811
    tmp_path: Path,
) -> AsyncIterator[StartBot]:
    """Starts the bot in `tmp_path`, with Matrix settings overridden or as an account
    again (a restart); every bot started is stopped at teardown, also after a failure."""
    bots: list[MatrixBot] = []

    async def start(account: RegisteredUser | None = None, **config: Any) -> MatrixBot:
        bot = await start_matrix_bot(synapse, tmp_path, account, **config)
        bots.append(bot)
        return bot

    yield start
    for bot in bots:
        await bot.stop()  # stopping twice is harmless: a test may stop one to restart it


@pytest.fixture
async def matrix_bot(start_bot: StartBot) -> MatrixBot:
    """The bot with its default settings, logged in and running."""
    return await start_bot()


@pytest.fixture
def young(
    synapse_clients: SynapseClients,  # noqa: F811
    matrix_bot: MatrixBot,
) -> NewYoung:
    """Makes young people with fresh accounts who talk to `matrix_bot`."""

    def new(name: str, *, encrypted: bool = False) -> Young:
        return Young(synapse_clients.new(name, encrypted=encrypted), matrix_bot.user_id)

    return new
