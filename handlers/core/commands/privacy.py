"""/privacy: what we store, why, and how to have it removed."""

from __future__ import annotations

from handlers.core.context import Context
from handlers.core.registry import command


@command("privacy", consent=False, private=True)
def privacy(ctx: Context) -> None:
    ctx.reply("privacy.notice")
