"""Which of our files one warm vote press on Telegram runs through, and its SQL statements.

Run from the project root: ``.venv/bin/python bench/vote_press_path.py``. A real bot
process would hide its calls, so the bot runs in this process (``running_bot``) against
the loopback Bot API server; the third press of one person is traced, from the
getUpdates answer to the commit that marks the edited ballot sent. A file counts when
code of ours in it runs, constructors of our classes included. The last line is JSON
with ``files``, ``statements`` and the file list.
"""

from __future__ import annotations

import asyncio
import json
import sys
import tempfile
import threading
from collections import defaultdict
from pathlib import Path
from types import FrameType
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import event  # noqa: E402
from sqlalchemy.engine import Engine  # noqa: E402

from tests.support.telegram_api import TelegramApiServer  # noqa: E402
from tests.support.telegram_bot import post_ballots, running_bot, seed_voting_camp  # noqa: E402
from tests.support.telegram_updates import TgUser  # noqa: E402

OURS = ("bot/", "handlers/", "storage/", "schedules/")
PREFIX = str(ROOT) + "/"


class Trace:
    def __init__(self) -> None:
        self.on = False
        self.calls: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        self.statements: list[str] = []

    def profile(self, frame: FrameType, what: str, _arg: Any) -> None:
        if not self.on or what != "call":
            return
        path = frame.f_code.co_filename
        if frame.f_code.co_name == "__init__" and not path.startswith(PREFIX):
            # Generated (dataclass) and library (SQLModel) constructors of our classes.
            owner = type(frame.f_locals.get("self"))
            module = sys.modules.get(owner.__module__)
            path = getattr(module, "__file__", None) or ""
            name = owner.__qualname__ + ".__init__"
        else:
            name = frame.f_code.co_qualname
        relative = path[len(PREFIX) :] if path.startswith(PREFIX) else ""
        if relative.startswith(OURS):
            self.calls[relative][name] += 1

    def statement(self, *args: Any) -> None:
        if self.on:
            self.statements.append(" ".join(str(args[2]).split())[:120])


async def trace_one_press(trace: Trace) -> None:
    user = TgUser(3001, "Ana", language_code="de")
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{folder}/trace.sqlite3"
        async with TelegramApiServer() as server:
            account = server.account
            seed_voting_camp(url, account, [user])
            ballots = await post_ballots(account, [user])
            async with running_bot(account, url) as bot:
                for number in (1, 2, 3):
                    edits = len(account.calls("editMessageText"))
                    answers = len(account.calls("answerCallbackQuery"))
                    trace.on = number == 3  # warm: the third press
                    update = account.inject_callback(
                        user, user.id, ballots[user.id], data=f"vote {number}"
                    )
                    while len(account.calls("editMessageText")) == edits or (
                        len(account.calls("answerCallbackQuery")) == answers
                    ):
                        await asyncio.sleep(0.005)
                    await asyncio.sleep(0.3)  # the sent mark, recorded by group commit
                    trace.on = False
                    await bot.settled(update)


def main() -> None:
    trace = Trace()
    event.listen(Engine, "before_cursor_execute", trace.statement)
    sys.setprofile(trace.profile)
    threading.setprofile(trace.profile)
    asyncio.run(trace_one_press(trace))
    sys.setprofile(None)
    threading.setprofile(None)
    for path in sorted(trace.calls):
        print(path, ", ".join(sorted(trace.calls[path])))
    print(f"{len(trace.calls)} files, {len(trace.statements)} SQL statements")
    for statement in trace.statements:
        print("   ", statement)
    line = {
        "files": len(trace.calls),
        "statements": len(trace.statements),
        "file_list": sorted(trace.calls),
    }
    print(json.dumps(line))


if __name__ == "__main__":
    main()
