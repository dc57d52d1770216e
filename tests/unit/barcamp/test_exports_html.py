"""Printable HTML: parsed back with html.parser; hostile user text stays text."""

from __future__ import annotations

from dataclasses import dataclass
from html.parser import HTMLParser

import pytest

from schedules.barcamp.exports.layout import one_line
from tests.unit.barcamp.agenda_samples import (
    HOSTILE_TITLES,
    LONG_WORD,
    empty_camp,
    full_camp,
    hostile_camp,
    one_session_camp,
    render,
)

OUR_TAGS = {
    "html", "head", "meta", "title", "style", "body", "header", "main", "section", "h1", "h2",
    "p", "table", "thead", "tbody", "tr", "th", "td", "time", "span", "div", "ul", "li",
}  # fmt: skip


@dataclass
class Element:
    tag: str
    attributes: dict[str, str | None]
    text: str = ""


class Page(HTMLParser):
    """Every element with its attributes and its own direct text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[Element] = []
        self.open_elements: list[Element] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = Element(tag, dict(attrs))
        self.elements.append(element)
        if tag != "meta":
            self.open_elements.append(element)

    def handle_endtag(self, tag: str) -> None:
        assert self.open_elements, f"</{tag}> without start tag"
        assert self.open_elements.pop().tag == tag, f"misnested </{tag}>"

    def handle_data(self, data: str) -> None:
        if self.open_elements:
            self.open_elements[-1].text += data

    def tags(self) -> set[str]:
        return {element.tag for element in self.elements}

    def with_class(self, css_class: str) -> list[Element]:
        return [e for e in self.elements if css_class in (e.attributes.get("class") or "").split()]

    def texts(self, css_class: str) -> list[str]:
        return [element.text for element in self.with_class(css_class)]

    def first(self, tag: str) -> Element:
        return next(element for element in self.elements if element.tag == tag)


def parse(output: bytes) -> Page:
    page = Page()
    page.feed(output.decode("utf-8"))
    page.close()
    assert page.open_elements == [], "every element is closed"
    return page


@pytest.fixture(scope="module")
def hostile_page() -> Page:
    return parse(render("html", hostile_camp()))


def test_hostile_titles_stay_text(hostile_page: Page) -> None:
    assert hostile_page.tags() <= OUR_TAGS, "no tag from user text (script, img, b, i)"
    titles = hostile_page.texts("title")
    for title in HOSTILE_TITLES:
        assert one_line(title) in titles


def test_no_event_handler_attributes(hostile_page: Page) -> None:
    names = {name for element in hostile_page.elements for name in element.attributes}
    assert not any(name.startswith("on") for name in names)


def test_room_names_are_escaped_in_headers_and_attributes(hostile_page: Page) -> None:
    room = '<Raum & "Co"> חדר'
    assert room in [element.text for element in hostile_page.elements if element.tag == "th"]
    assert room in {element.attributes.get("data-room") for element in hostile_page.elements}


def test_camp_name_place_and_hosts_are_escaped(hostile_page: Page) -> None:
    assert hostile_page.first("title").text == '<b>Camp</b> & "Co"'
    assert hostile_page.first("h1").text == '<b>Camp</b> & "Co"'
    assert hostile_page.texts("place") == ["Ort: <script>alert('place')</script>"]
    assert 'mit <b>Mallory</b>, O\'Brien & "Eve"' in hostile_page.texts("hosts")


def test_user_text_is_isolated_for_right_to_left_scripts(hostile_page: Page) -> None:
    rtl = next(e for e in hostile_page.with_class("title") if e.text.startswith("שלום"))
    assert rtl.attributes["dir"] == "auto"


def test_long_words_may_break(hostile_page: Page) -> None:
    assert LONG_WORD in hostile_page.texts("title")
    assert "overflow-wrap: anywhere" in hostile_page.first("style").text


def test_page_is_standalone_printable_and_fits_a_phone() -> None:
    page = parse(render("html", one_session_camp()))
    style = page.first("style").text
    assert page.first("html").attributes["lang"] == "de"
    assert {"name": "viewport", "content": "width=device-width, initial-scale=1"} in [
        e.attributes for e in page.elements if e.tag == "meta"
    ]
    assert "@page { size: A4" in style
    assert "@media print" in style
    assert "@media (max-width" in style
    assert not any(e.tag in {"link", "script", "img"} for e in page.elements)


def test_full_camp_has_a_table_per_day_with_a_row_per_slot() -> None:
    page = parse(render("html", full_camp()))
    days = [e.text for e in page.elements if e.tag == "h2"]
    assert days == ["Samstag, 14. September 2024", "Sonntag, 15. September 2024"]
    assert sum(e.tag == "table" for e in page.elements) == 2
    assert len(page.with_class("session-card")) == 120
    assert len(page.with_class("break")) == 2
    assert [e.text for e in page.elements if e.tag == "td" and e.text == "Pause"] == ["Pause"] * 2


def test_empty_draft_says_both() -> None:
    page = parse(render("html", empty_camp(published=False)))
    assert page.first("title").text == "Entwurf: Jugend-BarCamp Musterstadt"
    assert page.texts("draft")[0].startswith("Entwurf – dieser Plan")
    assert "Noch keine Sessions im Plan." in [e.text for e in page.elements if e.tag == "p"]


def test_unscheduled_sessions_get_their_own_list(hostile_page: Page) -> None:
    section = hostile_page.with_class("unscheduled")
    assert len(section) == 1
    assert "<i>Noch offen</i>" in hostile_page.texts("title")
