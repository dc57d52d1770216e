"""The interface every agenda exporter offers, the registry type and the personal agenda.

`schedules` must not import `handlers`, so exporters get the translation as a function:
``t(key, **values)`` returns the text for a catalogue key (``exports.*``) in the reader's
language. The language code itself is the key ``exports.locale``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Mapping
from types import MappingProxyType
from typing import Protocol

from schedules.barcamp.agenda_model import Agenda

Translate = Callable[..., str]
"""``t(key, **values) -> text`` in the language the export is for."""


class Exporter(Protocol):
    """Renders an agenda into one file format."""

    @property
    def format(self) -> str:
        """Short name used by ``/export``: md, html, ics, csv, xml, json, png."""

    @property
    def media_type(self) -> str:
        """MIME type of the rendered bytes."""

    @property
    def filename(self) -> str:
        """Suggested file name when the export is sent as a document."""

    def render(self, agenda: Agenda, t: Translate) -> bytes:
        """The complete file."""
        ...


def build_registry(*exporters: Exporter) -> Mapping[str, Exporter]:
    """A read-only mapping from format name to exporter; format names must be unique."""
    registry: dict[str, Exporter] = {}
    for exporter in exporters:
        if exporter.format in registry:
            raise ValueError(f"two exporters for format {exporter.format!r}")
        registry[exporter.format] = exporter
    return MappingProxyType(registry)


def personal_agenda(agenda: Agenda, session_ids: Iterable[int]) -> Agenda:
    """The same agenda with only the given sessions, e.g. for ``/mine ics``."""
    wanted = frozenset(session_ids)
    sessions = tuple(session for session in agenda.sessions if session.id in wanted)
    return dataclasses.replace(agenda, sessions=sessions)
