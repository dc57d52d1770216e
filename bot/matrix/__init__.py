"""The Matrix adapter (matrix-nio): direct chats and rooms, end-to-end encrypted.

`from_settings` is what the runtime calls when `BARCAMP_MATRIX_HOMESERVER` and
`BARCAMP_MATRIX_USER_ID` are set. One module per concern: `session` (login, device,
key store), `sync` and `inbound` (events in, each once), `sending` (transaction ids,
429, pacing), `render` (text and HTML), `reactions`, `polls`, `invites`, `rooms`,
`attachments`, `store` (what the adapter keeps in the shared store).
"""

from __future__ import annotations

import gc
from pathlib import Path

from bot.matrix.adapter import MatrixAdapter
from bot.matrix.session import MatrixConfig
from bot.settings import Settings
from storage.db import make_engine
from storage.uow import unit_of_work_factory

__all__ = ["MatrixAdapter", "MatrixConfig", "config_from", "freeze_startup_heap", "from_settings"]


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


def from_settings(settings: Settings) -> MatrixAdapter:
    """The adapter with its own connection to the shared store (migrated by the runtime)."""
    engine = make_engine(settings.database_url)
    adapter = MatrixAdapter(config_from(settings), unit_of_work_factory(engine))
    freeze_startup_heap()
    return adapter


def freeze_startup_heap() -> None:
    """Keeps what lives as long as the bot process out of the collector's full passes.

    The imports (the planner's solver among them), the catalogues and the store's
    metadata make the heap large, and a full pass over it took tens of milliseconds in the
    middle of an answer: with this, the p95 of bench/matrix_roundtrip.py fell from about
    110 ms to 90-108 ms (target: 1.25 times the bare nio bot). It is called where the
    runtime builds the adapter, so test processes that build adapters directly keep their
    normal garbage collection.
    """
    gc.collect()
    gc.freeze()


def _secret(value: object) -> str | None:
    reveal = getattr(value, "get_secret_value", None)
    return str(reveal()) if reveal is not None else None
