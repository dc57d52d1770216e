"""Every exporter on every sample camp: renders, is translated, marks drafts."""

from __future__ import annotations

import pytest

from schedules.barcamp.exports import EXPORTERS
from tests.unit.barcamp.agenda_samples import (
    SAMPLES,
    empty_camp,
    full_camp,
    one_session_camp,
    render,
)

TEXT_FORMATS = ("md", "html", "ics", "csv", "xml", "json")


@pytest.mark.parametrize("sample", sorted(SAMPLES))
@pytest.mark.parametrize("format_name", sorted(EXPORTERS))
def test_every_exporter_renders_every_sample(format_name: str, sample: str) -> None:
    output = render(format_name, SAMPLES[sample]())
    assert isinstance(output, bytes)
    assert len(output) > 100
    if format_name in TEXT_FORMATS:
        assert "exports." not in output.decode("utf-8"), "untranslated catalogue key"


@pytest.mark.parametrize("format_name", TEXT_FORMATS)
def test_drafts_say_so_and_published_grids_do_not(format_name: str) -> None:
    draft = render(format_name, empty_camp(published=False)).decode("utf-8")
    published = render(format_name, full_camp(published=True)).decode("utf-8")
    assert "Entwurf" in draft
    assert "Entwurf" not in published


@pytest.mark.parametrize("format_name", TEXT_FORMATS)
def test_english_exports_use_english_labels(format_name: str) -> None:
    agenda = one_session_camp(published=False, language="en")
    text = render(format_name, agenda).decode("utf-8")
    assert "Draft" in text
    assert "Entwurf" not in text


def test_english_dates_and_hosts_in_markdown() -> None:
    text = render("md", one_session_camp(language="en")).decode("utf-8")
    assert "## Saturday, September 14, 2024" in text
    assert "with Ana, Ben" in text


def test_rendering_twice_gives_the_same_text() -> None:
    agenda = full_camp()
    for format_name in ("md", "html", "csv"):
        assert render(format_name, agenda) == render(format_name, agenda)
