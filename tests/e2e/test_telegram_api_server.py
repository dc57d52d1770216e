"""The fake Bot API server, driven by a bare python-telegram-bot Application and Bot."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dtm
import io
import signal
import socket
import sys
import time
import warnings
from collections.abc import AsyncIterator, Iterator
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from PIL import Image
from telegram import (
    BotCommand,
    BotCommandScopeAllPrivateChats,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputPollOption,
    Update,
)
from telegram.error import BadRequest, Conflict, EndPointNotFound, Forbidden, RetryAfter
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)
from telegram.warnings import PTBDeprecationWarning

from tests.support.telegram_api import (
    BotAccount,
    FloodLimits,
    TelegramApiServer,
    telegram_api_fixture,  # noqa: F401 (fixture)
    telegram_server_fixture,  # noqa: F401 (fixture)
    threaded_telegram_server_fixture,  # noqa: F401 (fixture)
)
from tests.support.telegram_updates import TgChat, TgUser

ALICE = TgUser(1001, "Alice", "alice", language_code="de")
BOB = TgUser(1002, "Bob", language_code="en")
CAMP = TgChat.group(-1001234567890, "Jugend-BarCamp", supergroup=True)


def build_app(tg: BotAccount) -> Application[Any, Any, Any, Any, Any, Any]:
    builder = ApplicationBuilder().token(tg.token).base_url(tg.base_url)
    return builder.base_file_url(tg.base_file_url).build()


@contextlib.asynccontextmanager
async def polling(app: Application[Any, Any, Any, Any, Any, Any]) -> AsyncIterator[None]:
    async with app:
        await app.start()
        assert app.updater is not None
        await app.updater.start_polling(timeout=5)
        try:
            yield
        finally:
            await app.updater.stop()
            await app.stop()


@contextlib.contextmanager
def no_ptb_deprecations() -> Iterator[None]:
    """RetryAfter.retry_after warns that it becomes a timedelta (PTB_TIMEDELTA=1 opts in)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        yield


def seconds(value: int | dtm.timedelta) -> float:
    return value.total_seconds() if isinstance(value, dtm.timedelta) else float(value)


def png_bytes(width: int, height: int) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), "teal").save(buffer, format="PNG")
    return buffer.getvalue()


async def on_start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.effective_message is not None
    assert update.effective_user is not None
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("Ja", callback_data="vote:yes")]])
    text = f"Hallo {update.effective_user.first_name}, payload={context.args}"
    await update.effective_message.reply_text(text, reply_markup=keyboard)


async def on_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    assert query is not None
    await query.answer("Danke!")
    await query.edit_message_text(f"Gewählt: {query.data}")


async def test_application_answers_start_and_button(telegram_api: BotAccount) -> None:
    app = build_app(telegram_api)
    app.add_handler(CommandHandler("start", on_start))
    app.add_handler(CallbackQueryHandler(on_button))
    async with polling(app):
        telegram_api.inject_start(ALICE, "camp42")
        [sent] = await telegram_api.sent_messages(ALICE.id)
        assert sent.text == "Hallo Alice, payload=['camp42']"
        assert sent.reply_markup is not None
        telegram_api.inject_callback(ALICE, ALICE.id, sent.message_id, button="Ja")
        edit = await telegram_api.wait_for_call("editMessageText")
    [answer] = telegram_api.calls("answerCallbackQuery")
    assert answer.ok
    assert answer.params["text"] == "Danke!"
    assert edit.ok
    assert edit.result["text"] == "Gewählt: vote:yes"
    assert "reply_markup" not in (telegram_api.message(ALICE.id, sent.message_id) or {})
    assert telegram_api.pending_update_ids() == []  # confirmed by PTB's last getUpdates


