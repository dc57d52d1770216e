"""/datepoll: a meeting-date poll, guided (title, dates, duration, deadline) or in one line
`/datepoll Title | 2027-01-12 17:00 | 2027-01-14 18:00 | dauer 60 | bis 2027-01-10 12:00`;
`/datepoll N` shows poll N (the team also sees who answered what)."""

from __future__ import annotations

from datetime import datetime, time
from typing import Any

from handlers.core.context import Context, Refusal
from handlers.core.dialogs import SoFar, Step, text_only
from handlers.core.event_time import local_now
from handlers.core.registry import STAFF, Text
from handlers.council.council_registration import command, dialog
from handlers.council.date_poll_input import (
    STORED,
    DatePollInput,
    checked,
    one_line,
    option_lines,
    poll_deadline,
    poll_duration,
    poll_options,
    poll_title,
)
from handlers.council.date_poll_view import poll_view
from handlers.council.date_polls import create_date_poll, date_poll_of

# Known before the first question: the council's usual meeting length.
DEFAULT_MINUTES = "default_minutes"
NUMBER_MAX = 9


def _day_start(so_far: SoFar) -> datetime:
    """A dialog's step knows only today's date: the exact time is checked at the end."""
    return datetime.combine(so_far.today, time())


def _dates(text: str, so_far: SoFar) -> list[str]:
    return [when.strftime(STORED) for when in option_lines(text, _day_start(so_far))]


def _duration(text: str, so_far: SoFar) -> int:
    return poll_duration(text, int(so_far[DEFAULT_MINUTES]))


def _deadline(text: str, so_far: SoFar) -> str | None:
    deadline = poll_deadline(text, _day_start(so_far))
    dates = [datetime.strptime(item, STORED) for item in so_far["dates"]]
    checked(DatePollInput("-", tuple(dates), 0, deadline))
    return deadline.strftime(STORED) if deadline is not None else None


def finish(ctx: Context, answers: dict[str, Any]) -> None:
    now = _now(ctx)
    deadline = answers["deadline"]
    new = DatePollInput(
        title=answers["title"],
        options=poll_options(answers["dates"], now),
        duration_minutes=answers["duration"],
        deadline=poll_deadline(deadline, now) if deadline else None,
    )
    create(ctx, checked(new))


DATEPOLL = dialog(
    "datepoll",
    steps=(
        Step("title", text_only(poll_title), "datepoll.ask_title"),
        Step("dates", _dates, "datepoll.ask_dates"),
        Step(
            "duration",
            _duration,
            "datepoll.ask_duration",
            values=lambda so_far: {"minutes": so_far[DEFAULT_MINUTES]},
        ),
        Step("deadline", _deadline, "datepoll.ask_deadline"),
    ),
    finish=finish,
)


@command("datepoll", event=True, private=True)
def datepoll(ctx: Context, text: Text | None) -> None:
    if text is not None and text.isascii() and text.isdigit() and len(text) <= NUMBER_MAX:
        state = date_poll_of(ctx, int(text))
        ctx.replies.append(poll_view(ctx.uow, ctx, state, ctx.person_id))
        return
    if ctx.role() not in STAFF:
        raise Refusal("datepoll.team_only")
    minutes = ctx.uow.council_settings.of(ctx.event_id()).meeting_minutes
    if not text:
        DATEPOLL.start(ctx, {DEFAULT_MINUTES: minutes})
        return
    create(ctx, one_line(text, minutes, _now(ctx)))


def create(ctx: Context, new: DatePollInput) -> None:
    state = create_date_poll(ctx, new)
    ctx.reply(
        "datepoll.created",
        number=state.poll.number,
        count=len(state.members),
        minutes=new.duration_minutes,
    )
    ctx.replies.append(poll_view(ctx.uow, ctx, state, ctx.person_id))


def _now(ctx: Context) -> datetime:
    return local_now(ctx.require_event(), ctx.now())
