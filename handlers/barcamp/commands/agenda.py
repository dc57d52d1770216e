"""/agenda, /now and /next: the published grid, what runs now, what comes next, and where."""

from __future__ import annotations

from collections import Counter
from typing import Literal

from handlers.barcamp.agenda_chat_text import (
    chunks,
    day_name,
    grid_lines,
    place_text,
    session_line,
    sessions_in,
    span,
)
from handlers.barcamp.agenda_files import send_export
from handlers.barcamp.agenda_loader import build_agenda, sessions_of_person
from handlers.barcamp.registration import command
from handlers.core.context import Context, Refusal
from handlers.core.event_time import local_now
from handlers.core.registry import STAFF
from schedules.barcamp.agenda_model import Agenda, AgendaSlot
from storage.core.shared_tables import Event


@command("agenda", event=True)
def agenda(ctx: Context, variant: Literal["png"] | None) -> None:
    event = ctx.require_event()
    assert event.id is not None
    draft = ctx.uow.camp_settings.of(event.id).agenda_published_at is None
    if draft and ctx.role() not in STAFF:
        raise Refusal("agenda.not_published")
    grid = build_agenda(ctx.uow, event.id, ctx.language)
    if not grid.scheduled():
        raise Refusal("agenda.empty")
    if variant == "png":
        send_export(ctx, grid, "png")
        return
    marks = _marks(ctx, event.id)
    lines = [ctx.t("agenda.header_draft" if draft else "agenda.header", name=event.name)]
    lines += grid_lines(grid, ctx, marks=marks)
    if marks & {session.id for session in grid.scheduled()}:
        lines.append(ctx.t("agenda.marks"))
    for text in chunks(lines):
        ctx.reply_text(text)


@command("now", event=True)
def now(ctx: Context) -> None:
    event, grid = _published(ctx)
    moment = local_now(event, ctx.now())
    slot = next((slot for slot in grid.slots if slot.start <= moment < slot.end), None)
    if slot is None:
        ctx.reply("now.nothing")
    elif slot.blocked:
        ctx.reply("now.break", until=f"{slot.end:%H:%M}")
    elif not sessions_in(grid, slot.id):
        ctx.reply("now.nothing")
    else:
        _show_slot(ctx, event, grid, slot, "now.header")


@command("next", event=True)
def next_(ctx: Context) -> None:
    event, grid = _published(ctx)
    moment = local_now(event, ctx.now())
    upcoming = (slot for slot in grid.slots if slot.start > moment and sessions_in(grid, slot.id))
    slot = next(upcoming, None)
    if slot is None:
        ctx.reply("next.nothing")
    else:
        _show_slot(ctx, event, grid, slot, "next.header")


def personal_agenda(ctx: Context, event: Event) -> list[str]:
    """/mine's part: my sessions (voted or hosted) with time and room, once published."""
    assert event.id is not None
    if ctx.uow.camp_settings.of(event.id).agenda_published_at is None:
        return [ctx.t("mine.agenda_pending")]
    grid = build_agenda(ctx.uow, event.id, ctx.language)
    mine = sessions_of_person(ctx.uow, event.id, ctx.person_id)
    own = [session for session in grid.scheduled() if session.id in mine]
    # Two of mine at once: I must pick one, so both lines say so.
    per_slot = Counter(session.slot_id for session in own)
    lines = [ctx.t("mine.agenda")]
    lines += [
        _with_clash(
            ctx,
            ctx.t(
                "mine.agenda_item",
                place=place_text(grid, session, ctx),
                number=session.number,
                title=session.title,
            ),
            per_slot[session.slot_id] > 1,
        )
        for session in own
    ] or [ctx.t("mine.none")]
    return lines


def _with_clash(ctx: Context, line: str, clashes: bool) -> str:
    return f"{line} {ctx.t('mine.same_time')}" if clashes else line


def _marks(ctx: Context, event_id: int) -> set[int]:
    """My sessions, to mark with a star; never in a group, where it would show my votes."""
    return set() if ctx.in_group else sessions_of_person(ctx.uow, event_id, ctx.person_id)


def _published(ctx: Context) -> tuple[Event, Agenda]:
    event = ctx.require_event()
    assert event.id is not None
    if ctx.uow.camp_settings.of(event.id).agenda_published_at is None:
        raise Refusal("agenda.not_published")
    return event, build_agenda(ctx.uow, event.id, ctx.language)


def _show_slot(ctx: Context, event: Event, grid: Agenda, slot: AgendaSlot, key: str) -> None:
    assert event.id is not None
    marks = _marks(ctx, event.id)
    lines = [ctx.t(key, day=day_name(slot.start.date(), ctx), time=span(slot))]
    lines += [
        session_line(grid, session, ctx, marked=session.id in marks)
        for session in sessions_in(grid, slot.id)
    ]
    ctx.reply_text("\n".join(lines))
