"""Agenda files for chat and terminal: `/export`, `/agenda png`, `/mine ics`, the CLI.

Who gets what: organisers and youth workers may export a draft grid, and every such
file says it is a draft (the exporters mark it); participants get files of a published
grid only. The terminal speaks for whoever can read the store, like an organiser.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from typing import Literal, get_args

from handlers.barcamp.agenda_loader import build_agenda, sessions_of_person
from handlers.core.context import Context, Refusal
from handlers.core.i18n import Catalogues
from handlers.core.join_codes import normalise_code
from handlers.core.messages import Attachment
from handlers.core.registry import STAFF
from handlers.core.validation import InputError, clean_text
from schedules.barcamp.agenda_model import Agenda
from schedules.barcamp.exports import IcsExporter, build_exporters, render_personal_ics
from schedules.barcamp.exports.base import Translate
from storage.core.shared_tables import Event
from storage.uow import UnitOfWork

ExportFormat = Literal["md", "html", "ics", "csv", "xml", "json", "png"]
FORMATS: tuple[str, ...] = get_args(ExportFormat)
PERSONAL_FILENAME = "my-agenda.ics"
Now = Callable[[], datetime]


def event_agenda(uow: UnitOfWork, event: Event, language: str) -> Agenda:
    """The agenda of `event`, with its first day for exports of a camp without slots."""
    assert event.id is not None
    return replace(build_agenda(uow, event.id, language), starts_on=event.starts_on)


def check_format(format_name: str) -> None:
    if format_name not in FORMATS:
        value = clean_text(format_name)[:16]
        raise InputError("export.unknown_format", value=value, formats=", ".join(FORMATS))


def render_export(agenda: Agenda, format_name: str, t: Translate, now: Now) -> Attachment:
    """One file; `now` is the bot's clock, so calendar stamps are testable."""
    check_format(format_name)
    exporter = build_exporters(now)[format_name]
    return Attachment(exporter.filename, exporter.media_type, exporter.render(agenda, t))


def export_event(
    uow: UnitOfWork, code: str, format_name: str, texts: Catalogues, language: str, now: Now
) -> Attachment:
    """`barcamp-bot export` and the demo: the file of the event with this join code."""
    event = uow.events.by_code(normalise_code(code))
    if event is None:
        raise InputError("export.unknown_event", code=normalise_code(code))
    t = functools.partial(texts.text, language)
    return render_export(event_agenda(uow, event, language), format_name, t, now)


def send_export(ctx: Context, agenda: Agenda, format_name: str) -> None:
    """Answer with the file: the PNG as a picture to look at, the rest as documents."""
    attachment = render_export(agenda, format_name, ctx.t, ctx.clock.now)
    key = "export.caption" if agenda.published else "export.caption_draft"
    picture = format_name == "png"
    ctx.reply(
        key,
        image=attachment if picture else None,
        document=None if picture else attachment,
        about=ctx.t(f"export.about_{format_name}"),
        name=agenda.name,
    )


def send_personal_calendar(ctx: Context, event: Event) -> None:
    """`/mine ics`: a calendar of the sessions I voted for or host that have a place."""
    assert event.id is not None
    if ctx.uow.camp_settings.of(event.id).agenda_published_at is None and ctx.role() not in STAFF:
        raise Refusal("agenda.not_published")
    agenda = event_agenda(ctx.uow, event, ctx.language)
    mine = sessions_of_person(ctx.uow, event.id, ctx.person_id)
    placed = [session for session in agenda.scheduled() if session.id in mine]
    if not placed:
        raise Refusal("export.personal_empty")
    content = render_personal_ics(agenda, mine, ctx.t, ctx.clock.now)
    calendar = Attachment(PERSONAL_FILENAME, IcsExporter.media_type, content)
    key = "export.personal" if agenda.published else "export.personal_draft"
    ctx.reply(key, document=calendar, count=len(placed))
