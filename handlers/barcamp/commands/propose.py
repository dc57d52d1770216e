"""/propose: a session idea, guided (title, description) or `/propose Title | Description`."""

from __future__ import annotations

from handlers.barcamp.camp_events import ProposalRef, ProposalSubmitted
from handlers.barcamp.camp_input import session_description, session_title
from handlers.barcamp.registration import command, dialog
from handlers.core.context import Context
from handlers.core.dialogs import Step, text_only
from handlers.core.registry import STAFF, Text
from storage.barcamp.camp_tables import Proposal, ProposalStatus

PROPOSE = dialog(
    "propose",
    steps=(
        Step("title", text_only(session_title), "propose.ask_title"),
        Step("description", text_only(session_description), "propose.ask_description"),
    ),
    finish=lambda ctx, answers: submit(ctx, answers["title"], answers["description"]),
)


@command("propose", event=True, private=True)
def propose(ctx: Context, text: Text | None) -> None:
    if not text:
        PROPOSE.start(ctx)
        return
    title, _, description = text.partition("|")
    submit(ctx, session_title(title), session_description(description))


def submit(ctx: Context, title: str, description: str) -> None:
    # Staff proposals need no moderation; everybody else's wait in the queue.
    trusted = ctx.role() in STAFF
    proposal = ctx.uow.proposals.add(
        Proposal(
            event_id=ctx.event_id(),
            number=0,
            title=title,
            description=description,
            proposer_id=ctx.person_id,
            status=ProposalStatus.APPROVED if trusted else ProposalStatus.SUBMITTED,
            created_at=ctx.now(),
        )
    )
    key = "propose.approved" if trusted else "propose.submitted"
    ctx.reply(key, number=proposal.number, title=title)
    if not trusted:
        ctx.raise_event(ProposalSubmitted(proposal.event_id, ProposalRef.of(proposal)))
