"""/plan and /publish: organisers let the planner build the grid and make it public."""

from __future__ import annotations

from handlers.barcamp.agenda_chat_text import chunks, grid_lines
from handlers.barcamp.agenda_loader import build_agenda
from handlers.barcamp.camp_config import CampConfig
from handlers.barcamp.camp_events import AgendaPublished, SessionsMoved
from handlers.barcamp.grid_planning import Replanned, grid_state, replan
from handlers.barcamp.registration import command
from handlers.barcamp.reminders import schedule_reminders
from handlers.core.context import Context, Refusal
from handlers.core.messages import Button
from handlers.core.notices import members_reachable
from handlers.core.registry import ORGANISERS
from schedules.barcamp.agenda_model import Agenda
from schedules.barcamp.planner import InstanceError
from storage.barcamp.camp_tables import ProposalStatus
from storage.core.shared_tables import Event


@command("plan", roles=ORGANISERS)
def plan_(ctx: Context) -> None:
    event = ctx.require_event()
    assert event.id is not None
    if not ctx.uow.proposals.in_event(event.id, ProposalStatus.APPROVED):
        raise Refusal("plan.no_sessions")
    state = grid_state(ctx.uow, event.id)
    # Once published, people know where to go: change as little as possible.
    keep = state.cells if published(ctx, event) else None
    budget = ctx.domain_config(CampConfig)
    try:
        replanned = replan(ctx.uow, event.id, budget, pins=state.pins(), keep=keep)
    except InstanceError:
        raise Refusal("plan.conflict") from None
    agenda = report_changes(ctx, event, replanned)
    send_preview(ctx, event, replanned, agenda)


@command("publish", roles=ORGANISERS)
def publish(ctx: Context) -> None:
    event = ctx.require_event()
    assert event.id is not None
    camp = ctx.uow.camp_settings.of(event.id)
    if published(ctx, event):
        raise Refusal("publish.already")
    if not ctx.uow.grid.of_event(event.id):
        raise Refusal("publish.no_grid")
    if camp.voting_open:
        raise Refusal("publish.voting_open")
    camp.agenda_published_at = ctx.now()
    schedule_reminders(ctx.uow, event, ctx.now())
    people = members_reachable(ctx.uow, event.id)
    ctx.raise_event(AgendaPublished(event.id, event.name))
    told = ctx.t("publish.told", people=people)
    if camp.reminder_minutes:
        ctx.reply("publish.done", told=told, minutes=camp.reminder_minutes)
    else:
        ctx.reply("publish.done_no_reminders", told=told)


def send_preview(ctx: Context, event: Event, replanned: Replanned, agenda: Agenda) -> None:
    """The grid with slot numbers and votes, what was optimised, and what to do next."""
    header = "plan.header_live" if published(ctx, event) else "plan.header_draft"
    lines = [ctx.t(header, name=event.name), *quality_lines(ctx, event, replanned)]
    lines += grid_lines(agenda, ctx, staff=True)
    lines += unplaced_lines(ctx, agenda)
    *first, last = chunks(lines)
    for text in first:
        ctx.reply_text(text)
    if published(ctx, event):
        ctx.reply_text(last + "\n" + ctx.t("plan.next_live"))
    else:
        publish = Button(ctx.t("plan.publish_button"), "publish")
        ctx.reply_text(last + "\n" + ctx.t("plan.next_draft"), buttons=((publish,),))


def published(ctx: Context, event: Event) -> bool:
    assert event.id is not None
    return ctx.uow.camp_settings.of(event.id).agenda_published_at is not None


def quality_lines(ctx: Context, event: Event, replanned: Replanned) -> list[str]:
    """What the planner optimised and how close to the best possible it came."""
    result = replanned.result
    lines = []
    assert event.id is not None
    if ctx.uow.camp_settings.of(event.id).voting_open:
        lines.append(ctx.t("plan.voting_open"))
    if result.objective == 0:
        lines.append(ctx.t("plan.perfect"))
    else:
        lines.append(ctx.t("plan.quality", missed=result.missed, overflow=result.overflow))
        key = "plan.optimal" if result.optimal else "plan.bound"
        lines.append(ctx.t(key, bound=result.bound, gap=result.objective - result.bound))
    if published(ctx, event):
        lines.append(ctx.t("plan.moved", moved=len(replanned.changed())))
    return lines


def unplaced_lines(ctx: Context, agenda: Agenda) -> list[str]:
    unplaced = [s for s in agenda.sessions if s.slot_id is None]
    if not unplaced:
        return []
    titles = ", ".join(ctx.t("plan.session_ref", number=s.number, title=s.title) for s in unplaced)
    return [ctx.t("plan.unplaced", sessions=titles)]


def report_changes(ctx: Context, event: Event, replanned: Replanned) -> Agenda:
    """The agenda as replanned; once it is public, the hosts and voters of every changed
    session hear of it (`SessionsMoved`)."""
    assert event.id is not None
    agenda = build_agenda(ctx.uow, event.id, ctx.language)
    changed = replanned.changed()
    if published(ctx, event) and changed:
        ctx.raise_event(SessionsMoved(event.id, event.name, tuple(changed)))
    return agenda
