"""The bot's Matrix session: one device for good, its encrypted key store, key upkeep.

End-to-end encryption ties keys to a device: the bot keeps its device id in the store
folder (`device.json`) and logs in with it on every start, so the crypto store there
(encrypted with the pickle key from the settings) stays valid across restarts.
"""

from __future__ import annotations

import json
import logging
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import nio  # type: ignore[import-untyped, unused-ignore]

log = logging.getLogger(__name__)

DEVICE_FILE = "device.json"
REQUEST_TIMEOUT_S = 20.0


@dataclass(frozen=True)
class MatrixConfig:
    homeserver: str
    user_id: str
    pickle_key: str
    store_dir: Path
    access_token: str | None = None
    password: str | None = None
    device_name: str = "barcamp-bot"
    # Server names whose users may invite the bot; empty: everyone.
    invite_servers: tuple[str, ...] = ()
    room_messages_per_second: float = 5.0
    room_burst: int | None = None  # default: two seconds' worth
    default_language: str = "de"
    sync_timeout_ms: int = 30_000


class LoginRefused(Exception):
    """The homeserver refused the configured credentials; retrying will not help."""


def new_client(config: MatrixConfig) -> nio.AsyncClient:
    """A client with E2E on; errors come back to us instead of being retried forever."""
    config.store_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    client_config = nio.AsyncClientConfig(
        encryption_enabled=True,
        pickle_key=config.pickle_key,
        store_sync_tokens=False,  # our store keeps next_batch, with the handled events
        max_limit_exceeded=0,
        max_timeouts=0,
        request_timeout=REQUEST_TIMEOUT_S,
    )
    return nio.AsyncClient(
        config.homeserver,
        config.user_id,
        store_path=str(config.store_dir),
        config=client_config,
    )


async def log_in(client: nio.AsyncClient, config: MatrixConfig) -> None:
    """Log in as the bot's one device; raises LoginRefused or a connection error."""
    saved_device = read_device_id(config.store_dir)
    if config.access_token:
        device_id = await _device_of_token(client, config.access_token)
        if saved_device and saved_device != device_id:
            log.warning(
                "the access token belongs to device %s, the key store to %s: "
                "encrypted rooms start over with new keys",
                device_id,
                saved_device,
            )
        client.restore_login(config.user_id, device_id, config.access_token)
    elif config.password:
        client.device_id = saved_device or ""
        response = await client.login(config.password, device_name=config.device_name)
        if not isinstance(response, nio.LoginResponse):
            raise LoginRefused(f"login as {config.user_id} failed: {response}")
    else:
        raise LoginRefused("set BARCAMP_MATRIX_ACCESS_TOKEN or BARCAMP_MATRIX_PASSWORD")
    write_device_id(config.store_dir, str(client.device_id))


async def _device_of_token(client: nio.AsyncClient, token: str) -> str:
    client.access_token = token
    response = await client.whoami()
    if not isinstance(response, nio.WhoamiResponse) or not response.device_id:
        raise LoginRefused(f"the access token was not accepted: {response}")
    return str(response.device_id)


def read_device_id(store_dir: Path) -> str | None:
    try:
        saved: Any = json.loads((store_dir / DEVICE_FILE).read_text())
    except (OSError, ValueError):
        return None
    device = saved.get("device_id") if isinstance(saved, dict) else None
    return device if isinstance(device, str) and device else None


def write_device_id(store_dir: Path, device_id: str) -> None:
    path = store_dir / DEVICE_FILE
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps({"device_id": device_id}))
    os.replace(temporary, path)


async def keep_keys(client: nio.AsyncClient) -> None:
    """The key upkeep that nio's sync_forever does, for our own sync loop.

    Without it nobody could read the bot's encrypted messages, nor it theirs.
    """
    if client.olm is None:
        return
    await client.send_to_device_messages()
    if client.should_upload_keys:
        await _tolerant(client.keys_upload())
    if client.should_query_keys:
        await _tolerant(client.keys_query())
    if client.should_claim_keys:
        await _tolerant(client.keys_claim(client.get_users_for_key_claiming()))


async def _tolerant(request: Any) -> None:
    """A send in progress may have done the same request a moment ago."""
    try:
        await request
    except nio.LocalProtocolError as error:
        log.debug("key upkeep skipped: %s", error)
