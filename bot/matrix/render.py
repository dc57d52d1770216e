"""Replies as Matrix messages: a plain body and escaped HTML, commands written `!cmd`.

Matrix has no buttons, so a button becomes a line that says what to type
(`➜ !consent de — ✅ Einverstanden`). A proposal list that marks its lines as items
(see `handlers/barcamp/commands/sessions.py`) is split in a direct chat into one message per
proposal, so that a 👍 reaction on one of them can vote.
"""

from __future__ import annotations

import html
import re
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from handlers.core.i18n import LANGUAGES, Catalogues
from handlers.core.messages import Button, Reply

MESSAGE = "m.room.message"
# Bots answer with notices: clients show them as such and other bots never answer them.
NOTICE = "m.notice"
HTML_FORMAT = "org.matrix.custom.html"
THUMBS_UP = "👍"
COMMAND_MENTION = re.compile(r"(?<![\w/!.:])/([a-z][a-z0-9_]{0,31})\b")


@dataclass(frozen=True)
class Part:
    """One Matrix event of a reply; `shows` links it to a stored object for reactions."""

    content: dict[str, Any]
    event_type: str = MESSAGE
    shows: tuple[str, int] | None = None


class Renderer:
    def __init__(self, commands: Collection[str], texts: Catalogues) -> None:
        self.commands = commands
        self.texts = texts
        # What the core says about buttons, per language, to replace on Matrix.
        self._tap_phrases = {lang: texts.text(lang, "matrix.tap_button") for lang in LANGUAGES}

    def text_parts(self, reply: Reply, direct: bool) -> list[Part]:
        """The messages for a reply's text and buttons (not its poll or attachment)."""
        items = proposal_items(reply)
        if items is not None and direct:
            return self._item_messages(reply, items)
        if items is not None:
            return [self.notice(self._inline_items(reply, items))]
        if not reply.text and not reply.buttons:
            return []
        return [self.notice(self._with_button_lines(reply.text, reply.buttons))]

    def notice(self, text: str, shows: tuple[str, int] | None = None) -> Part:
        body = self.bang_commands(text)
        return Part(message_content(body), shows=shows)

    def bang_commands(self, text: str) -> str:
        """`/vote 3` -> `!vote 3` for our commands; links and paths stay as they are."""

        def rewrite(match: re.Match[str]) -> str:
            name = match.group(1)
            return f"!{name}" if name in self.commands else match.group(0)

        return COMMAND_MENTION.sub(rewrite, text)

    def _with_button_lines(self, text: str, buttons: tuple[tuple[Button, ...], ...]) -> str:
        lines = [button_line(button) for row in buttons for button in row]
        if not lines:
            return text
        return f"{self._untap(text, 'matrix.type_command')}\n\n" + "\n".join(lines)

    def _item_messages(self, reply: Reply, items: list[int]) -> list[Part]:
        head, item_lines, tail = split_items(reply.text, len(items))
        commands = item_commands(reply.buttons, len(items))
        parts = [self.notice(self._untap(head, "matrix.react_thumbs"))]
        for proposal_id, line, command in zip(items, item_lines, commands, strict=True):
            hint = f"{line}\n{THUMBS_UP} · !{command}" if command else line
            parts.append(self.notice(hint, shows=("proposal", proposal_id)))
        if tail:
            parts.append(self.notice("\n".join(tail)))
        return parts

    def _inline_items(self, reply: Reply, items: list[int]) -> str:
        head, item_lines, tail = split_items(reply.text, len(items))
        commands = item_commands(reply.buttons, len(items))
        lines = [
            f"{line} ➜ !{command}" if command else line
            for line, command in zip(item_lines, commands, strict=True)
        ]
        return "\n".join([self._untap(head, "matrix.type_command"), *lines, *tail])

    def _untap(self, text: str, replacement_key: str) -> str:
        """ "Tap a button" makes no sense without buttons: say what to do instead."""
        for language, tap in self._tap_phrases.items():
            if tap in text:
                return text.replace(tap, self.texts.text(language, replacement_key))
        return text


def message_content(body: str, msgtype: str = NOTICE) -> dict[str, Any]:
    return {
        "msgtype": msgtype,
        "body": body,
        "format": HTML_FORMAT,
        "formatted_body": to_html(body),
    }


def to_html(text: str) -> str:
    """Everything people typed is escaped; line breaks stay line breaks."""
    return html.escape(text, quote=False).replace("\n", "<br>")


def button_line(button: Button) -> str:
    if button.url:
        return f"➜ {button.url} — {button.label}"
    return f"➜ !{button.data} — {button.label}"


def proposal_items(reply: Reply) -> list[int] | None:
    """The proposal ids of the text's item lines, if the reply marks them and they fit."""
    if reply.items is None or reply.items.kind != "proposal" or not reply.items.ids:
        return None
    items = list(reply.items.ids)
    _, lines, _ = split_items(reply.text, len(items))
    return items if len(lines) == len(items) else None


def split_items(text: str, count: int) -> tuple[str, list[str], list[str]]:
    """Header line, the `count` item lines after it, and the lines after those."""
    lines = text.split("\n")
    return lines[0], lines[1 : 1 + count], lines[1 + count :]


def item_commands(buttons: tuple[tuple[Button, ...], ...], count: int) -> list[str]:
    """The command of each item's button (one button per row), or "" without buttons."""
    if len(buttons) != count or any(len(row) != 1 for row in buttons):
        return [""] * count
    return [row[0].data for row in buttons]
