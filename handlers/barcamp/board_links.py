"""The live board's addresses, made from the public base URL (`CampConfig.web_base_url`)."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

# 32 characters from 24 random bytes: unguessable, and short enough for a link.
TOKEN_BYTES = 24


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


@dataclass(frozen=True)
class BoardLinks:
    base_url: str
    code: str

    def _url(self, tail: str) -> str:
        return f"{self.base_url.rstrip('/')}/e/{self.code}/{tail}"

    @property
    def board(self) -> str:
        return self._url("board")

    @property
    def agenda(self) -> str:
        return self._url("agenda")

    @property
    def calendar(self) -> str:
        return self._url("calendar.ics")

    def room(self, number: int) -> str:
        return self._url(f"room/{number}")


def personal_calendar_url(base_url: str, token: str) -> str:
    return f"{base_url.rstrip('/')}/p/{token}/calendar.ics"


def webcal(url: str) -> str:
    """The same address as a calendar subscription (calendar apps open webcal:// links)."""
    return "webcal://" + url.split("://", 1)[-1]
