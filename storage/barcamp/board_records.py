"""What the live board needs beyond the agenda: each camp's change counter (which web
processes poll) and people's personal calendar links."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from datetime import datetime

from sqlalchemy import delete, update
from sqlmodel import Session, col, select

from storage.barcamp.camp_tables import CalendarLink, CampSettings, Proposal
from storage.core.shared_tables import Event


class BoardRecords:
    def __init__(self, session: Session) -> None:
        self._session = session

    def changed(self, event_id: int, now: datetime) -> None:
        """The board shows something new: one statement, so concurrent changes all count."""
        self._session.exec(
            update(CampSettings)
            .where(col(CampSettings.event_id) == event_id)
            .values(board_version=CampSettings.board_version + 1, board_changed_at=now)
        )

    def moved(self, session_ids: Iterable[int]) -> None:
        """The calendar's SEQUENCE of each moved session rises."""
        ids = list(session_ids)
        if ids:
            self._session.exec(
                update(Proposal)
                .where(col(Proposal.id).in_(ids))
                .values(calendar_sequence=Proposal.calendar_sequence + 1)
            )

    def versions(self, event_ids: Collection[int]) -> dict[int, int]:
        """The change counter of each event: what a web process polls once a second."""
        if not event_ids:
            return {}
        statement = select(CampSettings.event_id, CampSettings.board_version).where(
            col(CampSettings.event_id).in_(list(event_ids))
        )
        return dict(self._session.exec(statement).all())

    def link_of(self, event_id: int, person_id: int) -> CalendarLink | None:
        statement = select(CalendarLink).where(
            CalendarLink.event_id == event_id, CalendarLink.person_id == person_id
        )
        return self._session.exec(statement).first()

    def set_link(self, event_id: int, person_id: int, token: str, now: datetime) -> CalendarLink:
        """The person's link for the camp, replacing (revoking) the one before."""
        self._session.exec(
            delete(CalendarLink).where(
                col(CalendarLink.event_id) == event_id, col(CalendarLink.person_id) == person_id
            )
        )
        link = CalendarLink(event_id=event_id, person_id=person_id, token=token, created_at=now)
        self._session.add(link)
        self._session.flush()
        return link

    def by_token(self, token: str) -> CalendarLink | None:
        statement = select(CalendarLink).where(CalendarLink.token == token)
        return self._session.exec(statement).first()

    def links_of_person(self, person_id: int) -> list[tuple[CalendarLink, str]]:
        """The person's links with their camp's join code (for /mydata)."""
        statement = (
            select(CalendarLink, Event.code)
            .join(Event, col(Event.id) == col(CalendarLink.event_id))
            .where(CalendarLink.person_id == person_id)
            .order_by(col(CalendarLink.id))
        )
        return [(link, code) for link, code in self._session.exec(statement).all()]

    def forget_person(self, person_id: int) -> None:
        self._session.exec(delete(CalendarLink).where(col(CalendarLink.person_id) == person_id))

    def forget_event(self, event_id: int) -> None:
        self._session.exec(delete(CalendarLink).where(col(CalendarLink.event_id) == event_id))
