"""Telegram groups, quick polls, menus, escaping and people who blocked the bot."""

from __future__ import annotations

import pytest
from sqlmodel import select

from bot.telegram.rendering import TEXT_LIMIT, telegram_length
from handlers.core.i18n import catalogues
from handlers.core.messages import Button, Reply
from storage.core.shared_tables import Identity, LinkedChat, Person, Poll, PollAnswer, PollOption
from tests.e2e.test_telegram_flow import consent, create_camp
from tests.support.telegram_api import (
    BotAccount,
    telegram_api_fixture,  # noqa: F401 (fixture)
    telegram_server_fixture,  # noqa: F401 (fixture)
)
from tests.support.telegram_bot import (
    Phone,
    RunningBot,
    button_data,
    chat_messages,
    last_with_button,
    running_bot,
    text_of,
)
from tests.support.telegram_updates import TgChat, TgUser

pytestmark = pytest.mark.e2e

ORGA = TgUser(3001, "Olga", language_code="de")
ANA = TgUser(3002, "Ana", language_code="de")
BEN = TgUser(3003, "Ben", language_code="de")
GROUP = TgChat.group(-100777, "Jugendrat Musterstadt", supergroup=True)


def t(key: str, **values: object) -> str:
    return catalogues().text("de", key, **values)


async def camp_with_ana_and_ben(
    telegram_api: BotAccount, bot: RunningBot
) -> tuple[Phone, Phone, Phone]:
    """Olga's camp, which Ana and Ben joined by its link and agreed to the notice."""
    orga, ana, ben = (Phone(telegram_api, bot, user) for user in (ORGA, ANA, BEN))
    code = await create_camp(orga)
    for phone in (ana, ben):
        await phone.opens_deep_link(code)
        await phone.presses(t("start.agree"))
    return orga, ana, ben


def group_texts(telegram_api: BotAccount) -> list[str]:
    return telegram_api.delivered_texts(GROUP.id)


async def test_groups_link_polls_and_personal_steps(
    telegram_api: BotAccount, sqlite_url: str
) -> None:
    async with running_bot(telegram_api, sqlite_url) as bot:
        orga, ana, ben = (Phone(telegram_api, bot, user) for user in (ORGA, ANA, BEN))
        code = await create_camp(orga)
        await orga.says("/propose Skatepark am See")
        await ana.opens_deep_link(code)
        await ana.presses(t("start.agree"))

        async def in_group(phone: Phone, command: str, args: str = "") -> None:
            await says_in_group(phone, f"/{command}@{telegram_api.username} {args}".strip())

        async def says_in_group(phone: Phone, text: str) -> None:
            await bot.settled(telegram_api.inject_message(phone.user, text, chat=GROUP))

        telegram_api.set_member_status(GROUP.id, ORGA.id, "administrator")
        await in_group(orga, "linkgroup")
        assert group_texts(telegram_api)[-1] == t(
            "linkgroup.done", name="Jugend-BarCamp Musterstadt"
        )

        # /cmd@otherbot belongs to another bot; plain talk is not for us either.
        before = len(telegram_api.sends())
        await says_in_group(ana, "/sessions@other_bot")
        await says_in_group(ana, "hallo zusammen")
        assert len(telegram_api.sends()) == before

        # The ballot is personal: Ana gets it privately, the group a short note.
        await in_group(ana, "sessions")
        assert group_texts(telegram_api)[-1] == t("group.moved", name="Ana")
        assert button_data(ana.new_messages()[-1]) == ["vote 1"]
        # Ben never talked to the bot: a deep link that also joins the group's camp.
        await in_group(ben, "sessions")
        link = f"https://t.me/{telegram_api.username}?start={code}"
        assert group_texts(telegram_api)[-1] == t("group.go_private", name="Ben", link=link)
        assert ben.messages() == []

        await poll_in_the_group(telegram_api, bot, (orga, ana, ben), in_group)

        # Announcements reach the members and the linked group.
        await orga.says("/announce Morgen geht's los")
        announcement = t(
            "announce.message", name="Jugend-BarCamp Musterstadt", text="Morgen geht's los"
        )
        assert announcement in ana.texts()
        assert group_texts(telegram_api)[-1] == announcement


