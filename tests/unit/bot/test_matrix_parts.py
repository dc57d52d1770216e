"""The Matrix adapter's parts without a homeserver: rendering, polls, pacing, reactions,
invites, settings, and events that wait for their room key.

The end-to-end tests against Synapse are in tests/e2e/test_matrix_*.py.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import ClassVar

import nio  # type: ignore[import-untyped, unused-ignore]
import pytest

from bot.bootstrap import App
from bot.matrix import config_from, polls
from bot.matrix.inbound import Inbound, command_text, is_edit, sends_state
from bot.matrix.invites import greeting, invite_allowed
from bot.matrix.reactions import ReactionVotes, is_thumbs_up
from bot.matrix.render import Renderer, to_html
from bot.matrix.rooms import Rooms
from bot.matrix.sending import RoomPacer, transaction_id
from bot.matrix.store import MatrixStore
from bot.settings import Settings
from handlers.core.i18n import LANGUAGES, catalogues
from handlers.core.messages import (
    Button,
    ChatKind,
    Incoming,
    IncomingText,
    PollSpec,
    Reply,
    ShownItems,
)
from handlers.core.registry import registry
from tests.support.chat import Person
from tests.unit.core.test_flow import create_camp

MakePerson = Callable[..., Person]


def renderer() -> Renderer:
    return Renderer(registry.commands, catalogues())


def test_html_is_escaped_and_keeps_line_breaks() -> None:
    assert to_html('<b>Kunst & "Musik"</b>\nZeile 2') == (
        '&lt;b&gt;Kunst &amp; "Musik"&lt;/b&gt;<br>Zeile 2'
    )


def test_our_commands_are_written_with_an_exclamation_mark() -> None:
    text = "Schreib /vote 3 oder /help. Nicht: /unbekannt, https://t.me/bot?start=X, data/console"
    assert renderer().bang_commands(text) == (
        "Schreib !vote 3 oder !help. Nicht: /unbekannt, https://t.me/bot?start=X, data/console"
    )


def test_buttons_become_commands_to_type_and_the_tap_hint_is_rewritten() -> None:
    welcome = catalogues().text("de", "start.welcome")
    reply = Reply(welcome, buttons=((Button("✅ Einverstanden", "consent de"),),))
    (part,) = renderer().text_parts(reply, direct=True)
    body = part.content["body"]
    assert body.endswith("➜ !consent de — ✅ Einverstanden")
    assert catalogues().text("de", "matrix.type_command") in body
    assert catalogues().text("de", "matrix.tap_button") not in body
    assert part.content["format"] == "org.matrix.custom.html"
    assert part.content["msgtype"] == "m.notice"


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_tap_phrase_is_what_the_core_says(language: str) -> None:
    tap = catalogues().text(language, "matrix.tap_button")
    for key in ("start.welcome", "sessions.header"):
        assert tap in catalogues().text(language, key, name="X")


def sessions_reply() -> Reply:
    buttons = ((Button("☐ 1 · A", "vote 1"),), (Button("✅ 2 · B", "vote 2"),))
    text = (
        "Vorschläge – tippe auf einen Knopf oder schreib /vote N:\n1. A\n2. B ✅\nDu hast 1 von 5."
    )
    return Reply(text, buttons=buttons, items=ShownItems("proposal", (11, 12)))


def test_a_proposal_list_is_one_message_per_proposal_in_a_direct_chat() -> None:
    parts = renderer().text_parts(sessions_reply(), direct=True)
    assert [part.content["body"] for part in parts] == [
        "Vorschläge – reagiere mit 👍 auf einen Vorschlag oder schreib !vote N:",
        "1. A\n👍 · !vote 1",
        "2. B ✅\n👍 · !vote 2",
        "Du hast 1 von 5.",
    ]
    assert [part.shows for part in parts] == [None, ("proposal", 11), ("proposal", 12), None]


def test_a_proposal_list_is_one_message_with_commands_in_a_room() -> None:
    (part,) = renderer().text_parts(sessions_reply(), direct=False)
    assert part.content["body"].split("\n")[1:] == [
        "1. A ➜ !vote 1",
        "2. B ✅ ➜ !vote 2",
        "Du hast 1 von 5.",
    ]


def test_item_ids_that_do_not_fit_the_text_are_ignored() -> None:
    reply = Reply("Nur eine Zeile", items=ShownItems("proposal", (1, 2, 3)))
    (part,) = renderer().text_parts(reply, direct=True)
    assert part.content["body"] == "Nur eine Zeile"


async def test_sessions_marks_its_proposal_lines(people: MakePerson) -> None:
    orga = people("Orga")
    await create_camp(orga, "de")
    await orga.says("/propose Skatepark am See")
    await orga.says("/propose WLAN im Park")
    (listing,) = await orga.says("/sessions")
    assert listing.items is not None
    assert listing.items.kind == "proposal"
    assert len(listing.items.ids) == 2
    assert listing.text.split("\n")[1:3] == [
        "1. Skatepark am See (0 Stimmen)",
        "2. WLAN im Park (0 Stimmen)",
    ]


def test_poll_start_carries_the_unstable_and_the_stable_form() -> None:
    content = polls.start_content(PollSpec(7, "Pizza?", ("Ja", "Nein")))
    unstable = content["org.matrix.msc3381.poll.start"]
    assert unstable["kind"] == "org.matrix.msc3381.poll.undisclosed"
    assert [a["id"] for a in unstable["answers"]] == ["option-0", "option-1"]
    assert content["m.poll"]["answers"][1] == {"m.id": "option-1", "m.text": [{"body": "Nein"}]}
    assert content["body"] == "Pizza?\n1. Ja\n2. Nein"


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ({"org.matrix.msc3381.poll.response": {"answers": ["option-1"]}}, (1,)),
        ({"m.selections": ["option-0"]}, (0,)),
        ({"m.selections": []}, ()),  # taken back
        ({"m.selections": ["pizza"]}, ()),  # not ours: a spoiled vote counts as none
        ({"m.selections": ["option-99999"]}, ()),
    ],
)
def test_poll_responses_in_both_forms(
    content: dict[str, object], expected: tuple[int, ...]
) -> None:
    relation = {"rel_type": "m.reference", "event_id": "$start"}
    assert polls.response_of({**content, "m.relates_to": relation}) == ("$start", expected)


def test_a_poll_response_without_relation_is_nothing() -> None:
    assert polls.response_of({"m.selections": ["option-0"]}) is None


def test_pacing_lets_a_burst_through_then_spaces_messages() -> None:
    now = [100.0]
    pacer = RoomPacer(per_second=2.0, burst=3, clock=lambda: now[0])
    assert [pacer.delay("!a") for _ in range(3)] == [0.0, 0.0, 0.0]
    assert pacer.delay("!a") == pytest.approx(0.5)
    assert pacer.delay("!a") == pytest.approx(1.0)
    assert pacer.delay("!b") == 0.0  # another room has its own budget
    now[0] += 10
    assert pacer.delay("!a") == 0.0


def test_the_default_burst_is_two_seconds_worth() -> None:
    assert RoomPacer(5.0).burst == 10
    assert RoomPacer(0.2).burst == 1


def test_transaction_ids_are_stable_per_outbox_row_and_content() -> None:
    content = {"msgtype": "m.notice", "body": "Hallo"}
    assert transaction_id("s1", 7, 0, content) == transaction_id("s1", 7, 0, dict(content))
    assert transaction_id("s1", 7, 0, content) != transaction_id("s1", 7, 1, content)
    assert transaction_id("s1", 7, 0, content) != transaction_id("s2", 7, 0, content)
    assert transaction_id("s1", 7, 0, content) != transaction_id("s1", 7, 0, {"body": "Hi"})


@pytest.mark.parametrize("key", ["👍", "👍️", "👍🏽"])
def test_thumbs_up_in_every_skin_tone(key: str) -> None:
    assert is_thumbs_up(key)


def test_other_reactions_do_not_vote() -> None:
    assert not is_thumbs_up("👎")
    assert not is_thumbs_up("❤️")


def test_a_reply_quote_is_not_part_of_the_command() -> None:
    body = "> <@ana:localhost> 1. Skatepark\n> zweite Zeile\n\n!vote 1"
    assert command_text(body) == "!vote 1"
    assert command_text("!vote 1") == "!vote 1"
    assert is_edit({"m.relates_to": {"rel_type": "m.replace", "event_id": "$x"}})
    assert not is_edit({"body": "!vote 1"})


def test_invites_only_from_allowed_servers() -> None:
    assert invite_allowed("@ana:example.org", ())
    assert invite_allowed("@ana:Example.org", ("example.org",))
    assert not invite_allowed("@eve:evil.example", ("example.org",))
    assert not invite_allowed(None, ("example.org",))


def test_the_greeting_speaks_both_languages_default_first() -> None:
    text = greeting(catalogues(), "en", direct=True)
    english, german = text.split("\n\n")
    assert english == catalogues().text("en", "matrix.greeting_direct")
    assert german == catalogues().text("de", "matrix.greeting_direct")


def test_settings_need_a_pickle_key_with_matrix(tmp_path: Path) -> None:
    matrix = {"matrix_homeserver": "http://127.0.0.1:8008", "matrix_user_id": "@bot:localhost"}
    with pytest.raises(ValueError, match="matrix_pickle_key"):
        Settings(_env_file=None, **matrix)  # type: ignore[call-arg]
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        data_dir=tmp_path,
        matrix_pickle_key="geheim",
        matrix_password="pw",
        matrix_invite_servers="Example.org, localhost",
        **matrix,
    )
    config = config_from(settings)
    assert config.store_dir == tmp_path / "matrix"
    assert config.invite_servers == ("example.org", "localhost")
    assert config.pickle_key == "geheim"
    assert config.password == "pw"
    assert config.access_token is None


class KeyLaterClient:
    """Just enough of nio's client: the room key of an event arrives after a while."""

    user_id = "@bot:localhost"
    rooms: ClassVar[dict[str, object]] = {}

    def __init__(self) -> None:
        self.key_arrived = False
        self.key_requests = 0

    async def request_room_key(self, event: object) -> None:
        self.key_requests += 1

    def decrypt_event(self, event: nio.MegolmEvent) -> object:
        if not self.key_arrived:
            raise nio.EncryptionError("no session")
        return nio.RoomMessageText.from_dict(
            {
                "type": "m.room.message",
                "event_id": event.event_id,
                "sender": event.sender,
                "origin_server_ts": 1,
                "content": {"msgtype": "m.text", "body": "!help"},
            }
        )


