"""Who hears of what, now that the notices follow domain events: the same people, the
same texts, in their languages; what the existing day tests do not look at."""

from __future__ import annotations

import pytest

from bot.bootstrap import App
from handlers.core.notices import members_reachable, tell_members
from storage.uow import UnitOfWork
from tests.support.day import (
    CAMP,
    MakePerson,
    camp_with,
    fast_planner,  # noqa: F401  (the fixture, used below by name)
)
from tests.unit.core.test_flow import t


async def test_approve_and_reject_tell_the_proposer_with_or_without_a_reason(
    app: App, people: MakePerson
) -> None:
    orga, members = await camp_with(people, ("Ben", "en"))
    ben = members["Ben"]
    for title in ("Skatepark", "Kino", "Disco"):
        await ben.says(f"/propose {title}")
    ben.new_replies()
    assert await orga.text("/approve 1") == t("de", "approve.done", number=1, title="Skatepark")
    await orga.says("/reject 2")
    await orga.says("/reject 3 Schon   im Programm ")
    assert [r.text for r in ben.new_replies()] == [
        t("en", "approve.notice", number=1, title="Skatepark"),
        t("en", "reject.notice", title="Kino", reason=""),
        t("en", "reject.notice_reason", title="Disco", reason="Schon im Programm"),
    ]
    assert orga.new_replies() == []  # answered above, told nothing more


@pytest.mark.usefixtures("fast_planner")
async def test_publish_counts_and_tells_only_members_who_can_be_reached(
    app: App, people: MakePerson
) -> None:
    orga, members = await camp_with(people, ("Ana", "de"), ("Ben", "en"))
    ana, ben = members.values()
    with UnitOfWork(app.engine) as uow:
        uow.channels.mark_unreachable("fake", "ben", app.clock.now())
    await orga.says("/propose Graffiti-Wand")
    await orga.says("/plan")
    await orga.says("/voting close")
    for person in (orga, ana, ben):
        person.new_replies()
    with UnitOfWork(app.engine) as uow:
        assert members_reachable(uow, 1) == 2
    # The answer counts whom the notice goes to: the organiser and Ana, not Ben.
    assert t(
        "de", "publish.done", told=t("de", "publish.told", people=2), minutes=10
    ) in await orga.text("/publish")
    assert [r.text for r in ana.new_replies()] == [t("de", "publish.notice", name=CAMP)]
    assert ben.new_replies() == []
    with UnitOfWork(app.engine) as uow:  # the count and the sending agree
        now = app.clock.now()
        assert (
            tell_members(uow, 1, "publish.notice", now, app.router.catalogues, app.router.config)
            == 2
        )
        uow.rollback()
