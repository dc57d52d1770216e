"""What the use cases need to know of the deployment, built by the bot's wiring."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from handlers.core.i18n import DEFAULT_LANGUAGE

# Bump when the privacy notice changes in substance: everyone is asked again.
PRIVACY_POLICY_VERSION = 1

TITLE_MIN, TITLE_MAX = 3, 80
DESCRIPTION_MAX = 500
NAME_MAX = 64
DEFAULT_VOTE_BUDGET = 5


@dataclass(frozen=True)
class CoreConfig:
    default_language: str = DEFAULT_LANGUAGE
    timezone: str = "Europe/Berlin"
    # Per platform, a template for the join link, e.g. "https://t.me/mybot?start={code}".
    join_links: dict[str, str] = field(default_factory=dict)
    # Scheduled work found late (the bot was down) still goes out within this grace.
    grace: timedelta = timedelta(minutes=15)
    # An event's personal data is anonymised this many months after its last day.
    retention_months: int = 12
