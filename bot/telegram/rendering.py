"""Text for Telegram: escaped for the parse mode we use (HTML), split at 4096 characters."""

from __future__ import annotations

import html

from telegram.constants import MessageLimit, ParseMode

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
