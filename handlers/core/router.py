"""The router: from a neutral event to the use case, inside one unit of work."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from typing import TypeVar

from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError

from handlers.core.config import CoreConfig
from handlers.core.context import Context, Refusal
from handlers.core.guardian_consent import refusal_while_waiting
from handlers.core.i18n import Catalogues, catalogues, normalise_language
from handlers.core.message_bus import MessageBus
from handlers.core.message_bus import bus as default_bus
from handlers.core.messages import (
    ButtonPress,
    Chat,
    ChatKind,
    CommandLine,
    Incoming,
    IncomingText,
    PollAnswerEvent,
    Refresh,
    Reply,
    Sender,
    answer_to_press,
    command_line,
    parse_command,
)
from handlers.core.outbox_replies import enqueue_replies
from handlers.core.quick_polls import poll_for_ref, record_answer
from handlers.core.registry import (
    EVERY_KIND,
    ArgumentError,
    CommandSpec,
    Registry,
    other_kind_key,
)
from handlers.core.validation import Explained, clean_text
from schedules.core.clock import Clock
from storage.core.shared_tables import EventKind
from storage.uow import UnitOfWork, UnitOfWorkFactory

log = logging.getLogger(__name__)
Result = TypeVar("Result")

COMMAND_NAME = re.compile(r"[a-z][a-z0-9_]{0,31}")
# Concurrent writers (two presses at once, PostgreSQL serialisation) retry the event.
ATTEMPTS = 3


@dataclass(frozen=True)
class Handled:
    """What handling one event said, and what it left in the outbox.

    `answers` are the outbox ids of the replies to the event's own chat, with the
    replies, so a sender can deliver them at once (`answers_claimed`: they are queued
    as being sent, and the caller must send them); `more_queued` says that other
    messages were queued too (notices, announcements).
    """

    replies: list[Reply]
    answers: tuple[tuple[int, Reply], ...] = ()
    more_queued: bool = False
    answers_claimed: bool = False


class Router:
    def __init__(
        self,
        registry: Registry,
        uow_factory: UnitOfWorkFactory,
        clock: Clock,
        config: CoreConfig | None = None,
        texts: Catalogues | None = None,
        bus: MessageBus | None = None,
        domain_configs: Iterable[object] = (),
    ) -> None:
        self.registry = registry
        self.uow_factory = uow_factory
        self.clock = clock
        self.config = config or CoreConfig()
        self.catalogues = texts or catalogues()
        # Domain events raised by the use cases are handled by this bus, in their unit of work.
        self.bus = bus or default_bus
        # Each domain's settings by their type, for `Context.domain_config`.
        self.domain_configs: dict[type, object] = {type(c): c for c in domain_configs}

    def handle(self, incoming: Incoming) -> list[Reply]:
        """Handle one event; never raises, always answers what a person typed."""
        return self.process(incoming).replies

    def process(self, incoming: Incoming, claim_answers: bool = False) -> Handled:
        """`handle`, also telling what went into the outbox (see `Handled`)."""
        if isinstance(incoming, PollAnswerEvent):
            self._with_retries(lambda: self._handle_poll_event(incoming))
            return Handled([])
        handled = self._with_retries(lambda: self._handle_once(incoming, claim_answers))
        return handled if handled is not None else self._answer_failure(incoming)

    def _with_retries(self, work: Callable[[], Result]) -> Result | None:
        """Concurrent writers may conflict: the event is handled again from the start."""
        for attempt in range(1, ATTEMPTS + 1):
            try:
                return work()
            except (IntegrityError, OperationalError) as error:
                log.warning("store conflict on attempt %d: %s", attempt, error)
            except DBAPIError:
                log.exception("store error")
                break
        return None

    def _handle_poll_event(self, incoming: PollAnswerEvent) -> None:
        """Native poll answers (Matrix); no reply, nothing is said in the chat."""
        now = self.clock.now()
        platform = incoming.sender.platform
        with self.uow_factory() as uow:
            if incoming.external_id and not uow.inbox.claim(platform, incoming.external_id, now):
                return
            poll = poll_for_ref(uow, platform, incoming.poll_ref)
            if poll is None:
                return
            sender = incoming.sender
            # Only a member's answer counts; a stranger's is dropped and leaves no person.
            person = uow.people.by_identity(sender.platform, sender.user_id)
            if person is None or person.id is None:
                return
            position = incoming.option_positions[0] if incoming.option_positions else None
            record_answer(uow, poll, person.id, position, now)

    def _handle_once(self, incoming: IncomingText | ButtonPress, claim_answers: bool) -> Handled:
        """Handle, claim the event and queue the answers in one transaction."""
        with self.uow_factory() as uow:
            if not self._claim(uow, incoming):
                return Handled([])  # seen before: handled exactly once
            ctx = self._context(uow, incoming)
            language = ctx.language
            try:
                self._dispatch(ctx, incoming)
                replies = ctx.replies
            except Explained as refusal:
                text = self.catalogues.text(language, refusal.key, **refusal.values)
                replies = [_refusal(incoming, text)]
                self._restart(uow, incoming)
                self._did_nothing(uow, incoming)
            except (IntegrityError, OperationalError):
                raise
            except Exception:
                log.exception("handler failed for %r", incoming)
                replies = [_refusal(incoming, self.catalogues.text(language, "error.internal"))]
                self._restart(uow, incoming)
            # Messages the use case queued itself (a poll, its results) go first, in order.
            claim_answers = claim_answers and uow.outbox.added == 0
            now = self.clock.now()
            answers = enqueue_replies(uow, incoming.chat, replies, now, claim_answers)
            more_queued = uow.outbox.added > len(answers)
        return Handled(replies, tuple(answers), more_queued, claim_answers)

    def _claim(self, uow: UnitOfWork, incoming: IncomingText | ButtonPress) -> bool:
        if not incoming.external_id:
            return True
        return uow.inbox.claim(incoming.sender.platform, incoming.external_id, self.clock.now())

    def _restart(self, uow: UnitOfWork, incoming: IncomingText | ButtonPress) -> None:
        """Undo the use case's changes but keep the event claimed (an edit: the original
        replaced, so that a second edit does not run it again)."""
        uow.rollback()
        self._claim(uow, incoming)
        self._replaces_original(uow, incoming)

    def _answer_failure(self, incoming: IncomingText | ButtonPress) -> Handled:
        replies = [Reply(self._text_for(incoming.sender, "error.internal"))]
        try:
            with self.uow_factory() as uow:
                enqueue_replies(uow, incoming.chat, replies, self.clock.now())
        except DBAPIError:
            log.exception("could not even queue the apology")
        return Handled(replies, more_queued=True)

    def _context(self, uow: UnitOfWork, incoming: IncomingText | ButtonPress) -> Context:
        sender = incoming.sender
        direct_chat = incoming.chat.chat_id if incoming.chat.kind is ChatKind.PRIVATE else None
        known = uow.people.with_identity(sender.platform, sender.user_id)
        if known is not None:
            person, identity = known
            uow.channels.touch_identity(identity, direct_chat)
        else:
            person = uow.people.create_with_identity(
                sender.platform, sender.user_id, self.clock.now()
            )
            uow.channels.touch(sender.platform, sender.user_id, direct_chat)
        return Context(
            uow=uow,
            person=person,
            sender=sender,
            chat=incoming.chat,
            clock=self.clock,
            config=self.config,
            catalogues=self.catalogues,
            bus=self.bus,
            domain_configs=self.domain_configs,
            press=incoming if isinstance(incoming, ButtonPress) else None,
        )

    def _dispatch(self, ctx: Context, incoming: IncomingText | ButtonPress) -> None:
        if not self._replaces_original(ctx.uow, incoming):
            ctx.reply("edit.not_run")
            return
        line = (  # a button's data is a command line without the prefix
            command_line(incoming.data)
            if isinstance(incoming, ButtonPress)
            else parse_command(incoming.text)
        )
        if line is not None:
            spec = self._run_command(ctx, line)
            if spec is None:
                self._did_nothing(ctx.uow, incoming)
            self._handle_events(ctx)
            if isinstance(incoming, ButtonPress) and spec is not None:
                self._refresh_view(ctx, incoming, spec)
        elif not ctx.in_group:
            # Free text in a group is people talking to each other: stay quiet there.
            if not self._continue_dialog(ctx, incoming):
                self._did_nothing(ctx.uow, incoming)
            self._handle_events(ctx)

    def _replaces_original(self, uow: UnitOfWork, incoming: IncomingText | ButtonPress) -> bool:
        """May the event run? Not an edit, or an edit in place of a message that did nothing
        (never a command twice)."""
        if not isinstance(incoming, IncomingText) or not incoming.edits:
            return True
        return uow.inbox.take_over(incoming.sender.platform, incoming.edits, self.clock.now())

    def _did_nothing(self, uow: UnitOfWork, incoming: IncomingText | ButtonPress) -> None:
        """Answered with a hint or a refusal only: an edit of the message may run instead."""
        if isinstance(incoming, IncomingText) and incoming.external_id:
            uow.inbox.mark_did_nothing(incoming.sender.platform, incoming.external_id)

    def _handle_events(self, ctx: Context) -> None:
        """What the use case raised, handled in its unit of work once it is done (before a
        pressed view is re-rendered); a refusal or failure never gets here."""
        if ctx.events:
            self.bus.handle(ctx.events, ctx.effects())

    def _run_command(self, ctx: Context, line: CommandLine) -> CommandSpec | None:
        """Run the command; its spec (None: there is no such command)."""
        spec = self._spec(ctx, line.name)
        if spec is None:
            ctx.reply("error.unknown_command", command=_shorten(line.name))
            return None
        if spec.private and ctx.in_group:
            self._move_to_private(ctx, line)
            return spec
        self._check_allowed(ctx, spec)
        try:
            arguments = spec.parse(line.arguments)
        except ArgumentError:
            ctx.reply("error.usage", usage=ctx.t(spec.usage_key))
            return spec
        spec.func(ctx, **arguments)
        return spec

    def _spec(self, ctx: Context, name: str) -> CommandSpec | None:
        """The command of that name for the kind of the person's active event."""
        if not COMMAND_NAME.fullmatch(name):
            return None
        event = ctx.active_event() if ctx.membership() is not None else None
        return self.registry.find(name, event.kind if event is not None else None)

    def _move_to_private(self, ctx: Context, line: CommandLine) -> None:
        """A personal step asked in a group: done in the private chat, a brief note here."""
        identity = ctx.uow.channels.identity(ctx.sender.platform, ctx.sender.user_id)
        direct_chat = identity.direct_chat_id if identity is not None else None
        name = clean_text(ctx.sender.display_name)[:32] or ctx.t("person.anonymous")
        if direct_chat is None or not ctx.consented:
            link = self._direct_link(ctx)
            if link:
                ctx.reply("group.go_private", name=name, link=link)
            else:
                ctx.reply("group.go_private_unlinked", name=name)
            return
        private = ctx.fork(chat=Chat(ctx.chat.platform, direct_chat), replies=[])
        self._run_command(private, line)
        enqueue_replies(ctx.uow, private.chat, private.replies, ctx.now())
        ctx.reply("group.moved", name=name)

    def _direct_link(self, ctx: Context) -> str:
        """A link into the private chat that also joins this group's (or my) event."""
        template = self.config.join_links.get(ctx.chat.platform)
        if template is None:
            return ""
        linked = ctx.uow.channels.event_of_chat(ctx.chat.platform, ctx.chat.chat_id)
        event = ctx.uow.events.get(linked) if linked is not None else ctx.active_event()
        return template.format(code=event.code if event is not None else "")

    def _refresh_view(self, ctx: Context, press: ButtonPress, spec: CommandSpec) -> None:
        """A press on a view (the ballot) answers by re-rendering the pressed message.

        The re-rendered view carries a `Refresh`: platforms that can edit replace the
        pressed message and may show the notice briefly (Telegram: a toast); others send
        it as a new message, whose text starts with the notice.
        """
        own = [reply for reply in ctx.replies if reply.to_person is None]
        if spec.refreshes is None or not press.message_id or ctx.in_group:
            return
        if any(reply.buttons or reply.image or reply.document or reply.poll for reply in own):
            return
        view_line = refreshed_view(spec.refreshes, command_line(press.data))
        view_spec = self._spec(ctx, view_line.name)
        if view_spec is None:
            return
        view = ctx.fork(replies=[])
        if _no_stricter(view_spec, spec):
            # The pressed command passed the same checks a moment ago, in this transaction.
            view_spec.func(view, **view_spec.parse(view_line.arguments))
        else:
            self._run_command(view, view_line)
        if len(view.replies) != 1:
            return
        notice = _not_shown_in(view.replies[0].text, own)
        refreshed = replace(
            view.replies[0],
            text=f"{notice}\n\n{view.replies[0].text}" if notice else view.replies[0].text,
            refresh=Refresh(press.message_id, press.external_id, notice),
        )
        others = [reply for reply in ctx.replies if reply.to_person is not None]
        ctx.replies[:] = [*others, refreshed]

    def _check_allowed(self, ctx: Context, spec: CommandSpec) -> None:
        if spec.needs_consent and not ctx.consented:
            raise refusal_while_waiting(ctx) or Refusal("consent.needed")
        if spec.needs_event:
            ctx.require_event()
            # A command that needs no event (/newcamp creates one) works from any event.
            _check_kind(ctx, spec.kinds, spec.name)
        if spec.roles is not None and ctx.role() not in spec.roles:
            raise Refusal("error.not_allowed")

    def _continue_dialog(self, ctx: Context, incoming: IncomingText | ButtonPress) -> bool:
        """Free text answers the person's open dialog (see `handlers.core.dialogs`); False
        when there is none and the person got the hint."""
        text = incoming.text if isinstance(incoming, IncomingText) else ""
        prefix = incoming.command_prefix if isinstance(incoming, IncomingText) else "/"
        state = ctx.uow.dialogs.get(ctx.person_id)
        if state is None:
            ctx.reply("error.not_a_command", prefix=prefix)
            return False
        dialog = self.registry.dialogs.get(state.name)
        if dialog is None or dialog.step(state.step) is None:
            # A dialog or step that no longer exists (stored by an older version).
            ctx.uow.dialogs.clear(ctx.person_id)
            ctx.reply("error.not_a_command", prefix=prefix)
            return False
        started_by = self._spec(ctx, dialog.name)
        if started_by is None or started_by.needs_event:
            _check_kind(ctx, dialog.kinds, dialog.name)
        dialog.answer(ctx, state.step, state.data, text)
        return True

    def _text_for(self, sender: Sender, key: str) -> str:
        language = normalise_language(sender.language_hint, self.config.default_language)
        return self.catalogues.text(language, key)


