"""The console adapter: try the bot in a terminal, switching between simulated people."""

from __future__ import annotations

import asyncio
import re
import sys
from pathlib import Path
from typing import TextIO

from bot.adapter import IncomingHandler
from handlers.core.i18n import Catalogues, catalogues
from handlers.core.messages import ButtonPress, Chat, IncomingText, Reply, Sender

PLATFORM = "console"
BUTTON_PRESS = re.compile(r"#(\d{1,3})")
DEFAULT_PERSON = "Organiser"


class ConsoleAdapter:
    """Reads lines from `stdin`; `/as NAME` switches person and `#N` presses button N."""

    platform = PLATFORM
    idempotent_sends = False

    def __init__(
        self,
        language: str,
        attachments_dir: Path,
        stdin: TextIO | None = None,
        stdout: TextIO | None = None,
        texts: Catalogues | None = None,
    ) -> None:
        self.language = language
        self.attachments_dir = attachments_dir
        self.stdin = stdin or sys.stdin
        self.stdout = stdout or sys.stdout
        self.texts = texts or catalogues()
        self.name = DEFAULT_PERSON
        self._buttons: dict[str, list[str]] = {}
        self._stopped = False

    @property
    def user_id(self) -> str:
        return self.name.casefold()

    async def start(self, on_event: IncomingHandler) -> None:
        self._say(self.texts.text(self.language, "console.intro", name=self.name))
        while not self._stopped:
            line = await asyncio.to_thread(self.stdin.readline)
            if not line:
                break
            await self._handle_line(line.strip(), on_event)

    async def stop(self) -> None:
        self._stopped = True

    async def send(self, chat_id: str, reply: Reply, delivery_id: int = 0) -> str | None:
        header = "" if chat_id == self.user_id else f"📨 → {chat_id}: "
        self._say(header + reply.text)
        labels = [button for row in reply.buttons for button in row]
        if labels:
            self._buttons[chat_id] = [button.data for button in labels]
            for number, button in enumerate(labels, start=1):
                self._say(f"  [#{number}] {button.label} {button.url}".rstrip())
        for attachment in (reply.image, reply.document):
            if attachment is not None:
                path = self._save(attachment.filename, attachment.content)
                self._say(self.texts.text(self.language, "console.attachment", path=path))
        return str(delivery_id)

    async def private_chat_of(self, platform_user_id: str) -> str | None:
        return platform_user_id

    async def _handle_line(self, line: str, on_event: IncomingHandler) -> None:
        if not line:
            return
        if line.startswith("/as ") and line[4:].strip():
            self.name = line[4:].strip()[:32]
            self._say(self.texts.text(self.language, "console.as", name=self.name))
            return
        sender = Sender(PLATFORM, self.user_id, self.name, self.language)
        chat = Chat(PLATFORM, self.user_id)
        press = BUTTON_PRESS.fullmatch(line)
        if press is None:
            await on_event(IncomingText(sender, chat, line))
            return
        buttons = self._buttons.get(self.user_id, [])
        index = int(press.group(1)) - 1
        if not 0 <= index < len(buttons):
            self._say(self.texts.text(self.language, "console.no_button", number=press.group(1)))
            return
        await on_event(ButtonPress(sender, chat, buttons[index]))

    def _save(self, filename: str, content: bytes) -> Path:
        self.attachments_dir.mkdir(parents=True, exist_ok=True)
        path = self.attachments_dir / Path(filename).name
        path.write_bytes(content)
        return path

    def _say(self, text: str) -> None:
        self.stdout.write(text + "\n")
        self.stdout.flush()
