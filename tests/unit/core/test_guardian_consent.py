"""Guardian consent under 16 through the router: asked only where an organiser turned it
on; younger people wait (keeping only id and name) until an organiser confirms."""

from __future__ import annotations

import json
from collections.abc import Callable

from sqlmodel import select

from bot.bootstrap import App
from storage.core.privacy_tables import GuardianConsent
from storage.core.shared_tables import Consent, Membership, Person
from tests.support.chat import Person as ChatPerson
from tests.support.store import raw_session
from tests.unit.core.test_flow import create_camp, t

MakePerson = Callable[..., ChatPerson]
CAMP = "Jugend-BarCamp Musterstadt"


def person_row(app: App, name: str) -> Person:
    with raw_session(app.engine) as session:
        return session.exec(select(Person).where(Person.display_name == name)).one()


def rows_of(
    app: App, model: type[Consent] | type[Membership] | type[GuardianConsent], person_id: int
) -> list[object]:
    with raw_session(app.engine) as session:
        return list(session.exec(select(model).where(model.person_id == person_id)))


async def asked_for_age(person: ChatPerson, code: str) -> list[str]:
    await person.says("/start")
    await person.press("consent de")
    [question] = await person.says(f"/join {code}")
    assert question.text == t("de", "age.ask", name=CAMP)
    return [button.data for row in question.buttons for button in row]


async def test_under_16_waits_for_the_guardian_then_takes_part(
    app: App, people: MakePerson
) -> None:
    orga, lea, max_ = people("Orga"), people("Lea"), people("Max")
    code = await create_camp(orga, "de")
    assert await orga.text("/guardian") == t("de", "guardian.status_off", name=CAMP)
    assert await orga.text("/guardian on") == t("de", "guardian.turned_on", name=CAMP)

    buttons = await asked_for_age(lea, code)
    assert buttons == [f"age {code} 16plus", f"age {code} under16"]
    [told] = await lea.press(f"age {code} under16")
    assert told.text == t("de", "guardian.under16", person="Lea", name=CAMP)
    assert t("de", "guardian.waiting_notice", person="Lea", name=CAMP) in [
        r.text for r in orga.new_replies()
    ]
    # Only the platform id and the chosen name: no consent, no language, no membership.
    lea_row = person_row(app, "Lea")
    assert lea_row.id is not None
    assert lea_row.language is None
    assert rows_of(app, Consent, lea_row.id) == []
    assert rows_of(app, Membership, lea_row.id) == []
    # She can only wait, read /privacy or /forgetme.
    waiting = t("de", "guardian.waiting", name=CAMP)
    assert await lea.text("/propose Skatepark am See") == waiting
    assert await lea.text("/sessions") == waiting
    assert await lea.text("/privacy") == t("de", "privacy.notice")
    assert await lea.text("/join " + code) == waiting
    await lea.press("consent de")
    assert rows_of(app, Consent, lea_row.id) == []
    assert await lea.text(f"/age {code} 16plus") == waiting  # "under 16" is not taken back
    assert rows_of(app, Membership, lea_row.id) == []

    # 16 or older joins at once; the answer is not stored.
    await asked_for_age(max_, code)
    assert await max_.text(f"/age {code} 16plus") == t("de", "join.done", name=CAMP)
    assert await max_.text("/guardian 1 ok") == t("de", "error.not_allowed")

    [listing] = await orga.says("/guardian")
    assert listing.text == "\n".join(
        [
            t("de", "guardian.status_on", name=CAMP),
            t("de", "guardian.waiting_header"),
            t("de", "guardian.waiting_line", number=1, person="Lea", since="2027-03-01"),
        ]
    )
    assert [b.data for row in listing.buttons for b in row] == ["guardian 1 ok"]
    assert await orga.text("/guardian 2 ok") == t("de", "guardian.unknown", number=2)
    assert await orga.text("/guardian vielleicht") == t(
        "de", "error.usage", usage=t("de", "usage.guardian")
    )
    confirmed = await orga.press("guardian 1 ok")
    assert confirmed[0].text == t("de", "guardian.confirmed", person="Lea", name=CAMP)
    assert [r.text for r in lea.new_replies()] == [t("de", "guardian.confirmed_notice", name=CAMP)]
    assert await orga.text("/guardian 1 ok") == t("de", "guardian.unknown", number=1)

    assert await lea.text("/propose Skatepark am See") == t(
        "de", "propose.submitted", number=1, title="Skatepark am See"
    )
    [mine] = await lea.says("/mydata")
    assert mine.document is not None
    [record] = json.loads(mine.document.content)["guardian_consent"]
    assert record["under_16"] is True
    assert record["guardian_confirmed_at"] == "2027-03-01T09:00:00+00:00"
    assert "birth" not in json.dumps(record)


async def test_off_by_default_nobody_is_asked(people: MakePerson) -> None:
    orga, ana = people("Orga"), people("Ana")
    code = await create_camp(orga, "de")
    await ana.says("/start")
    await ana.press("consent de")
    assert await ana.text(f"/join {code}") == t("de", "join.done", name=CAMP)


async def test_forgetme_while_waiting_leaves_nothing(app: App, people: MakePerson) -> None:
    orga, lea = people("Orga"), people("Lea")
    code = await create_camp(orga, "de")
    await orga.says("/guardian on")
    await asked_for_age(lea, code)
    await lea.press(f"age {code} under16")
    lea_id = person_row(app, "Lea").id
    assert lea_id is not None
    await lea.says("/forgetme confirm")
    assert rows_of(app, GuardianConsent, lea_id) == []
    with raw_session(app.engine) as session:
        assert session.get(Person, lea_id) is None
    orga.new_replies()  # the notice that Lea waited
    assert await orga.text("/guardian") == t("de", "guardian.status_on", name=CAMP)


async def test_turning_it_off_still_needs_the_form_of_who_waits(people: MakePerson) -> None:
    orga, zoe, lea = people("Orga"), people("Zoe"), people("Lea")
    code = await create_camp(orga, "de")
    other = await create_camp(zoe, "de")
    await lea.joins(other)  # in another camp already: her consent there stays
    await orga.says("/guardian on")
    assert await lea.text(f"/join {code}") == t("de", "age.ask", name=CAMP)
    await lea.press(f"age {code} under16")
    orga.new_replies()  # the notice that Lea waits
    assert await orga.text("/guardian off") == t("de", "guardian.turned_off", name=CAMP)
    waiting = t("de", "guardian.waiting", name=CAMP)
    assert await lea.text(f"/join {code}") == waiting
    assert await lea.text(f"/age {code} 16plus") == waiting
    assert await lea.text("/propose Skatepark am See") == waiting
    assert await lea.text(f"/use {other}") != waiting  # her other camp goes on
