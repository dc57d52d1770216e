"""A reply survives the outbox: link buttons and widgets come back as they went in."""

from __future__ import annotations

from handlers.core.messages import Button, Reply, WidgetSpec
from handlers.core.outbox_replies import payload_to_reply, reply_to_payload


def test_link_buttons_and_widgets_round_trip() -> None:
    reply = Reply(
        "📺",
        buttons=((Button("Öffnen", "", url="https://board.example.org/e/K7M2QX/board"),),
                 (Button("Abstimmen", "vote 1"),)),
        widget=WidgetSpec("barcamp-board-K7M2QX", "Live-Tafel", "https://board.example.org"),
    )  # fmt: skip
    payload, content = reply_to_payload(reply)
    assert payload_to_reply(payload, content) == reply
    # A row queued by an older version (two fields a button, no widget) still reads.
    older = {**payload, "buttons": [[["Abstimmen", "vote 1"]]], "widget": None}
    assert payload_to_reply(older, None) == Reply("📺", buttons=((Button("Abstimmen", "vote 1"),),))
