"""CSV: one row per session (scheduled first, then those still without a place).

RFC 4180 (comma, CRLF) with a UTF-8 byte order mark, so that spreadsheet programs
show umlauts right. Cells that a spreadsheet would run as a formula get a leading
apostrophe. A draft starts with one notice row above the header row.
"""

from __future__ import annotations

import csv
import io

from schedules.barcamp.agenda_model import Agenda, AgendaSession
from schedules.barcamp.exports.base import Translate
from schedules.barcamp.exports.layout import (
    PlacedSession,
    clock,
    document_title,
    host_names,
    one_line,
    placed_sessions,
    unscheduled,
)

COLUMNS = ("day", "start", "end", "room", "number", "title", "hosts", "votes")
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise_formula(cell: str) -> str:
    """Keep spreadsheet programs from evaluating user text as a formula."""
    return f"'{cell}" if cell.startswith(_FORMULA_STARTS) else cell


class CsvExporter:
    format = "csv"
    media_type = "text/csv; charset=utf-8"
    filename = "agenda.csv"

    def render(self, agenda: Agenda, t: Translate) -> bytes:
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        if not agenda.published:
            writer.writerow([document_title(agenda, t), one_line(t("exports.draft_notice"))])
        writer.writerow([t(f"exports.column.{column}") for column in COLUMNS])
        writer.writerows(_placed_row(placed) for placed in placed_sessions(agenda))
        writer.writerows(_waiting_row(session) for session in unscheduled(agenda))
        return buffer.getvalue().encode("utf-8-sig")


def _placed_row(placed: PlacedSession) -> list[str]:
    return [
        placed.start.date().isoformat(),
        clock(placed.start),
        clock(placed.end),
        neutralise_formula(one_line(placed.room.name)),
        *_session_cells(placed.session),
    ]


def _waiting_row(session: AgendaSession) -> list[str]:
    """A session without a place: day, start, end and room stay empty."""
    return ["", "", "", "", *_session_cells(session)]


def _session_cells(session: AgendaSession) -> list[str]:
    return [
        str(session.number),
        neutralise_formula(one_line(session.title)),
        neutralise_formula(host_names(session)),
        str(session.votes),
    ]