def encrypted_event(event_id: str) -> nio.MegolmEvent:
    content = {
        "algorithm": "m.megolm.v1.aes-sha2",
        "ciphertext": "AwgA",
        "device_id": "ANAPHONE",
        "sender_key": "curve",
        "session_id": "session",
    }
    return nio.MegolmEvent.from_dict(
        {
            "type": "m.room.encrypted",
            "event_id": event_id,
            "sender": "@ana:localhost",
            "origin_server_ts": 1,
            "content": content,
        }
    )


async def test_an_event_waits_for_its_room_key_also_across_a_restart(app: App) -> None:
    store = MatrixStore(app.uow_factory, app.clock)
    client = KeyLaterClient()

    def inbound() -> Inbound:
        rooms = Rooms(client, store)
        return Inbound(client, rooms, store, ReactionVotes(store), registry.commands)

    handed: list[Incoming] = []

    async def on_event(incoming: Incoming) -> None:
        handed.append(incoming)

    first = inbound()
    await first.rooms.remember("!dm:localhost", direct=True)
    await first.deliver("!dm:localhost", encrypted_event("$late"), on_event)
    await first.retry_undecrypted(on_event)
    assert handed == []
    assert client.key_requests == 1

    after_restart = inbound()
    await after_restart.load()
    client.key_arrived = True
    await after_restart.retry_undecrypted(on_event)
    (incoming,) = handed
    assert isinstance(incoming, IncomingText)
    assert (incoming.text, incoming.external_id) == ("!help", "$late")
    assert incoming.chat.kind is ChatKind.PRIVATE
    assert after_restart.undecrypted == {}


def room_state(version: str, users: dict[str, int], **create: object) -> list[dict[str, object]]:
    levels = {"users": users, "users_default": 0, "state_default": 50}
    return [
        {
            "type": "m.room.create",
            "state_key": "",
            "sender": "@olga:x",
            "content": {"room_version": version, **create},
        },
        {"type": "m.room.power_levels", "state_key": "", "sender": "@olga:x", "content": levels},
    ]


def test_room_admins_are_creators_from_version_12_and_else_by_power_level() -> None:
    # Version 12: creators are listed nowhere in the power levels, yet rank highest.
    modern = room_state("12", {"@mod:x": 50}, additional_creators=["@co:x"])
    assert [sends_state(modern, user) for user in ("@olga:x", "@co:x", "@mod:x", "@ana:x")] == [
        True,
        True,
        True,
        False,
    ]
    # Before: only the power levels count, also for the creator.
    legacy = room_state("10", {"@olga:x": 0, "@mod:x": 50}, additional_creators=["@co:x"])
    assert [sends_state(legacy, user) for user in ("@olga:x", "@co:x", "@mod:x")] == [
        False,
        False,
        True,
    ]
    assert not sends_state([], "@olga:x")
