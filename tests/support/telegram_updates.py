"""Bot API JSON as Telegram sends it: users, chats, messages, updates, text formatting.

Everything built here is checked with python-telegram-bot's own classes by `verify`,
which also refuses fields that PTB does not know (they would land in `api_kwargs`).
"""

from __future__ import annotations

import html
import re
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from telegram import Bot, TelegramObject
from telegram.constants import MessageLimit

JSON = dict[str, Any]
T = TypeVar("T", bound=TelegramObject)

PRIVATE, GROUP, SUPERGROUP = "private", "group", "supergroup"
_COMMAND_RE = re.compile(r"(?<!\S)/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,32})?")


class FormattingError(ValueError):
    """Text that Telegram refuses with "Bad Request: can't parse entities: ..."."""


@dataclass(frozen=True)
class TgUser:
    """A Telegram user as the tests inject them."""

    id: int
    first_name: str
    username: str | None = None
    last_name: str | None = None
    language_code: str | None = "de"
    is_bot: bool = False

    def to_json(self) -> JSON:
        data: JSON = {"id": self.id, "is_bot": self.is_bot, "first_name": self.first_name}
        optional = {
            "last_name": self.last_name,
            "username": self.username,
            "language_code": self.language_code,
        }
        data.update({key: value for key, value in optional.items() if value is not None})
        return data


@dataclass(frozen=True)
class TgChat:
    """A chat: private (id = the user's id), group or supergroup (negative ids)."""

    id: int
    type: str
    title: str | None = None
    username: str | None = None
    first_name: str | None = None
    last_name: str | None = None

    @classmethod
    def private(cls, user: TgUser) -> TgChat:
        return cls(user.id, PRIVATE, None, user.username, user.first_name, user.last_name)

    @classmethod
    def group(cls, chat_id: int, title: str, *, supergroup: bool = False) -> TgChat:
        return cls(chat_id, SUPERGROUP if supergroup else GROUP, title)

    def to_json(self) -> JSON:
        data: JSON = {"id": self.id, "type": self.type}
        optional = {
            "title": self.title,
            "username": self.username,
            "first_name": self.first_name,
            "last_name": self.last_name,
        }
        data.update({key: value for key, value in optional.items() if value is not None})
        return data


@dataclass
class PollState:
    """A poll the bot sent, with the votes injected so far."""

    id: str
    question: str
    options: list[str]
    chat_id: int
    message_id: int
    is_anonymous: bool = True
    type: str = "regular"
    allows_multiple_answers: bool = False
    allows_revoting: bool = True
    is_closed: bool = False
    votes: dict[int, list[int]] = field(default_factory=dict)

    def persistent_id(self, option: int) -> str:
        return f"{self.id}-{option}"

    def to_json(self) -> JSON:
        counts = [0] * len(self.options)
        for chosen in self.votes.values():
            for option in chosen:
                counts[option] += 1
        options = [
            {"text": text, "voter_count": counts[i], "persistent_id": self.persistent_id(i)}
            for i, text in enumerate(self.options)
        ]
        return {
            "id": self.id,
            "question": self.question,
            "options": options,
            "total_voter_count": sum(1 for chosen in self.votes.values() if chosen),
            "is_closed": self.is_closed,
            "is_anonymous": self.is_anonymous,
            "type": self.type,
            "allows_multiple_answers": self.allows_multiple_answers,
            "allows_revoting": self.allows_revoting,
            "members_only": False,
        }


def now() -> int:
    return int(time.time())


def utf16_len(text: str) -> int:
    """Entity offsets and lengths count UTF-16 code units."""
    return len(text.encode("utf-16-le")) // 2


def command_entities(text: str) -> list[JSON]:
    """The bot_command entities Telegram attaches to `/cmd` or `/cmd@botname` words."""
    return [
        {"type": "bot_command", "offset": utf16_len(text[: m.start()]), "length": utf16_len(m[0])}
        for m in _COMMAND_RE.finditer(text)
    ]


def message_json(
    message_id: int, chat: TgChat, sender: JSON, text: str | None = None, **extra: Any
) -> JSON:
    """A Message; `extra` adds fields such as entities, reply_markup, photo, poll."""
    data: JSON = {"message_id": message_id, "from": sender, "chat": chat.to_json(), "date": now()}
    if text is not None:
        data["text"] = text
    data.update({key: value for key, value in extra.items() if value not in (None, [])})
    return data


