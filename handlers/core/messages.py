"""The neutral event model: what adapters hand in and what use cases hand back.

Adapters translate platform updates into these values and these values into
platform calls; nothing here knows Telegram or Matrix. (It lives in `handlers`
rather than `bot` because use cases need it and may not import the runtime.)
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class ChatKind(StrEnum):
    PRIVATE = "private"
    GROUP = "group"


@dataclass(frozen=True)
class Sender:
    """Who sent something, as the platform knows them."""

    platform: str
    user_id: str
    display_name: str = ""
    language_hint: str | None = None
    # An administrator of the group the line was sent in: only the platform knows, and
    # adapters ask it only for the lines that need it (`asks_group_admin`).
    group_admin: bool = False


@dataclass(frozen=True)
class Chat:
    platform: str
    chat_id: str
    kind: ChatKind = ChatKind.PRIVATE


@dataclass(frozen=True)
class IncomingText:
    """A message: a command (`/vote 2`, `!vote 2`) or free text (a dialog answer)."""

    sender: Sender
    chat: Chat
    text: str
    message_id: str = ""
    # The platform's id of this event (update id, event id): handled once, ever.
    external_id: str = ""
    # How commands start in this chat, for hints that name it (Matrix: "!").
    command_prefix: str = "/"
    # An edit: the `external_id` of the message this text replaces. It runs only if
    # that message did nothing (see `Router`), so a command never runs twice.
    edits: str = ""


# How a text reads as a command: for the router, and for adapters that must tell our
# commands from other bots' (Matrix rooms).
COMMAND_PREFIXES = ("/", "!")


@dataclass(frozen=True)
class CommandLine:
    name: str
    arguments: str


def parse_command(text: str) -> CommandLine | None:
    """`/vote 2 5`, `!vote 2 5` or `/vote@bot 2 5` -> CommandLine("vote", "2 5")."""
    stripped = text.strip()
    if not stripped.startswith(COMMAND_PREFIXES):
        return None
    return command_line(stripped[1:])


def command_line(line: str) -> CommandLine:
    """A command without its prefix, as a button's data: `vote 2 5` (`vote@bot 2 5`)."""
    head, _, arguments = line.rstrip().partition(" ")
    name = head.split("@", 1)[0].lower()
    return CommandLine(name, arguments.strip())


# Commands that only a group's administrators may use in it (with more conditions).
GROUP_ADMIN_COMMANDS = frozenset({"linkgroup", "unlinkgroup"})


def asks_group_admin(incoming: IncomingText) -> bool:
    """Whether the adapter must find out `Sender.group_admin` for this line."""
    if incoming.chat.kind is not ChatKind.GROUP:
        return False
    line = parse_command(incoming.text)
    return line is not None and line.name in GROUP_ADMIN_COMMANDS


@dataclass(frozen=True)
class ButtonPress:
    """A press on a button we sent; `data` is the button's command line, never trusted."""

    sender: Sender
    chat: Chat
    data: str
    message_id: str = ""
    external_id: str = ""


@dataclass(frozen=True)
class PollAnswerEvent:
    """One person's answer to a native poll (Matrix); no positions means the answer was
    taken back."""

    sender: Sender
    # The platform's reference of the poll (the Matrix poll start event id).
    poll_ref: str
    option_positions: tuple[int, ...]
    external_id: str = ""


Incoming = IncomingText | ButtonPress | PollAnswerEvent


@dataclass(frozen=True)
class Button:
    label: str
    # A command line, e.g. "vote 3": pressing it is handled like typing `/vote 3`.
    data: str
    # A link instead: the button opens it (Telegram); other platforms show the address.
    url: str = ""


@dataclass(frozen=True)
class Attachment:
    filename: str
    media_type: str
    content: bytes


@dataclass(frozen=True)
class WidgetSpec:
    """A web page to pin into the group chat the reply goes to (a Matrix room widget);
    platforms without widgets send the reply's text only."""

    widget_id: str  # the same id replaces the widget instead of adding a second
    name: str
    url: str


@dataclass(frozen=True)
class PollSpec:
    """A poll to post natively where the platform has members-only polls (Matrix), else
    as the reply's text and buttons (Telegram, whose native polls cannot be limited to
    the event's members, and the console)."""

    poll_id: int
    question: str
    options: tuple[str, ...]
    anonymous: bool = True
    # A closing message: end the poll posted as `poll_ref` (the platform's reference of
    # the message, as in `PollAnswerEvent`); on Telegram the message shows the result.
    closed: bool = False
    poll_ref: str = ""


@dataclass(frozen=True)
class Refresh:
    """The reply re-renders a message that was pressed (the ballot, after a vote).

    Platforms that can edit replace the message `message_id` and may show `notice`, the
    pressed command's own answer, briefly as the answer to the press `press_id` (its
    `ButtonPress.external_id`; Telegram: a toast). Others send the reply as a new
    message, whose text starts with the notice.

    Without `message_id` nothing is re-rendered: the notice alone answers the press, for
    the presser's eyes only (a press in a group; see `answer_to_press`).
    """

    message_id: str
    press_id: str = ""
    notice: str = ""


def answer_to_press(press: ButtonPress, text: str) -> Reply:
    """A short answer that only the person who pressed sees (Telegram: the toast), so
    that a group learns nothing of who pressed what."""
    return Reply(text, refresh=Refresh("", press.external_id, text))


@dataclass(frozen=True)
class ShownItems:
    """The text's lines after the first show these stored objects, one line each, in order.

    A platform without buttons may post each line as a message of its own, so that a
    reaction on it can act (Matrix: a 👍 in the direct chat votes for a proposal).
    """

    kind: str
    ids: tuple[int, ...]


@dataclass(frozen=True)
class Reply:
    """Something to send: text, optional buttons (rows), optional document or image.

    `to_person` addresses another person (on every platform they use); None means
    "answer in the chat the event came from".
    """

    text: str
    buttons: tuple[tuple[Button, ...], ...] = ()
    document: Attachment | None = None
    image: Attachment | None = None
    to_person: int | None = None
    # Refers to a stored object the message shows (e.g. "proposal", id) for reactions.
    shows: tuple[str, int] | None = None
    private: bool = False
    poll: PollSpec | None = None
    refresh: Refresh | None = None
    items: ShownItems | None = None
    widget: WidgetSpec | None = None
