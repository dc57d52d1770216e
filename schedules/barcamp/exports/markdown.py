"""Markdown: headings per day and per slot, one list item per session."""

from __future__ import annotations

import re

from schedules.barcamp.agenda_model import Agenda, AgendaSession
from schedules.barcamp.exports.base import Translate
from schedules.barcamp.exports.layout import (
    CampDay,
    PlacedSession,
    SlotRow,
    camp_days,
    day_label,
    document_title,
    hosts_label,
    one_line,
    time_range,
    unscheduled,
)

# Characters that start inline markup, links, HTML, entities or table cells; CommonMark
# lets every ASCII punctuation character be escaped with a backslash.
_INLINE_MARKUP = re.compile(r"([\\`*_\[\]<>#!|~&])")
# At the start of a line: list items, block quotes, setext underlines.
_BLOCK_START = re.compile(r"^([-+=>]|\d+(?=[.)]))")


def escape(text: str) -> str:
    """User text as literal Markdown on one line: no headings, lists, links, HTML or entities."""
    inline = _INLINE_MARKUP.sub(r"\\\1", one_line(text))
    return _BLOCK_START.sub(_escape_block_start, inline)


def _escape_block_start(match: re.Match[str]) -> str:
    marker = match.group(1)
    return f"{marker}\\" if marker[0].isdigit() else f"\\{marker}"


class MarkdownExporter:
    format = "md"
    media_type = "text/markdown; charset=utf-8"
    filename = "agenda.md"

    def render(self, agenda: Agenda, t: Translate) -> bytes:
        blocks = [*_header(agenda, t), *_grid(agenda, t), *_waiting(agenda, t)]
        return ("\n\n".join(blocks) + "\n").encode("utf-8")


def _header(agenda: Agenda, t: Translate) -> list[str]:
    blocks = [f"# {escape(document_title(agenda, t))}"]
    if not agenda.published:
        blocks.append(f"> **{escape(t('exports.draft_notice'))}**")
    if one_line(agenda.place):
        blocks.append(escape(t("exports.place", place=one_line(agenda.place))))
    return blocks


def _grid(agenda: Agenda, t: Translate) -> list[str]:
    days = camp_days(agenda)
    if not any(day.sessions for day in days):
        return [escape(t("exports.empty"))]
    return [block for day in days for block in _day(day, t)]


def _day(day: CampDay, t: Translate) -> list[str]:
    rows = [row for row in day.rows if row.sessions or row.blocked]
    return [f"## {escape(day_label(day.date, t))}", *(_slot(row, t) for row in rows)]


def _slot(row: SlotRow, t: Translate) -> str:
    when = time_range(row.start, row.end)
    if row.blocked:
        return f"### {when} · {escape(t('exports.break'))}"
    items = "\n".join(_placed_item(placed, t) for placed in row.sessions)
    return f"### {when}\n\n{items}"


def _placed_item(placed: PlacedSession, t: Translate) -> str:
    return f"- **{escape(placed.room.name)}:** {_session_text(placed.session, t)}"


def _session_text(session: AgendaSession, t: Translate) -> str:
    parts = [
        f"**{escape(session.title)}**",
        escape(t("exports.session_number", number=session.number)),
    ]
    hosts = hosts_label(session, t)
    if hosts:
        parts.append(escape(hosts))
    line = " · ".join(parts)
    description = escape(session.description)
    return f"{line}  \n  {description}" if description else line


def _waiting(agenda: Agenda, t: Translate) -> list[str]:
    sessions = unscheduled(agenda)
    if not sessions:
        return []
    items = "\n".join(f"- {_session_text(session, t)}" for session in sessions)
    return [f"## {escape(t('exports.unscheduled'))}", items]
