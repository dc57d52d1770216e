"""/dateanswer N DATE yes|maybe|no: a member's answer to one date of date poll N (the
poll's buttons send it; on Matrix it is typed). A press re-renders the poll with the counts."""

from __future__ import annotations

from typing import Literal

from handlers.core.context import Context
from handlers.council.council_registration import command
from handlers.council.date_poll_view import MARKS
from handlers.council.date_polls import date_poll_of, record_date_answer
from storage.council.date_poll_tables import DateAnswerKind


@command("dateanswer", hidden=True, event=True, private=True, refreshes="datepoll {0}")
def dateanswer(
    ctx: Context, number: int, position: int, answer: Literal["yes", "maybe", "no"]
) -> None:
    state = date_poll_of(ctx, number)
    kind = DateAnswerKind(answer)
    when = record_date_answer(ctx, state, position, kind)
    ctx.reply("datepoll.answered", position=position, when=when, mark=MARKS[kind])
