"""One person, two platforms: `/link` gives a one-time code, `/link CODE` sent from the
other account joins both accounts into one person.

The merge is one use case: `PeopleMerged(kept, gone)` is handled at once, so each
domain moves its rows of `gone` to `kept` first (the core its memberships, dialog, poll
answers and guardian consent here and in `guardian_consent`; the BarCamp its votes and
proposals), then the core moves the accounts and what delivery keeps and removes `gone`.
The account that sends the code is the person kept: the one whose message this is.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from handlers.core.context import Context, Refusal
from handlers.core.core_events import PeopleMerged, PersonForgetting
from handlers.core.link_rules import (
    REMEMBERED_FOR,
    TRY_WINDOW,
    VALID_FOR,
    WRONG_TRIES,
    CodeState,
    blocked_until,
    code_hash,
    code_state,
    looks_like_code,
    new_link_code,
)
from handlers.core.member_roles import higher_role
from handlers.core.message_bus import Effects, MessageBus, handles
from handlers.core.personal_data import personal_data
from storage.core.identity_tables import LinkCode
from storage.uow import UnitOfWork


def platform_name(ctx: Context, platform: str) -> str:
    key = f"platform.{platform}"
    return ctx.t(key) if key in ctx.catalogues.keys(ctx.language) else platform.capitalize()


def issue_code(ctx: Context) -> None:
    """A new code for this account, valid ten minutes; an older unused one stops working."""
    identity = ctx.uow.channels.identity(ctx.sender.platform, ctx.sender.user_id)
    assert identity is not None
    assert identity.id is not None
    now = ctx.now()
    prune_link_codes(ctx.uow, now)
    code = new_link_code()
    while ctx.uow.identity_links.by_hash(code_hash(code)) is not None:
        code = new_link_code()
    ctx.uow.identity_links.issue(ctx.person_id, identity.id, code_hash(code), now, now + VALID_FOR)
    minutes = int(VALID_FOR.total_seconds() // 60)
    ctx.reply("link.code", code=code, minutes=minutes)


def redeem_code(ctx: Context, raw: str) -> None:
    """`/link CODE` from the other account: the two become one person."""
    now = ctx.now()
    prune_link_codes(ctx.uow, now)
    links = ctx.uow.identity_links
    until = blocked_until(links.failures_since(ctx.person_id, now - TRY_WINDOW), now)
    if until is not None:
        raise Refusal("link.blocked", time=_time_of_day(ctx, until))
    if not looks_like_code(raw):
        raise Refusal("link.not_a_code")
    found = links.by_hash(code_hash(raw))
    if found is None:
        _wrong_code(ctx, now)
        return
    if found.person_id == ctx.person_id:
        ctx.reply("link.same_person")
        return
    state = code_state(found.expires_at, found.used_at, now)
    if state is not CodeState.VALID:
        ctx.reply(f"link.{state.value}")
        return
    identity = links.identity(found)
    other = platform_name(ctx, identity.platform) if identity is not None else "?"
    found.used_at = now
    merge_people(ctx.person_id, found.person_id, ctx.bus, ctx.effects())
    ctx.reply("link.done", platform=other)


def _wrong_code(ctx: Context, now: datetime) -> None:
    links = ctx.uow.identity_links
    links.record_failure(ctx.person_id, now)
    failures = links.failures_since(ctx.person_id, now - TRY_WINDOW)  # this one included
    until = blocked_until(failures, now)
    if until is None:
        ctx.reply("link.wrong", tries=WRONG_TRIES - len(failures))
    else:
        ctx.reply("link.wrong_last", time=_time_of_day(ctx, until))


def _time_of_day(ctx: Context, moment: datetime) -> str:
    return f"{moment.astimezone(ZoneInfo(ctx.config.timezone)):%H:%M}"


def prune_link_codes(uow: UnitOfWork, now: datetime) -> None:
    """Codes used or expired a day ago, wrong tries outside the window (also hourly, by
    the bot's housekeeping)."""
    uow.identity_links.prune(expired_before=now - REMEMBERED_FOR, tried_before=now - TRY_WINDOW)


def merge_people(kept: int, gone: int, bus: MessageBus, effects: Effects) -> None:
    """`gone` becomes part of `kept`: every domain moves its rows, then the core its own."""
    uow = effects.uow
    for person_id in sorted((kept, gone)):
        uow.people.lock(person_id)
    bus.handle([PeopleMerged(kept, gone)], effects)  # at once: `gone` still exists
    keeper, leaver = uow.people.get(kept), uow.people.get(gone)
    assert keeper is not None
    assert leaver is not None
    keeper.display_name = keeper.display_name or leaver.display_name
    keeper.language = keeper.language or leaver.language
    keeper.active_event_id = keeper.active_event_id or leaver.active_event_id
    uow.identity_links.move_identities(gone, kept)
    uow.identity_links.move_consents(gone, kept)
    uow.people.remove(gone)


@handles(PeopleMerged)
def merge_memberships(event: PeopleMerged, effects: Effects) -> None:
    """Each event once, with the higher role of the two and the earlier join."""
    links = effects.uow.identity_links
    for membership in links.memberships(event.gone):
        mine = effects.uow.events.membership(membership.event_id, event.kept)
        if mine is None:
            membership.person_id = event.kept
            continue
        mine.role = higher_role(mine.role, membership.role)
        mine.joined_at = min(mine.joined_at, membership.joined_at)
        links.remove(membership)


@handles(PeopleMerged)
def merge_dialogs_and_poll_answers(event: PeopleMerged, effects: Effects) -> None:
    """A dialog in progress of the kept account wins; one answer per poll."""
    uow = effects.uow
    theirs = uow.dialogs.get(event.gone)
    if theirs is not None:
        if uow.dialogs.get(event.kept) is None:
            theirs.person_id = event.kept
        else:
            uow.identity_links.remove(theirs)
    uow.identity_links.move_poll_answers(event.gone, event.kept)


@handles(PersonForgetting)
def forget_link_codes(event: PersonForgetting, effects: Effects) -> None:
    effects.uow.identity_links.forget_person(event.person_id)


@personal_data("link_codes")
def _link_codes(uow: UnitOfWork, person_id: int) -> list[dict[str, Any]]:
    """Only when a code was made and used: the code itself is not kept."""
    return [_code_record(code) for code in uow.identity_links.codes_of(person_id)]


def _code_record(code: LinkCode) -> dict[str, Any]:
    return {"created_at": code.created_at, "expires_at": code.expires_at, "used_at": code.used_at}
