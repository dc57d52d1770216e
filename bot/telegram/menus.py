"""The "/" menu Telegram shows, set with setMyCommands per scope and language.

Everybody sees the participants' commands in private chats and a short list in groups;
group administrators also see the group commands of the team; youth workers and
organisers get the team's commands in their own private chat only.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from telegram import (
    Bot,
    BotCommand,
    BotCommandScope,
    BotCommandScopeAllChatAdministrators,
    BotCommandScopeAllGroupChats,
    BotCommandScopeAllPrivateChats,
    BotCommandScopeChat,
)
from telegram import error as tg_error
from telegram.constants import BotCommandLimit

from bot.telegram.store import TelegramStore
from handlers.core.i18n import LANGUAGES, Catalogues
from handlers.core.registry import CommandSpec, Registry
from storage.core.shared_tables import Role

log = logging.getLogger(__name__)

# Personal steps worth starting from a group: they continue in the private chat.
GROUP_STARTERS = frozenset({"help", "propose", "sessions"})
# Open to everybody, but of use to the team only: not in everybody's menu.
TEAM_MENU_ONLY = frozenset({"newcamp"})


Wanted = Callable[[CommandSpec], bool]


def everyone_private(spec: CommandSpec) -> bool:
    return spec.roles is None and spec.name not in TEAM_MENU_ONLY


def everyone_in_groups(spec: CommandSpec) -> bool:
    return spec.roles is None and (not spec.private or spec.name in GROUP_STARTERS)


def team_in_groups(spec: CommandSpec) -> bool:
    return everyone_in_groups(spec) or (spec.roles is not None and not spec.private)


def team_private(spec: CommandSpec) -> bool:
    return True


class Menus:
    def __init__(
        self,
        bot: Bot,
        registry: Registry,
        texts: Catalogues,
        store: TelegramStore,
        default_language: str,
    ) -> None:
        self.bot = bot
        self.registry = registry
        self.texts = texts
        self.store = store
        self.default_language = default_language
        self._team_chats: dict[str, str] = {}

    async def publish(self) -> None:
        """Menus for everyone, per language; Telegram picks by the user's app language."""
        scopes: list[tuple[BotCommandScope, Wanted]] = [
            (BotCommandScopeAllPrivateChats(), everyone_private),
            (BotCommandScopeAllGroupChats(), everyone_in_groups),
            (BotCommandScopeAllChatAdministrators(), team_in_groups),
        ]
        for scope, wanted in scopes:
            for language in ("", *LANGUAGES):
                commands = self.commands(language or self.default_language, wanted)
                await self.bot.set_my_commands(commands, scope, language or None)

    async def refresh_team(self) -> None:
        """The team's commands in the private chat of each youth worker and organiser."""
        team = dict(await asyncio.to_thread(self.store.staff_chats))
        for chat_id, language in team.items():
            wanted_language = language or self.default_language
            if self._team_chats.get(chat_id) == wanted_language:
                continue
            commands = self.commands(wanted_language, team_private)
            await self._try(self.bot.set_my_commands(commands, BotCommandScopeChat(chat_id)))
            self._team_chats[chat_id] = wanted_language
        for chat_id in set(self._team_chats) - set(team):
            await self._try(self.bot.delete_my_commands(BotCommandScopeChat(chat_id)))
            del self._team_chats[chat_id]

    def commands(self, language: str, wanted: Wanted) -> list[BotCommand]:
        # An organiser sees every command there is, in the order of /help.
        every = self.registry.visible_to(Role.ORGANISER, consented=True, has_event=True)
        chosen = [spec for spec in every if wanted(spec)]
        return [
            BotCommand(spec.name, self._description(language, spec))
            for spec in chosen[: BotCommandLimit.MAX_COMMAND_NUMBER]
        ]

    def _description(self, language: str, spec: CommandSpec) -> str:
        text = self.texts.text(language, spec.help_key)
        return text[: BotCommandLimit.MAX_DESCRIPTION].ljust(BotCommandLimit.MIN_DESCRIPTION, ".")

    @staticmethod
    async def _try(call: Awaitable[bool]) -> None:
        try:
            await call
        except tg_error.TelegramError as error:
            log.warning("could not set a command menu: %s", error)