def incoming_message_json(message_id: int, chat: TgChat, user: TgUser, text: str) -> JSON:
    """A user's text message, with bot_command entities like Telegram adds them."""
    return message_json(message_id, chat, user.to_json(), text, entities=command_entities(text))


def callback_query_json(
    query_id: str, user: TgUser, message: JSON, data: str | None, chat_instance: str
) -> JSON:
    query: JSON = {
        "id": query_id,
        "from": user.to_json(),
        "message": message,
        "chat_instance": chat_instance,
    }
    if data is not None:
        query["data"] = data
    return query


def poll_answer_json(poll: PollState, user: TgUser, option_ids: Sequence[int]) -> JSON:
    return {
        "poll_id": poll.id,
        "user": user.to_json(),
        "option_ids": list(option_ids),
        "option_persistent_ids": [poll.persistent_id(option) for option in option_ids],
    }


_ADMIN_RIGHTS = (
    "can_manage_chat",
    "can_delete_messages",
    "can_manage_video_chats",
    "can_restrict_members",
    "can_promote_members",
    "can_change_info",
    "can_invite_users",
    "can_post_stories",
    "can_edit_stories",
    "can_delete_stories",
    "can_pin_messages",
)


def chat_member_json(user: JSON, status: str) -> JSON:
    """A ChatMember of any status: creator, administrator, member, left or kicked."""
    member: JSON = {"status": status, "user": user}
    if status == "creator":
        member["is_anonymous"] = False
    elif status == "administrator":
        member.update({"can_be_edited": False, "is_anonymous": False})
        member.update(dict.fromkeys(_ADMIN_RIGHTS, True))
    elif status == "kicked":
        member["until_date"] = 0
    elif status not in ("member", "left"):
        raise ValueError(f"unsupported chat member status {status!r}")
    return member


def chat_member_updated_json(
    chat: TgChat, actor: TgUser, member: JSON, old_status: str, new_status: str
) -> JSON:
    """A my_chat_member/chat_member payload: `member` changed from old to new status."""
    return {
        "chat": chat.to_json(),
        "from": actor.to_json(),
        "date": now(),
        "old_chat_member": chat_member_json(member, old_status),
        "new_chat_member": chat_member_json(member, new_status),
    }


def chat_full_info_json(chat: TgChat) -> JSON:
    gift_types = (
        "unlimited_gifts",
        "limited_gifts",
        "unique_gifts",
        "premium_subscription",
        "gifts_from_channels",
    )
    info = chat.to_json()
    info.update({"accent_color_id": 0, "max_reaction_count": 11})
    info["accepted_gift_types"] = dict.fromkeys(gift_types, chat.type == PRIVATE)
    return info


def update_type(update: JSON) -> str:
    """The one field besides update_id: "message", "callback_query", "poll", ..."""
    kinds = [key for key in update if key != "update_id"]
    if len(kinds) != 1:
        raise ValueError(f"an update carries exactly one object, got {kinds}")
    return kinds[0]


# --- checking shapes with python-telegram-bot --------------------------------------------


def verify(cls: type[T], data: JSON, bot: Bot | None = None) -> T:
    """Parse `data` with PTB; fail on missing fields and on fields PTB does not know."""
    obj = cls.de_json(data, bot)
    unknown = unknown_fields(obj, cls.__name__)
    if unknown:
        raise AssertionError(f"fields unknown to python-telegram-bot: {unknown} in {data}")
    return obj


def unknown_fields(obj: object, path: str) -> list[str]:
    if isinstance(obj, TelegramObject):
        found = [f"{path}.{key}" for key in obj.api_kwargs]
        for name, value in obj._get_attrs(recursive=False).items():
            found += unknown_fields(value, f"{path}.{name}")
        return found
    if isinstance(obj, tuple | list):
        return [bad for i, item in enumerate(obj) for bad in unknown_fields(item, f"{path}[{i}]")]
    return []


# --- parse_mode: HTML, MarkdownV2 and legacy Markdown ------------------------------------


@dataclass
class _Open:
    kind: str
    utf16_start: int
    byte_offset: int
    attrs: dict[str, str] = field(default_factory=dict)


