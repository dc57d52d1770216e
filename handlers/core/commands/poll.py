"""/poll Question? | A | B …, /closepoll [N]: quick polls for youth workers and organisers."""

from __future__ import annotations

from dataclasses import replace

from handlers.core.context import Context, Refusal
from handlers.core.messages import (
    Button,
    Chat,
    ChatKind,
    PollSpec,
    Refresh,
    Reply,
    answer_to_press,
)
from handlers.core.outbox_replies import enqueue_replies
from handlers.core.quick_polls import (
    close_poll,
    create_poll,
    kind_of,
    options_of,
    record_answer,
    results,
)
from handlers.core.registry import STAFF, Text, command
from handlers.core.validation import InputError, clean_text, plain
from storage.core.shared_tables import MessageRef, Poll

QUESTION_MAX, OPTION_MAX, OPTIONS_MIN, OPTIONS_MAX = 300, 100, 2, 10


@command("poll", roles=STAFF)
def poll(ctx: Context, text: Text) -> None:
    question, options = parse_poll(text)
    targets = _poll_chats(ctx)
    created, _ = create_poll(ctx.uow, ctx.event_id(), question, options, ctx.person_id, ctx.now())
    assert created.id is not None
    spec = PollSpec(created.id, question, tuple(options))
    message = replace(_poll_message(ctx, created), poll=spec, shows=("poll", created.id))
    if targets == [ctx.chat]:
        ctx.replies.append(message)
        # The group sees only the poll; its number is for whoever closes it.
        note = ctx.t("poll.started_private", question=question, number=created.number)
        ctx.replies.append(Reply(note, to_person=ctx.person_id))
        return
    for chat in targets:
        enqueue_replies(ctx.uow, chat, [message], ctx.now())
    ctx.reply("poll.posted", number=created.number, chats=len(targets))


@command("pollanswer", hidden=True)
def pollanswer(ctx: Context, number: int, position: int) -> None:
    """A press on a poll's button: in a group, the poll posted there (of whichever event
    posted it), else poll N of my event; only that event's members may answer. A press in
    a group is answered to the presser alone (Telegram: a toast), and the poll's message
    shows the new counts; the group never learns who answered, let alone what."""
    found = _poll_answered(ctx, number)
    if kind_of(ctx.uow, found) is not None:  # a domain's poll is answered its own way
        raise Refusal("poll.unknown", number=number, event=ctx.require_event().name)
    if found.closed:
        raise Refusal("poll.closed")
    if not record_answer(ctx.uow, found, ctx.person_id, position, ctx.now()):
        raise Refusal("poll.members_only")
    chosen = next(o.text for o in options_of(ctx.uow, _id(found)) if o.position == position)
    notice = ctx.t("poll.answered", option=chosen)
    press = ctx.press
    if press is None or not ctx.in_group:
        ctx.reply_text(notice)
        return
    if press.message_id:
        refresh = Refresh(press.message_id, press.external_id, notice)
        ctx.replies.append(replace(_poll_message(ctx, found), refresh=refresh))
    else:
        ctx.replies.append(answer_to_press(press, notice))


@command("closepoll", roles=STAFF)
def closepoll(ctx: Context, number: int | None) -> None:
    found = _poll_to_close(ctx, number)
    if found.closed:
        raise Refusal("poll.closed")
    owner = kind_of(ctx.uow, found)
    if owner is not None:  # a domain's poll (a date poll) closes its own way
        owner.close(ctx, found)
        return
    close_poll(ctx.uow, found)
    lines = [ctx.t("poll.results", question=found.question), *_count_lines(ctx, found)]
    summary = "\n".join(lines)
    answered_here = False
    for ref in _posted_in(ctx, _id(found)):
        closing = PollSpec(_id(found), found.question, (), closed=True, poll_ref=ref.message_id)
        reply = Reply(summary, poll=closing)
        if (ref.platform, ref.chat_id) == (ctx.chat.platform, ctx.chat.chat_id):
            # Closed in a group it was posted in: the result there is the answer, once.
            ctx.replies.append(reply)
            answered_here = True
        else:
            chat = Chat(ref.platform, ref.chat_id, ChatKind.GROUP)
            enqueue_replies(ctx.uow, chat, [reply], ctx.now())
    if not answered_here:
        ctx.reply_text(summary)


