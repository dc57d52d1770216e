"""/export md|html|ics|csv|xml|json|png: the agenda as a file, for the team."""

from __future__ import annotations

from handlers.barcamp.agenda_files import ExportFormat, event_agenda, send_export
from handlers.barcamp.registration import command
from handlers.core.context import Context
from handlers.core.registry import STAFF


@command("export", roles=STAFF)
def export(ctx: Context, format_name: ExportFormat) -> None:
    agenda = event_agenda(ctx.uow, ctx.require_event(), ctx.language)
    send_export(ctx, agenda, format_name)
