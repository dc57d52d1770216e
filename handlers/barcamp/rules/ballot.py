"""A person's ballot: votes toggled or set within the budget, all or nothing; votes in a
merge of sessions, and of two accounts of one person."""

from __future__ import annotations

from collections.abc import Mapping, Sequence, Set
from dataclasses import dataclass
from datetime import datetime

from handlers.core.validation import Explained


class BallotRefused(Explained):
    """The ballot stays as it was; the key and values say why."""


@dataclass(frozen=True)
class Toggled:
    """What a press does to a ballot: the choices added and removed, in the order asked."""

    added: tuple[int, ...]
    removed: tuple[int, ...]
    # Votes in use afterwards.
    used: int


def refuse_repeats(choices: Sequence[int]) -> None:
    """Naming a session twice in one press is refused before anything is looked up."""
    if len(set(choices)) != len(choices):
        raise BallotRefused("vote.duplicate")


def toggle(votes: Set[int], choices: Sequence[int], budget: int) -> Toggled:
    """Each choice not voted for yet gets a vote, each one voted for loses it.

    All or nothing: when the votes in use afterwards would exceed the budget, nothing
    changes and the refusal says how many are in use now and how many it would take.
    """
    refuse_repeats(choices)
    added = tuple(choice for choice in choices if choice not in votes)
    removed = tuple(choice for choice in choices if choice in votes)
    used = len(votes) + len(added) - len(removed)
    if used > budget:
        raise BallotRefused("vote.over_budget", budget=budget, used=len(votes), wanted=used)
    return Toggled(added, removed, used)


def set_choice(votes: Set[int], choice: int, wanted: bool, budget: int) -> Toggled:
    """The choice voted for (`wanted`) or not, whatever was before: a 👍 and its removal.

    Setting a vote that exists, or taking back one that does not, changes nothing; a new
    vote beyond the budget is refused as in `toggle`.
    """
    if (choice in votes) == wanted:
        return Toggled((), (), len(votes))
    return toggle(votes, [choice], budget)


@dataclass(frozen=True)
class MergedVotes:
    """What folding a source session into a target does to the votes of both."""

    # Every vote for the source goes: by these people (each once).
    removed_from_source: frozenset[int]
    # The source's voters who had not voted for the target: their vote follows the session.
    added_to_target: frozenset[int]
    # Voted for both: they keep their one vote for the target and get the other back.
    given_back: frozenset[int]
    # Anonymous votes (of people who used /forgetme) of the target afterwards.
    target_anonymous: int


def merge_votes(
    source_voters: Set[int],
    target_voters: Set[int],
    source_anonymous: int,
    target_anonymous: int,
) -> MergedVotes:
    """Votes follow the session; whoever voted for both keeps one vote and gets one back;
    the anonymous counts add up (the source keeps none)."""
    return MergedVotes(
        removed_from_source=frozenset(source_voters),
        added_to_target=frozenset(source_voters - target_voters),
        given_back=frozenset(source_voters & target_voters),
        target_anonymous=target_anonymous + source_anonymous,
    )


@dataclass(frozen=True)
class MergedBallot:
    """Two accounts of one person become one ballot (`/link`)."""

    # The person's votes afterwards: each session once, within the budget.
    votes: frozenset[int]
    # Votes that had to give for the budget, the latest cast first given back.
    given_back: tuple[int, ...]


def merge_ballots(
    kept: Mapping[int, datetime], gone: Mapping[int, datetime], budget: int
) -> MergedBallot:
    """A session both voted for counts once (the earlier vote's time). When the votes
    together exceed the budget, the ones cast first stay and the latest go back."""
    cast = {**gone, **kept}
    for choice in kept.keys() & gone.keys():
        cast[choice] = min(kept[choice], gone[choice])
    in_order = sorted(cast, key=lambda choice: (cast[choice], choice))
    return MergedBallot(frozenset(in_order[:budget]), tuple(reversed(in_order[budget:])))
