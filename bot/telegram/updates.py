"""From a Telegram update to the core's neutral events (or to "nothing to handle")."""

from __future__ import annotations

from dataclasses import dataclass

from telegram import CallbackQuery, ChatMemberUpdated, Message, Update, User
from telegram import Chat as TgChat
from telegram.constants import ChatMemberStatus, ChatType

from bot.telegram.store import PLATFORM
from handlers.core.messages import (
    ButtonPress,
    Chat,
    ChatKind,
    Incoming,
    IncomingText,
    Sender,
)

# The update kinds we ask Telegram for; everything else is never even sent to us.
# No "poll" or "poll_answer": quick polls are buttons (`bot.telegram.sending`).
ALLOWED_UPDATES = ("message", "callback_query", "my_chat_member")


@dataclass(frozen=True)
class Translated:
    """What to do with one update.

    `event` None: nothing for the core; `reachable` then may say that the user blocked
    (False) or unblocked (True) the bot. `lane` orders the events of one person: they are
    handled one after another, different lanes side by side.
    """

    event: Incoming | None
    lane: str
    callback_query_id: str | None = None
    reachable: tuple[str, bool] | None = None


def translate(update: Update, key: str, bot_username: str) -> Translated:
    if update.message is not None:
        return _message(update.message, key, bot_username)
    if update.callback_query is not None:
        return _press(update.callback_query, key)
    if update.my_chat_member is not None:
        return Translated(None, "members", reachable=_reachability(update.my_chat_member))
    return Translated(None, "other")


def _message(message: Message, key: str, bot_username: str) -> Translated:
    user, kind = message.from_user, _chat_kind(message.chat)
    if user is None or user.is_bot or kind is None:
        return Translated(None, "other")
    text = message.text or message.caption or ""
    if kind is ChatKind.GROUP and not _addressed_to_us(text, bot_username):
        # In groups we only read commands meant for us: people talk to each other there.
        return Translated(None, _lane(user))
    chat = Chat(PLATFORM, str(message.chat.id), kind)
    event = IncomingText(_sender(user), chat, text, str(message.message_id), key)
    return Translated(event, _lane(user))


def _addressed_to_us(text: str, bot_username: str) -> bool:
    """`/cmd` or `/cmd@ourbot`; `/cmd@otherbot` belongs to another bot in the group."""
    if not text.startswith("/"):
        return False
    head = text.split(maxsplit=1)[0]
    _, at, name = head.partition("@")
    return not at or name.casefold() == bot_username.casefold()


def _press(query: CallbackQuery, key: str) -> Translated:
    message, kind = query.message, None
    if message is not None:
        kind = _chat_kind(message.chat)
    if message is None or kind is None or not query.data:
        return Translated(None, _lane(query.from_user), callback_query_id=query.id)
    chat = Chat(PLATFORM, str(message.chat.id), kind)
    press = ButtonPress(_sender(query.from_user), chat, query.data, str(message.message_id), key)
    return Translated(press, _lane(query.from_user), callback_query_id=query.id)


def _reachability(change: ChatMemberUpdated) -> tuple[str, bool] | None:
    """In a private chat, "kicked" means the user blocked the bot."""
    if change.chat.type != ChatType.PRIVATE:
        return None
    status = change.new_chat_member.status
    return str(change.chat.id), status not in (ChatMemberStatus.BANNED, ChatMemberStatus.LEFT)


def _chat_kind(chat: TgChat) -> ChatKind | None:
    if chat.type == ChatType.PRIVATE:
        return ChatKind.PRIVATE
    if chat.type in (ChatType.GROUP, ChatType.SUPERGROUP):
        return ChatKind.GROUP
    return None  # channels: not for this bot


def _sender(user: User) -> Sender:
    return Sender(PLATFORM, str(user.id), user.first_name, user.language_code)


def _lane(user: User) -> str:
    return f"user:{user.id}"
