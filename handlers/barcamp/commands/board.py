"""/board: the live board's links (projector board, agenda, door signs, calendar) with a
QR code for a poster; on Telegram the board's link is a button. `/board widget` in a
Matrix room linked to the camp pins the board into the room as a widget (organisers)."""

from __future__ import annotations

from typing import Literal

from handlers.barcamp.board_links import BoardLinks, webcal
from handlers.barcamp.camp_config import CampConfig
from handlers.barcamp.registration import command
from handlers.core.context import Context, Refusal
from handlers.core.join_links import qr_png
from handlers.core.messages import Button, Reply, WidgetSpec
from handlers.core.registry import ORGANISERS
from storage.core.shared_tables import Event


@command("board", event=True)
def board(ctx: Context, variant: Literal["widget"] | None) -> None:
    event = ctx.require_event()
    assert event.id is not None
    base_url = ctx.domain_config(CampConfig).web_base_url
    if not base_url:
        raise Refusal("board.not_served")
    if ctx.uow.camp_settings.of(event.id).agenda_published_at is None:
        raise Refusal("agenda.not_published")
    links = BoardLinks(base_url, event.code)
    if variant == "widget":
        add_widget(ctx, event, links)
        return
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


def add_widget(ctx: Context, event: Event, links: BoardLinks) -> None:
    """The board as a widget of this room, for an organiser of the camp it is linked to."""
    linked = ctx.uow.channels.event_of_chat(ctx.chat.platform, ctx.chat.chat_id)
    if not ctx.in_group or ctx.chat.platform != "matrix" or linked != event.id:
        raise Refusal("board.widget_where")
    if ctx.role() not in ORGANISERS:
        raise Refusal("board.widget_organisers")
    widget = WidgetSpec(f"barcamp-board-{event.code}", ctx.t("web.board_title"), links.board)
    ctx.replies.append(Reply(ctx.t("board.widget_added", url=links.board), widget=widget))
