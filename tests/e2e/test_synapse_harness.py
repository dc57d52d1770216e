"""End-to-end: the real Synapse homeserver of tests/support/synapse.py, used through nio.

Every test here talks to a Synapse process on 127.0.0.1 (installed on first use into
.cache/synapse/). They check the harness itself: registration, tokens, a message
round-trip, a restart with the data kept, the rate-limit switch, and E2E encryption.
"""

from __future__ import annotations

import asyncio

import nio  # type: ignore[import-untyped, unused-ignore]
import pytest

from tests.support.synapse import (
    LoggedInUser,
    RegisteredUser,
    SynapseClients,
    SynapseHTTPError,
    SynapseServer,
    synapse,  # noqa: F401  (fixture)
    synapse_clients,  # noqa: F401  (fixture)
    synapse_default_rate_limits,  # noqa: F401  (fixture)
    synapse_user,  # noqa: F401  (fixture)
    sync_once,
    sync_until,
    timeline_events,
)

pytestmark = pytest.mark.slow  # end-to-end: a real homeserver process per test session


def whoami(server: SynapseServer, token: str) -> dict[str, object]:
    return server.api("GET", "/_matrix/client/v3/account/whoami", token=token)


def create_room(server: SynapseServer, token: str) -> str:
    reply = server.api("POST", "/_matrix/client/v3/createRoom", {"preset": "private_chat"}, token)
    room_id = reply["room_id"]
    assert isinstance(room_id, str)
    return room_id


def send_texts(server: SynapseServer, token: str, room_id: str, count: int) -> None:
    for number in range(count):
        path = f"/_matrix/client/v3/rooms/{room_id}/send/m.room.message/txn-{number}"
        server.api("PUT", path, {"msgtype": "m.text", "body": f"message {number}"}, token)


async def invite_and_join(inviter: LoggedInUser, invitee: LoggedInUser, **create: object) -> str:
    """The inviter creates a room with the invitee invited; the invitee sees it and joins."""
    created = await inviter.client.room_create(invite=[invitee.user.user_id], **create)
    assert isinstance(created, nio.RoomCreateResponse), created
    room_id: str = created.room_id
    await sync_until(invitee.client, lambda sync: sync.rooms.invite.get(room_id))
    joined = await invitee.client.join(room_id)
    assert isinstance(joined, nio.JoinResponse), joined
    return room_id


async def wait_for_text(member: LoggedInUser, room_id: str, body: str) -> nio.RoomMessageText:
    def text_with_body(sync: nio.SyncResponse) -> nio.RoomMessageText | None:
        for event in timeline_events(sync, room_id):
            if isinstance(event, nio.RoomMessageText) and event.body == body:
                return event
        return None

    return await sync_until(member.client, text_with_body)


def test_registered_access_token_works(
    synapse: SynapseServer,  # noqa: F811
    synapse_user: RegisteredUser,  # noqa: F811
) -> None:
    reply = whoami(synapse, synapse_user.access_token)
    assert reply["user_id"] == synapse_user.user_id == f"@{synapse_user.localpart}:localhost"
    assert reply["device_id"] == synapse_user.device_id


def test_wrong_token_is_rejected(synapse: SynapseServer) -> None:  # noqa: F811
    with pytest.raises(SynapseHTTPError) as rejected:
        whoami(synapse, "not-a-token")
    assert rejected.value.status == 401


async def test_message_round_trip_between_two_clients(
    synapse_clients: SynapseClients,  # noqa: F811
) -> None:
    alice, bob = synapse_clients.new("alice"), synapse_clients.new("bob")
    room_id = await invite_and_join(alice, bob)
    sent = await alice.client.room_send(
        room_id, "m.room.message", {"msgtype": "m.text", "body": "hallo barcamp"}
    )
    assert isinstance(sent, nio.RoomSendResponse), sent
    received = await wait_for_text(bob, room_id, "hallo barcamp")
    assert received.sender == alice.user.user_id
    assert received.event_id == sent.event_id


