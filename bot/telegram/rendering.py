"""How a reply looks on Telegram: text escaped for the parse mode we use (HTML) and split
at 4096 characters, and inline keyboards.

Inline keyboards: a button's data is its command line, kept within Telegram's 64 bytes.
Button data carries no authority: pressing it is handled like typing the command, and the
core checks who pressed against the store. A command line too long for `callback_data`
(none of the core's are) travels as a short key into the store instead.
"""

from __future__ import annotations

import hashlib
import html

from telegram import InlineKeyboardButton, InlineKeyboardMarkup
from telegram.constants import InlineKeyboardButtonLimit, MessageLimit, ParseMode

from handlers.core.messages import Button

PARSE_MODE = ParseMode.HTML
TEXT_LIMIT = MessageLimit.MAX_TEXT_LENGTH
CAPTION_LIMIT = MessageLimit.CAPTION_LENGTH
# Where a long text is best cut, best first: between paragraphs, lines, sentences, words.
_CUTS = ("\n\n", "\n", ". ", " ")


def escape(text: str) -> str:
    """Everything we send is plain text: names and titles people typed show as typed."""
    return html.escape(text, quote=False)


def telegram_length(text: str) -> int:
    """Telegram counts UTF-16 code units (an emoji outside the BMP counts twice)."""
    return len(text.encode("utf-16-le")) // 2


def split_text(text: str, limit: int = TEXT_LIMIT) -> list[str]:
    """Pieces of at most `limit` (in Telegram's count), cut where a reader expects a break."""
    pieces: list[str] = []
    rest = text.strip()
    while telegram_length(rest) > limit:
        head = _longest_prefix(rest, limit)
        cut = _best_cut(head)
        pieces.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    if rest or not pieces:
        pieces.append(rest)
    return pieces


def _longest_prefix(text: str, limit: int) -> str:
    """The longest start of `text` within `limit`, never ending inside a surrogate pair."""
    prefix = text[:limit]
    while telegram_length(prefix) > limit:
        prefix = prefix[:-1]
    return prefix


def _best_cut(head: str) -> int:
    for separator in _CUTS:
        position = head.rfind(separator)
        if position > len(head) // 2:
            return position + len(separator)
    return len(head)


def html_pieces(text: str, limit: int = TEXT_LIMIT) -> list[str]:
    """Split first, then escape: an entity such as `&amp;` is never cut in half."""
    return [escape(piece) for piece in split_text(text, limit)]


# -- inline keyboards ------------------------------------------------------------------

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
    return [
        button.data for row in buttons for button in row if not button.url and not fits(button.data)
    ]


def inline_keyboard(buttons: tuple[tuple[Button, ...], ...]) -> InlineKeyboardMarkup | None:
    if not buttons:
        return None
    rows = [(button,) for row in buttons for button in row] if _too_wide(buttons) else buttons
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(b.label, url=b.url)
                if b.url
                else InlineKeyboardButton(b.label, callback_data=callback_data(b))
                for b in row
            ]
            for row in rows
        ]
    )


def _too_wide(buttons: tuple[tuple[Button, ...], ...]) -> bool:
    """On a phone more than three buttons in a row are unreadable: one per row then."""
    return any(len(row) > 3 for row in buttons)
