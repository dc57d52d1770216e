"""What the use cases need to know of the deployment, built by the bot's wiring."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import timedelta

from handlers.core.i18n import DEFAULT_LANGUAGE

# Bump when the privacy notice changes in substance: everyone is asked again.
PRIVACY_POLICY_VERSION = 1

TITLE_MIN, TITLE_MAX = 3, 80
DESCRIPTION_MAX = 500
NAME_MAX = 64
DEFAULT_VOTE_BUDGET = 5


class JoinLinks:
    """Per platform, a template for the join link, e.g. "https://t.me/mybot?start={code}".

    Filled from the settings when the bot is built; an adapter that learns its own
    address when it connects (Telegram's username, from getMe) sets it before it takes
    the first message, so it needs no setting.
    """

    def __init__(self, templates: Mapping[str, str] | None = None) -> None:
        self._templates = dict(templates or {})

    def get(self, platform: str) -> str | None:
        return self._templates.get(platform)

    def values(self) -> Iterator[str]:
        return iter(list(self._templates.values()))

    def learn(self, platform: str, template: str) -> None:
        self._templates[platform] = template


@dataclass(frozen=True)
class CoreConfig:
    default_language: str = DEFAULT_LANGUAGE
    timezone: str = "Europe/Berlin"
    join_links: JoinLinks = field(default_factory=JoinLinks)
    # Scheduled work found late (the bot was down) still goes out within this grace.
    grace: timedelta = timedelta(minutes=15)
    # An event's personal data is anonymised this many months after its last day.
    retention_months: int = 12
