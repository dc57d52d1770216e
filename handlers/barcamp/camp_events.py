"""What happens in a BarCamp, as domain events (see `handlers.core.message_bus`).

The commands and the timed work raise them; their handlers run afterwards in the same
transaction. Who hears of what is in `handlers.barcamp.notifications`; another domain
(the council: what became of my proposal) subscribes with `@handles(ProposalApproved)`.
"""

from __future__ import annotations

from dataclasses import dataclass

from handlers.core.message_bus import DomainEvent
from storage.barcamp.camp_tables import Proposal


@dataclass(frozen=True)
class ProposalRef:
    """A proposal as it was when the event happened."""

    id: int
    number: int
    title: str
    proposer_id: int | None

    @classmethod
    def of(cls, proposal: Proposal) -> ProposalRef:
        assert proposal.id is not None
        return cls(proposal.id, proposal.number, proposal.title, proposal.proposer_id)


@dataclass(frozen=True)
class ProposalSubmitted(DomainEvent):
    """A proposal waits in the queue for a youth worker or organiser."""

    event_id: int
    proposal: ProposalRef


@dataclass(frozen=True)
class ProposalApproved(DomainEvent):
    event_id: int
    proposal: ProposalRef
    by: int  # the youth worker or organiser who approved it


@dataclass(frozen=True)
class ProposalRejected(DomainEvent):
    event_id: int
    proposal: ProposalRef
    by: int
    reason: str  # cleaned, maybe empty


@dataclass(frozen=True)
class ProposalsMerged(DomainEvent):
    """`source` was folded into the session `target`; its proposer co-hosts it now."""

    event_id: int
    name: str  # the camp's
    source: ProposalRef
    target: ProposalRef
    by: int
    # Hosts and voters of `source` while it was on the published agenda, before the
    # merge; empty when it was not there.
    followers: frozenset[int]


@dataclass(frozen=True)
class VotingOpened(DomainEvent):
    event_id: int
    name: str
    budget: int


@dataclass(frozen=True)
class VotingClosed(DomainEvent):
    """By hand or at the deadline."""

    event_id: int
    name: str


@dataclass(frozen=True)
class AgendaPublished(DomainEvent):
    event_id: int
    name: str


@dataclass(frozen=True)
class SessionsMoved(DomainEvent):
    """Sessions of the published agenda got another place (moved, newly placed or left
    out) when it was planned again or a session was moved by hand."""

    event_id: int
    name: str
    session_ids: tuple[int, ...]


@dataclass(frozen=True)
class SessionPinned(DomainEvent):
    """/pin: a session is pinned to its place (or unpinned)."""

    event_id: int
    session_id: int
    pinned: bool


@dataclass(frozen=True)
class PublicHostsChanged(DomainEvent):
    """/settings hosts: the public pages show the hosts' names, or no longer."""

    event_id: int
    shown: bool
