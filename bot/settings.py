"""Settings from environment variables (prefix BARCAMP_) and an optional .env file."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, ValidationError, ValidationInfo, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from handlers.barcamp.camp_config import DEFAULT_PLAN_SECONDS, DEFAULT_PLAN_WORKERS

DEFAULT_DATABASE_URL = "sqlite:///data/barcamp.sqlite3"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="BARCAMP_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    database_url: str = Field(
        default=DEFAULT_DATABASE_URL,
        description="SQLAlchemy URL; postgresql+psycopg://… for the shared store",
    )
    default_language: Literal["de", "en"] = Field(default="de")
    timezone: str = Field(default="Europe/Berlin", description="IANA time zone of the events")
    data_dir: Path = Field(default=Path("data"), description="files the bot keeps (console)")
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    schedule_grace_minutes: int = Field(
        default=15, ge=0, le=1440, description="late reminders/announcements still go out"
    )
    # How often the scheduler looks for timed work that other processes added.
    schedule_sync_seconds: float = Field(default=15.0, gt=0, le=3600)
    # The planner of /plan and /move; other commands wait meanwhile (it holds the store's
    # write lock), so more seconds are a better grid for a large camp and a longer wait.
    plan_seconds: float = Field(default=DEFAULT_PLAN_SECONDS, gt=0, le=600)
    plan_workers: int = Field(default=DEFAULT_PLAN_WORKERS, ge=1, le=64)
    # Keys of handled events and finished messages (no content) are deleted after this;
    # at least a day, since Telegram redelivers unconfirmed updates for 24 hours.
    delivery_retention_days: int = Field(default=7, ge=1, le=365)
    retention_months: int = Field(
        default=12, ge=1, le=120, description="months after an event's last day until anonymised"
    )

    # The live board's pages: where to listen (host:port) and the public address behind
    # the reverse proxy (for the links in /board and /mine link). Both, or neither.
    web_listen: str | None = Field(default=None, description="e.g. 127.0.0.1:8080")
    web_base_url: str | None = Field(default=None, description="e.g. https://board.example.org")

    telegram_token: SecretStr | None = None
    telegram_api_url: str | None = Field(default=None, description="self-hosted Bot API server")
    telegram_bot_username: str | None = None
    # Webhook mode instead of polling when a public URL is set (see docs/telegram.md).
    telegram_webhook_url: str | None = Field(default=None, description="public HTTPS URL")
    telegram_webhook_listen: str = Field(default="127.0.0.1", description="address to listen on")
    telegram_webhook_port: int = Field(default=8443, ge=1, le=65535)
    telegram_webhook_path: str | None = Field(default=None, description="default: the URL's path")
    telegram_webhook_secret: SecretStr | None = Field(
        default=None, description="secret_token header; default: derived from the bot token"
    )

    matrix_homeserver: str | None = None
    matrix_user_id: str | None = None
    matrix_access_token: SecretStr | None = None
    matrix_password: SecretStr | None = None
    # Encrypts the crypto store (device and room keys); required with Matrix.
    matrix_pickle_key: SecretStr | None = Field(default=None, validate_default=True)
    matrix_store_dir: Path | None = Field(
        default=None, description="the bot's device id and keys; default <data_dir>/matrix"
    )
    matrix_device_name: str = "barcamp-bot"
    # Comma-separated server names whose users may invite the bot; empty: everyone.
    matrix_invite_servers: Annotated[tuple[str, ...], NoDecode] = ()
    # Pacing in rooms with many people, after a burst (direct chats are not paced).
    matrix_room_messages_per_second: float = Field(default=5.0, gt=0)

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as error:
            raise ValueError(f"unknown time zone {value!r}, e.g. Europe/Berlin") from error
        return value

    @field_validator("database_url")
    @classmethod
    def _supported_database(cls, value: str) -> str:
        if not value.startswith(("sqlite:", "postgresql")):
            raise ValueError("use sqlite:///path or postgresql+psycopg://user@host/db")
        return value

    @field_validator("web_listen")
    @classmethod
    def _host_and_port(cls, value: str | None) -> str | None:
        if value is None:
            return value
        _, separator, port = value.rpartition(":")
        if not separator or not port.isdigit() or not 1 <= int(port) <= 65535:
            raise ValueError("use HOST:PORT, e.g. 127.0.0.1:8080")
        return value

    @field_validator("web_base_url")
    @classmethod
    def _web_address(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(("http://", "https://")):
            raise ValueError("use the public address, e.g. https://board.example.org")
        return value.rstrip("/") if value else value

    @field_validator("matrix_invite_servers", mode="before")
    @classmethod
    def _comma_separated(cls, value: object) -> object:
        if isinstance(value, str):
            return tuple(part.strip().lower() for part in value.split(",") if part.strip())
        return value

    @field_validator("matrix_pickle_key")
    @classmethod
    def _pickle_key_with_matrix(cls, value: SecretStr | None, info: ValidationInfo) -> object:
        if info.data.get("matrix_homeserver") and not value:
            raise ValueError("required with Matrix: a long random secret that encrypts its keys")
        return value

    @property
    def telegram_enabled(self) -> bool:
        return self.telegram_token is not None

    @property
    def web_enabled(self) -> bool:
        return bool(self.web_listen and self.web_base_url)

    @property
    def matrix_enabled(self) -> bool:
        return bool(self.matrix_homeserver and self.matrix_user_id)


class SettingsError(Exception):
    """One line naming the variable that is wrong."""


def load_settings() -> Settings:
    try:
        return Settings()
    except ValidationError as error:
        first = error.errors()[0]
        variable = "BARCAMP_" + "_".join(str(part) for part in first["loc"]).upper()
        raise SettingsError(f"{variable}: {first['msg']}") from None
