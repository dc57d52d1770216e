"""/board: the live board's links (projector board, agenda, door signs, calendar) with a
QR code for a poster; on Telegram the board's link is a button."""

from __future__ import annotations

from handlers.barcamp.board_links import BoardLinks, qr_png, webcal
from handlers.barcamp.camp_config import CampConfig
from handlers.barcamp.registration import command
from handlers.core.context import Context, Refusal
from handlers.core.messages import Button


@command("board", event=True)
def board(ctx: Context) -> None:
    event = ctx.require_event()
    assert event.id is not None
    base_url = ctx.domain_config(CampConfig).web_base_url
    if not base_url:
        raise Refusal("board.not_served")
    if ctx.uow.camp_settings.of(event.id).agenda_published_at is None:
        raise Refusal("agenda.not_published")
    links = BoardLinks(base_url, event.code)
    rooms = ctx.uow.grid.rooms(event.id)
    doors = "\n".join(
        ctx.t("board.door", room=room.name, url=links.room(number))
        for number, room in enumerate(rooms, start=1)
    )
    open_board = Button(ctx.t("board.button"), "", url=links.board)
    ctx.reply(
        "board.links",
        buttons=((open_board,),),
        image=qr_png(links.board, "board-qr.png"),
        name=event.name,
        board=links.board,
        agenda=links.agenda,
        calendar=webcal(links.calendar),
        doors=doors,
    )
