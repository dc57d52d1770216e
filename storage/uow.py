"""The unit of work: one transaction per handled event, with the repositories on it."""

from __future__ import annotations

from functools import cached_property
from types import TracebackType
from typing import Protocol, Self

from sqlalchemy import Engine
from sqlmodel import Session

from storage.barcamp.board_records import BoardRecords
from storage.barcamp.proposals import CampSettingsRepository, Proposals, Votes
from storage.barcamp.session_grid import Grid
from storage.core.event_links import EventLinks
from storage.core.guardian_records import Guardians
from storage.core.identity_links import IdentityLinks
from storage.core.inbox_outbox import Channels, Inbox, Outbox
from storage.core.message_refs import MessageRefs
from storage.core.people import Dialogs, Events, People
from storage.core.personal_records import PersonalRecords
from storage.core.poll_answers import Polls
from storage.core.retention_records import Retention
from storage.core.timed_items import TimedItems
from storage.council.council_records import CouncilSettingsRepository, Invitations, Meetings
from storage.council.date_poll_records import DatePolls
from storage.db import READ_ONLY, write_lock


class UnitOfWork:
    """Commits when the block ends normally, rolls back when it raises.

    `read_only=True` is for looking only: on SQLite it neither waits for nor blocks
    writers (what it writes anyway is still committed, without the write lock's order).

    Use cases and adapters reach the store only through the repositories on it; the ORM
    session is the unit's own. Objects loaded through a repository are tracked: what is
    changed on them is written when the unit commits (or before its next statement).
    """

    _session: Session

    # Each repository is made on first use: an event uses a few of them, not all.

    @cached_property
    def people(self) -> People:
        return People(self._session)

    @cached_property
    def events(self) -> Events:
        return Events(self._session)

    @cached_property
    def proposals(self) -> Proposals:
        return Proposals(self._session)

    @cached_property
    def votes(self) -> Votes:
        return Votes(self._session)

    @cached_property
    def dialogs(self) -> Dialogs:
        return Dialogs(self._session)

    @cached_property
    def inbox(self) -> Inbox:
        return Inbox(self._session)

    @cached_property
    def outbox(self) -> Outbox:
        return Outbox(self._session, self._worker)

    @cached_property
    def channels(self) -> Channels:
        return Channels(self._session)

    @cached_property
    def message_refs(self) -> MessageRefs:
        return MessageRefs(self._session)

    @cached_property
    def polls(self) -> Polls:
        return Polls(self._session)

    @cached_property
    def grid(self) -> Grid:
        return Grid(self._session)

    @cached_property
    def timed_items(self) -> TimedItems:
        return TimedItems(self._session)

    @cached_property
    def camp_settings(self) -> CampSettingsRepository:
        return CampSettingsRepository(self._session)

    @cached_property
    def council_settings(self) -> CouncilSettingsRepository:
        return CouncilSettingsRepository(self._session)

    @cached_property
    def meetings(self) -> Meetings:
        return Meetings(self._session)

    @cached_property
    def date_polls(self) -> DatePolls:
        return DatePolls(self._session)

    @cached_property
    def event_links(self) -> EventLinks:
        return EventLinks(self._session)

    @cached_property
    def council_invitations(self) -> Invitations:
        return Invitations(self._session)

    @cached_property
    def personal_records(self) -> PersonalRecords:
        return PersonalRecords(self._session)

    @cached_property
    def retention(self) -> Retention:
        return Retention(self._session)

    @cached_property
    def guardians(self) -> Guardians:
        return Guardians(self._session)

    @cached_property
    def identity_links(self) -> IdentityLinks:
        return IdentityLinks(self._session)

    @cached_property
    def board(self) -> BoardRecords:
        return BoardRecords(self._session)

    def __init__(self, engine: Engine, read_only: bool = False, worker: str | None = None) -> None:
        self._engine = engine
        self._read_only = read_only
        self._worker = worker  # the bot process this unit works for (outbox claims)
        self._lock = None if read_only else write_lock(engine)

    def __enter__(self) -> Self:
        if self._lock is not None:
            self._lock.acquire()
        try:
            self._session = Session(self._engine, expire_on_commit=False)
            if self._read_only:
                self._session.connection(execution_options={READ_ONLY: True})
        except BaseException:
            if self._lock is not None:
                self._lock.release()
            raise
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        try:
            if exc_type is None:
                self._session.commit()
            else:
                self._session.rollback()
        finally:
            self._session.close()
            if self._lock is not None:
                self._lock.release()

    def flush(self) -> None:
        self._session.flush()

    def rollback(self) -> None:
        """Undo this unit's changes so far and go on in it (the repositories forget too)."""
        self._session.rollback()
        if "outbox" in self.__dict__:
            self.outbox.added = 0
        if "camp_settings" in self.__dict__:
            self.camp_settings.forget()
        if "votes" in self.__dict__:
            self.votes.forget()


class UnitOfWorkFactory(Protocol):
    def __call__(self, read_only: bool = False) -> UnitOfWork: ...


def unit_of_work_factory(engine: Engine, worker: str | None = None) -> UnitOfWorkFactory:
    """Units of work on `engine`; `worker` names the bot process in its outbox claims."""

    def make(read_only: bool = False) -> UnitOfWork:
        return UnitOfWork(engine, read_only, worker)

    return make
