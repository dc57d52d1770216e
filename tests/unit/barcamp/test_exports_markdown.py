"""Markdown export: structure per day and slot, user text escaped."""

from __future__ import annotations

import re

from schedules.barcamp.exports.markdown import escape
from tests.unit.barcamp.agenda_samples import (
    empty_camp,
    full_camp,
    hostile_camp,
    one_session_camp,
    render,
)


def markdown(agenda_output: bytes) -> list[str]:
    return agenda_output.decode("utf-8").splitlines()


def test_one_session_camp() -> None:
    lines = markdown(render("md", one_session_camp()))
    assert lines[0] == "# Jugend-BarCamp Musterstadt"
    assert "## Samstag, 14. September 2024" in lines
    assert "### 10:30–11:15" in lines
    assert "- **Aula:** **Skatepark für alle** · Nr. 1 · mit Ana, Ben  " in lines
    assert "### 12:15–13:15 · Pause" in lines


def test_full_camp_has_a_heading_per_day_and_an_item_per_session() -> None:
    lines = markdown(render("md", full_camp()))
    day_headings = [line for line in lines if line.startswith("## ")]
    assert day_headings == ["## Samstag, 14. September 2024", "## Sonntag, 15. September 2024"]
    assert sum(line.startswith("- **") for line in lines) == 120
    assert "### 23:30–00:30" in lines


def test_empty_camp_says_so_and_marks_the_draft() -> None:
    lines = markdown(render("md", empty_camp(published=False)))
    assert lines[0] == "# Entwurf: Jugend-BarCamp Musterstadt"
    assert any(line.startswith("> **Entwurf") for line in lines)
    assert "Noch keine Sessions im Plan." in lines


def test_hostile_text_cannot_add_structure_or_html() -> None:
    text = render("md", hostile_camp()).decode("utf-8")
    assert re.search(r"(?<!\\)[<>&]", text) is None, "every <, > and & is escaped"
    assert "\\<script\\>alert(1)\\</script\\>" in text
    assert "\\[Link\\](javascript:alert(1))" in text
    for line in text.splitlines():
        assert not line.startswith(("# Über", "- Liste", "<")), line


def test_unscheduled_sessions_are_listed_last() -> None:
    lines = [line for line in markdown(render("md", hostile_camp())) if line]
    assert lines[-2] == "## Noch ohne Platz im Plan"
    assert lines[-1] == "- **\\<i\\>Noch offen\\</i\\>** · Nr. 99"


def test_escape_neutralises_block_and_inline_markup() -> None:
    assert escape("1. Punkt") == "1\\. Punkt"
    assert escape("- Liste") == "\\- Liste"
    assert escape("> Zitat") == "\\> Zitat"
    assert (
        escape("*fett* _kursiv_ `code` a|b ~x~")
        == "\\*fett\\* \\_kursiv\\_ \\`code\\` a\\|b \\~x\\~"
    )
    assert escape("Zeile 1\n# Zeile 2") == "Zeile 1 \\# Zeile 2"
    assert escape("Grüße aus Köln") == "Grüße aus Köln"
