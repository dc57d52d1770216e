"""/members: the roster of my event, numbered in the order people joined (for `/role N`)."""

from __future__ import annotations

from handlers.core.chat_lines import chunks
from handlers.core.context import Context
from handlers.core.identity_linking import platform_name
from handlers.core.registry import STAFF, command
from storage.core.shared_tables import EventKind, Membership, Person, Role


@command("members", roles=STAFF, private=True)
def members(ctx: Context) -> None:
    event = ctx.require_event()
    assert event.id is not None
    roster = ctx.uow.events.roster(event.id)
    platforms = ctx.uow.people.platforms([membership.person_id for membership, _ in roster])
    lines = [ctx.t("members.header", name=event.name, count=len(roster))]
    for number, (membership, person) in enumerate(roster, start=1):
        names = ", ".join(platform_name(ctx, p) for p in platforms.get(membership.person_id, []))
        lines.append(
            ctx.t(
                "members.line",
                number=number,
                person=person.display_name or ctx.t("person.anonymous"),
                role=role_name(ctx, membership.role, event.kind),
                platforms=names or "–",
            )
        )
    lines.append(ctx.t("members.footer"))
    for text in chunks(lines):
        ctx.reply_text(text)


def role_name(ctx: Context, role: Role, kind: EventKind) -> str:
    """A council's participants are its members."""
    if role is Role.PARTICIPANT and kind is EventKind.COUNCIL:
        return ctx.t("role.member")
    return ctx.t(f"role.{role.value}")


def member_by_number(ctx: Context, event_id: int, number: int) -> tuple[Membership, Person] | None:
    roster = ctx.uow.events.roster(event_id)
    return roster[number - 1] if 1 <= number <= len(roster) else None
