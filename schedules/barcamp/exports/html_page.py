"""Printable HTML: one standalone page, a table per day (rooms as columns).

Everything a user typed is escaped and wrapped in ``dir="auto"`` so right-to-left
titles neither break nor turn the layout around. On a phone the table becomes a
list of cards; on paper it fits A4.
"""

from __future__ import annotations

from html import escape as html_escape

from schedules.barcamp.agenda_model import Agenda, AgendaRoom, AgendaSession
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

STYLE = """
:root { color-scheme: light; --line: #c8c8c8; --muted: #555; --draft: #b00020; }
* { box-sizing: border-box; }
body { font-family: system-ui, "DejaVu Sans", Arial, sans-serif; line-height: 1.35;
  margin: 0 auto; padding: 1rem; max-width: 80rem; color: #111; background: #fff; }
h1 { font-size: 1.6rem; margin: 0 0 .4rem; }
h2 { font-size: 1.2rem; margin: 1.6rem 0 .5rem; }
p, li, td, th, h1, h2 { overflow-wrap: anywhere; word-break: break-word; }
.draft { border: 3px solid var(--draft); color: var(--draft); font-weight: bold;
  padding: .5rem .75rem; }
.place, .hosts, .number, .description { color: var(--muted); }
table { border-collapse: collapse; width: 100%; table-layout: fixed; }
th, td { border: 1px solid var(--line); padding: .35rem .45rem; vertical-align: top;
  text-align: left; }
thead th { background: #eee; }
th.time { width: 7.5rem; white-space: nowrap; }
tr.break td, tr.break th { background: #f2f2f2; font-style: italic; }
.title { font-weight: bold; display: block; }
.hosts, .number, .description { display: block; font-size: .9em; }
@media (max-width: 40rem) {
  table, thead, tbody, tr, th, td { display: block; width: auto; }
  thead { display: none; }
  tr { border-top: 2px solid var(--line); margin-top: .6rem; }
  th, td { border: 0; padding: .25rem 0; }
  td.free { display: none; }
  td[data-room]::before { content: attr(data-room); display: block; font-size: .85em;
    color: var(--muted); }
}
@page { size: A4; margin: 12mm; }
@media print {
  body { font-size: 9pt; padding: 0; max-width: none; }
  h2 { break-after: avoid; }
  tr { break-inside: avoid; }
  thead { display: table-header-group; }
  .description { display: none; }
}
"""


class HtmlExporter:
    format = "html"
    media_type = "text/html; charset=utf-8"
    filename = "agenda.html"

    def render(self, agenda: Agenda, t: Translate) -> bytes:
        page = "\n".join(
            [
                "<!DOCTYPE html>",
                f'<html lang="{_text(t("exports.locale"))}">',
                _head(agenda, t),
                "<body>",
                _header(agenda, t),
                "<main>",
                *_grid(agenda, t),
                *_waiting(agenda, t),
                "</main>",
                "</body>",
                "</html>",
            ]
        )
        return (page + "\n").encode("utf-8")


def _text(text: str) -> str:
    """Text on one line, escaped for element content and quoted attributes."""
    return html_escape(one_line(text), quote=True)


def _user(text: str, css_class: str, tag: str = "span") -> str:
    """User text in its own bidi-isolated element."""
    return f'<{tag} class="{css_class}" dir="auto">{_text(text)}</{tag}>'


def _head(agenda: Agenda, t: Translate) -> str:
    return (
        '<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{_text(document_title(agenda, t))}</title>\n"
        f"<style>{STYLE}</style>\n</head>"
    )


def _header(agenda: Agenda, t: Translate) -> str:
    lines = ["<header>"]
    if not agenda.published:
        lines.append(f'<p class="draft" role="note">{_text(t("exports.draft_notice"))}</p>')
    lines.append(f'<h1 dir="auto">{_text(document_title(agenda, t))}</h1>')
    if one_line(agenda.place):
        lines.append(_user(t("exports.place", place=one_line(agenda.place)), "place", "p"))
    lines.append("</header>")
    return "\n".join(lines)


def _grid(agenda: Agenda, t: Translate) -> list[str]:
    days = camp_days(agenda)
    notice = [] if any(day.sessions for day in days) else [f"<p>{_text(t('exports.empty'))}</p>"]
    return notice + [_day(day, agenda.rooms, t) for day in days]


def _day(day: CampDay, rooms: tuple[AgendaRoom, ...], t: Translate) -> str:
    head_cells = "".join(f'<th scope="col" dir="auto">{_text(room.name)}</th>' for room in rooms)
    body = "\n".join(_row(row, rooms, t) for row in day.rows)
    return (
        f'<section class="day">\n<h2>{_text(day_label(day.date, t))}</h2>\n<table>\n'
        f'<thead><tr><th scope="col" class="time">{_text(t("exports.time"))}</th>'
        f"{head_cells}</tr></thead>\n<tbody>\n{body}\n</tbody>\n</table>\n</section>"
    )


def _row(row: SlotRow, rooms: tuple[AgendaRoom, ...], t: Translate) -> str:
    time_cell = (
        f'<th scope="row" class="time"><time datetime="{row.start.isoformat()}">'
        f"{time_range(row.start, row.end)}</time></th>"
    )
    if row.blocked:
        label = _text(t("exports.break"))
        return f'<tr class="break">{time_cell}<td colspan="{max(1, len(rooms))}">{label}</td></tr>'
    cells = "".join(_cell(row.in_room(room), room, t) for room in rooms)
    return f"<tr>{time_cell}{cells}</tr>"


def _cell(placed: list[PlacedSession], room: AgendaRoom, t: Translate) -> str:
    css = "session" if placed else "free"
    content = "".join(_session(item.session, t) for item in placed)
    return f'<td class="{css}" data-room="{_text(room.name)}">{content}</td>'


def _session(session: AgendaSession, t: Translate) -> str:
    parts = [
        _user(session.title, "title"),
        f'<span class="number">{_text(t("exports.session_number", number=session.number))}</span>',
    ]
    hosts = hosts_label(session, t)
    if hosts:
        parts.append(_user(hosts, "hosts"))
    if one_line(session.description):
        parts.append(_user(session.description, "description"))
    return f'<div class="session-card">{"".join(parts)}</div>'


def _waiting(agenda: Agenda, t: Translate) -> list[str]:
    sessions = unscheduled(agenda)
    if not sessions:
        return []
    items = "\n".join(f"<li>{_session(session, t)}</li>" for session in sessions)
    return [
        f'<section class="unscheduled">\n<h2>{_text(t("exports.unscheduled"))}</h2>\n'
        f"<ul>\n{items}\n</ul>\n</section>"
    ]
