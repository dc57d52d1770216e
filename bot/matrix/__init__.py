"""The Matrix adapter (matrix-nio): direct chats and rooms, end-to-end encrypted.

`from_settings` is what the runtime calls when `BARCAMP_MATRIX_HOMESERVER` and
`BARCAMP_MATRIX_USER_ID` are set. One module per concern: `session` (login, device,
key store), `sync` and `inbound` (events in, each once), `sending` (transaction ids,
429, pacing), `render` (text and HTML), `reactions`, `polls`, `invites`, `rooms`,
`attachments`, `store` (what the adapter keeps in the shared store).
"""

from __future__ import annotations

from pathlib import Path

from bot.matrix.adapter import MatrixAdapter
from bot.matrix.session import MatrixConfig
from bot.settings import Settings
from schedules.core.clock import Clock
from storage.leases import Leases
from storage.uow import UnitOfWorkFactory

__all__ = ["MatrixAdapter", "MatrixConfig", "config_from", "from_settings"]


def config_from(settings: Settings) -> MatrixConfig:
    assert settings.matrix_homeserver
    assert settings.matrix_user_id
    assert settings.matrix_pickle_key is not None  # the settings insist on it
    return MatrixConfig(
        homeserver=settings.matrix_homeserver,
        user_id=settings.matrix_user_id,
        pickle_key=settings.matrix_pickle_key.get_secret_value(),
        store_dir=settings.matrix_store_dir or Path(settings.data_dir) / "matrix",
        access_token=_secret(settings.matrix_access_token),
        password=_secret(settings.matrix_password),
        device_name=settings.matrix_device_name,
        invite_servers=settings.matrix_invite_servers,
        room_messages_per_second=settings.matrix_room_messages_per_second,
        default_language=settings.default_language,
    )


def from_settings(
    settings: Settings, uow_factory: UnitOfWorkFactory, clock: Clock, leases: Leases | None = None
) -> MatrixAdapter:
    """The adapter on the store and clock that bootstrap built (and migrated); with
    `leases`, it syncs only while this process holds the Matrix lease."""
    return MatrixAdapter(config_from(settings), uow_factory, clock, leases=leases)


def _secret(value: object) -> str | None:
    reveal = getattr(value, "get_secret_value", None)
    return str(reveal()) if reveal is not None else None
