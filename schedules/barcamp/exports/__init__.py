"""Agenda exporters: one small class per file format behind one interface.

>>> EXPORTERS["ics"].render(agenda, t)  # doctest: +SKIP

``t(key, **values)`` is the translation for the reader (``exports.*`` catalogue keys);
``/mine ics`` uses :func:`render_personal_ics`; :func:`build_exporters` takes a clock
(the bot's injectable one, or a fixed one for reproducible files).
"""

from __future__ import annotations

from collections.abc import Mapping

from schedules.barcamp.exports.base import Exporter, Translate, build_registry, personal_agenda
from schedules.barcamp.exports.csv_table import CsvExporter
from schedules.barcamp.exports.html_page import HtmlExporter
from schedules.barcamp.exports.ics import IcsExporter, render_personal_ics
from schedules.barcamp.exports.layout import Clock, utc_now
from schedules.barcamp.exports.markdown import MarkdownExporter
from schedules.barcamp.exports.png_grid import PngExporter
from schedules.barcamp.exports.schedule_json import ScheduleJsonExporter
from schedules.barcamp.exports.schedule_xml import ScheduleXmlExporter


def build_exporters(now: Clock = utc_now) -> Mapping[str, Exporter]:
    """Every format; `now` stamps calendars and dates a camp that has no day yet."""
    return build_registry(
        MarkdownExporter(),
        HtmlExporter(),
        IcsExporter(now=now),
        CsvExporter(),
        ScheduleXmlExporter(now=now),
        ScheduleJsonExporter(now=now),
        PngExporter(),
    )


EXPORTERS: Mapping[str, Exporter] = build_exporters()

__all__ = [
    "EXPORTERS",
    "CsvExporter",
    "Exporter",
    "HtmlExporter",
    "IcsExporter",
    "MarkdownExporter",
    "PngExporter",
    "ScheduleJsonExporter",
    "ScheduleXmlExporter",
    "Translate",
    "build_exporters",
    "personal_agenda",
    "render_personal_ics",
]
