"""/privacy: what we store, why, and how to have it removed."""

from __future__ import annotations

from handlers.context import Context
from handlers.registry import command


@command("privacy", consent=False, private=True)
def privacy(ctx: Context) -> None:
    ctx.reply("privacy.notice")
