"""/meetings: the council's next meetings, numbered as organisers act on them ("3.2").

Moved ones stand at their new time (marked), cancelled ones are marked as cancelled;
organisers also see how many said they come.
"""

from __future__ import annotations

from handlers.core.context import Context
from handlers.core.event_time import local_now
from handlers.core.registry import ORGANISERS
from handlers.council.council_registration import command
from handlers.council.meeting_planning import council_occurrences
from handlers.council.meeting_texts import occurrence_line

SHOWN = 10


@command("meetings", event=True)
def meetings(ctx: Context) -> None:
    event = ctx.require_event()
    now = local_now(event, ctx.now())
    ahead = sorted(
        (o for o in council_occurrences(ctx.uow, event) if o.ends_at > now),
        key=lambda o: (o.starts_at, o.number),
    )[:SHOWN]
    if not ahead:
        ctx.reply("meetings.none")
        return
    organiser = ctx.role() in ORGANISERS
    lines = [ctx.t("meetings.header", council=event.name)]
    for occurrence in ahead:
        line = occurrence_line(ctx, occurrence)
        if organiser and not occurrence.cancelled:
            answers = ctx.uow.meetings.answers(occurrence.meeting_id, occurrence.index)
            coming = sum(answer.coming for answer in answers)
            line += " " + ctx.t("meetings.answers", coming=coming, not_coming=len(answers) - coming)
        lines.append(line)
    lines.append(ctx.t("meetings.footer_organiser" if organiser else "meetings.footer"))
    ctx.reply_text("\n".join(lines))
