"""The unit of work: one transaction per handled event, with the repositories on it."""

from __future__ import annotations

from types import TracebackType
from typing import Protocol, Self

from sqlalchemy import Engine
from sqlmodel import Session

from storage.delivery import Channels, Inbox, Outbox
from storage.grid import Grid, Schedule
from storage.repositories import Dialogs, Events, People, Proposals, Votes


class UnitOfWork:
    """Commits when the block ends normally, rolls back when it raises."""

    session: Session
    people: People
    events: Events
    proposals: Proposals
    votes: Votes
    dialogs: Dialogs
    inbox: Inbox
    outbox: Outbox
    channels: Channels
    grid: Grid
    schedule: Schedule

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def __enter__(self) -> Self:
        self.session = Session(self._engine, expire_on_commit=False)
        self.people = People(self.session)
        self.events = Events(self.session)
        self.proposals = Proposals(self.session)
        self.votes = Votes(self.session)
        self.dialogs = Dialogs(self.session)
        self.inbox = Inbox(self.session)
        self.outbox = Outbox(self.session)
        self.channels = Channels(self.session)
        self.grid = Grid(self.session)
        self.schedule = Schedule(self.session)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        try:
            if exc_type is None:
                self.session.commit()
            else:
                self.session.rollback()
        finally:
            self.session.close()

    def flush(self) -> None:
        self.session.flush()


class UnitOfWorkFactory(Protocol):
    def __call__(self) -> UnitOfWork: ...


def unit_of_work_factory(engine: Engine) -> UnitOfWorkFactory:
    return lambda: UnitOfWork(engine)
