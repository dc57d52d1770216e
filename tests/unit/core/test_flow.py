"""The basic flow of the issue, through the router with a fake adapter, in de and en."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from sqlmodel import select

from bot.bootstrap import App
from handlers.core.i18n import catalogues
from storage.barcamp.camp_tables import Vote
from storage.core.shared_tables import Consent, Identity, Membership, Person, Role
from storage.uow import UnitOfWork
from tests.support.chat import Person as ChatPerson
from tests.support.store import raw_session

MakePerson = Callable[..., ChatPerson]


def t(language: str, key: str, **values: object) -> str:
    return catalogues().text(language, key, **values)


async def create_camp(organiser: ChatPerson, language: str) -> str:
    await organiser.says("/start")
    await organiser.press(f"consent {language}")
    await organiser.says("/newcamp")
    for answer in ("Jugend-BarCamp Musterstadt", "2027-06-13", "Jugendhaus"):
        await organiser.says(answer)
    await organiser.says("Aula:60, Raum 1:20, Raum 2:15")
    done = await organiser.text("10:00-10:45, 11:00-11:45, 12:00-13:00 Pause, 13:00-13:45")
    match = re.search(r"/join ([A-Z2-9]{6})", done)
    assert match, done
    return match.group(1)


@pytest.mark.parametrize("language", ["de", "en"])
async def test_camp_join_propose_vote_mine_forget(
    app: App, people: MakePerson, language: str
) -> None:
    orga = people("Orga", language_hint=language)
    code = await create_camp(orga, language)
    ana, ben, cem = (people(name, language_hint=language) for name in ("Ana", "Ben", "Cem"))
    for person in (ana, ben, cem):
        await person.joins(code, language)
        assert t(language, "join.done", name="Jugend-BarCamp Musterstadt") in (
            person.adapter.sent[person.chat.chat_id][-1].text
        )

    # Four proposals: one-shot and guided; participants' wait for moderation.
    reply = await ana.text("/propose Skatepark am See | Wo könnte er hin?")
    assert reply == t(language, "propose.submitted", number=1, title="Skatepark am See")
    await ben.says("/propose")
    assert await ben.text("Mehr Busse am Abend") == t(language, "propose.ask_description")
    assert await ben.text("-") == t(
        language, "propose.submitted", number=2, title="Mehr Busse am Abend"
    )
    await cem.says("/propose Jugendraum renovieren")
    await orga.says("/propose WLAN im Park | Freies Netz")  # staff: approved at once

    # Before moderation only the organiser's own proposal is open for votes.
    before = (await ana.says("/sessions"))[0]
    assert [b.data for row in before.buttons for b in row] == ["vote 4"]
    queue = await orga.says("/queue")
    assert [r.buttons[0][0].data for r in queue] == ["approve 1", "approve 2", "approve 3"]
    for number in (1, 2, 3):
        await orga.press(f"approve {number}")
    # The proposer hears of the approval in their own chat and language.
    assert t(language, "approve.notice", title="Skatepark am See") in [
        r.text for r in ana.new_replies()
    ]

    sessions = (await ana.says("/sessions"))[0]
    assert [b.data for row in sessions.buttons for b in row] == [f"vote {n}" for n in (1, 2, 3, 4)]
    assert t(language, "vote.budget", used=0, budget=5) in sessions.text

    # Toggle: vote, take back, vote again; several at once.
    assert t(language, "vote.budget", used=1, budget=5) in await ana.text("/vote 1")
    assert t(language, "vote.budget", used=0, budget=5) in await ana.text("/vote 1")
    assert t(language, "vote.budget", used=3, budget=5) in await ana.text("/vote 1 2 3")
    pressed = await ana.press("vote 4")
    assert t(language, "vote.budget", used=4, budget=5) in pressed[0].text
    await ben.says("/vote 1 4")
    await cem.says("/vote 1")

    sessions_text = (await cem.says("/sessions"))[0].text
    assert f"1. Skatepark am See ✅ {t(language, 'sessions.votes', count=3)}" in sessions_text

    mine = await ana.text("/mine")
    assert (
        t(
            language,
            "mine.proposal",
            number=1,
            title="Skatepark am See",
            status=t(language, "status.approved"),
        )
        in mine
    )
    assert t(language, "mine.vote", number=4, title="WLAN im Park") in mine

    # Switching language changes every following answer.
    other = "en" if language == "de" else "de"
    assert await ana.text(f"/language {other}") == t(other, "language.set")
    assert t(other, "vote.budget", used=4, budget=5) in await ana.text("/mine")

    # /forgetme removes Ana; her votes stay only as anonymous counts.
    assert (await ana.says("/forgetme"))[0].buttons
    assert await ana.text("/forgetme confirm") == t(other, "forgetme.done")
    with UnitOfWork(app.engine) as uow:
        assert uow.people.by_identity("fake", "ana") is None
        tallies = uow.proposals.tallies(uow.proposals.in_event(1))
        assert tallies == {1: 3, 2: 1, 3: 1, 4: 2}
        proposal_one = uow.proposals.by_number(1, 1)
        assert proposal_one is not None
        assert proposal_one.proposer_id is None
        assert proposal_one.anonymous_votes == 1
    with raw_session(app.engine) as session:
        assert len(session.exec(select(Vote)).all()) == 3  # Ben 2, Cem 1
    assert t(language, "sessions.votes", count=3) in (await cem.says("/sessions"))[0].text


async def test_budget_is_enforced_and_nothing_changes(app: App, people: MakePerson) -> None:
    orga = people("Orga")
    code = await create_camp(orga, "de")
    for number in range(1, 8):
        await orga.says(f"/propose Thema Nummer {number}")
    ana = people("Ana")
    await ana.joins(code)
    await ana.says("/vote 1 2 3 4 5")
    refused = await ana.text("/vote 6")
    over = {"budget": 5, "used": 5, "wanted": 6}
    assert refused == t("de", "vote.over_budget_used", **over)
    # All or nothing: taking one back and adding two exceeds the budget as well.
    assert await ana.text("/vote 1 6 7") == t("de", "vote.over_budget_used", **over)
    assert t("de", "vote.budget", used=5, budget=5) in await ana.text("/vote 1 6 7 2")
    with UnitOfWork(app.engine) as uow:
        person = uow.people.by_identity("fake", "ana")
        assert person is not None
        assert person.id is not None
        voted = uow.votes.of_person(1, person.id)
        proposals = uow.proposals.in_event(1)
        assert sorted(p.number for p in proposals if p.id in voted) == [3, 4, 5, 6, 7]


async def test_nothing_beyond_the_platform_id_before_consent(app: App, people: MakePerson) -> None:
    kim = people("Kim Secret", language_hint="en")
    welcome = (await kim.says("/start K7M2QX"))[0]
    assert welcome.text == t("en", "start.welcome")
    assert any(b.data == "consent en K7M2QX" for row in welcome.buttons for b in row)
    assert await kim.text("/sessions") == t("en", "consent.needed")
    with raw_session(app.engine) as session:
        person = session.exec(select(Person)).one()
        assert (person.display_name, person.language) == ("", None)
        assert session.exec(select(Identity)).one().platform_user_id == "kim secret"
        assert session.exec(select(Consent)).all() == []
    await kim.press("consent en")
    with raw_session(app.engine) as session:
        person = session.exec(select(Person)).one()
        assert (person.display_name, person.language) == ("Kim Secret", "en")
        assert len(session.exec(select(Consent)).all()) == 1


async def test_organiser_role_and_refusal_for_participants(app: App, people: MakePerson) -> None:
    orga = people("Orga")
    code = await create_camp(orga, "de")
    ana = people("Ana")
    await ana.joins(code)
    await ana.says("/propose Skatepark bauen")
    assert await ana.text("/approve 1") == t("de", "error.not_allowed")
    assert await ana.text("/queue") == t("de", "error.not_allowed")
    help_text = await ana.text("/help")
    assert "/approve" not in help_text
    assert "/vote" in help_text
    assert "/approve" in await orga.text("/help")
    with raw_session(app.engine) as session:
        roles = {m.person_id: m.role for m in session.exec(select(Membership))}
        assert sorted(roles.values()) == [Role.ORGANISER, Role.PARTICIPANT]


async def test_use_switches_between_events(app: App, people: MakePerson) -> None:
    orga = people("Orga")
    first = await create_camp(orga, "de")
    second = await create_camp(orga, "de")
    assert await orga.text("/propose Zweites Thema") == t(
        "de", "propose.approved", number=1, title="Zweites Thema"
    )
    choose = (await orga.says("/use"))[0]
    assert [row[0].data for row in choose.buttons] == [f"use {first}", f"use {second}"]
    assert await orga.text(f"/use {first.lower()}") == t(
        "de", "use.done", name="Jugend-BarCamp Musterstadt"
    )
    assert await orga.text("/sessions") == t("de", "sessions.empty")
    assert await orga.text("/use ZZZZZZ") == t("de", "use.not_member", code="ZZZZZZ")


@pytest.mark.parametrize("language", ["de", "en"])
async def test_joining_by_deep_link_is_not_told_how_to_join(
    people: MakePerson, language: str
) -> None:
    code = await create_camp(people("Orga"), "de")
    kim = people("Kim", language_hint=language)
    await kim.says(f"/start {code}")
    joined = [reply.text for reply in await kim.press(f"consent {language} {code}")]
    assert joined == [
        t(language, "start.consented_joining", name="Kim"),
        t(language, "join.done", name="Jugend-BarCamp Musterstadt"),
    ]
    assert not any("/join" in text for text in joined)


async def test_agreeing_again_says_nothing_new_and_changes_nothing(
    app: App, people: MakePerson
) -> None:
    code = await create_camp(people("Orga"), "de")
    kim = people("Kim")
    await kim.says(f"/start {code}")
    await kim.press(f"consent de {code}")
    # The welcome's buttons are still there: pressing them again is no news.
    assert await kim.press(f"consent de {code}") == []
    assert await kim.press("consent de") == []
    # Typed (Matrix turns buttons into commands to send): a short answer, never silence.
    assert await kim.text("/consent de") == t("de", "start.already_agreed")
    # The other language's button still switches the language, once.
    assert [reply.text for reply in await kim.press("consent en")] == [t("en", "language.set")]
    assert await kim.press("consent en") == []
    with raw_session(app.engine) as session:
        assert len(session.exec(select(Consent)).all()) == 2  # the organiser's and Kim's
        assert len(session.exec(select(Membership)).all()) == 2


@pytest.mark.parametrize("language", ["de", "en"])
async def test_over_the_budget_says_how_many_and_what_to_do(
    app: App, people: MakePerson, language: str
) -> None:
    orga = people("Orga")
    code = await create_camp(orga, "de")
    for number in range(1, 10):
        await orga.says(f"/propose Thema Nummer {number}")
    ana = people("Ana", language_hint=language)
    await ana.joins(code, language)
    refused = await ana.text("/vote 1 2 3 5 7 9")
    assert refused == t(language, "vote.over_budget", wanted=6, budget=5, used=0)
    # What happened, in numbers: six asked for, five to give.
    assert "6" in refused
    assert "5" in refused
    await ana.says("/vote 1 2 3 4 5")
    typed = {"wanted": 7, "budget": 5, "used": 5}
    assert await ana.text("/vote 6 7") == t(language, "vote.over_budget_used", **typed)
    # A press on the ballot is answered in terms of the ballot's buttons.
    [pressed] = await ana.press("vote 6")
    assert pressed.text == t(language, "vote.over_budget_pressed", wanted=6, budget=5, used=5)
    with raw_session(app.engine) as session:
        assert len(session.exec(select(Vote)).all()) == 5
