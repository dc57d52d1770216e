"""End to end on a real Synapse: encryption across a restart, and sends that never double.

- An encrypted direct chat: the server stores only ciphertext, and after a restart the
  bot (same device, same key store) still reads and answers in it, also to a device the
  person added meanwhile.
- A send retried with the same outbox row is one message (deterministic transaction ids);
  images in an encrypted chat are uploaded encrypted.
- 429 answers are waited out (`retry_after_ms`); every message arrives once, in order.
- A homeserver that is away for a while (stopped, then started again) is waited out by
  the sync and the outbox; nothing is lost.
"""

from __future__ import annotations

import asyncio
import io
from datetime import UTC, datetime
from pathlib import Path

import nio  # type: ignore[import-untyped, unused-ignore]
import pytest
from PIL import Image

from bot.adapter import RetryAfter
from handlers.delivery import enqueue_replies
from handlers.messages import Attachment, Chat, ChatKind, Reply
from storage.uow import UnitOfWork
from tests.support.matrix_bot import MatrixBot, Young, consented, start_matrix_bot, t
from tests.support.synapse import (
    LoggedInUser,
    SynapseClients,
    SynapseServer,
    synapse,  # noqa: F401  (fixture)
    synapse_clients,  # noqa: F401  (fixture)
)

pytestmark = pytest.mark.e2e


def stored_type(server: SynapseServer, reader: Young, room_id: str, event_id: str) -> str:
    path = f"/_matrix/client/v3/rooms/{room_id}/event/{event_id}"
    reply = server.api("GET", path, token=reader.me.user.access_token)
    return str(reply["type"])


def queue_texts(bot: MatrixBot, room_id: str, texts: list[str]) -> None:
    """Messages in the outbox, as a use case would leave them."""
    with UnitOfWork(bot.app.engine) as uow:
        chat = Chat("matrix", room_id, ChatKind.PRIVATE)
        enqueue_replies(uow, chat, [Reply(text) for text in texts], datetime.now(UTC))


async def test_encrypted_direct_chat_after_a_restart_and_on_a_second_device(
    synapse: SynapseServer,  # noqa: F811
    synapse_clients: SynapseClients,  # noqa: F811
    tmp_path: Path,
) -> None:
    pytest.importorskip("vodozemac", reason="E2E needs matrix-nio[e2e]")
    bot = await start_matrix_bot(synapse, tmp_path)
    ana = Young(synapse_clients.new("ana", encrypted=True), bot.user_id)
    room = await consented(ana)
    await ana.say(room, "!language en")
    (answer,) = await ana.next_events(room)
    assert answer.decrypted
    assert answer.body == t("language.set", "en")
    assert stored_type(synapse, ana, room, answer.event_id) == "m.room.encrypted"
    device = bot.adapter.client.device_id
    await bot.stop()

    bot = await start_matrix_bot(synapse, tmp_path, account=bot.account)
    laptop: Young | None = None
    try:
        assert bot.adapter.client.device_id == device  # same device, same keys
        await ana.say(room, "!privacy")
        (after,) = await ana.next_events(room)
        assert after.decrypted
        assert after.body == t("privacy.notice", "en")
        laptop = await second_device(synapse, ana, tmp_path / "ana-laptop")
        await laptop.say(room, "!language de")  # a device the bot never saw before
        (on_laptop,) = await laptop.next_events(room)
        assert on_laptop.decrypted
        assert on_laptop.body == t("language.set")
    finally:
        if laptop is not None:
            await laptop.client.close()
        await bot.stop()


async def second_device(server: SynapseServer, person: Young, store: Path) -> Young:
    """The same person logged in once more, with a new device and its own keys."""
    store.mkdir()
    config = nio.AsyncClientConfig(encryption_enabled=True)
    client = nio.AsyncClient(server.base_url, person.user_id, store_path=str(store), config=config)
    logged_in = await client.login(person.me.user.password, device_name="laptop")
    assert isinstance(logged_in, nio.LoginResponse), logged_in
    device = Young(LoggedInUser(person.me.user, client), person.bot_user_id)
    await device.sync()  # its keys go up
    return device


