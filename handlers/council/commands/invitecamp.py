"""/invitecamp: invite the people of the council's linked camps, each once, each with a
join button; nobody becomes a member without pressing it. "No, thanks" is
/declineinvite CODE."""

from __future__ import annotations

from handlers.core.context import Context, Refusal
from handlers.core.join_codes import normalise_code
from handlers.core.message_bus import Effects, handles
from handlers.core.messages import Button, Reply
from handlers.core.outbox_replies import PRIORITY_ANNOUNCEMENT, enqueue_for_person
from handlers.core.registry import ORGANISERS
from handlers.council.camp_invitations import CampPeopleInvited, invitees
from handlers.council.council_registration import command
from storage.core.shared_tables import EventKind


@command("invitecamp", roles=ORGANISERS)
def invitecamp(ctx: Context) -> None:
    council_id = ctx.event_id()
    if not ctx.uow.event_links.camps_of(council_id):
        raise Refusal("invitecamp.no_camp")
    chosen = invitees(ctx.uow, council_id)
    if not chosen:
        ctx.reply("invitecamp.nobody")
        return
    for camp_id in dict.fromkeys(candidate.camp_id for candidate in chosen):
        people = [c.person_id for c in chosen if c.camp_id == camp_id]
        ctx.uow.council_invitations.add(council_id, camp_id, people, ctx.now())
    invited = tuple((c.person_id, c.camp_id) for c in chosen)
    ctx.raise_event(CampPeopleInvited(council_id, invited))
    ctx.reply("invitecamp.done", count=len(chosen))


@handles(CampPeopleInvited)
def send_invitations(invited: CampPeopleInvited, effects: Effects) -> None:
    """One message each, in their language, with the join button; as a batch behind the
    answers, as announcements are."""
    council = effects.uow.events.get(invited.council_id)
    if council is None or not effects.sends:
        return
    camps = dict(invited.invited)
    names = {camp_id: _name(effects, camp_id) for camp_id in set(camps.values())}
    batch = f"invitecamp-{invited.council_id}-{effects.now:%Y%m%d%H%M%S}"
    for person, voice in effects.voices(camps):
        assert person.id is not None
        text = voice.t("invitecamp.message", council=council.name, camp=names[camps[person.id]])
        buttons = (
            (
                Button(voice.t("invitecamp.accept"), f"join {council.code}"),
                Button(voice.t("invitecamp.decline"), f"declineinvite {council.code}"),
            ),
        )
        reply = Reply(text, buttons=buttons)
        enqueue_for_person(effects.uow, person.id, reply, effects.now, PRIORITY_ANNOUNCEMENT, batch)


def _name(effects: Effects, event_id: int) -> str:
    event = effects.uow.events.get(event_id)
    return event.name if event is not None else ""


# From the invitation's button; anyone may press it, it only ever concerns themselves.
@command("declineinvite", hidden=True)
def declineinvite(ctx: Context, code: str) -> None:
    council = ctx.uow.events.by_code(normalise_code(code))
    found = None
    if council is not None and council.id is not None and council.kind is EventKind.COUNCIL:
        found = ctx.uow.council_invitations.of(council.id, ctx.person_id)
    if council is None or found is None:
        raise Refusal("declineinvite.none")
    if found.declined_at is None:
        found.declined_at = ctx.now()
    ctx.reply("declineinvite.done", council=council.name)
