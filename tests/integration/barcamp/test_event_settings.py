"""Per-event settings, the reminder to members who have not voted, a configurable grace."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from sqlmodel import select

from bot.bootstrap import App, bootstrap
from bot.settings import Settings
from schedules.core.clock import ManualClock
from storage.core.shared_tables import ScheduledItem, ScheduledKind
from tests.integration.barcamp.test_scheduled_work import NOON, camp_on
from tests.support.day import CAMP, run_scheduled
from tests.support.store import raw_session
from tests.unit.core.test_flow import t

MakeApp = Callable[[str], App]


def test_the_grace_defaults_to_15_minutes_and_is_a_setting(sqlite_url: str) -> None:
    default = bootstrap(Settings(database_url=sqlite_url, _env_file=None))  # type: ignore[call-arg]
    tuned = bootstrap(
        Settings(database_url=sqlite_url, schedule_grace_minutes=5, _env_file=None)  # type: ignore[call-arg]
    )
    assert default.router.config.grace == timedelta(minutes=15)
    assert tuned.router.config.grace == timedelta(minutes=5)


async def test_members_who_have_not_voted_are_reminded_before_the_deadline(
    make_app: MakeApp, sqlite_url: str, clock: ManualClock
) -> None:
    app = make_app(sqlite_url)
    orga, ana = await camp_on(app)
    await orga.says("/propose Skatepark bauen")
    await ana.says("/vote 1")
    await orga.says("/settings votereminder 30")
    await orga.says("/voting close at 2027-03-01 12:00")
    orga.new_replies()
    ana.new_replies()
    clock.set(NOON - timedelta(minutes=30))
    assert await run_scheduled(app, orga.dispatcher) == 1
    # Ana voted: no nudge. The organiser has not: one nudge, with the deadline.
    assert ana.new_replies() == []
    assert [r.text for r in orga.new_replies()] == [
        t("de", "voting.reminder_notice", name=CAMP, deadline="2027-03-01 12:00")
    ]


async def test_closing_the_voting_by_hand_cancels_the_reminder(
    make_app: MakeApp, sqlite_url: str
) -> None:
    app = make_app(sqlite_url)
    orga, _ = await camp_on(app)
    await orga.says("/settings votereminder 30")
    await orga.says("/voting close at 2027-03-01 12:00")
    with raw_session(app.engine) as session:
        assert len(session.exec(select(ScheduledItem)).all()) == 2
    await orga.says("/voting close")
    with raw_session(app.engine) as session:
        assert session.exec(select(ScheduledItem)).all() == []


async def test_settings_change_budget_counts_and_reminder_leads(
    make_app: MakeApp, sqlite_url: str
) -> None:
    app = make_app(sqlite_url)
    orga, ana = await camp_on(app)
    for title in ("Skatepark bauen", "Mehr Busse", "Jugendraum"):
        await orga.says(f"/propose {title}")
    shown = await orga.text("/settings budget 2")
    assert t("de", "settings.on") in shown
    assert "2" in shown
    await ana.says("/vote 1 2")
    over = {"budget": 2, "used": 2, "wanted": 3}
    assert await ana.text("/vote 3") == t("de", "vote.over_budget_used", **over)
    await orga.says("/settings counts off")
    assert t("de", "sessions.votes", count=1) not in (await ana.says("/sessions"))[0].text
    await orga.says("/voting close at 2027-03-01 12:00")
    with raw_session(app.engine) as session:
        kinds = [item.kind for item in session.exec(select(ScheduledItem))]
        assert kinds == [ScheduledKind.VOTING_CLOSE]
    await orga.says("/settings votereminder 45")
    with raw_session(app.engine) as session:
        reminder = session.exec(
            select(ScheduledItem).where(ScheduledItem.kind == ScheduledKind.VOTE_REMINDER)
        ).one()
        assert reminder.due_at == NOON - timedelta(minutes=45)


@pytest.mark.parametrize(
    ("arguments", "key", "values"),
    [
        ("budget 0", "settings.range", {"name": "budget", "lowest": 1, "highest": 50}),
        ("counts maybe", "settings.on_off", {"name": "counts"}),
        ("reminder", "settings.value_missing", {"name": "reminder"}),
    ],
)
async def test_bad_settings_are_explained(
    make_app: MakeApp, sqlite_url: str, arguments: str, key: str, values: dict[str, object]
) -> None:
    app = make_app(sqlite_url)
    orga, ana = await camp_on(app)
    assert await orga.text(f"/settings {arguments}") == t("de", key, **values)
    assert await ana.text("/settings budget 9") == t("de", "error.not_allowed")


async def test_publish_says_when_reminders_come_or_that_they_are_off(
    make_app: MakeApp, sqlite_url: str
) -> None:
    app = make_app(sqlite_url)
    orga, ana = await camp_on(app)
    await orga.says("/propose Skatepark bauen")
    await ana.says("/vote 1")
    await orga.says("/voting close")
    await orga.says("/settings reminder 0")
    await orga.says("/plan")
    assert t(
        "de", "publish.done_no_reminders", told=t("de", "publish.told", people=2)
    ) in await orga.text("/publish")
    with raw_session(app.engine) as session:
        kinds = {item.kind for item in session.exec(select(ScheduledItem))}
        assert ScheduledKind.REMINDER not in kinds
    await orga.says("/settings reminder 25")
    with raw_session(app.engine) as session:
        reminders = session.exec(
            select(ScheduledItem).where(ScheduledItem.kind == ScheduledKind.REMINDER)
        ).all()
        assert reminders  # turning them on after publishing schedules them
