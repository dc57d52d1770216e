"""/link in a council: one person's date-poll answers count once per date, whichever
accounts answered; the account that sends the code keeps its own answers."""

from __future__ import annotations

import pytest
from sqlmodel import select

from storage.council.date_poll_tables import DateAnswer, DateAnswerKind
from tests.integration.core.test_people_and_links import MakeApp, TwoPlatforms, code_in, consented
from tests.support.council import create_council
from tests.support.store import raw_session


@pytest.fixture
def two(make_app: MakeApp, store_url: str) -> TwoPlatforms:
    return TwoPlatforms(make_app(store_url))


def answers(platforms: TwoPlatforms) -> list[tuple[int, int, DateAnswerKind]]:
    with raw_session(platforms.app.engine) as session:
        rows = session.exec(select(DateAnswer)).all()
        return sorted((row.person_id, row.option_id, row.answer) for row in rows)


async def test_linked_accounts_answer_each_date_once(two: TwoPlatforms) -> None:
    platforms = two
    olga = platforms.person("Olga")
    code = await create_council(olga)
    ana, mia = platforms.person("Ana"), platforms.other_person("Mia")
    for account in (ana, mia):
        await consented(account)
        await account.says(f"/join {code}")
    await olga.says("/datepoll Erste Sitzung | 2027-07-06 17:00 | 2027-07-07 18:00")
    await ana.says("/dateanswer 1 1 yes")
    await ana.says("/dateanswer 1 2 no")
    await mia.says("/dateanswer 1 1 maybe")
    ana_id, mia_id = platforms.person_id(ana), platforms.person_id(mia)
    assert len(answers(platforms)) == 3
    # Mia's account sends the code: it stays, and keeps its own answer to date 1.
    await mia.says(f"/link {code_in(await ana.text('/link'))}")
    kept = answers(platforms)
    assert {person for person, _, _ in kept} == {mia_id}
    assert [answer for _, _, answer in kept] == [DateAnswerKind.MAYBE, DateAnswerKind.NO]
    assert platforms.person_id(ana) == mia_id != ana_id
    # The merged person answers on either platform, still once per date.
    await ana.says("/dateanswer 1 1 yes")
    assert [answer for _, _, answer in answers(platforms)] == [
        DateAnswerKind.YES,
        DateAnswerKind.NO,
    ]
