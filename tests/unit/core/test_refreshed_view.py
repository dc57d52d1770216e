"""Which view a button press re-renders: a command, optionally with the pressed words."""

from __future__ import annotations

from handlers.core.messages import CommandLine, command_line
from handlers.core.router import refreshed_view


def test_a_plain_view_takes_no_arguments() -> None:
    assert refreshed_view("sessions", command_line("vote 3")) == CommandLine("sessions", "")


def test_a_view_may_name_the_pressed_command_s_words() -> None:
    pressed = command_line("dateanswer 4 2 maybe")
    assert refreshed_view("datepoll {0}", pressed) == CommandLine("datepoll", "4")
    assert refreshed_view("show {0} {2}", pressed) == CommandLine("show", "4 maybe")