async def test_restart_keeps_users_tokens_and_rooms(
    synapse: SynapseServer,  # noqa: F811
    synapse_user: RegisteredUser,  # noqa: F811
) -> None:
    room_id = create_room(synapse, synapse_user.access_token)
    synapse.restart()
    assert whoami(synapse, synapse_user.access_token)["user_id"] == synapse_user.user_id
    client = nio.AsyncClient(synapse.base_url, synapse_user.user_id)
    try:
        login = await client.login(synapse_user.password, device_name="after restart")
        assert isinstance(login, nio.LoginResponse), login
        rooms = await client.joined_rooms()
        assert isinstance(rooms, nio.JoinedRoomsResponse), rooms
        assert room_id in rooms.rooms
    finally:
        await client.close()


async def test_syncing_client_gets_messages_across_a_restart(
    synapse: SynapseServer,  # noqa: F811
    synapse_clients: SynapseClients,  # noqa: F811
) -> None:
    alice, bob = synapse_clients.new("alice"), synapse_clients.new("bob")
    room_id = await invite_and_join(alice, bob)
    await sync_once(bob.client)
    waiting = asyncio.create_task(wait_for_text(bob, room_id, "after restart"))
    await asyncio.sleep(0.2)  # bob's long-poll /sync is open while the server goes down
    await asyncio.to_thread(synapse.restart)
    sent = await alice.client.room_send(
        room_id, "m.room.message", {"msgtype": "m.text", "body": "after restart"}
    )
    assert isinstance(sent, nio.RoomSendResponse), sent
    received = await asyncio.wait_for(waiting, timeout=20)
    assert received.event_id == sent.event_id


def test_raised_rate_limits_allow_a_burst_of_messages(
    synapse: SynapseServer,  # noqa: F811
    synapse_user: RegisteredUser,  # noqa: F811
) -> None:
    room_id = create_room(synapse, synapse_user.access_token)
    send_texts(synapse, synapse_user.access_token, room_id, 30)  # the default burst is 10


def test_default_rate_limits_answer_429(
    synapse_default_rate_limits: SynapseServer,  # noqa: F811
) -> None:
    server = synapse_default_rate_limits
    user = server.register_user()
    room_id = create_room(server, user.access_token)
    with pytest.raises(SynapseHTTPError) as limited:
        send_texts(server, user.access_token, room_id, 30)
    assert limited.value.status == 429
    assert "M_LIMIT_EXCEEDED" in limited.value.body


async def test_encrypted_dm_round_trip(
    synapse: SynapseServer,  # noqa: F811
    synapse_clients: SynapseClients,  # noqa: F811
) -> None:
    pytest.importorskip("vodozemac", reason="E2E needs matrix-nio[e2e] (vodozemac wheel)")
    alice = synapse_clients.new("alice", encrypted=True)
    bob = synapse_clients.new("bob", encrypted=True)
    for member in (alice, bob):
        await sync_once(member.client)  # uploads the device and one-time keys
    room_id = await invite_and_join(
        alice,
        bob,
        is_direct=True,
        preset=nio.RoomPreset.trusted_private_chat,
        initial_state=[nio.EnableEncryptionBuilder().as_dict()],
    )
    await sync_until(alice.client, lambda _: bob_has_joined(alice, bob, room_id))
    sent = await alice.client.room_send(
        room_id,
        "m.room.message",
        {"msgtype": "m.text", "body": "nur für bob"},
        ignore_unverified_devices=True,
    )
    assert isinstance(sent, nio.RoomSendResponse), sent
    received = await wait_for_text(bob, room_id, "nur für bob")
    assert received.decrypted
    assert stored_event_type(synapse, bob, room_id, sent.event_id) == "m.room.encrypted"


def bob_has_joined(alice: LoggedInUser, bob: LoggedInUser, room_id: str) -> bool | None:
    room = alice.client.rooms.get(room_id)
    return True if room is not None and bob.user.user_id in room.users else None


def stored_event_type(server: SynapseServer, reader: LoggedInUser, room_id: str, event: str) -> str:
    """What the server holds (ciphertext, if encryption happened), read over plain HTTP."""
    path = f"/_matrix/client/v3/rooms/{room_id}/event/{event}"
    reply = server.api("GET", path, token=reader.user.access_token)
    event_type = reply["type"]
    assert isinstance(event_type, str)
    return event_type