async def test_group_command_with_bot_mention(telegram_api: BotAccount) -> None:
    seen: list[list[str]] = []

    async def on_vote(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_message is not None
        seen.append(list(context.args or []))
        await update.effective_message.reply_text("Stimme gezählt", do_quote=True)

    app = build_app(telegram_api)
    app.add_handler(CommandHandler("vote", on_vote))
    async with polling(app):
        telegram_api.inject_message(ALICE, "/vote@some_other_bot 1", chat=CAMP)
        telegram_api.inject_command(BOB, "vote", "3", chat=CAMP)
        [reply] = await telegram_api.sent_messages(CAMP.id)
    assert seen == [["3"]]
    assert reply.reply_to_message is not None
    assert reply.reply_to_message.text == "/vote@barcamp_test_bot 3"
    assert reply.chat.type == "supergroup"
    assert reply.message_id == 3


async def test_send_photo_and_document_are_recorded(telegram_api: BotAccount) -> None:
    telegram_api.add_user(ALICE)
    png = png_bytes(40, 30)
    async with telegram_api.make_bot() as bot:
        message = await bot.send_photo(
            ALICE.id, photo=png, filename="qr.png", caption="<b>QR</b>-Code", parse_mode="HTML"
        )
        document = await bot.send_document(ALICE.id, b"%PDF-1.4 fake", filename="programm.pdf")
        photo_file = await bot.get_file(message.photo[-1].file_id)
        downloaded = await photo_file.download_as_bytearray()
    upload = telegram_api.calls("sendPhoto")[0].files["photo"]
    assert (upload.content, upload.filename) == (png, "qr.png")
    assert (message.photo[-1].width, message.photo[-1].height) == (40, 30)
    assert message.caption == "QR-Code"
    assert message.caption_entities[0].type == "bold"
    assert bytes(downloaded) == png
    assert document.document is not None
    assert (document.document.file_name, document.document.mime_type) == (
        "programm.pdf",
        "application/pdf",
    )
    assert telegram_api.calls("sendDocument")[0].files["document"].content == b"%PDF-1.4 fake"


async def test_not_an_image_is_refused_like_telegram(telegram_api: BotAccount) -> None:
    telegram_api.add_user(ALICE)
    async with telegram_api.make_bot() as bot:
        with pytest.raises(BadRequest, match=r"(?i)image_process_failed"):
            await bot.send_photo(ALICE.id, photo=b"no image at all", filename="x.png")


async def test_429_raises_retry_after(telegram_api: BotAccount) -> None:
    telegram_api.add_user(ALICE)
    telegram_api.fail_next("sendMessage", 1, retry_after=3)
    async with telegram_api.make_bot() as bot:
        with pytest.raises(RetryAfter) as raised, no_ptb_deprecations():
            await bot.send_message(ALICE.id, "eins")
        await bot.send_message(ALICE.id, "zwei")
    with no_ptb_deprecations():
        assert seconds(raised.value.retry_after) == 3
    calls = telegram_api.calls("sendMessage")
    assert [(call.ok, call.error_code) for call in calls] == [(False, 429), (True, None)]
    assert telegram_api.delivered_texts(ALICE.id) == ["zwei"]


async def test_flood_limits_and_window_helpers(telegram_api: BotAccount) -> None:
    telegram_api.add_user(ALICE)
    telegram_api.add_user(BOB)
    async with telegram_api.make_bot() as bot:
        for text in ("a", "b", "c"):
            await bot.send_message(BOB.id, text)
        telegram_api.flood_limits = FloodLimits(per_chat_per_second=1)
        await bot.send_message(ALICE.id, "erste")
        with pytest.raises(RetryAfter), no_ptb_deprecations():
            await bot.send_message(ALICE.id, "zu schnell")
    assert telegram_api.max_sends_in_window(1.0, chat_id=BOB.id) == 3
    assert telegram_api.max_sends_in_window(1.0) == 4
    assert telegram_api.max_sends_per_chat_in_window(1.0) == 3
    assert telegram_api.delivered_texts(ALICE.id) == ["erste"]


async def test_blocked_user_gives_403_and_my_chat_member(telegram_api: BotAccount) -> None:
    update_id = telegram_api.inject_block(ALICE)
    async with telegram_api.make_bot() as bot:
        [update] = await bot.get_updates()
        with pytest.raises(Forbidden, match="bot was blocked by the user"):
            await bot.send_message(ALICE.id, "Hallo?")
    assert update.update_id == update_id
    assert update.my_chat_member is not None
    assert update.my_chat_member.new_chat_member.status == "kicked"
    assert update.my_chat_member.from_user.language_code == "de"


async def test_updates_are_redelivered_until_a_higher_offset(telegram_api: BotAccount) -> None:
    first = telegram_api.inject_message(ALICE, "eins")
    second = telegram_api.inject_message(ALICE, "zwei")
    async with telegram_api.make_bot() as bot:
        assert [u.update_id for u in await bot.get_updates()] == [first, second]
        assert [u.update_id for u in await bot.get_updates()] == [first, second]
        assert [u.update_id for u in await bot.get_updates(offset=first + 1)] == [second]
        assert [u.update_id for u in await bot.get_updates()] == [second]
        assert await bot.get_updates(offset=second + 1) == ()
        telegram_api.inject_message(ALICE, "drei")
        await bot.delete_webhook(drop_pending_updates=True)
    assert telegram_api.pending_update_ids() == []


async def test_long_poll_waits_and_wakes(telegram_api: BotAccount) -> None:
    async with telegram_api.make_bot() as bot:
        started = time.monotonic()
        assert await bot.get_updates(timeout=1) == ()
        assert time.monotonic() - started >= 0.9
        poll = asyncio.create_task(bot.get_updates(timeout=5))
        await asyncio.sleep(0.2)
        update_id = telegram_api.inject_message(ALICE, "aufwachen")
        started = time.monotonic()
        [update] = await poll
        assert update.update_id == update_id
        assert time.monotonic() - started < 1


async def test_allowed_updates_filter_like_telegram(telegram_api: BotAccount) -> None:
    async with telegram_api.make_bot() as bot:
        await bot.get_updates(allowed_updates=["message"])
        blocked = telegram_api.inject_block(BOB)
        text = telegram_api.inject_message(BOB, "hallo")
        assert [u.update_id for u in await bot.get_updates()] == [text]
    assert telegram_api.filtered_update_ids == [blocked]


async def test_second_poller_terminates_the_first(telegram_api: BotAccount) -> None:
    async with telegram_api.make_bot() as first, telegram_api.make_bot() as second:
        waiting = asyncio.create_task(first.get_updates(timeout=5))
        await asyncio.sleep(0.2)
        await second.get_updates(timeout=0)
        with pytest.raises(Conflict, match="terminated by other getUpdates request"):
            await waiting


async def test_webhook_delivery_with_secret_and_retries(telegram_api: BotAccount) -> None:
    texts: list[str] = []
    app = build_app(telegram_api)

    async def on_text(update: Update, _: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_message is not None
        assert update.effective_message.text
        texts.append(update.effective_message.text)

    app.add_handler(MessageHandler(filters.TEXT, on_text))
    statuses = iter([500])

    async def receive(request: web.Request) -> web.Response:
        if request.headers.get("X-Telegram-Bot-Api-Secret-Token") != "s3cr3t":
            return web.Response(status=403)
        if (status := next(statuses, 200)) != 200:
            return web.Response(status=status)
        await app.update_queue.put(Update.de_json(await request.json(), app.bot))
        return web.Response()

    async with app, webhook_receiver(receive) as url:
        await app.start()
        assert await app.bot.set_webhook(url, secret_token="s3cr3t")
        telegram_api.inject_message(ALICE, "per Webhook")
        await telegram_api.wait_for(lambda _: texts == ["per Webhook"])
        with pytest.raises(Conflict, match="webhook is active"):
            await app.bot.get_updates()
        assert await telegram_api.post_to_webhook(secret=None) == 403
        assert await telegram_api.post_to_webhook(secret="wrong") == 403
        info = await app.bot.get_webhook_info()
        await app.stop()
    deliveries = telegram_api.webhook_deliveries()
    assert [(d.status, d.secret_token) for d in deliveries] == [(500, "s3cr3t"), (200, "s3cr3t")]
    assert info.url == url
    assert info.pending_update_count == 0
    assert info.last_error_message == "Wrong response from the webhook: 500"


@contextlib.asynccontextmanager
async def webhook_receiver(
    handler: Any,
) -> AsyncIterator[str]:
    web_app = web.Application()
    web_app.router.add_post("/hook", handler)
    runner = web.AppRunner(web_app, access_log=None)
    await runner.setup()
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    await web.SockSite(runner, sock).start()
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}/hook"
    finally:
        await runner.cleanup()


async def test_polls_and_answers_parse_in_ptb(telegram_api: BotAccount) -> None:
    telegram_api.add_chat(CAMP)
    async with telegram_api.make_bot() as bot:
        options: list[str | InputPollOption] = [InputPollOption("Keynote"), "Workshop"]
        sent = await bot.send_poll(
            CAMP.id, "Welche Session?", options, is_anonymous=False, allows_multiple_answers=True
        )
        assert sent.poll is not None
        answer_id = telegram_api.inject_vote(ALICE, sent.poll.id, [0, 1])
        telegram_api.inject_vote(BOB, sent.poll.id, [1])
        stopped = await bot.stop_poll(CAMP.id, sent.message_id)
        telegram_api.inject_poll_state(sent.poll.id)
        answer, _, state = await bot.get_updates()
    assert answer.update_id == answer_id
    assert answer.poll_answer is not None
    assert answer.poll_answer.option_ids == (0, 1)
    assert answer.poll_answer.user is not None
    assert answer.poll_answer.user.id == ALICE.id
    assert [option.voter_count for option in stopped.options] == [1, 2]
    assert state.poll is not None
    assert state.poll.is_closed
    assert state.poll.total_voter_count == 2


async def test_commands_per_scope_and_language(telegram_api: BotAccount) -> None:
    scope = BotCommandScopeAllPrivateChats()
    async with telegram_api.make_bot() as bot:
        await bot.set_my_commands([BotCommand("start", "Los geht's")], scope, "de")
        assert await bot.get_my_commands(scope, "de") == (BotCommand("start", "Los geht's"),)
        assert await bot.get_my_commands() == ()
        with pytest.raises(BadRequest, match=r"(?i)bot_command_invalid"):
            await bot.set_my_commands([BotCommand("Start", "Großbuchstabe")])
        await bot.delete_my_commands(scope, "de")
    assert telegram_api.commands({"type": "all_private_chats"}, "de") == []


async def test_bad_requests_like_telegram(telegram_api: BotAccount) -> None:
    telegram_api.add_user(ALICE)
    too_long = InlineKeyboardMarkup([[InlineKeyboardButton("x", callback_data="d" * 65)]])
    async with telegram_api.make_bot() as bot:
        with pytest.raises(BadRequest, match=r"(?i)can.t parse entities"):
            await bot.send_message(ALICE.id, "a < b", parse_mode="HTML")
        with pytest.raises(BadRequest, match=r"(?i)character '\.' is reserved"):
            await bot.send_message(ALICE.id, "Version 1.5", parse_mode="MarkdownV2")
        with pytest.raises(BadRequest, match=r"(?i)button_data_invalid"):
            await bot.send_message(ALICE.id, "Knopf", reply_markup=too_long)
        with pytest.raises(BadRequest, match=r"(?i)chat not found"):
            await bot.send_message(424242, "Hallo")
        sent = await bot.send_message(ALICE.id, "<i>Hallo</i> &amp; tschüss", parse_mode="HTML")
        with pytest.raises(BadRequest, match=r"(?i)message is not modified"):
            await bot.edit_message_text(
                "<i>Hallo</i> &amp; tschüss", ALICE.id, sent.message_id, parse_mode="HTML"
            )
        with pytest.raises(EndPointNotFound):
            await bot.do_api_request("sendTelepathy")
    assert sent.text == "Hallo & tschüss"
    assert sent.entities[0].type == "italic"


async def test_server_in_a_thread_serves_another_loop(
    threaded_telegram_server: TelegramApiServer,
) -> None:
    tg = threaded_telegram_server.account
    async with tg.make_bot() as bot:
        assert (await bot.get_me()).username == "barcamp_test_bot"
        waiting = asyncio.create_task(bot.get_updates(timeout=5))
        await asyncio.sleep(0.1)
        await asyncio.to_thread(tg.inject_message, ALICE, "aus einem anderen Thread")
        [update] = await waiting
    assert update.message is not None
    assert update.message.text == "aus einem anderen Thread"


BOT_PROCESS = """
import asyncio, sys
from telegram.ext import ApplicationBuilder, CommandHandler

async def ping(update, context):
    await update.effective_message.reply_text("pong")

async def slow(update, context):
    await update.effective_message.reply_text("working")
    await asyncio.sleep(60)

url, token = sys.argv[1], sys.argv[2]
app = ApplicationBuilder().token(token).base_url(url + "/bot").build()
app.add_handler(CommandHandler("ping", ping))
app.add_handler(CommandHandler("slow", slow, block=False))
app.run_polling(timeout=5)
"""


async def start_bot_process(tg: BotAccount) -> asyncio.subprocess.Process:
    url = tg.base_url.removesuffix("/bot")
    return await asyncio.create_subprocess_exec(sys.executable, "-c", BOT_PROCESS, url, tg.token)


async def test_killed_bot_process_reconnects(telegram_api: BotAccount) -> None:
    first = await start_bot_process(telegram_api)
    try:
        slow_id = telegram_api.inject_command(ALICE, "slow")
        await telegram_api.sent_messages(ALICE.id, count=1)
        await telegram_api.wait_for(lambda _: slow_id not in telegram_api.pending_update_ids())
        first.send_signal(signal.SIGKILL)
        await first.wait()
        telegram_api.inject_command(ALICE, "ping")
        second = await start_bot_process(telegram_api)
        try:
            await telegram_api.sent_messages(ALICE.id, count=2)
        finally:
            second.send_signal(signal.SIGKILL)
            await second.wait()
    finally:
        if first.returncode is None:
            first.kill()
    # PTB confirms a batch with its next getUpdates, before the handlers finished:
    # the update the killed process was working on is not delivered again.
    assert telegram_api.delivered_texts(ALICE.id) == ["working", "pong"]


async def post_json(http: aiohttp.ClientSession, url: str, body: Any) -> tuple[int, Any]:
    async with http.post(url, json=body) as response:
        return response.status, await response.json()


async def test_json_bodies_and_error_shapes(telegram_server: TelegramApiServer) -> None:
    tg = telegram_server.account
    tg.add_user(ALICE)
    tg.fail_next("sendMessage", retry_after=3)
    url = f"{tg.base_url}{tg.token}"
    keyboard = {"inline_keyboard": [[{"text": "A", "callback_data": "a"}]]}
    body = {"chat_id": str(ALICE.id), "text": "Hallo", "reply_markup": keyboard}
    async with aiohttp.ClientSession() as http:
        limited = await post_json(http, f"{url}/sendMessage", body)
        sent = await post_json(http, f"{url}/SENDMESSAGE", body)
        unknown = await post_json(http, f"{url}/fooBar", {})
        unauthorized = await post_json(http, f"{tg.base_url}1:wrong/getMe", {})
    assert limited == (
        429,
        {
            "ok": False,
            "error_code": 429,
            "description": "Too Many Requests: retry after 3",
            "parameters": {"retry_after": 3},
        },
    )
    assert sent[0] == 200
    assert sent[1]["ok"] is True
    assert sent[1]["result"]["reply_markup"] == keyboard
    assert unknown == (404, {"ok": False, "error_code": 404, "description": "Not Found"})
    assert unauthorized == (401, {"ok": False, "error_code": 401, "description": "Unauthorized"})


async def test_second_bot_account_is_separate(telegram_server: TelegramApiServer) -> None:
    other = telegram_server.add_account("4242:other-token", "other_bot")
    telegram_server.account.inject_message(ALICE, "für den ersten Bot")
    async with other.make_bot() as bot:
        assert (await bot.get_me()).username == "other_bot"
        assert await bot.get_updates() == ()
    assert len(telegram_server.account.pending_update_ids()) == 1


async def test_chat_queries_and_message_housekeeping(telegram_api: BotAccount) -> None:
    telegram_api.inject_added_to_group(CAMP, ALICE, "administrator")
    telegram_api.set_member_status(CAMP.id, ALICE.id, "creator")
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("Ja", callback_data="ja")]])
    async with telegram_api.make_bot() as bot:
        chat = await bot.get_chat(CAMP.id)
        me = await bot.get_chat_member(CAMP.id, bot.id)
        alice = await bot.get_chat_member(CAMP.id, ALICE.id)
        assert await bot.send_chat_action(CAMP.id, "typing")
        sent = await bot.send_message(CAMP.id, "Abstimmung", reply_markup=keyboard)
        edited = await bot.edit_message_reply_markup(CAMP.id, sent.message_id)
        assert await bot.delete_message(CAMP.id, sent.message_id)
        with pytest.raises(BadRequest, match=r"(?i)message to delete not found"):
            await bot.delete_message(CAMP.id, sent.message_id)
        assert await bot.close()
        assert await bot.log_out()
    assert (chat.title, chat.type) == ("Jugend-BarCamp", "supergroup")
    assert (me.status, alice.status) == ("administrator", "creator")
    assert not isinstance(edited, bool)
    assert edited.reply_markup is None
    assert telegram_api.message(CAMP.id, sent.message_id) is None
