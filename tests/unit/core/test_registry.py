"""Typed command arguments: the signature is the grammar."""

from __future__ import annotations

from typing import Literal

import pytest

from handlers.core.context import Context
from handlers.core.registry import ArgumentError, Registry, Text


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
