"""/role N participant|youthworker|organiser: an organiser gives member N of `/members`
another role; the person is told."""

from __future__ import annotations

from handlers.core.commands.members import member_by_number, role_name
from handlers.core.context import Context, Refusal
from handlers.core.core_events import RoleChanged
from handlers.core.member_roles import role_change_refusal, role_from_word
from handlers.core.message_bus import Effects, handles
from handlers.core.registry import ORGANISERS, command
from storage.core.shared_tables import EventKind, Role


@command("role", roles=ORGANISERS, private=True)
def role(ctx: Context, number: int, word: str) -> None:
    event = ctx.require_event()
    assert event.id is not None
    wanted = role_from_word(word)
    if wanted is None:
        raise Refusal("role.unknown_role", role=word[:32])
    found = member_by_number(ctx, event.id, number)
    if found is None:
        raise Refusal("role.unknown_number", number=number)
    membership, person = found
    organisers = len(ctx.uow.events.with_role(event.id, Role.ORGANISER))
    refusal = role_change_refusal(membership.role, wanted, organisers)
    if refusal is not None:
        raise Refusal(refusal, person=person.display_name, role=role_name(ctx, wanted, event.kind))
    membership.role = wanted
    ctx.reply(
        "role.done",
        person=person.display_name or ctx.t("person.anonymous"),
        role=role_name(ctx, wanted, event.kind),
        name=event.name,
    )
    ctx.raise_event(RoleChanged(event.id, membership.person_id, wanted.value, ctx.person_id))


@handles(RoleChanged)
def tell_the_person(event: RoleChanged, effects: Effects) -> None:
    """In their language, on their platforms; whoever changed their own role knows."""
    found = effects.uow.events.get(event.event_id)
    if found is None or event.person_id == event.by:
        return
    key = f"role.notice_{event.role}"
    if event.role == Role.PARTICIPANT and found.kind is EventKind.COUNCIL:
        key = "role.notice_member"
    effects.notify(event.person_id, key, name=found.name)
