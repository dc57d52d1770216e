"""/help: generated from the registered commands, for the person's role and language.

Grouped by what the person does (take part, moderate, organise), each group under its
heading and only the groups their role covers. A command of another group that is still
open to them (anyone may start a camp) gets one short line at the end instead.
"""

from __future__ import annotations

from handlers.core.context import Context
from handlers.core.registry import HELP_GROUPS, command, help_groups_for, registry


@command("help", consent=False, private=True)
def help_(ctx: Context) -> None:
    consented = ctx.consented
    # Only the commands of the active event's kind (BarCamp or youth council).
    event = ctx.active_event() if ctx.membership() is not None else None
    kind = event.kind if event is not None else None
    visible = list(registry.visible_to(ctx.role(), consented, event is not None, kind))
    covered = help_groups_for(ctx.role())
    sections = [ctx.t("help.header")]
    for group in (group for group in HELP_GROUPS if group in covered):
        lines = [
            ctx.t("help.line", usage=ctx.t(spec.usage_key), text=ctx.t(spec.help_key))
            for spec in visible
            if spec.help_group == group
        ]
        if lines:
            sections.append("\n".join([ctx.t(f"help.group_{group}"), *lines]))
    beyond = [ctx.t(spec.usage_key) for spec in visible if spec.help_group not in covered]
    if beyond:
        sections.append(ctx.t("help.beyond_role", commands=", ".join(beyond)))
    if not consented:
        sections.append(ctx.t("help.start_first"))
    ctx.reply_text("\n\n".join(sections))
