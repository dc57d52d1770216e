"""What the BarCamp's use cases need to know of the deployment, built by the bot's wiring.

The router keeps it beside the core's `CoreConfig`; a use case asks for it by type:
`ctx.domain_config(CampConfig)`.
"""

from __future__ import annotations

from dataclasses import dataclass

# Planning runs inside the organiser's command, whose transaction holds the SQLite write
# lock; a few seconds find the optimum for a small camp and a good grid for a large one.
DEFAULT_PLAN_SECONDS = 4.0
DEFAULT_PLAN_WORKERS = 2


@dataclass(frozen=True)
class CampConfig:
    # The planner's budget for /plan and /move: seconds of search, and in how many
    # workers (1 starts no other processes).
    plan_seconds: float = DEFAULT_PLAN_SECONDS
    plan_workers: int = DEFAULT_PLAN_WORKERS
    # The live board's public address (BARCAMP_WEB_BASE_URL), "" when it is not served.
    web_base_url: str = ""
