"""One person on two platforms: `/link`'s one-time codes, the wrong codes tried, and
moving the core's rows of one person to another when two accounts become one."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete, update
from sqlmodel import Session, col, func, select

from storage.core.identity_tables import LinkAttempt, LinkCode
from storage.core.shared_tables import (
    Consent,
    DialogState,
    Identity,
    Membership,
    MessageRef,
    OutboxMessage,
    Poll,
    PollAnswer,
    ScheduledItem,
)


class IdentityLinks:
    def __init__(self, session: Session) -> None:
        self._session = session

    # -- codes -----------------------------------------------------------------------

    def issue(
        self, person_id: int, identity_id: int, code_hash: str, now: datetime, expires: datetime
    ) -> LinkCode:
        """A new code for the person; an unused older one of theirs stops working."""
        self._session.exec(
            delete(LinkCode).where(
                col(LinkCode.person_id) == person_id, col(LinkCode.used_at).is_(None)
            )
        )
        code = LinkCode(
            person_id=person_id,
            identity_id=identity_id,
            code_hash=code_hash,
            created_at=now,
            expires_at=expires,
        )
        self._session.add(code)
        self._session.flush()
        return code

    def by_hash(self, code_hash: str) -> LinkCode | None:
        return self._session.exec(select(LinkCode).where(LinkCode.code_hash == code_hash)).first()

    def identity(self, code: LinkCode) -> Identity | None:
        return self._session.get(Identity, code.identity_id)

    def codes_of(self, person_id: int) -> list[LinkCode]:
        statement = select(LinkCode).where(LinkCode.person_id == person_id)
        return list(self._session.exec(statement.order_by(col(LinkCode.created_at))))

    def prune(self, expired_before: datetime, tried_before: datetime) -> None:
        """Codes expired (or used) before the first time, wrong tries before the second."""
        self._session.exec(delete(LinkCode).where(col(LinkCode.expires_at) < expired_before))
        self._session.exec(delete(LinkAttempt).where(col(LinkAttempt.attempted_at) < tried_before))

    # -- wrong codes -----------------------------------------------------------------

    def failures_since(self, person_id: int, since: datetime) -> list[datetime]:
        statement = select(LinkAttempt.attempted_at).where(
            LinkAttempt.person_id == person_id, col(LinkAttempt.attempted_at) >= since
        )
        return sorted(self._session.exec(statement))

    def record_failure(self, person_id: int, now: datetime) -> None:
        self._session.add(LinkAttempt(person_id=person_id, attempted_at=now))

    def failure_count(self, person_id: int) -> int:
        statement = select(func.count()).where(LinkAttempt.person_id == person_id)
        return int(self._session.exec(statement).one())

    def forget_person(self, person_id: int) -> None:
        for model in (LinkCode, LinkAttempt):
            self._session.exec(delete(model).where(col(model.person_id) == person_id))

    # -- two people become one ---------------------------------------------------------

    def move_identities(self, gone: int, kept: int) -> None:
        for model in (Identity, LinkCode, MessageRef, OutboxMessage):
            self._session.exec(
                update(model).where(col(model.person_id) == gone).values(person_id=kept)
            )
        self._session.exec(delete(LinkAttempt).where(col(LinkAttempt.person_id) == gone))
        for creator in (Poll, ScheduledItem):
            self._session.exec(
                update(creator).where(col(creator.created_by) == gone).values(created_by=kept)
            )

    def move_consents(self, gone: int, kept: int) -> None:
        """The policy versions the kept person has not agreed to yet, with their time."""
        self._move_unless_kept(Consent, Consent.policy_version, gone, kept)

    def memberships(self, person_id: int) -> list[Membership]:
        statement = select(Membership).where(Membership.person_id == person_id)
        return list(self._session.exec(statement))

    def remove(self, row: Membership | DialogState) -> None:
        self._session.delete(row)
        self._session.flush()

    def move_poll_answers(self, gone: int, kept: int) -> None:
        """One answer per poll: where both answered, the kept person's answer stays."""
        self._move_unless_kept(PollAnswer, PollAnswer.poll_id, gone, kept)

    def _move_unless_kept(
        self, model: type[Consent] | type[PollAnswer], key: Any, gone: int, kept: int
    ) -> None:
        """`gone`'s rows go to `kept`, except where `kept` has one with the same `key`."""
        person = col(model.person_id)
        self._session.exec(
            delete(model).where(person == gone, col(key).in_(select(key).where(person == kept)))
        )
        self._session.exec(update(model).where(person == gone).values(person_id=kept))
