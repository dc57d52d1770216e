"""People and roles, and one person on two platforms, through the router on both stores.

/members and /role for the team of the active event only; /link makes two accounts on
two platforms one person: memberships with the higher role, consent, language, dialogs,
poll answers and votes merged (a vote both cast counts once, the budget re-checked);
bad, expired, used and own codes change nothing, and guessing is limited.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta

import pytest
from sqlmodel import func, select

from bot.bootstrap import App
from bot.dispatcher import Dispatcher
from bot.housekeeping import prune_deliveries
from bot.outbox import OutboxSender
from handlers.core.i18n import catalogues
from handlers.core.messages import Chat, ChatKind, Sender
from schedules.core.clock import ManualClock
from storage.barcamp.camp_tables import Proposal, Vote
from storage.core.identity_tables import LinkAttempt, LinkCode
from storage.core.shared_tables import (
    Event,
    EventKind,
    Identity,
    Membership,
    Person,
    Poll,
    PollAnswer,
    PollOption,
    Role,
)
from storage.uow import UnitOfWork
from tests.conftest import START
from tests.support.chat import FakeAdapter
from tests.support.chat import Person as ChatPerson
from tests.support.privacy_scan import rows_naming
from tests.support.store import raw_session
from tests.unit.core.test_flow import create_camp

MakeApp = Callable[[str], App]
CAMP = "Jugend-BarCamp Musterstadt"


def t(key: str, language: str = "de", **values: object) -> str:
    return catalogues().text(language, key, **values)


class OtherAdapter(FakeAdapter):
    platform = "matrix"


class OtherPerson(ChatPerson):
    """Someone on the second platform of the test (called "matrix", a fake like the first)."""

    @property
    def chat(self) -> Chat:
        return Chat("matrix", f"dm-{self.user_id}", ChatKind.PRIVATE)

    @property
    def sender(self) -> Sender:
        return Sender("matrix", self.user_id, self.name, self.language_hint)


class TwoPlatforms:
    """One store, the "fake" and the "matrix" platform, and people on either."""

    def __init__(self, app: App) -> None:
        self.app = app
        self.fake, self.other = FakeAdapter(), OtherAdapter()
        adapters = {"fake": self.fake, "matrix": self.other}
        self.dispatcher = Dispatcher(app.router, OutboxSender(app.uow_factory, adapters, app.clock))

    def person(self, name: str, language: str = "de") -> ChatPerson:
        return ChatPerson(self.dispatcher, self.fake, name, language)

    def other_person(self, name: str, language: str = "de") -> OtherPerson:
        return OtherPerson(self.dispatcher, self.other, name, language, user_id=f"@{name}:hs")

    def count(self, model: type) -> int:
        with raw_session(self.app.engine) as session:
            return int(session.exec(select(func.count()).select_from(model)).one())

    def person_id(self, person: ChatPerson) -> int:
        with UnitOfWork(self.app.engine) as uow:
            found = uow.people.by_identity(person.sender.platform, person.user_id)
            assert found is not None
            assert found.id is not None
            return found.id

    def role_of(self, person: ChatPerson, event_id: int = 1) -> Role | None:
        with UnitOfWork(self.app.engine) as uow:
            membership = uow.events.membership(event_id, self.person_id(person))
            return membership.role if membership else None

    def tally(self, number: int) -> int:
        with UnitOfWork(self.app.engine) as uow:
            proposal = uow.proposals.by_number(1, number)
            assert proposal is not None
            assert proposal.id is not None
            return uow.proposals.tallies([proposal])[proposal.id]


@pytest.fixture
def platforms(make_app: MakeApp, store_url: str) -> TwoPlatforms:
    return TwoPlatforms(make_app(store_url))


async def consented(person: ChatPerson, language: str = "de") -> None:
    await person.says("/start")
    await person.press(f"consent {language}")


async def camp_with(platforms: TwoPlatforms, *names: str) -> tuple[ChatPerson, list[ChatPerson]]:
    orga = platforms.person("Orga")
    code = await create_camp(orga, "de")
    joined = []
    for name in names:
        person = platforms.person(name)
        await person.joins(code)
        joined.append(person)
    return orga, joined


def code_in(text: str) -> str:
    match = re.search(r"/link ([A-Z2-9]{8})", text)
    assert match, text
    return match.group(1)


# -- /members and /role ----------------------------------------------------------------


async def test_the_roster_is_numbered_by_joining_and_roles_change_by_number(
    platforms: TwoPlatforms,
) -> None:
    orga, (ana, ben) = await camp_with(platforms, "Ana", "Ben")
    roster = await orga.text("/members")
    assert t("members.header", name=CAMP, count=3) in roster
    lines = [line for line in roster.split("\n") if re.match(r"\d+\. ", line)]
    role, fake = t("role.participant"), "Fake"
    assert lines == [
        t("members.line", number=1, person="Orga", role=t("role.organiser"), platforms=fake),
        t("members.line", number=2, person="Ana", role=role, platforms=fake),
        t("members.line", number=3, person="Ben", role=role, platforms=fake),
    ]

    done = await orga.text("/role 2 jugendarbeiter")
    assert done == t("role.done", person="Ana", role=t("role.youthworker"), name=CAMP)
    assert platforms.role_of(ana) == Role.YOUTHWORKER
    assert t("role.notice_youthworker", name=CAMP) in "\n".join(r.text for r in ana.new_replies())
    # A youth worker sees the roster but gives no roles.
    assert t("members.header", name=CAMP, count=3) in await ana.text("/members")
    assert await ana.text("/role 3 orga") == t("error.not_allowed")
    assert platforms.role_of(ben) == Role.PARTICIPANT

    # The last organiser keeps the role; with a second one, they may give it up.
    assert await orga.text("/role 1 teilnehmer") == t("role.last_organiser")
    assert platforms.role_of(orga) == Role.ORGANISER
    await orga.says("/role 3 organiser")
    assert t("role.notice_organiser", name=CAMP) in "\n".join(r.text for r in ben.new_replies())
    assert await orga.text("/role 1 participant") == t(
        "role.done", person="Orga", role=t("role.participant"), name=CAMP
    )
    assert platforms.role_of(orga) == Role.PARTICIPANT
    assert orga.new_replies() == []  # no notice about one's own change
    assert await ben.text("/role 1 teilnehmer") == t(
        "role.same", person="Orga", role=t("role.participant")
    )
    assert await ben.text("/role 9 orga") == t("role.unknown_number", number=9)
    assert await ben.text("/role 1 chef") == t("role.unknown_role", role="chef")
    assert platforms.role_of(orga) == Role.PARTICIPANT


async def test_participants_non_members_and_other_events_team_are_refused(
    platforms: TwoPlatforms,
) -> None:
    orga, (ana,) = await camp_with(platforms, "Ana")
    otto = platforms.person("Otto")
    await create_camp(otto, "de")  # Otto organises a camp of his own (event 2)
    with UnitOfWork(platforms.app.engine) as uow:
        first = uow.events.get(1)
        assert first is not None
        camp_code = first.code
    await otto.says(f"/join {camp_code}")  # ... and takes part in Orga's, now his active one
    zoe = platforms.person("Zoe")
    await consented(zoe)

    for command in ("/members", "/role 1 teilnehmer", "/role 2 orga"):
        assert await ana.text(command) == t("error.not_allowed"), command
        assert await otto.text(command) == t("error.not_allowed"), command
        assert await zoe.text(command) == t("event.none"), command
    assert [platforms.role_of(p) for p in (orga, ana, otto)] == [
        Role.ORGANISER,
        Role.PARTICIPANT,
        Role.PARTICIPANT,
    ]
    # In his own camp Otto's roster has only his camp's people.
    await otto.says("/use")
    with UnitOfWork(platforms.app.engine) as uow:
        second = uow.events.get(2)
        assert second is not None
        own_code = second.code
    await otto.says(f"/use {own_code}")
    roster = await otto.text("/members")
    assert "Ana" not in roster
    assert t("members.header", name=CAMP, count=1) in roster


async def test_in_a_council_participants_are_members_and_long_rosters_are_split(
    platforms: TwoPlatforms,
) -> None:
    olga = platforms.person("Olga")
    await consented(olga)
    olga_id = platforms.person_id(olga)
    with UnitOfWork(platforms.app.engine) as uow:
        council = uow.events.add(
            Event(kind=EventKind.COUNCIL, name="Jugendrat", code="R4T5Q2", created_at=START)
        )
        assert council.id is not None
        uow.events.join(council.id, olga_id, Role.ORGANISER, START)
        person = uow.people.get(olga_id)
        assert person is not None
        person.active_event_id = council.id
        for n in range(150):
            member = uow.people.create_with_identity("fake", f"member{n}", START)
            assert member.id is not None
            member.display_name = f"Mitglied Nummer {n:03}"
            uow.events.join(council.id, member.id, Role.PARTICIPANT, START + timedelta(seconds=n))
    replies = await olga.says("/members")
    assert len(replies) > 1
    assert all(len(reply.text) <= 3500 for reply in replies)
    text = "\n".join(reply.text for reply in replies)
    assert (
        t(
            "members.line",
            number=151,
            person="Mitglied Nummer 149",
            role="Mitglied",
            platforms="Fake",
        )
        in text
    )
    assert t("role.participant") not in text
    done = await olga.text("/role 2 jugendarbeiterin")
    assert done == t(
        "role.done", person="Mitglied Nummer 000", role=t("role.youthworker"), name="Jugendrat"
    )
    assert await olga.text("/role 2 mitglied") == t(
        "role.done", person="Mitglied Nummer 000", role="Mitglied", name="Jugendrat"
    )


# -- /link ------------------------------------------------------------------------------


def add_poll(platforms: TwoPlatforms, answers: dict[int, int]) -> int:
    """A quick poll of camp 1 with two options, answered by person id -> option position."""
    with raw_session(platforms.app.engine) as session:
        poll = Poll(event_id=1, number=0, question="Pizza?", created_at=START)
        number = session.exec(select(func.count()).select_from(Poll)).one() + 1
        poll.number = int(number)
        session.add(poll)
        session.flush()
        assert poll.id is not None
        options = [PollOption(poll_id=poll.id, position=i, text=x) for i, x in enumerate("AB")]
        session.add_all(options)
        session.flush()
        for person_id, position in answers.items():
            option_id = options[position].id
            assert option_id is not None
            session.add(
                PollAnswer(
                    poll_id=poll.id, option_id=option_id, person_id=person_id, answered_at=START
                )
            )
        return poll.id


def poll_answers(platforms: TwoPlatforms, poll_id: int) -> list[tuple[int, int]]:
    with raw_session(platforms.app.engine) as session:
        rows = session.exec(
            select(PollAnswer.person_id, PollOption.position)
            .join(PollOption, PollOption.id == PollAnswer.option_id)  # type: ignore[arg-type]
            .where(PollAnswer.poll_id == poll_id)
        )
        return sorted((person_id, position) for person_id, position in rows)


async def test_link_merges_two_accounts_votes_once_within_the_budget(
    platforms: TwoPlatforms, clock: ManualClock
) -> None:
    orga, (ana,) = await camp_with(platforms, "Ana")
    await orga.says("/settings budget 2")
    for title in ("Skatepark", "WLAN im Park", "Kino im Sommer"):
        await orga.says(f"/propose {title}")
    mia = platforms.other_person("Mia", "en")
    await consented(mia, "en")
    with UnitOfWork(platforms.app.engine) as uow:
        first = uow.events.get(1)
        assert first is not None
        code = first.code
    await mia.says(f"/join {code}")
    for person, number in ((ana, 1), (ana, 2), (mia, 2), (mia, 3)):
        clock.advance(timedelta(minutes=1))
        await person.says(f"/vote {number}")
    assert [platforms.tally(n) for n in (1, 2, 3)] == [1, 2, 1]
    await orga.says("/role 2 jugendarbeiter")
    ana_id, mia_id = platforms.person_id(ana), platforms.person_id(mia)
    both = add_poll(platforms, {ana_id: 0, mia_id: 1})
    only_ana = add_poll(platforms, {ana_id: 0})
    await mia.says("/propose")  # a dialog in progress on the kept account
    people_before = platforms.count(Person)
    ana.new_replies()

    issued = await ana.text("/link")
    replies = [reply.text for reply in await mia.says(f"/link {code_in(issued).lower()}")]
    assert t("link.done", "en", platform="Fake") in replies
    given_back = t(
        "link.votes_given_back", "en", count=1, budget=2, name=CAMP, sessions="3. Kino im Sommer"
    )
    assert replies.count(given_back) == 1
    assert given_back not in [reply.text for reply in ana.new_replies()]  # told once

    assert [platforms.tally(n) for n in (1, 2, 3)] == [1, 1, 0]
    assert platforms.count(Person) == people_before - 1
    assert platforms.person_id(ana) == platforms.person_id(mia) == mia_id
    assert platforms.role_of(mia) == Role.YOUTHWORKER  # the higher of the two roles
    with raw_session(platforms.app.engine) as session:
        assert session.exec(select(func.count()).where(Vote.person_id == ana_id)).one() == 0
        identities = session.exec(select(Identity).where(Identity.person_id == mia_id)).all()
        assert sorted(identity.platform for identity in identities) == ["fake", "matrix"]
        assert session.exec(select(Membership).where(Membership.person_id == mia_id)).one()
        code_row = session.exec(select(LinkCode)).one()
        assert code_row.person_id == mia_id
        assert code_row.used_at is not None
    assert poll_answers(platforms, both) == [(mia_id, 1)]  # one answer per poll
    assert poll_answers(platforms, only_ana) == [(mia_id, 0)]
    # One person on both platforms: the ballot is the same, the budget too.
    assert t("vote.over_budget_used", "en", budget=2, used=2, wanted=3) in await ana.text("/vote 3")
    roster = await orga.text("/members")
    assert t("members.header", name=CAMP, count=2) in roster
    assert "2. Mia – Jugendarbeiter*in – Fake, Matrix" in roster
    # The dialog of the kept account goes on, from either platform.
    assert t("propose.ask_description", "en") in await mia.text("Skaten am See")


async def test_bad_codes_change_nothing_and_guessing_is_limited(
    platforms: TwoPlatforms, clock: ManualClock
) -> None:
    ana, mia, zoe = platforms.person("Ana"), platforms.other_person("Mia"), platforms.person("Zoe")
    for person in (ana, mia, zoe):
        await consented(person)
    people = platforms.count(Person)

    first = code_in(await ana.text("/link"))
    assert await ana.text(f"/link {first}") == t("link.same_person")
    clock.advance(timedelta(minutes=11))
    assert await mia.text(f"/link {first}") == t("link.expired")
    assert await mia.text("/link hallo") == t("link.not_a_code")
    assert platforms.count(Person) == people
    assert platforms.count(LinkAttempt) == 0

    second = code_in(await ana.text("/link"))
    assert platforms.count(LinkCode) == 1  # the expired, unused one is replaced
    assert t("link.done", platform="Fake") in await mia.text(f"/link {second}")
    assert await zoe.text(f"/link {second}") == t("link.used")
    assert platforms.count(Person) == people - 1

    # Five wrong codes an hour, then a while nothing works, a valid code neither.
    for tries_left in (4, 3, 2, 1):
        assert await zoe.text("/link ZZZZZZZZ") == t("link.wrong", tries=tries_left)
    assert await zoe.text("/link ZZZZZZZZ") == t("link.wrong_last", time="11:11")
    ben = platforms.other_person("Ben")
    await consented(ben)
    valid = code_in(await ben.text("/link"))
    assert await zoe.text(f"/link {valid}") == t("link.blocked", time="11:11")
    assert platforms.count(Person) == people  # Ben joined, nobody merged
    clock.advance(timedelta(minutes=61))
    assert await zoe.text(f"/link {valid}") == t("link.expired")  # and not counted
    fresh = code_in(await ben.text("/link"))
    assert t("link.done", platform="Matrix") in await zoe.text(f"/link {fresh}")
    assert platforms.count(LinkAttempt) == 0  # pruned once outside the window


async def test_forgetme_after_linking_forgets_both_accounts(platforms: TwoPlatforms) -> None:
    _orga, (ana,) = await camp_with(platforms, "Anabel Sonnenschein")
    mia = platforms.other_person("Mia Mondlicht")
    await consented(mia)
    await mia.says(f"/link {code_in(await ana.text('/link'))}")
    replies = await mia.says("/forgetme confirm")
    assert replies[-1].text == t("forgetme.done")
    needles = ["Anabel Sonnenschein", "Mia Mondlicht", "@Mia Mondlicht:hs", "anabel sonnenschein"]
    assert rows_naming(platforms.app.engine, needles) == {}
    assert platforms.count(LinkCode) == 0
    assert platforms.count(Identity) == 1  # the organiser's
    assert platforms.count(Proposal) == 0


async def test_housekeeping_prunes_codes_a_day_after_they_expire(
    platforms: TwoPlatforms, clock: ManualClock
) -> None:
    ana, zoe = platforms.person("Ana"), platforms.person("Zoe")
    for person in (ana, zoe):
        await consented(person)
    await ana.says("/link")
    assert await zoe.text("/link ZZZZZZZZ") == t("link.wrong", tries=4)
    app = platforms.app
    prune_deliveries(app.uow_factory, app.engine, clock.now() + timedelta(hours=2), timedelta(7))
    assert (platforms.count(LinkCode), platforms.count(LinkAttempt)) == (1, 0)
    prune_deliveries(app.uow_factory, app.engine, clock.now() + timedelta(days=2), timedelta(7))
    assert platforms.count(LinkCode) == 0
