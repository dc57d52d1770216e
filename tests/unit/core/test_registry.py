"""Typed command arguments: the signature is the grammar."""

from __future__ import annotations

from typing import Literal

import pytest

from handlers.core.context import Context
from handlers.core.registry import ArgumentError, Registry, Text
from storage.core.shared_tables import EventKind


def make_registry() -> Registry:
    registry = Registry()

    @registry.command("vote")
    def vote(ctx: Context, numbers: list[int]) -> None: ...

    @registry.command("reject")
    def reject(ctx: Context, number: int, reason: Text | None) -> None: ...

    @registry.command("language")
    def language(ctx: Context, code: Literal["de", "en"] | None) -> None: ...

    @registry.command("join")
    def join(ctx: Context, code: str) -> None: ...

    return registry


@pytest.mark.parametrize(
    ("command", "text", "expected"),
    [
        ("vote", "2 5", {"numbers": [2, 5]}),
        ("vote", "#3, 4", {"numbers": [3, 4]}),
        ("reject", "3 zu  ähnlich wie 2", {"number": 3, "reason": "zu  ähnlich wie 2"}),
        ("reject", "3", {"number": 3, "reason": None}),
        ("language", "EN", {"code": "en"}),
        ("language", "", {"code": None}),
        ("join", "k7m2qx", {"code": "k7m2qx"}),
    ],
)
def test_arguments_parse_by_type(command: str, text: str, expected: dict[str, object]) -> None:
    assert make_registry().commands[command].parse(text) == expected


@pytest.mark.parametrize(
    ("command", "text"),
    [
        ("vote", ""),
        ("vote", "zwei"),
        ("vote", "-1"),
        ("vote", "1e5"),
        ("vote", "١"),
        ("reject", ""),
        ("reject", "drei weil"),
        ("language", "fr"),
        ("language", "de en"),
        ("join", ""),
        ("join", "A B"),
    ],
)
def test_wrong_arguments_are_refused(command: str, text: str) -> None:
    with pytest.raises(ArgumentError):
        make_registry().commands[command].parse(text)


def test_a_command_name_is_registered_once() -> None:
    registry = make_registry()
    with pytest.raises(ValueError, match="twice"):

        @registry.command("vote")
        def again(ctx: Context) -> None: ...


def test_unsupported_argument_types_fail_at_registration() -> None:
    with pytest.raises(TypeError, match="unsupported"):

        @Registry().command("odd")
        def odd(ctx: Context, value: float) -> None: ...


def test_one_name_serves_each_kind_with_its_own_function() -> None:
    registry = Registry()
    camp, council = frozenset({EventKind.BARCAMP}), frozenset({EventKind.COUNCIL})

    @registry.command("export", kinds=council, variant=True)
    def council_export(ctx: Context, format_name: Literal["ics"] | None) -> None: ...

    @registry.command("export", kinds=camp)
    def camp_export(ctx: Context, format_name: Literal["md", "ics"]) -> None: ...

    assert registry.find("export", EventKind.COUNCIL).func is council_export  # type: ignore[union-attr]
    assert registry.find("export", EventKind.BARCAMP).func is camp_export  # type: ignore[union-attr]
    # Without an event, the one that is not a variant answers (and asks for an event).
    assert registry.find("export").func is camp_export  # type: ignore[union-attr]
    assert registry.find("import") is None
    variant = registry.commands["council_export"]
    assert (variant.help_key, variant.usage_key) == ("help.council_export", "usage.council_export")
    assert registry.commands["export"].help_key == "help.export"
    shown = [spec.key for spec in registry.visible_to(None, True, True, EventKind.COUNCIL)]
    assert shown == ["council_export"]
    assert [spec.key for spec in registry.visible_to(None, True, True)] == ["export"]


def test_variants_of_one_name_serve_different_kinds() -> None:
    registry = Registry()
    camp = frozenset({EventKind.BARCAMP})

    @registry.command("export", kinds=camp)
    def camp_export(ctx: Context) -> None: ...

    with pytest.raises(ValueError, match="registered twice"):

        @registry.command("export", kinds=camp, variant=True)
        def also_camp(ctx: Context) -> None: ...

    with pytest.raises(ValueError, match="registered twice"):

        @registry.command("export", kinds=frozenset({EventKind.COUNCIL}))
        def not_marked(ctx: Context) -> None: ...
