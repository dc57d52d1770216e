"""The BarCamp's grid: rooms, slots and which session sits where."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence

from sqlalchemy import delete
from sqlmodel import Session, col, select

from storage.barcamp.camp_tables import Assignment, Proposal, Room, Slot, Vote

Cell = tuple[int, int]  # (slot id, room id)


class Grid:
    def __init__(self, session: Session) -> None:
        self._session = session

    def add_layout(self, event_id: int, rooms: Sequence[Room], slots: Sequence[Slot]) -> None:
        """A new camp's rooms and slots, in the order given."""
        for position, room in enumerate(rooms):
            room.event_id, room.position = event_id, position
            self._session.add(room)
        for position, slot in enumerate(slots):
            slot.event_id, slot.position = event_id, position
            self._session.add(slot)
        self._session.flush()

    def rooms(self, event_id: int) -> list[Room]:
        statement = select(Room).where(Room.event_id == event_id).order_by(col(Room.position))
        return list(self._session.exec(statement))

    def slots(self, event_id: int) -> list[Slot]:
        statement = select(Slot).where(Slot.event_id == event_id).order_by(col(Slot.starts_at))
        return list(self._session.exec(statement))

    def of_event(self, event_id: int) -> list[Assignment]:
        statement = select(Assignment).where(Assignment.event_id == event_id)
        return list(self._session.exec(statement.order_by(col(Assignment.id))))

    def of_proposal(self, proposal_id: int) -> Assignment | None:
        statement = select(Assignment).where(Assignment.proposal_id == proposal_id)
        return self._session.exec(statement).first()

    def replace(self, event_id: int, cells: Mapping[int, Cell], pinned: Collection[int]) -> None:
        """The event's grid becomes `cells` (proposal id -> cell).

        Old rows go first: updating in place could meet the (slot, room) uniqueness
        half-way through a swap.
        """
        self._session.exec(delete(Assignment).where(col(Assignment.event_id) == event_id))
        self._session.flush()
        for proposal_id, (slot_id, room_id) in cells.items():
            self._session.add(
                Assignment(
                    event_id=event_id,
                    proposal_id=proposal_id,
                    slot_id=slot_id,
                    room_id=room_id,
                    pinned=proposal_id in pinned,
                )
            )
        self._session.flush()

    def remove(self, proposal_id: int) -> None:
        self._session.exec(delete(Assignment).where(col(Assignment.proposal_id) == proposal_id))

    def voters(self, event_id: int) -> dict[int, set[int]]:
        """Person ids per proposal id: for planning and private reminders, never shown."""
        statement = (
            select(Vote.proposal_id, Vote.person_id)
            .join(Proposal, col(Proposal.id) == col(Vote.proposal_id))
            .where(Proposal.event_id == event_id)
        )
        voters: dict[int, set[int]] = {}
        for proposal_id, person_id in self._session.exec(statement):
            voters.setdefault(proposal_id, set()).add(person_id)
        return voters
