"""Reading export files back: the vendored c3voc schemas and one check per format.

Exporter tests validate against the schemas; chat and CLI tests use `assert_readable`
to check that the bytes that arrived parse in their format and show the sessions.
"""

from __future__ import annotations

import csv
import io
import json
import re
import uuid
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterable
from datetime import date, datetime
from functools import cache
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import jsonschema
import xmlschema
from icalendar import Calendar
from PIL import Image

SCHEMAS = Path(__file__).resolve().parents[1] / "vendor" / "schemas"
# Bot API limit for photos: width + height.
TELEGRAM_PHOTO_SIDES = 10_000


@cache
def schedule_xsd() -> xmlschema.XMLSchema:
    return xmlschema.XMLSchema(SCHEMAS / "schedule.xml.xsd")


@cache
def schedule_json_validator() -> jsonschema.Draft6Validator:
    schema = json.loads((SCHEMAS / "schema.json").read_text(encoding="utf-8"))
    jsonschema.Draft6Validator.check_schema(schema)
    return jsonschema.Draft6Validator(schema, format_checker=strict_formats())


def strict_formats() -> jsonschema.FormatChecker:
    """The formats the schema uses, checked without optional jsonschema extras."""
    checker = jsonschema.FormatChecker()
    checker.checks("date-time", raises=ValueError)(is_date_time)
    checker.checks("date", raises=ValueError)(is_date)
    checker.checks("uuid", raises=ValueError)(is_uuid)
    checker.checks("uri")(is_uri)
    return checker


def is_date_time(value: object) -> bool:
    return not isinstance(value, str) or datetime.fromisoformat(value).tzinfo is not None


def is_date(value: object) -> bool:
    return not isinstance(value, str) or bool(date.fromisoformat(value))


def is_uuid(value: object) -> bool:
    return not isinstance(value, str) or bool(uuid.UUID(value))


def is_uri(value: object) -> bool:
    return not isinstance(value, str) or bool(urlsplit(value).scheme)


# -- one reader per format: the text a person or an app would see -----------------------


class _TextOf(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.scripts = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.scripts += tag == "script"

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def _markdown_text(content: bytes) -> str:
    """With CommonMark's backslash escapes of punctuation resolved, as a renderer shows it."""
    return re.sub(r"\\([!-/:-@[-`{-~])", r"\1", content.decode("utf-8"))


def _html_text(content: bytes) -> str:
    parser = _TextOf()
    parser.feed(content.decode("utf-8"))
    assert parser.scripts == 0
    return " ".join(parser.parts)


def _calendar_text(content: bytes) -> str:
    calendar = Calendar.from_ical(content)
    return "\n".join(str(event["SUMMARY"]) for event in calendar.walk("VEVENT"))


def _csv_text(content: bytes) -> str:
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline="")))
    return "\n".join(cell for row in rows for cell in row)


def _xml_text(content: bytes) -> str:
    schedule_xsd().validate(content.decode("utf-8"))
    root = ET.fromstring(content)
    return "\n".join(title.text or "" for title in root.iterfind("day/room/event/title"))


def _json_text(content: bytes) -> str:
    document: dict[str, Any] = json.loads(content)
    errors = [error.message for error in schedule_json_validator().iter_errors(document)]
    assert errors == []
    days = document["schedule"]["conference"]["days"]
    return "\n".join(
        event["title"] for day in days for events in day["rooms"].values() for event in events
    )


def _png_text(content: bytes) -> str:
    image = Image.open(io.BytesIO(content))
    image.load()
    assert image.format == "PNG"
    assert image.width >= 320
    assert image.width + image.height <= TELEGRAM_PHOTO_SIDES
    return ""  # pixels: the titles are not readable back


READERS: dict[str, Callable[[bytes], str]] = {
    "md": _markdown_text,
    "html": _html_text,
    "ics": _calendar_text,
    "csv": _csv_text,
    "xml": _xml_text,
    "json": _json_text,
    "png": _png_text,
}


def assert_readable(format_name: str, content: bytes, titles: Iterable[str] = ()) -> str:
    """The file parses (and is schema-valid) in its format and shows every title.

    Returns the text read from it, so a test can check more.
    """
    text = READERS[format_name](content)
    if format_name != "png":
        missing = [title for title in titles if title not in text]
        assert missing == [], f"{format_name}: {missing} not in the file"
    return text
