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


async def test_the_queues_reject_button_asks_for_a_reason_first(
    app: App, people: MakePerson
) -> None:
    orga, members = await camp_with(people, ("Ben", "en"))
    ben = members["Ben"]
    for title in ("Skatepark", "Kino", "Disco"):
        await ben.says(f"/propose {title}")
    ben.new_replies()
    queue = await orga.says("/queue")
    reject_button = queue[0].buttons[0][1]
    assert (reject_button.label, reject_button.data) == (
        t("de", "queue.reject_button"),
        "rejectreason 1",
    )

    [question] = await orga.press(reject_button.data)
    assert question.text == t("de", "reject.ask_reason", number=1, title="Skatepark")
    assert ben.new_replies() == []  # nothing is rejected yet
    assert await orga.text("/mine") != ""  # another command meanwhile leaves the question open
    reason = "Gibt es schon  am Nachmittag"
    assert await orga.text(reason) == t("de", "reject.done", number=1, title="Skatepark")
    assert [r.text for r in ben.new_replies()] == [
        t("en", "reject.notice_reason", title="Skatepark", reason="Gibt es schon am Nachmittag")
    ]
    # The dialog is over: free text is no answer any more.
    assert await orga.text("Hallo?") == t("de", "error.not_a_command", prefix="/")

    [question] = await orga.press("rejectreason 2")
    [without] = [button for row in question.buttons for button in row]
    assert without.label == t("de", "reject.without_reason_button")
    [done] = await orga.press(without.data)
    assert done.text == t("de", "reject.done", number=2, title="Kino")
    assert [r.text for r in ben.new_replies()] == [
        t("en", "reject.notice", title="Kino", reason="")
    ]
    assert await orga.text("Hallo?") == t("de", "error.not_a_command", prefix="/")


async def test_a_bad_reason_is_explained_and_the_question_stays(
    app: App, people: MakePerson
) -> None:
    orga, members = await camp_with(people, ("Ben", "en"))
    ben = members["Ben"]
    await ben.says("/propose Skatepark")
    ben.new_replies()
    await orga.press("rejectreason 1")
    refused = await orga.says("<b>nein</b>")
    assert [r.text for r in refused] == [
        t("de", "input.markup"),
        t("de", "reject.ask_reason", number=1, title="Skatepark"),
    ]
    assert ben.new_replies() == []
    # Approved by someone else meanwhile: the reason ends the dialog with why.
    await orga.says("/approve 1")
    ben.new_replies()
    status = t("de", "status.approved")
    assert await orga.text("zu spät") == t("de", "moderation.not_waiting", number=1, status=status)
    assert ben.new_replies() == []
    assert await orga.text("Hallo?") == t("de", "error.not_a_command", prefix="/")


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
