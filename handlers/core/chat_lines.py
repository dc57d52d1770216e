"""Long answers in chat: lines joined into messages that fit every platform."""

from __future__ import annotations

from collections.abc import Iterable

# Below Telegram's 4096 characters per message; Matrix takes more.
MESSAGE_LIMIT = 3500


def chunks(lines: Iterable[str], limit: int = MESSAGE_LIMIT) -> list[str]:
    """Lines joined into as few messages as fit the platforms' length limits."""
    messages: list[str] = []
    current: list[str] = []
    size = 0
    for line in lines:
        if current and size + len(line) + 1 > limit:
            messages.append("\n".join(current))
            current, size = [], 0
        current.append(line)
        size += len(line) + 1
    if current:
        messages.append("\n".join(current))
    return messages
