"""/help: generated from the registered commands, for the person's role and language."""

from __future__ import annotations

from handlers.core.context import Context
from handlers.core.registry import command, registry


@command("help", consent=False, private=True)
def help_(ctx: Context) -> None:
    consented = ctx.consented
    lines = [ctx.t("help.header")]
    # Only the commands of the active event's kind (BarCamp or youth council).
    event = ctx.active_event() if ctx.membership() is not None else None
    kind = event.kind if event is not None else None
    for spec in registry.visible_to(ctx.role(), consented, event is not None, kind):
        lines.append(ctx.t("help.line", usage=ctx.t(spec.usage_key), text=ctx.t(spec.help_key)))
    if not consented:
        lines.append(ctx.t("help.start_first"))
    ctx.reply_text("\n".join(lines))