class _EntityText:
    """Collects the plain text and the entities a parser finds."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.length = 0
        self.entities: list[JSON] = []

    def add(self, text: str) -> None:
        self.parts.append(text)
        self.length += utf16_len(text)

    def close(self, opened: _Open, **extra: str) -> None:
        if self.length > opened.utf16_start:
            entity: JSON = {"type": opened.kind, "offset": opened.utf16_start}
            entity["length"] = self.length - opened.utf16_start
            entity.update(extra)
            self.entities.append(entity)

    def result(self) -> tuple[str, list[JSON]]:
        return "".join(self.parts), sorted(self.entities, key=lambda e: e["offset"])


def parse_formatted(text: str, parse_mode: str | None) -> tuple[str, list[JSON]]:
    """The plain text and entities Telegram makes of `text` in `parse_mode`."""
    mode = (parse_mode or "").lower()
    if mode == "":
        return text, []
    if mode == "html":
        return _HtmlParser(text).parse()
    if mode in ("markdownv2", "markdown"):
        return _MarkdownParser(text, legacy=mode == "markdown").parse()
    raise FormattingError(f"Unsupported parse_mode {parse_mode!r}")


def check_length(text: str, *, caption: bool) -> None:
    limit = MessageLimit.CAPTION_LENGTH if caption else MessageLimit.MAX_TEXT_LENGTH
    if len(text) > limit:
        raise FormattingError("message caption is too long" if caption else "message is too long")


def _byte_offset(text: str, index: int) -> int:
    return len(text[:index].encode())


_HTML_KINDS = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
    "span": "spoiler",
    "a": "text_link",
    "code": "code",
    "pre": "pre",
    "blockquote": "blockquote",
    "tg-emoji": "custom_emoji",
}
_TAG_RE = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9-]*)((?:\s+[^>]*)?)\s*>")
_ATTR_RE = re.compile(r"([A-Za-z-]+)\s*=\s*(?:\"([^\"]*)\"|'([^']*)'|([^\s\"'>]+))")
_ENTITY_RE = re.compile(r"&(lt|gt|amp|quot|#[0-9]+|#x[0-9A-Fa-f]+);")


class _HtmlParser:
    def __init__(self, source: str) -> None:
        self.source = source
        self.out = _EntityText()
        self.stack: list[tuple[str, _Open]] = []

    def parse(self) -> tuple[str, list[JSON]]:
        index = 0
        while index < len(self.source):
            index = self._step(index)
        if self.stack:
            name = self.stack[-1][0]
            raise FormattingError(f'Can\'t find end tag corresponding to start tag "{name}"')
        return self.out.result()

    def _step(self, index: int) -> int:
        char = self.source[index]
        if char == "<":
            return self._tag(index)
        if char == "&" and (entity := _ENTITY_RE.match(self.source, index)):
            self.out.add(html.unescape(entity[0]))
            return entity.end()
        self.out.add(char)
        return index + 1

    def _tag(self, index: int) -> int:
        match = _TAG_RE.match(self.source, index)
        offset = _byte_offset(self.source, index)
        if match is None:
            raise FormattingError(f"Unclosed start tag at byte offset {offset}")
        closing, name = match[1] == "/", match[2].lower()
        if closing:
            self._end_tag(name, offset)
        else:
            self._start_tag(name, match[3], offset)
        return match.end()

    def _start_tag(self, name: str, attr_text: str, offset: int) -> None:
        attrs = {m[1].lower(): m[2] or m[3] or m[4] or "" for m in _ATTR_RE.finditer(attr_text)}
        if name not in _HTML_KINDS or (name == "span" and attrs.get("class") != "tg-spoiler"):
            raise FormattingError(f'Unsupported start tag "{name}" at byte offset {offset}')
        opened = _Open(_HTML_KINDS[name], self.out.length, offset, attrs)
        self.stack.append((name, opened))

    def _end_tag(self, name: str, offset: int) -> None:
        if not self.stack or self.stack[-1][0] != name:
            expected = f', expected "</{self.stack[-1][0]}>"' if self.stack else ""
            raise FormattingError(
                f'Unmatched end tag at byte offset {offset}{expected}, found "</{name}>"'
            )
        _, opened = self.stack.pop()
        language = opened.attrs.get("class", "").removeprefix("language-")
        if opened.kind == "code" and self.stack and self.stack[-1][1].kind == "pre" and language:
            self.stack[-1][1].attrs["language"] = language
            return
        self.out.close(opened, **self._entity_attrs(opened))

    @staticmethod
    def _entity_attrs(opened: _Open) -> dict[str, str]:
        if opened.kind == "text_link":
            return {"url": opened.attrs.get("href", "")}
        if opened.kind == "pre" and "language" in opened.attrs:
            return {"language": opened.attrs["language"]}
        if opened.kind == "custom_emoji":
            return {"custom_emoji_id": opened.attrs.get("emoji-id", "")}
        return {}


_MD_RESERVED = set("_*[]()~`>#+-=|{}.!")
_MD_NAMES = {
    "bold": "Bold",
    "italic": "Italic",
    "underline": "Underline",
    "strikethrough": "Strikethrough",
    "spoiler": "Spoiler",
    "code": "Code",
    "pre": "Pre",
    "text_link": "TextUrl",
}
_MD_MARKERS = [("```", "pre"), ("`", "code"), ("||", "spoiler"), ("__", "underline")]
_MD_MARKERS += [("*", "bold"), ("_", "italic"), ("~", "strikethrough")]
_LINK_END_RE = re.compile(r"\]\(((?:\\.|[^)\\])*)\)")
_LEGACY_MARKERS = [("```", "pre"), ("`", "code"), ("*", "bold"), ("_", "italic")]


class _MarkdownParser:
    def __init__(self, source: str, *, legacy: bool) -> None:
        self.source = source
        self.legacy = legacy
        self.markers = _LEGACY_MARKERS if legacy else _MD_MARKERS
        self.out = _EntityText()
        self.stack: list[_Open] = []

    def parse(self) -> tuple[str, list[JSON]]:
        index = 0
        while index < len(self.source):
            index = self._step(index)
        if self.stack and self.stack[-1].kind == "blockquote":
            self.out.close(self.stack.pop())
        if self.stack:
            opened = self.stack[-1]
            if self.legacy:
                raise FormattingError(
                    f"Can't find end of the entity starting at byte offset {opened.byte_offset}"
                )
            name = _MD_NAMES[opened.kind]
            raise FormattingError(
                f"Can't find end of {name} entity at byte offset {opened.byte_offset}"
            )
        return self.out.result()

    def _in_code(self) -> bool:
        return bool(self.stack) and self.stack[-1].kind in ("code", "pre")

    def _step(self, index: int) -> int:
        char = self.source[index]
        if char == "\\" and index + 1 < len(self.source):
            self.out.add(self.source[index + 1])
            return index + 2
        if self._in_code():
            return self._code_step(index)
        if not self.legacy and self._blockquote_step(index):
            return index + 1
        for marker, kind in self.markers:
            if self.source.startswith(marker, index):
                self._toggle(kind, index)
                return index + len(marker)
        if char == "[":
            self.stack.append(_Open("text_link", self.out.length, _byte_offset(self.source, index)))
            return index + 1
        if char == "]" and self.stack and self.stack[-1].kind == "text_link":
            return self._link_end(index)
        if char in _MD_RESERVED and not self.legacy:
            raise FormattingError(
                f"Character '{char}' is reserved and must be escaped with the preceding '\\'"
            )
        self.out.add(char)
        return index + 1

    def _blockquote_step(self, index: int) -> bool:
        """`>` at a line's start opens a blockquote; a line without it closes the quote."""
        char = self.source[index]
        quoting = bool(self.stack) and self.stack[-1].kind == "blockquote"
        if char == ">" and (index == 0 or self.source[index - 1] == "\n"):
            if not quoting:
                self.stack.append(_Open("blockquote", self.out.length, index))
            return True
        if char == "\n" and quoting and not self.source.startswith(">", index + 1):
            self.out.close(self.stack.pop())
        return False

    def _code_step(self, index: int) -> int:
        marker = "```" if self.stack[-1].kind == "pre" else "`"
        if self.source.startswith(marker, index):
            self.out.close(self.stack.pop())
            return index + len(marker)
        self.out.add(self.source[index])
        return index + 1

    def _toggle(self, kind: str, index: int) -> None:
        if self.stack and self.stack[-1].kind == kind:
            self.out.close(self.stack.pop())
        else:
            self.stack.append(_Open(kind, self.out.length, _byte_offset(self.source, index)))

    def _link_end(self, index: int) -> int:
        match = _LINK_END_RE.match(self.source, index)
        if match is None:
            raise FormattingError(f"Can't find end of a URL at byte offset {index}")
        url = re.sub(r"\\(.)", r"\1", match[1])
        self.out.close(self.stack.pop(), url=url)
        return match.end()
