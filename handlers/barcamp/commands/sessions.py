"""/sessions: approved proposals with the person's own votes and vote buttons."""

from __future__ import annotations

from handlers.barcamp.registration import command
from handlers.core.context import Context
from handlers.core.messages import Button, Reply, ShownItems
from storage.barcamp.camp_tables import CampSettings, Proposal, ProposalStatus
from storage.core.shared_tables import Event

BUTTON_TITLE_MAX = 28


@command("sessions", event=True, private=True)
def sessions(ctx: Context) -> None:
    event = ctx.require_event()
    assert event.id is not None
    approved = ctx.uow.proposals.in_event(event.id, ProposalStatus.APPROVED)
    if not approved:
        ctx.reply("sessions.empty")
        return
    mine = ctx.uow.votes.of_person(event.id, ctx.person_id)
    camp = ctx.uow.camp_settings.of(event.id)
    tallies = ctx.uow.proposals.tallies(approved) if counts_visible(camp) else {}
    voting = camp.voting_open
    # How to vote only while one can: closed, the list has no buttons to tap.
    lines = [ctx.t("sessions.header" if voting else "sessions.header_closed", name=event.name)]
    for proposal in approved:
        lines.append(_line(ctx, proposal, proposal.id in mine, tallies.get(proposal.id or 0)))
    lines.append(budget_line(ctx, event, len(mine)))
    buttons = tuple((_vote_button(proposal, proposal.id in mine),) for proposal in approved)
    ctx.replies.append(
        Reply(
            "\n".join(lines),
            buttons=buttons if voting else (),
            items=proposal_items(approved) if voting else None,
        )
    )


def proposal_items(proposals: list[Proposal]) -> ShownItems:
    """Marks lines 2… of the list as showing these proposals, in order.

    A platform without buttons may post each line as a message of its own, so that a
    reaction on it can vote (Matrix: a 👍 in the direct chat).
    """
    return ShownItems("proposal", tuple(p.id for p in proposals if p.id is not None))


def counts_visible(camp: CampSettings) -> bool:
    return camp.show_counts or not camp.voting_open


def budget_line(ctx: Context, event: Event, used: int) -> str:
    assert event.id is not None
    camp = ctx.uow.camp_settings.of(event.id)
    if not camp.voting_open:
        return ctx.t("vote.closed")
    return ctx.t("vote.budget", used=used, budget=camp.vote_budget)


def _line(ctx: Context, proposal: Proposal, voted: bool, tally: int | None) -> str:
    key = "sessions.line_voted" if voted else "sessions.line"
    line = ctx.t(key, number=proposal.number, title=proposal.title)
    if tally is not None:
        line += " " + ctx.t("sessions.votes", count=tally)
    return line


def _vote_button(proposal: Proposal, voted: bool) -> Button:
    title = proposal.title
    if len(title) > BUTTON_TITLE_MAX:
        title = title[: BUTTON_TITLE_MAX - 1] + "…"
    mark = "✅" if voted else "☐"
    return Button(f"{mark} {proposal.number} · {title}", f"vote {proposal.number}")
