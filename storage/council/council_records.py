"""The council's repositories: its settings, its meetings and its invitations."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from datetime import datetime

from sqlalchemy import delete, func, or_
from sqlmodel import Session, col, select

from storage.core.shared_tables import Event
from storage.council.council_tables import (
    CouncilInvitation,
    CouncilSettings,
    Meeting,
    MeetingAttendance,
    MeetingChange,
    QuorumRule,
)
from storage.council.person_rows import move_person_rows

# The namespace of meeting UIDs (a fixed random UUID; never change it).
MEETING_NAMESPACE = uuid.UUID("5d0c7c2e-8f0e-4f7a-9b8e-3c2a8d6b9f41")


class CouncilSettingsRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def of(self, event_id: int) -> CouncilSettings:
        """The council's settings; an event without a row gets the defaults."""
        return self._session.get(CouncilSettings, event_id) or self.create(event_id)

    def create(
        self, event_id: int, quorum_rule: QuorumRule = QuorumRule.MAJORITY, quorum_value: int = 0
    ) -> CouncilSettings:
        settings = CouncilSettings(
            event_id=event_id, quorum_rule=quorum_rule, quorum_value=quorum_value
        )
        self._session.add(settings)
        self._session.flush()
        return settings


class Meetings:
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, meeting: Meeting) -> Meeting:
        """Store a new meeting with the council's next number and a fresh calendar UID."""
        highest = self._session.exec(
            select(func.max(Meeting.number)).where(Meeting.event_id == meeting.event_id)
        ).one()
        meeting.number = (highest or 0) + 1
        if not meeting.uid:
            # Stable and unique: the council's join code and the meeting's number and
            # creation time (the same demo run gives the same calendar).
            event = self._session.get(Event, meeting.event_id)
            code = event.code if event is not None else str(meeting.event_id)
            name = f"{code}/{meeting.number}/{meeting.created_at.isoformat()}"
            meeting.uid = f"{uuid.uuid5(MEETING_NAMESPACE, name)}@barcamp-bot"
        self._session.add(meeting)
        self._session.flush()
        return meeting

    def get(self, meeting_id: int) -> Meeting | None:
        return self._session.get(Meeting, meeting_id)

    def by_number(self, event_id: int, number: int) -> Meeting | None:
        return self._session.exec(
            select(Meeting).where(Meeting.event_id == event_id, Meeting.number == number)
        ).first()

    def of_event(self, event_id: int) -> Sequence[Meeting]:
        """Every meeting and series of the council, cancelled ones included."""
        return self._session.exec(
            select(Meeting).where(Meeting.event_id == event_id).order_by(col(Meeting.number))
        ).all()

    def changes(self, meeting_id: int) -> Sequence[MeetingChange]:
        """The moved and cancelled occurrences of a series, by original start."""
        return self._session.exec(
            select(MeetingChange)
            .where(MeetingChange.meeting_id == meeting_id)
            .order_by(col(MeetingChange.original_start))
        ).all()

    def add_change(self, change: MeetingChange) -> MeetingChange:
        self._session.add(change)
        self._session.flush()
        return change

    def change_of(self, meeting_id: int, original_start: datetime) -> MeetingChange | None:
        return self._session.exec(
            select(MeetingChange).where(
                MeetingChange.meeting_id == meeting_id,
                MeetingChange.original_start == original_start,
            )
        ).first()

    # -- who comes -----------------------------------------------------------------------

    def answer(
        self, meeting_id: int, occurrence: int, person_id: int, coming: bool, now: datetime
    ) -> None:
        """A member's answer for one occurrence; a second answer replaces the first."""
        found = self._session.exec(
            select(MeetingAttendance).where(
                MeetingAttendance.meeting_id == meeting_id,
                MeetingAttendance.occurrence == occurrence,
                MeetingAttendance.person_id == person_id,
            )
        ).first()
        found = found or MeetingAttendance(
            meeting_id=meeting_id,
            occurrence=occurrence,
            person_id=person_id,
            coming=coming,
            answered_at=now,
        )
        found.coming, found.answered_at = coming, now
        self._session.add(found)
        self._session.flush()

    def answers(self, meeting_id: int, occurrence: int) -> Sequence[MeetingAttendance]:
        return self._session.exec(
            select(MeetingAttendance)
            .where(
                MeetingAttendance.meeting_id == meeting_id,
                MeetingAttendance.occurrence == occurrence,
            )
            .order_by(col(MeetingAttendance.person_id))
        ).all()

    def answers_of_person(self, person_id: int) -> Sequence[MeetingAttendance]:
        return self._session.exec(
            select(MeetingAttendance)
            .where(MeetingAttendance.person_id == person_id)
            .order_by(col(MeetingAttendance.meeting_id), col(MeetingAttendance.occurrence))
        ).all()

    def forget_person(self, person_id: int) -> None:
        self._session.exec(
            delete(MeetingAttendance).where(col(MeetingAttendance.person_id) == person_id)
        )

    def move_person(self, gone: int, kept: int) -> None:
        """`/link`: one answer per meeting, the kept account's if both answered."""
        move_person_rows(self._session, MeetingAttendance, ("meeting_id", "occurrence"), gone, kept)

    def forget_event(self, event_id: int) -> None:
        """Retention: every answer about the council's meetings goes."""
        meeting_ids = select(Meeting.id).where(Meeting.event_id == event_id)
        self._session.exec(
            delete(MeetingAttendance).where(col(MeetingAttendance.meeting_id).in_(meeting_ids))
        )


class Invitations:
    """Who of a linked camp was invited into a council, so nobody is asked twice."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def invited(self, council_id: int) -> set[int]:
        statement = select(CouncilInvitation.person_id).where(
            CouncilInvitation.council_id == council_id
        )
        return set(self._session.exec(statement))

    def add(self, council_id: int, camp_id: int, person_ids: Iterable[int], now: datetime) -> None:
        for person_id in person_ids:
            self._session.add(
                CouncilInvitation(
                    council_id=council_id, person_id=person_id, camp_id=camp_id, invited_at=now
                )
            )
        self._session.flush()

    def of(self, council_id: int, person_id: int) -> CouncilInvitation | None:
        statement = select(CouncilInvitation).where(
            CouncilInvitation.council_id == council_id, CouncilInvitation.person_id == person_id
        )
        return self._session.exec(statement).first()

    def of_person(self, person_id: int) -> Sequence[CouncilInvitation]:
        statement = (
            select(CouncilInvitation)
            .where(CouncilInvitation.person_id == person_id)
            .order_by(col(CouncilInvitation.invited_at), col(CouncilInvitation.id))
        )
        return self._session.exec(statement).all()

    def forget_person(self, person_id: int) -> None:
        self._session.exec(
            delete(CouncilInvitation).where(col(CouncilInvitation.person_id) == person_id)
        )

    def move_person(self, gone: int, kept: int) -> None:
        """`/link`: one invitation per council, the kept account's if both were asked."""
        move_person_rows(self._session, CouncilInvitation, ("council_id",), gone, kept)

    def forget_event(self, event_id: int) -> None:
        """Retention of a council or of the camp the invitations came from."""
        self._session.exec(
            delete(CouncilInvitation).where(
                or_(
                    col(CouncilInvitation.council_id) == event_id,
                    col(CouncilInvitation.camp_id) == event_id,
                )
            )
        )
