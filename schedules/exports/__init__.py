"""Agenda exporters: one small class per file format behind one interface.

>>> EXPORTERS["ics"].render(agenda, t)  # doctest: +SKIP

``t(key, **values)`` is the translation for the reader (``exports.*`` catalogue keys);
``/mine ics`` uses :func:`render_personal_ics`.
"""

from __future__ import annotations

from collections.abc import Mapping

from schedules.exports.base import Exporter, Translate, build_registry, personal_agenda
from schedules.exports.csv_table import CsvExporter
from schedules.exports.html_page import HtmlExporter
from schedules.exports.ics import IcsExporter, render_personal_ics
from schedules.exports.markdown import MarkdownExporter
from schedules.exports.png_grid import PngExporter
from schedules.exports.schedule_json import ScheduleJsonExporter
from schedules.exports.schedule_xml import ScheduleXmlExporter

EXPORTERS: Mapping[str, Exporter] = build_registry(
    MarkdownExporter(),
    HtmlExporter(),
    IcsExporter(),
    CsvExporter(),
    ScheduleXmlExporter(),
    ScheduleJsonExporter(),
    PngExporter(),
)

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
    "personal_agenda",
    "render_personal_ics",
]
