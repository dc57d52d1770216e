"""A whole camp on Telegram: real python-telegram-bot against the loopback Bot API server."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest
from PIL import Image

from handlers.core.i18n import catalogues
from tests.support.telegram_api import (
    BotAccount,
    telegram_api_fixture,  # noqa: F401 (fixture)
    telegram_server_fixture,  # noqa: F401 (fixture)
)
from tests.support.telegram_bot import (
    Phone,
    RunningBot,
    button_data,
    button_labels,
    running_bot,
    text_of,
)
from tests.support.telegram_updates import JSON, TgUser

pytestmark = pytest.mark.e2e

ORGA = TgUser(2001, "Olga", "olga", language_code="de")
ANA = TgUser(2002, "Ana", language_code="de")
CAMP_ANSWERS = (
    "Jugend-BarCamp Musterstadt",
    "2030-06-13",
    "Jugendhaus",
    "Aula:60, Raum 1:20",
    "10:00-10:45, 11:00-11:45",
)


def t(key: str, **values: object) -> str:
    return catalogues().text("de", key, **values)


async def consent(phone: Phone) -> None:
    await phone.says("/start")
    await phone.presses(t("start.agree"))


async def create_camp(orga: Phone) -> str:
    """/newcamp through its dialog; the join code."""
    await consent(orga)
    await orga.says("/newcamp")
    for answer in CAMP_ANSWERS:
        answers = await orga.says(answer)
    found = re.search(r"\b([A-Z2-9]{6})\b", text_of(answers[0]))
    assert found, answers
    return found.group(1)


async def test_deep_link_join_propose_moderate_and_vote(
    telegram_api: BotAccount, sqlite_url: str
) -> None:
    async with running_bot(telegram_api, sqlite_url) as bot:
        orga, ana = Phone(telegram_api, bot, ORGA), Phone(telegram_api, bot, ANA)
        code = await create_camp(orga)
        link = f"https://t.me/{telegram_api.username}?start={code}"
        assert_qr_code_sent(telegram_api, link)

        # The deep link sends "/start CODE": consent first, then Ana is in.
        welcome = (await ana.opens_deep_link(code))[-1]
        joined = await ana.presses(t("start.agree"))
        assert [text_of(m) for m in joined] == [
            t("start.consented_joining", name="Ana"),
            t("join.done", name=CAMP_ANSWERS[0]),
        ]  # just joined: not told how to join
        await agree_again(telegram_api, ana, welcome)

        await ana.says("/propose")
        await ana.says("Skatepark am See")
    async with running_bot(telegram_api, sqlite_url) as bot:  # a restart mid-dialog
        orga, ana = Phone(telegram_api, bot, ORGA), Phone(telegram_api, bot, ANA)
        submitted = await ana.says("Wo könnte er hin?")
        assert "Skatepark am See" in text_of(submitted[-1])

        # Moderation by button; Ana hears of it in her chat.
        queue = await orga.says("/queue")
        assert button_data(queue[0]) == ["approve 1", "rejectreason 1"]
        await orga.presses(t("queue.approve_button"), queue[0])
        assert t("approve.notice", title="Skatepark am See") in ana.texts()

        await vote_with_the_ballot(telegram_api, bot, orga, ana)


async def test_join_links_use_the_username_that_get_me_answers(
    telegram_api: BotAccount, sqlite_url: str
) -> None:
    async with running_bot(telegram_api, sqlite_url, telegram_bot_username=None) as bot:
        code = await create_camp(Phone(telegram_api, bot, ORGA))
        link = f"https://t.me/{telegram_api.username}?start={code}"
        assert_qr_code_sent(telegram_api, link)
        [photo] = telegram_api.calls("sendPhoto")
        assert str(photo.text).endswith(link)


async def test_the_reject_button_asks_for_a_reason_the_proposer_reads(
    telegram_api: BotAccount, sqlite_url: str
) -> None:
    async with running_bot(telegram_api, sqlite_url) as bot:
        orga, ana = Phone(telegram_api, bot, ORGA), Phone(telegram_api, bot, ANA)
        code = await create_camp(orga)
        await ana.opens_deep_link(code)
        await ana.presses(t("start.agree"))
        await ana.says("/propose Skatepark am See")
        queue = await orga.says("/queue")
        [question] = await orga.presses(t("queue.reject_button"), queue[0])
        assert text_of(question) == t("reject.ask_reason", number=1, title="Skatepark am See")
        assert button_labels(question) == [t("reject.without_reason_button")]
        assert t("reject.notice", title="Skatepark am See") not in ana.texts()
        [done] = await orga.says("Gibt es schon im Jugendhaus")
        assert text_of(done) == t("reject.done", number=1, title="Skatepark am See")
        notice = t(
            "reject.notice_reason", title="Skatepark am See", reason="Gibt es schon im Jugendhaus"
        )
        assert ana.texts()[-1] == notice


async def vote_with_the_ballot(
    telegram_api: BotAccount, bot: RunningBot, orga: Phone, ana: Phone
) -> None:
    for number in range(2, 7):  # staff proposals need no moderation
        await orga.says(f"/propose Thema Nummer {number}")
    ballot = (await ana.says("/sessions"))[-1]
    assert t("vote.budget", used=0, budget=5) in text_of(ballot)
    assert button_data(ballot) == [f"vote {n}" for n in range(1, 7)]

    for number in range(1, 6):
        label = next(b for b in ballot_labels(ana, ballot) if f" {number} · " in b)
        assert await ana.presses(label, ballot) == []  # no new message: the ballot changes
    edited = telegram_api.message(ANA.id, ballot["message_id"])
    assert edited is not None
    budget = t("vote.budget", used=5, budget=5)
    assert text_of(edited).count(budget) == 1  # the ballot's line; not again in the notice
    assert text_of(edited).endswith(budget)
    assert ballot_labels(ana, ballot)[0].startswith("✅ 1 · ")
    toasts = [c.params.get("text") for c in telegram_api.calls("answerCallbackQuery")]
    assert str(toasts[-1]) == t("vote.added", number=5, title="Thema Nummer 5")

    # The sixth vote is over the budget: refused, and said so, pointing at the buttons.
    label = next(b for b in ballot_labels(ana, ballot) if " 6 · " in b)
    [refused] = await ana.presses(label, ballot)
    assert text_of(refused) == t("vote.over_budget_pressed", budget=5, used=5, wanted=6)
    # Taking one back frees a vote.
    await ana.presses(ballot_labels(ana, ballot)[0], ballot)
    edited = telegram_api.message(ANA.id, ballot["message_id"])
    assert edited is not None
    assert t("vote.budget", used=4, budget=5) in text_of(edited)


async def agree_again(telegram_api: BotAccount, phone: Phone, welcome: JSON) -> None:
    """The welcome's buttons stay live: a second press only stops the button's spinner."""
    answered = len(telegram_api.calls("answerCallbackQuery"))
    assert await phone.presses(t("start.agree"), welcome) == []
    [answer] = telegram_api.calls("answerCallbackQuery")[answered:]
    assert answer.ok
    assert not answer.params.get("text")


def ballot_labels(phone: Phone, ballot: dict[str, object]) -> list[str]:
    current = phone.tg.message(phone.chat_id, int(str(ballot["message_id"])))
    assert current is not None
    rows = current.get("reply_markup", {}).get("inline_keyboard", [])
    return [button["text"] for row in rows for button in row]


def assert_qr_code_sent(telegram_api: BotAccount, link: str) -> None:
    [photo] = telegram_api.calls("sendPhoto")
    assert link in str(photo.text)
    upload = next(iter(photo.files.values()))
    with Image.open(io.BytesIO(upload.content)) as image:
        assert image.format == "PNG"
        assert image.size[0] >= 200


def test_catalogue_exists() -> None:
    for language in ("de", "en"):
        assert (Path("handlers/locale") / language / "LC_MESSAGES" / "telegram.po").exists()


async def test_mydata_arrives_as_a_json_document(telegram_api: BotAccount, sqlite_url: str) -> None:
    async with running_bot(telegram_api, sqlite_url) as bot:
        ana = Phone(telegram_api, bot, ANA)
        await consent(ana)
        [message] = await ana.says("/mydata")
        assert message["document"]["file_name"] == "my-data.json"
        assert text_of(message) == t("mydata.caption")
        [call] = telegram_api.calls("sendDocument")
        data = json.loads(call.files["document"].content)
        assert data["identities"][0]["platform"] == "telegram"
        assert data["identities"][0]["id"] == str(ANA.id)
        assert data["person"]["display_name"] == "Ana"
