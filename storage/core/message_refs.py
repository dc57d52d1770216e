"""Which platform message shows what: a poll, a proposal of a list, to act on replies."""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import delete
from sqlmodel import Session, col, select

from storage.core.shared_tables import MessageRef


class MessageRefs:
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, ref: MessageRef) -> None:
        self._session.add(ref)

    def exists(self, platform: str, chat_id: str, message_id: str) -> bool:
        statement = select(MessageRef.id).where(
            MessageRef.platform == platform,
            MessageRef.chat_id == chat_id,
            MessageRef.message_id == message_id,
        )
        return self._session.exec(statement).first() is not None

    def object_shown(
        self, platform: str, message_id: str, kind: str, chat_id: str | None = None
    ) -> int | None:
        """The id of what a platform message shows (in `chat_id`, if given), as `kind`."""
        statement = select(MessageRef.object_id).where(
            MessageRef.platform == platform,
            MessageRef.message_id == message_id,
            MessageRef.kind == kind,
        )
        if chat_id is not None:
            statement = statement.where(MessageRef.chat_id == chat_id)
        return self._session.exec(statement).first()

    def showing(self, kind: str, object_id: int) -> list[MessageRef]:
        """Every message, on any platform, that shows this object."""
        statement = select(MessageRef).where(
            MessageRef.kind == kind, MessageRef.object_id == object_id
        )
        return list(self._session.exec(statement))

    def forget_chats(self, platform: str, chat_ids: Collection[str]) -> None:
        """Delete what is known of the messages in these chats (a person's direct chats)."""
        if chat_ids:
            self._session.exec(
                delete(MessageRef).where(
                    col(MessageRef.platform) == platform,
                    col(MessageRef.chat_id).in_(list(chat_ids)),
                )
            )
