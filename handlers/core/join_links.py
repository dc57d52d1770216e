"""The join links of a new event (camp or council), each with a QR code to print or show."""

from __future__ import annotations

import io

import segno

from handlers.core.config import CoreConfig
from handlers.core.context import Context
from handlers.core.i18n import Texts
from handlers.core.messages import Attachment, Reply


def send_join_links(ctx: Context, code: str) -> None:
    """Per platform with a known bot name, a direct join link and its QR code."""
    ctx.replies.extend(join_link_replies(ctx, ctx.config, code))


def join_link_replies(texts: Texts, config: CoreConfig, code: str) -> list[Reply]:
    """The same outside a chat command (a domain event's handler), in `texts`' language."""
    replies = []
    for template in config.join_links.values():
        link = template.format(code=code)
        replies.append(Reply(texts.t("newcamp.link", link=link), image=qr_png(link)))
    return replies


def qr_png(link: str, filename: str = "join-qr.png") -> Attachment:
    """A QR code of the link to print or show (join links, the board's poster)."""
    buffer = io.BytesIO()
    segno.make(link, error="m").save(buffer, kind="png", scale=8, border=2)
    return Attachment(filename, "image/png", buffer.getvalue())