def refreshed_view(refreshes: str, pressed: CommandLine) -> CommandLine:
    """The view a press re-renders: `refreshes` is a command, whose arguments may name the
    pressed command's words (`"datepoll {0}"`: the view of the poll that was answered)."""
    name, _, template = refreshes.partition(" ")
    return CommandLine(name, template.format(*pressed.arguments.split()))


def _not_shown_in(view_text: str, replies: list[Reply]) -> str:
    """The pressed command's answer without the lines the view shows anyway (the
    ballot's budget line): the refreshed message and its toast say each thing once."""
    shown = set(view_text.split("\n"))
    lines = (line for reply in replies for line in reply.text.split("\n"))
    return "\n".join(line for line in lines if line not in shown)


def _refusal(incoming: IncomingText | ButtonPress, text: str) -> Reply:
    """A refused press in a group is answered to the presser alone: the group does not
    learn who pressed (a poll's button, say) or that it did nothing."""
    if isinstance(incoming, ButtonPress) and incoming.chat.kind is ChatKind.GROUP:
        return answer_to_press(incoming, text)
    return Reply(text)


def _no_stricter(view: CommandSpec, pressed: CommandSpec) -> bool:
    """Whoever may run `pressed` may also see `view`."""
    return (
        (pressed.needs_consent or not view.needs_consent)
        and (pressed.needs_event or not view.needs_event)
        and pressed.kinds <= view.kinds
        and (view.roles is None or (pressed.roles is not None and pressed.roles <= view.roles))
    )


def _check_kind(ctx: Context, kinds: frozenset[EventKind], name: str) -> None:
    """A command (or its dialog) of one domain is refused in an event of another kind."""
    if kinds >= EVERY_KIND:
        return
    event = ctx.active_event()
    if event is None or ctx.membership() is None or event.kind in kinds:
        return
    raise Refusal(other_kind_key(kinds), command=name, event=event.name)


def _shorten(text: str, limit: int = 32) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
