"""Replies into the outbox, in the same transaction as the change that caused them."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from handlers.core.messages import (
    Attachment,
    Button,
    Chat,
    PollSpec,
    Refresh,
    Reply,
    ShownItems,
    WidgetSpec,
)
from storage.core.inbox_outbox import NewMessage
from storage.core.shared_tables import DeliveryStatus
from storage.uow import UnitOfWork

# Answers to what someone just did go first; notices to others next; announcements last.
PRIORITY_ANSWER, PRIORITY_NOTICE, PRIORITY_ANNOUNCEMENT = 10, 5, 0


def enqueue_replies(
    uow: UnitOfWork,
    origin: Chat | None,
    replies: list[Reply],
    now: datetime,
    claim_answers: bool = False,
) -> list[tuple[int, Reply]]:
    """Queue replies; returns the answers to `origin` (outbox ids), in order.

    `claim_answers`: the caller sends the answers itself right after the commit, so
    they are queued as being sent already (an interrupted send counts as attempted).
    """
    answers = []
    for reply in replies:
        if reply.to_person is not None:
            enqueue_for_person(uow, reply.to_person, reply, now, PRIORITY_NOTICE)
        elif origin is not None:
            message_id = enqueue_to_chat(
                uow,
                origin.platform,
                origin.chat_id,
                reply,
                now,
                PRIORITY_ANSWER,
                claimed=claim_answers,
            )
            answers.append((message_id, reply))
    return answers


def enqueue_to_chat(
    uow: UnitOfWork,
    platform: str,
    chat_id: str,
    reply: Reply,
    now: datetime,
    priority: int,
    batch: str | None = None,
    claimed: bool = False,
) -> int:
    """Queue `reply` to a chat (`claimed`: as being sent already); its outbox id."""
    payload, attachment = reply_to_payload(reply)
    return uow.outbox.add(
        NewMessage(
            platform=platform,
            payload=payload,
            created_at=now,
            chat_id=chat_id,
            priority=priority,
            attachment=attachment,
            batch=batch,
            status=DeliveryStatus.SENDING if claimed else DeliveryStatus.PENDING,
            attempts=1 if claimed else 0,
        )
    )


def enqueue_for_person(
    uow: UnitOfWork,
    person_id: int,
    reply: Reply,
    now: datetime,
    priority: int,
    batch: str | None = None,
) -> int:
    """One message per platform account of the person that can still be reached."""
    payload, attachment = reply_to_payload(reply)
    queued = 0
    for identity in uow.people.identities(person_id):
        if identity.unreachable_at is not None:
            continue
        uow.outbox.add(
            NewMessage(
                platform=identity.platform,
                payload=payload,
                created_at=now,
                chat_id=identity.direct_chat_id,
                recipient_user_id=identity.platform_user_id,
                person_id=person_id,
                priority=priority,
                attachment=attachment,
                batch=batch,
            )
        )
        queued += 1
    return queued


def reply_to_payload(reply: Reply) -> tuple[dict[str, Any], bytes | None]:
    """A JSON-able form of a reply; the one attachment's bytes travel separately."""
    attachment = reply.image or reply.document
    payload: dict[str, Any] = {
        "text": reply.text,
        "buttons": [[_button_payload(button) for button in row] for row in reply.buttons],
        "shows": list(reply.shows) if reply.shows else None,
        "private": reply.private,
        "poll": asdict(reply.poll) if reply.poll else None,
        "refresh": asdict(reply.refresh) if reply.refresh else None,
        "items": asdict(reply.items) if reply.items else None,
        "widget": asdict(reply.widget) if reply.widget else None,
    }
    if attachment is not None:
        payload["attachment"] = {
            "kind": "image" if reply.image is not None else "document",
            "filename": attachment.filename,
            "media_type": attachment.media_type,
        }
    return payload, attachment.content if attachment else None


def _button_payload(button: Button) -> list[str]:
    return [button.label, button.data, button.url] if button.url else [button.label, button.data]


def payload_to_reply(payload: dict[str, Any], content: bytes | None) -> Reply:
    """The reply `reply_to_payload` stored; also from rows queued by an older version."""
    # [label, data] or, for a link button, [label, data, url].
    buttons = tuple(
        tuple(Button(*(str(part) for part in button)) for button in row)
        for row in payload["buttons"]
    )
    meta = payload.get("attachment")
    attachment = Attachment(meta["filename"], meta["media_type"], content or b"") if meta else None
    shows = payload.get("shows")
    old = _old_extra(payload.get("extra") or {})
    return Reply(
        text=payload["text"],
        buttons=buttons,
        image=attachment if meta and meta["kind"] == "image" else None,
        document=attachment if meta and meta["kind"] == "document" else None,
        shows=(str(shows[0]), int(shows[1])) if shows else None,
        private=bool(payload.get("private")),
        poll=_poll(payload.get("poll"), old.poll_ref),
        refresh=_refresh(payload.get("refresh")) or old.refresh,
        items=_items(payload.get("items")) or old.items,
        widget=WidgetSpec(**payload["widget"]) if payload.get("widget") else None,
    )


def _poll(poll: dict[str, Any] | None, old_ref: str) -> PollSpec | None:
    if not poll:
        return None
    return PollSpec(
        int(poll["poll_id"]),
        str(poll["question"]),
        tuple(poll["options"]),
        bool(poll["anonymous"]),
        bool(poll.get("closed")),
        str(poll.get("poll_ref") or old_ref),
    )


def _refresh(refresh: dict[str, Any] | None) -> Refresh | None:
    if not refresh:
        return None
    return Refresh(str(refresh["message_id"]), str(refresh["press_id"]), str(refresh["notice"]))


def _items(items: dict[str, Any] | None) -> ShownItems | None:
    if not items:
        return None
    return ShownItems(str(items["kind"]), tuple(int(item) for item in items["ids"]))


@dataclass(frozen=True)
class _Extra:
    """What rows queued before the typed fields kept in `extra`, as strings by key."""

    poll_ref: str = ""
    refresh: Refresh | None = None
    items: ShownItems | None = None


def _old_extra(extra: dict[str, Any]) -> _Extra:
    values = {str(key): str(value) for key, value in extra.items()}
    refresh = None
    if "edit" in values:
        refresh = Refresh(values["edit"], values.get("press", ""), values.get("notice", ""))
    return _Extra(values.get("poll_message_id", ""), refresh, _old_items(values))


def _old_items(values: dict[str, str]) -> ShownItems | None:
    kind, ids = values.get("item_kind"), values.get("item_ids")
    if not kind or not ids:
        return None
    try:
        return ShownItems(kind, tuple(int(part) for part in ids.split(",")))
    except ValueError:  # a list the Matrix adapter ignored then, and still does
        return None
