"""/propose: a session idea, guided (title, description) or `/propose Title | Description`."""

from __future__ import annotations

from typing import Any

from handlers.barcamp.camp_input import session_description, session_title
from handlers.core.context import Context
from handlers.core.registry import STAFF, Text, command, registry
from storage.barcamp.camp_tables import Proposal, ProposalStatus

dialog = registry.dialog("propose")


@command("propose", event=True, private=True)
def propose(ctx: Context, text: Text | None) -> None:
    if not text:
        ctx.start_dialog("propose", "title")
        ctx.reply("propose.ask_title")
        return
    title, _, description = text.partition("|")
    submit(ctx, session_title(title), session_description(description))


# A step that raises InputError is rolled back, so the dialog stays on that step.
@dialog.step("title")
def title_step(ctx: Context, text: str, data: dict[str, Any]) -> str | None:
    data["title"] = session_title(text)
    ctx.reply("propose.ask_description")
    return "description"


@dialog.step("description")
def description_step(ctx: Context, text: str, data: dict[str, Any]) -> str | None:
    submit(ctx, str(data["title"]), session_description(text))
    return None


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
