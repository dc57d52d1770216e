"""Inline keyboards: a button's data is its command line, kept within Telegram's 64 bytes.

Button data carries no authority: pressing it is handled like typing the command, and the
core checks who pressed against the store. A command line too long for `callback_data`
(none of the core's are) travels as a short key into the store instead.
"""

from __future__ import annotations

import hashlib

from telegram import InlineKeyboardButton, InlineKeyboardMarkup
from telegram.constants import InlineKeyboardButtonLimit

from handlers.core.messages import Button

CALLBACK_LIMIT = InlineKeyboardButtonLimit.MAX_CALLBACK_DATA
# No command line starts with "#", so a stored key cannot be mistaken for one.
STORED_PREFIX = "#"


def fits(data: str) -> bool:
    return 0 < len(data.encode()) <= CALLBACK_LIMIT


def stored_key(data: str) -> str:
    """A stable short key for long data: the same line always gets the same key."""
    return STORED_PREFIX + hashlib.sha256(data.encode()).hexdigest()[:40]


def is_stored_key(data: str) -> bool:
    return data.startswith(STORED_PREFIX)


def state_key(data: str) -> str:
    """Where the store keeps the full line of a stored key (`data` long or already a key)."""
    return "button:" + (data if is_stored_key(data) else stored_key(data))


def callback_data(button: Button) -> str:
    return button.data if fits(button.data) else stored_key(button.data)


def long_data(buttons: tuple[tuple[Button, ...], ...]) -> list[str]:
    """Button data that has to be kept in the store before the keyboard is sent."""
    return [button.data for row in buttons for button in row if not fits(button.data)]


def inline_keyboard(buttons: tuple[tuple[Button, ...], ...]) -> InlineKeyboardMarkup | None:
    if not buttons:
        return None
    rows = [(button,) for row in buttons for button in row] if _too_wide(buttons) else buttons
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(b.label, callback_data=callback_data(b)) for b in row]
            for row in rows
        ]
    )


def _too_wide(buttons: tuple[tuple[Button, ...], ...]) -> bool:
    """On a phone more than three buttons in a row are unreadable: one per row then."""
    return any(len(row) > 3 for row in buttons)