def _poll_message(ctx: Context, shown: Poll) -> Reply:
    """The poll as buttons: the question, the counts so far, a button per option."""
    text = "\n".join([shown.question, "", *_count_lines(ctx, shown)])
    buttons = tuple(
        (Button(option.text, f"pollanswer {shown.number} {option.position}"),)
        for option in options_of(ctx.uow, _id(shown))
    )
    return Reply(text, buttons=buttons)


def _count_lines(ctx: Context, counted: Poll) -> list[str]:
    return [
        ctx.t("poll.result_line", option=text, count=count)
        for text, count in results(ctx.uow, _id(counted))
    ]


def _id(stored: Poll) -> int:
    assert stored.id is not None
    return stored.id


def parse_poll(raw: str) -> tuple[str, list[str]]:
    parts = [plain(clean_text(part)) for part in raw.split("|")]
    question, options = parts[0], [option for option in parts[1:] if option]
    if not question or len(question) > QUESTION_MAX:
        raise InputError("poll.question", maximum=QUESTION_MAX)
    if not OPTIONS_MIN <= len(options) <= OPTIONS_MAX:
        raise InputError("poll.options", minimum=OPTIONS_MIN, maximum=OPTIONS_MAX)
    if any(len(option) > OPTION_MAX for option in options):
        raise InputError("poll.option_long", maximum=OPTION_MAX)
    if len({option.casefold() for option in options}) != len(options):
        raise InputError("poll.option_twice")
    return question, options


def _poll_of_event(ctx: Context, number: int) -> Poll:
    found = ctx.uow.polls.by_number(ctx.event_id(), number)
    if found is None:
        raise Refusal("poll.unknown", number=number, event=ctx.require_event().name)
    return found


def _poll_answered(ctx: Context, number: int) -> Poll:
    """In a group: poll `number` as posted there, preferably the one pressed; in a private
    chat: of my event."""
    if not ctx.in_group:
        return _poll_of_event(ctx, number)
    platform, chat_id = ctx.chat.platform, ctx.chat.chat_id
    pressed = ctx.press.message_id if ctx.press is not None and ctx.press.message_id else None
    found = None
    if pressed is not None:
        found = ctx.uow.polls.posted_to(platform, chat_id, number, pressed)
    found = found or ctx.uow.polls.posted_to(platform, chat_id, number)
    if found is None:
        raise Refusal("poll.unknown_here", number=number)
    return found


def _poll_to_close(ctx: Context, number: int | None) -> Poll:
    """Poll `number` of my event; without one, the newest open poll posted to this group
    (in a private chat: of my event)."""
    if number is None:
        shown_in = (ctx.chat.platform, ctx.chat.chat_id) if ctx.in_group else None
        newest = ctx.uow.polls.newest_open(ctx.event_id(), shown_in)
        if newest is None:
            raise Refusal("poll.none_open")
        return newest
    return _poll_of_event(ctx, number)


def _poll_chats(ctx: Context) -> list[Chat]:
    """In a group: that group. In a private chat: the event's linked groups."""
    if ctx.in_group:
        return [ctx.chat]
    linked = ctx.uow.channels.linked_chats(ctx.event_id())
    if not linked:
        raise Refusal("poll.no_group")
    return [Chat(chat.platform, chat.chat_id, ChatKind.GROUP) for chat in linked]


def _posted_in(ctx: Context, poll_id: int) -> list[MessageRef]:
    return ctx.uow.message_refs.showing("poll", poll_id)
