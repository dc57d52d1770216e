"""/dateconfirm N DATE: the team confirms the date a closed date poll proposed, or picks
another; the meeting is stored and `MeetingScheduled` raised (members are told off it)."""

from __future__ import annotations

from handlers.core.context import Context
from handlers.core.registry import STAFF
from handlers.council.council_registration import command
from handlers.council.date_polls import confirm_date, date_poll_of


@command("dateconfirm", hidden=True, roles=STAFF)
def dateconfirm(ctx: Context, number: int, position: int) -> None:
    confirm_date(ctx, date_poll_of(ctx, number), position)