async def test_a_retried_send_is_one_message_and_images_go_encrypted(
    synapse: SynapseServer,  # noqa: F811
    synapse_clients: SynapseClients,  # noqa: F811
    tmp_path: Path,
) -> None:
    bot = await start_matrix_bot(synapse, tmp_path)
    try:
        ana = Young(synapse_clients.new("ana", encrypted=True), bot.user_id)
        room = await ana.direct_chat()
        await ana.replies(room)  # the greeting
        reply = Reply("Nur einmal, bitte.")
        first = await bot.adapter.send(room, reply, 4242)
        again = await bot.adapter.send(room, reply, 4242)
        other = await bot.adapter.send(room, reply, 4243)
        assert first == again != other
        assert await ana.replies(room, 2) == ["Nur einmal, bitte."] * 2

        picture = io.BytesIO()
        Image.new("RGB", (40, 30), "white").save(picture, format="PNG")
        qr = Attachment("join-qr.png", "image/png", picture.getvalue())
        await bot.adapter.send(room, Reply("Dein Code:", image=qr), 77)
        text, image = await ana.next_events(room, 2)  # nothing else came in between
        assert text.body == "Dein Code:"
        content = image.source["content"]
        assert content["msgtype"] == "m.image"
        assert content["info"] == {
            "mimetype": "image/png",
            "size": len(qr.content),
            "w": 40,
            "h": 30,
        }
        assert content["file"]["url"].startswith("mxc://")  # encrypted file, keys in the event
        assert "url" not in content
    finally:
        await bot.stop()


async def test_429_is_waited_out_and_every_message_arrives_once_in_order(
    synapse: SynapseServer,  # noqa: F811
    synapse_clients: SynapseClients,  # noqa: F811
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    bot = await start_matrix_bot(synapse, tmp_path)
    try:
        admin = synapse.register_user(admin=True)
        synapse.api(
            "POST",
            f"/_synapse/admin/v1/users/{bot.user_id}/override_ratelimit",
            {"messages_per_second": 3, "burst_count": 2},
            token=admin.access_token,
        )
        ana = Young(synapse_clients.new("ana"), bot.user_id)
        room = await ana.direct_chat()
        await ana.replies(room)  # the greeting
        waits: list[float] = []
        send = bot.adapter.send

        async def noting_waits(chat_id: str, reply: Reply, delivery_id: int) -> str | None:
            try:
                return await send(chat_id, reply, delivery_id)
            except RetryAfter as wait:
                waits.append(wait.seconds)
                raise

        monkeypatch.setattr(bot.adapter, "send", noting_waits)
        texts = [f"Nachricht {number}" for number in range(1, 9)]
        queue_texts(bot, room, texts)  # the outbox finds them within seconds
        assert await ana.replies(room, 8, timeout=30) == texts
        assert waits
        assert all(0 < seconds <= 2 for seconds in waits)
    finally:
        await bot.stop()


async def test_a_homeserver_that_is_away_for_a_while_is_waited_out(
    synapse: SynapseServer,  # noqa: F811
    synapse_clients: SynapseClients,  # noqa: F811
    tmp_path: Path,
) -> None:
    bot = await start_matrix_bot(synapse, tmp_path)
    try:
        ana = Young(synapse_clients.new("ana"), bot.user_id)
        room = await consented(ana)
        await asyncio.to_thread(synapse.stop)
        queue_texts(bot, room, ["Während der Pause geschrieben"])
        await asyncio.sleep(3)  # the outbox and the sync both find the server away
        await asyncio.to_thread(synapse.start)
        assert await ana.replies(room, timeout=40) == ["Während der Pause geschrieben"]
        await ana.say(room, "!privacy")
        assert await ana.replies(room, timeout=40) == [t("privacy.notice")]
        assert not bot.task.done()
    finally:
        if not synapse.is_running():
            synapse.start()
        await bot.stop()
