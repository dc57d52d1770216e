"""Guardian consent (GDPR Art. 8: under 16 in Germany), per event and off by default.

When an organiser turns it on (`/guardian on`), joining the event asks "are you 16 or
older?". Younger people are told that a parent or guardian has to agree (the paper form
at the youth centre); an organiser confirms it (`/guardian N ok`) before they can
propose or vote. Until then the bot keeps only the platform id and the chosen name (so
the team can match the form), and of the answer only the fact: "under 16, guardian
confirmed on …".
"""

from __future__ import annotations

from typing import Any

from handlers.core.config import PRIVACY_POLICY_VERSION
from handlers.core.context import Context, Refusal
from handlers.core.core_events import (
    EventAnonymising,
    GuardianConsentAwaited,
    GuardianConsentConfirmed,
    PeopleMerged,
    PersonForgetting,
)
from handlers.core.message_bus import Effects, handles
from handlers.core.personal_data import personal_data
from storage.core.shared_tables import Event, Role
from storage.uow import UnitOfWork

OVER = "16plus"
UNDER = "under16"


def asks_first(ctx: Context, event: Event) -> bool:
    """Before someone joins an event that asks: the question, or that they still wait.
    True if it answered (the person does not join yet)."""
    assert event.id is not None
    record = ctx.uow.guardians.of(event.id, ctx.person_id)
    if record is not None and record.confirmed_at is None:
        # Also once the event stops asking: who said "under 16" waits for the form.
        ctx.reply("guardian.waiting", name=event.name)
        return True
    if record is None and ctx.uow.guardians.required(event.id):
        code = event.code
        over = ctx.button("age.button_over", f"age {code} {OVER}")
        under = ctx.button("age.button_under", f"age {code} {UNDER}")
        ctx.reply("age.ask", buttons=((over,), (under,)), name=event.name)
        return True
    return False


def wait_for_guardian(ctx: Context, event: Event) -> None:
    """Under 16: wait for the guardian; the person's own consent does not count alone."""
    assert event.id is not None
    if ctx.uow.guardians.of(event.id, ctx.person_id) is None:
        ctx.uow.guardians.request(event.id, ctx.person_id, ctx.now())
        ctx.raise_event(GuardianConsentAwaited(event.id, ctx.person_id))
    ctx.person.active_event_id = event.id
    ctx.reply("guardian.under16", name=event.name, person=ctx.person.display_name)
    if ctx.uow.guardians.belongs_nowhere(ctx.person_id):
        ctx.uow.guardians.withdraw_consent(ctx.person_id)
        ctx.person.language = None


def refusal_while_waiting(ctx: Context) -> Refusal | None:
    """Someone who waits for their guardian hears that, rather than "agree first"."""
    waiting = ctx.uow.guardians.waiting_for(ctx.person_id)
    return Refusal("guardian.waiting", name=waiting[0].name) if waiting else None


def confirm(ctx: Context, event: Event, number: int) -> str:
    """`/guardian N ok`: the form is there; the person gets consent and membership."""
    assert event.id is not None
    record = ctx.uow.guardians.by_number(event.id, number)
    person = ctx.uow.people.get(record.person_id) if record is not None else None
    if record is None or person is None or record.confirmed_at is not None:
        raise Refusal("guardian.unknown", number=number)
    record.confirmed_at = ctx.now()
    ctx.uow.people.give_consent(record.person_id, PRIVACY_POLICY_VERSION, ctx.now())
    ctx.uow.events.join(event.id, record.person_id, Role.PARTICIPANT, ctx.now())
    person.active_event_id = event.id
    ctx.raise_event(GuardianConsentConfirmed(event.id, record.person_id))
    return person.display_name


@handles(GuardianConsentAwaited)
def tell_the_organisers(event: GuardianConsentAwaited, effects: Effects) -> None:
    found = effects.uow.events.get(event.event_id)
    person = effects.uow.people.get(event.person_id)
    if found is None or person is None:
        return
    for organiser in effects.uow.retention.organisers(event.event_id):
        effects.notify(
            organiser, "guardian.waiting_notice", person=person.display_name, name=found.name
        )


@handles(GuardianConsentConfirmed)
def tell_the_person(event: GuardianConsentConfirmed, effects: Effects) -> None:
    found = effects.uow.events.get(event.event_id)
    if found is not None:
        effects.notify(event.person_id, "guardian.confirmed_notice", name=found.name)


@handles(PersonForgetting)
def forget_guardian_consent(event: PersonForgetting, effects: Effects) -> None:
    effects.uow.guardians.forget_person(event.person_id)


@handles(PeopleMerged)
def merge_guardian_consent(event: PeopleMerged, effects: Effects) -> None:
    effects.uow.guardians.move_person(event.gone, event.kept)


@handles(EventAnonymising)
def forget_guardian_consents_of_event(event: EventAnonymising, effects: Effects) -> None:
    effects.uow.guardians.forget_event(event.event_id)


@personal_data("guardian_consent")
def _guardian_consent(uow: UnitOfWork, person_id: int) -> list[dict[str, Any]]:
    return [
        {
            "event": code,
            "under_16": True,
            "waiting_since": record.requested_at,
            "guardian_confirmed_at": record.confirmed_at,
        }
        for record, code in uow.guardians.of_person(person_id)
    ]
