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
from handlers.core.messages import Attachment, Chat, ChatKind, Reply
from handlers.core.outbox_replies import enqueue_replies
from storage.uow import UnitOfWork
from tests.support.matrix_bot import (
    MatrixBot,
    NewYoung,
    StartBot,
    Young,
    consented,
    greeted,
    t,
)
from tests.support.synapse import LoggedInUser, SynapseClients, SynapseServer

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
    synapse: SynapseServer,
    synapse_clients: SynapseClients,
    matrix_bot: MatrixBot,
    start_bot: StartBot,
    young: NewYoung,
    tmp_path: Path,
) -> None:
    pytest.importorskip("vodozemac", reason="E2E needs matrix-nio[e2e]")
    ana = young("ana", encrypted=True)
    room = await consented(ana)
    await ana.say(room, "!language en")
    (answer,) = await ana.next_events(room)
    assert answer.decrypted
    assert answer.body == t("language.set", "en")
    assert stored_type(synapse, ana, room, answer.event_id) == "m.room.encrypted"
    device = matrix_bot.adapter.client.device_id
    await matrix_bot.stop()

    bot = await start_bot(account=matrix_bot.account)
    assert bot.adapter.client.device_id == device  # same device, same keys
    await ana.say(room, "!privacy")
    (after,) = await ana.next_events(room)
    assert after.decrypted
    assert after.body == t("privacy.notice", "en")
    laptop = await second_device(synapse_clients, ana, tmp_path / "ana-laptop")
    await laptop.say(room, "!language de")  # a device the bot never saw before
    (on_laptop,) = await laptop.next_events(room)
    assert on_laptop.decrypted
    assert on_laptop.body == t("language.set")


async def second_device(clients: SynapseClients, person: Young, store: Path) -> Young:
    """The same person logged in once more, with a new device and its own keys."""
    store.mkdir()
    config = nio.AsyncClientConfig(encryption_enabled=True)
    client = nio.AsyncClient(
        clients.server.base_url, person.user_id, store_path=str(store), config=config
    )
    logged_in = await client.login(person.me.user.password, device_name="laptop")
    assert isinstance(logged_in, nio.LoginResponse), logged_in
    device = LoggedInUser(person.me.user, client)
    clients.made.append(device)  # closed with the others at teardown
    young = Young(device, person.bot_user_id)
    await young.sync()  # its keys go up
    return young


async def test_a_retried_send_is_one_message_and_images_go_encrypted(
    matrix_bot: MatrixBot, young: NewYoung
) -> None:
    ana = young("ana", encrypted=True)
    room = await greeted(ana)
    reply = Reply("Nur einmal, bitte.")
    first = await matrix_bot.adapter.send(room, reply, 4242)
    again = await matrix_bot.adapter.send(room, reply, 4242)
    other = await matrix_bot.adapter.send(room, reply, 4243)
    assert first == again != other
    assert await ana.replies(room, 2) == ["Nur einmal, bitte."] * 2

    picture = io.BytesIO()
    Image.new("RGB", (40, 30), "white").save(picture, format="PNG")
    qr = Attachment("join-qr.png", "image/png", picture.getvalue())
    await matrix_bot.adapter.send(room, Reply("Dein Code:", image=qr), 77)
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


async def test_429_is_waited_out_and_every_message_arrives_once_in_order(
    synapse: SynapseServer,
    matrix_bot: MatrixBot,
    young: NewYoung,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    admin = synapse.register_user(admin=True)
    synapse.api(
        "POST",
        f"/_synapse/admin/v1/users/{matrix_bot.user_id}/override_ratelimit",
        {"messages_per_second": 3, "burst_count": 2},
        token=admin.access_token,
    )
    ana = young("ana")
    room = await greeted(ana)
    waits: list[float] = []
    send = matrix_bot.adapter.send

    async def noting_waits(chat_id: str, reply: Reply, delivery_id: int) -> str | None:
        try:
            return await send(chat_id, reply, delivery_id)
        except RetryAfter as wait:
            waits.append(wait.seconds)
            raise

    monkeypatch.setattr(matrix_bot.adapter, "send", noting_waits)
    texts = [f"Nachricht {number}" for number in range(1, 9)]
    queue_texts(matrix_bot, room, texts)  # the outbox finds them within seconds
    assert await ana.replies(room, 8, timeout=30) == texts
    assert waits
    assert all(0 < seconds <= 2 for seconds in waits)


async def test_a_homeserver_that_is_away_for_a_while_is_waited_out(
    synapse: SynapseServer, matrix_bot: MatrixBot, young: NewYoung
) -> None:
    ana = young("ana")
    room = await consented(ana)
    try:
        await asyncio.to_thread(synapse.stop)
        queue_texts(matrix_bot, room, ["Während der Pause geschrieben"])
        await asyncio.sleep(3)  # the outbox and the sync both find the server away
        await asyncio.to_thread(synapse.start)
        assert await ana.replies(room, timeout=40) == ["Während der Pause geschrieben"]
        await ana.say(room, "!privacy")
        assert await ana.replies(room, timeout=40) == [t("privacy.notice")]
        assert not matrix_bot.task.done()
    finally:
        if not synapse.is_running():
            synapse.start()  # the other tests share this server