async def poll_in_the_group(telegram_api, bot, phones, in_group) -> None:  # type: ignore[no-untyped-def]
    """A quick poll is a message with buttons: only the camp's members answer, each
    press is answered with a toast, and the group sees counts, never who answered."""
    orga, ana, ben = phones
    otto = Phone(telegram_api, bot, TgUser(3004, "Otto", language_code="de"))
    await create_camp(otto)  # a member (organiser) of another camp
    cem = Phone(telegram_api, bot, TgUser(3999, "Cem"))  # never talked to the bot
    await in_group(orga, "poll", "Wann treffen wir uns? | 10 Uhr | 11 Uhr")
    assert telegram_api.calls("sendPoll") == []
    poll = last_with_button(chat_messages(telegram_api, GROUP.id), "10 Uhr")
    assert button_data(poll) == ["pollanswer 1 0", "pollanswer 1 1"]
    posted = len(telegram_api.sends(GROUP.id))

    def poll_text() -> str:
        shown = telegram_api.message(GROUP.id, poll["message_id"])
        assert shown is not None
        return text_of(shown)

    def counts(first: int, second: int) -> str:
        return "\n".join(
            t("poll.result_line", option=option, count=count)
            for option, count in (("10 Uhr", first), ("11 Uhr", second))
        )

    def toast() -> str:
        return str(telegram_api.calls("answerCallbackQuery")[-1].params.get("text", ""))

    def answers() -> list[int]:
        with bot.store() as session:
            return list(session.exec(select(PollAnswer.person_id)).all())

    assert poll_text().endswith(counts(0, 0))
    await ana.presses("10 Uhr", poll)
    assert toast() == t("poll.answered", option="10 Uhr")
    assert poll_text().endswith(counts(1, 0))
    await ana.presses("11 Uhr", poll)  # she changes her mind: still one answer
    assert toast() == t("poll.answered", option="11 Uhr")
    assert poll_text().endswith(counts(0, 1))
    assert len(answers()) == 1

    # Ben never agreed, Otto belongs to another camp, Cem is a stranger: refused, by toast.
    people_before = people_stored(bot)
    for phone, refusal in (
        (ben, t("consent.needed")),
        (otto, t("poll.members_only")),
        (cem, t("consent.needed")),
    ):
        await phone.presses("10 Uhr", poll)
        assert toast() == refusal
    assert len(answers()) == 1
    assert people_stored(bot) == people_before, "a refused press stores nobody"
    assert poll_text().endswith(counts(0, 1))
    # Nothing was said in the group: no message, let alone one naming who pressed.
    assert len(telegram_api.sends(GROUP.id)) == posted
    edits = [str(c.params["text"]) for c in telegram_api.calls("editMessageText", chat_id=GROUP.id)]
    assert len(edits) == 2  # Ana's two answers; the refusals left the message as it was
    assert not any(name in text for text in edits for name in ("Ana", "Ben", "Otto", "Cem"))

    await in_group(orga, "closepoll", "1")
    assert telegram_api.calls("stopPoll") == []
    closed = telegram_api.message(GROUP.id, poll["message_id"])
    assert closed is not None
    assert button_data(closed) == [], "the closed poll has no buttons"
    results = t("poll.results", question="Wann treffen wir uns?")
    assert text_of(closed) == "\n".join([results, counts(0, 1)])
    summaries = [c for c in telegram_api.sends(GROUP.id) if results in str(c.params["text"])]
    assert len(summaries) == 1, "the result is posted once, besides the poll's own message"
    # A press kept from before the close (a stale client) changes nothing.
    await bot.settled(
        telegram_api.inject_callback(ANA, GROUP.id, poll["message_id"], data="pollanswer 1 0")
    )
    assert toast() == t("poll.closed")
    with bot.store() as session:
        stored = session.exec(select(Poll)).one()
        final = [
            o.anonymous_answers
            for o in session.exec(select(PollOption).order_by(PollOption.position))
        ]
    assert stored.closed
    assert final == [0, 1]
    assert answers() == [], "closed: only anonymous counts remain"


def people_stored(bot) -> int:  # type: ignore[no-untyped-def]
    with bot.store() as session:
        return len(session.exec(select(Person)).all())


async def test_a_count_edit_retried_late_never_overwrites_a_newer_one(
    telegram_api: BotAccount, sqlite_url: str
) -> None:
    async with running_bot(telegram_api, sqlite_url) as bot:
        await camp_with_ana_and_ben(telegram_api, bot)
        text = f"/poll@{telegram_api.username} Wann? | 10 Uhr | 11 Uhr"
        await bot.settled(telegram_api.inject_message(ORGA, text, chat=GROUP))
        poll = last_with_button(chat_messages(telegram_api, GROUP.id), "10 Uhr")

        # Ana's count edit fails once and waits for its retry; Ben's goes out meanwhile.
        telegram_api.fail_with(502, "Bad Gateway", method="editMessageText", count=1)
        first = telegram_api.inject_callback(ANA, GROUP.id, poll["message_id"], button="10 Uhr")
        await telegram_api.wait_for(lambda calls: any(c.method == "editMessageText" for c in calls))
        await bot.settled(
            telegram_api.inject_callback(BEN, GROUP.id, poll["message_id"], button="11 Uhr")
        )
        await bot.settled(first)
    shown = telegram_api.message(GROUP.id, poll["message_id"])
    assert shown is not None
    both = [t("poll.result_line", option=o, count=1) for o in ("10 Uhr", "11 Uhr")]
    assert text_of(shown) == "\n".join(["Wann?", "", *both])
    edits = telegram_api.calls("editMessageText", chat_id=GROUP.id)
    assert [call.ok for call in edits] == [False, True], "Ana's stale counts never went out"


