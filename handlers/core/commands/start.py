"""/start [payload]: welcome, privacy notice with consent, language; a payload joins."""

from __future__ import annotations

from handlers.core.commands.join import join_event
from handlers.core.config import PRIVACY_POLICY_VERSION
from handlers.core.context import Context
from handlers.core.guardian_consent import refusal_while_waiting
from handlers.core.i18n import LANGUAGES
from handlers.core.join_codes import normalise_code
from handlers.core.messages import Button
from handlers.core.registry import command
from handlers.core.validation import clean_text

NAME_MAX = 64


@command("start", consent=False, private=True)
def start(ctx: Context, payload: str | None) -> None:
    if ctx.consented:
        if payload:
            join_event(ctx, payload)
        else:
            ctx.reply("start.welcome_back", name=ctx.person.display_name)
        return
    show_consent(ctx, ctx.language, payload)


def show_consent(ctx: Context, language: str, payload: str | None) -> None:
    """The welcome with the privacy summary; nothing is stored until a button is pressed."""
    suffix = f" {payload[:16]}" if payload else ""
    text = ctx.catalogues.text(language, "start.welcome")
    agree = [
        Button(ctx.catalogues.text(lang, "start.agree"), f"consent {lang}{suffix}")
        for lang in (language, *[other for other in LANGUAGES if other != language])
    ]
    ctx.reply_text(
        text,
        buttons=(
            tuple(agree),
            (Button(ctx.catalogues.text(language, "start.read_privacy"), "privacy"),),
        ),
    )


@command("consent", consent=False, hidden=True, private=True)
def consent(ctx: Context, language: str | None, payload: str | None) -> None:
    """Pressed on the consent button: from now on we keep name and language."""
    chosen = language if language in LANGUAGES else ctx.language
    waiting = refusal_while_waiting(ctx)
    if waiting is not None and ctx.uow.guardians.belongs_nowhere(ctx.person_id):
        raise waiting
    if ctx.consented:
        agreed_again(ctx, chosen, payload)
        return
    ctx.uow.people.give_consent(ctx.person_id, PRIVACY_POLICY_VERSION, ctx.now())
    ctx.person.display_name = display_name_of(ctx)
    ctx.person.language = chosen
    if payload:
        # Joining right now: the welcome to the camp follows, not how to join one.
        ctx.reply("start.consented_joining", name=ctx.person.display_name)
        join_event(ctx, payload)
    else:
        ctx.reply("start.consented", name=ctx.person.display_name)


def agreed_again(ctx: Context, language: str, payload: str | None) -> None:
    """The consent buttons stay in the chat: a second press says only what changes."""
    if language != ctx.person.language:
        ctx.person.language = language
        ctx.reply("language.set")
    if payload and not joined(ctx, payload):
        join_event(ctx, payload)
    if not ctx.replies and not ctx.pressed:
        ctx.reply("start.already_agreed")  # typed (Matrix's `!consent de`): never silence


def joined(ctx: Context, raw_code: str) -> bool:
    event = ctx.uow.events.by_code(normalise_code(raw_code))
    if event is None or event.id is None:
        return False
    return ctx.uow.events.membership(event.id, ctx.person_id) is not None


def display_name_of(ctx: Context) -> str:
    name = clean_text(ctx.sender.display_name)[:NAME_MAX]
    return name or ctx.t("person.anonymous")
