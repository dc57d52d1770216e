"""/link: a one-time code for linking my account on another platform; /link CODE sent
from that other account makes both one person."""

from __future__ import annotations

from handlers.core.context import Context
from handlers.core.identity_linking import issue_code, redeem_code
from handlers.core.registry import command


@command("link", private=True)
def link(ctx: Context, code: str | None) -> None:
    if code is None:
        issue_code(ctx)
    else:
        redeem_code(ctx, code)