async def test_linkgroup_takes_an_admin_and_never_takes_over(
    telegram_api: BotAccount, sqlite_url: str
) -> None:
    otto = TgUser(3004, "Otto", language_code="de")
    camp = "Jugend-BarCamp Musterstadt"
    async with running_bot(telegram_api, sqlite_url) as bot:
        orga, other = Phone(telegram_api, bot, ORGA), Phone(telegram_api, bot, otto)
        await create_camp(orga)
        await create_camp(other)

        async def in_group(user: TgUser, command: str) -> str:
            text = f"/{command}@{telegram_api.username}"
            await bot.settled(telegram_api.inject_message(user, text, chat=GROUP))
            return group_texts(telegram_api)[-1]

        # Olga organises the camp, but Telegram says she is no admin of the group.
        assert await in_group(ORGA, "linkgroup") == t("linkgroup.not_admin")
        asked = telegram_api.calls("getChatMember")[-1]
        assert (str(asked.params["chat_id"]), str(asked.params["user_id"])) == (
            str(GROUP.id),
            str(ORGA.id),
        )
        telegram_api.set_member_status(GROUP.id, ORGA.id, "creator")
        assert await in_group(ORGA, "linkgroup") == t("linkgroup.done", name=camp)

        # Otto, organiser of another camp and admin here, cannot take the group over.
        telegram_api.set_member_status(GROUP.id, otto.id, "administrator")
        orga.new_messages()
        assert await in_group(otto, "linkgroup") == t("linkgroup.taken", name=camp)
        with bot.store() as session:
            assert len(session.exec(select(LinkedChat)).all()) == 1
        # As a group admin he may unlink it, and Olga is told in her private chat.
        assert await in_group(otto, "unlinkgroup") == t("unlinkgroup.done", name=camp)
        assert [text_of(m) for m in orga.new_messages()] == [
            t("unlinkgroup.notice", name=camp, platform="telegram")
        ]
        assert await in_group(otto, "linkgroup") == t("linkgroup.done", name=camp)


async def test_text_is_escaped_and_long_text_split(
    telegram_api: BotAccount, sqlite_url: str
) -> None:
    tricky = TgUser(3101, "<b>Kim</b> & Co", language_code="de")
    async with running_bot(telegram_api, sqlite_url) as bot:
        kim = Phone(telegram_api, bot, tricky)
        await consent(kim)
        assert t("start.consented", name="<b>Kim</b> & Co") in kim.texts()

        paragraph = "Ein Absatz mit <Zeichen> & Umlauten äöü und 🎉 Emoji. " * 30
        long_text = "\n\n".join([paragraph.strip()] * 8)
        buttons = ((Button("OK", "help"),),)
        await bot.adapter.send(str(tricky.id), Reply(long_text, buttons=buttons), 1)
        pieces = kim.new_messages()
    assert len(pieces) == 4  # 13,000 characters, cut between paragraphs
    assert all(telegram_length(text_of(piece)) <= TEXT_LIMIT for piece in pieces)
    assert "\n\n".join(text_of(piece) for piece in pieces) == long_text
    assert [button_data(piece) for piece in pieces] == [[], [], [], ["help"]]


async def test_command_menus_per_scope_and_language(
    telegram_api: BotAccount, sqlite_url: str
) -> None:
    async with running_bot(telegram_api, sqlite_url) as bot:
        orga = Phone(telegram_api, bot, ORGA)
        await create_camp(orga)
        await bot.adapter.menus.refresh_team()

    def names(scope: dict[str, object], language: str = "") -> list[str]:
        return [command["command"] for command in telegram_api.commands(scope, language)]

    private = names({"type": "all_private_chats"}, "de")
    assert private[:4] == ["start", "join", "propose", "sessions"]
    assert not {"queue", "approve", "announce", "newcamp", "consent"} & set(private)
    english = telegram_api.commands({"type": "all_private_chats"}, "en")
    assert english[0]["description"] == catalogues().text("en", "help.start")
    assert "poll" not in names({"type": "all_group_chats"}, "de")
    assert {"poll", "linkgroup", "announce"} <= set(names({"type": "all_chat_administrators"}))
    team = names({"type": "chat", "chat_id": ORGA.id})
    assert {"queue", "newcamp", "announce", "sessions"} <= set(team)


async def test_a_person_who_blocked_the_bot_is_skipped(
    telegram_api: BotAccount, sqlite_url: str
) -> None:
    async with running_bot(telegram_api, sqlite_url) as bot:
        orga, _, ben = await camp_with_ana_and_ben(telegram_api, bot)
        await bot.settled(telegram_api.inject_block(ANA))
        telegram_api.block(BEN.id)  # Ben blocked us too, but Telegram has not told us yet
        await orga.says("/announce Erste Ankündigung")
        await orga.says("/announce Zweite Ankündigung")
    attempts_to = {
        user.id: len(telegram_api.calls("sendMessage", chat_id=user.id)) for user in (ANA, BEN)
    }
    with bot.store() as session:
        unreachable = {
            i.platform_user_id for i in session.exec(select(Identity)) if i.unreachable_at
        }
    assert unreachable == {str(ANA.id), str(BEN.id)}
    # Ana's 403s never happen (we knew), Ben's first 403 is the last attempt.
    failed = [c for c in telegram_api.calls("sendMessage") if not c.ok]
    assert [c.chat_id for c in failed] == [BEN.id]
    assert attempts_to[BEN.id] == len(ben.messages()) + 1
