"""/newcouncil: a youth council, guided (name, place, time zone, quorum) or in one line
`/newcouncil Name | Place`."""

from __future__ import annotations

from typing import Any

from handlers.core.context import Context
from handlers.core.dialogs import SoFar, Step, text_only
from handlers.core.join_links import send_join_links
from handlers.core.registry import Text
from handlers.core.validation import event_name, event_place, time_zone
from handlers.council.council_registration import command, dialog
from handlers.council.councils import CouncilInput, create_council
from handlers.council.quorum import Quorum, parse_quorum
from storage.council.council_tables import QuorumRule

# Known before the first question: the bot's time zone, offered as the default.
DEFAULT_ZONE = "default_timezone"


def council_zone(text: str, so_far: SoFar) -> str:
    return time_zone(text, so_far[DEFAULT_ZONE])


def council_quorum(text: str, so_far: SoFar) -> list[str | int]:
    quorum = parse_quorum(text)
    return [quorum.rule.value, quorum.value]


def finish(ctx: Context, answers: dict[str, Any]) -> None:
    rule, value = answers["quorum"]
    council = CouncilInput(
        name=answers["name"],
        place=answers["place"],
        timezone=answers["timezone"],
        quorum=Quorum(rule, value),
    )
    create(ctx, council)


NEWCOUNCIL = dialog(
    "newcouncil",
    steps=(
        Step("name", text_only(event_name), "newcouncil.ask_name"),
        Step("place", text_only(event_place), "newcouncil.ask_place"),
        Step(
            "timezone",
            council_zone,
            "newcouncil.ask_timezone",
            values=lambda so_far: {"timezone": so_far[DEFAULT_ZONE]},
        ),
        Step("quorum", council_quorum, "newcouncil.ask_quorum"),
    ),
    finish=finish,
)


@command("newcouncil", private=True, group="organise")
def newcouncil(ctx: Context, text: Text | None) -> None:
    if not text:
        NEWCOUNCIL.start(ctx, {DEFAULT_ZONE: ctx.config.timezone})
        return
    name, _, place = text.partition("|")
    create(ctx, CouncilInput(event_name(name), event_place(place), ctx.config.timezone))


def create(ctx: Context, council: CouncilInput) -> None:
    event = create_council(ctx.uow, council, [ctx.person_id], ctx.now())
    ctx.reply(
        "newcouncil.done",
        name=event.name,
        code=event.code,
        place=event.place or ctx.t("newcamp.no_place"),
        timezone=event.timezone,
        quorum=quorum_text(ctx, council.quorum),
    )
    send_join_links(ctx, event.code)


def quorum_text(ctx: Context, quorum: Quorum) -> str:
    """The rule in words: "mehr als die Hälfte", "5 Mitglieder", "60 % der Mitglieder"."""
    if quorum.rule is QuorumRule.COUNT:
        return ctx.t("council.quorum_count", count=quorum.value)
    if quorum.rule is QuorumRule.PERCENT:
        return ctx.t("council.quorum_percent_of", percent=quorum.value)
    return ctx.t("council.quorum_majority")
