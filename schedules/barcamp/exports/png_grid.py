"""PNG of the grid to post in chat: rooms as columns, slots as rows, a band per day.

Drawn with Pillow and the vendored DejaVu Sans (umlauts, many scripts). Emoji and
symbols the font lacks are left out; letters it lacks show as boxes. Long titles
wrap, over-long words are broken, very long titles end with an ellipsis. The layout
is measured first as a list of horizontal bands, then painted, so sizes and drawing
cannot disagree.
"""

from __future__ import annotations

import io
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from schedules.barcamp.agenda_model import Agenda, AgendaRoom
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
)

FONT_DIR = Path(__file__).parent / "fonts"
REGULAR_FONT = FONT_DIR / "DejaVuSans.ttf"
BOLD_FONT = FONT_DIR / "DejaVuSans-Bold.ttf"

MARGIN = 24
PADDING = 10
TIME_COLUMN = 160
ROOM_COLUMN = 270
MIN_WIDTH = 720
TITLE_LINES = 4
ROOM_NAME_LINES = 2
ELLIPSIS = "…"

CAMP_TITLE_SIZE = 34
PLACE_SIZE = 20
BANNER_SIZE = 22
MESSAGE_SIZE = 22
HEADER_SIZE = 20
TIME_SIZE = 19
SESSION_TITLE_SIZE = 19
HOSTS_SIZE = 16
BREAK_SIZE = 20

# Invisible parts of emoji sequences: joiner, presentation selectors, keycap, flag tags.
EMOJI_JOINERS = frozenset("\u200d\ufe0e\ufe0f\u20e3") | frozenset(map(chr, range(0xE0020, 0xE0080)))
SYMBOL_CATEGORIES = frozenset({"So", "Sk"})
MISSING_GLYPH_PROBE = "\U0010fffd"

WHITE = "#ffffff"
INK = "#111111"
MUTED = "#555555"
LINE = "#c8c8c8"
HEADER = "#ececec"
BREAK = "#f2f2f2"
DAY_BAND = "#24477a"
DRAFT = "#b00020"

Font = ImageFont.FreeTypeFont
Painter = Callable[[ImageDraw.ImageDraw, int], None]


@cache
def font(size: int, bold: bool = False) -> Font:
    return ImageFont.truetype(str(BOLD_FONT if bold else REGULAR_FONT), size)


def line_height(face: Font) -> int:
    ascent, descent = face.getmetrics()
    return int(ascent + descent + 2)


# --- text wrapping ----------------------------------------------------------------


def drawable(text: str) -> str:
    """`text` without emoji and symbols the font cannot draw.

    Letters the font lacks stay (they show as boxes: something is there). When nothing
    would be left, the text stays as it is.
    """
    kept = "".join(character for character in text if not _undrawable_symbol(character))
    return one_line(kept) or one_line(text)


@cache
def _undrawable_symbol(character: str) -> bool:
    if character.isascii():
        return False
    if character in EMOJI_JOINERS:
        return True
    if unicodedata.category(character) not in SYMBOL_CATEGORIES:
        return False
    probe = font(SESSION_TITLE_SIZE)
    return _glyph_signature(probe, character) == _glyph_signature(probe, MISSING_GLYPH_PROBE)


def _glyph_signature(face: Font, character: str) -> tuple[tuple[int, int], bytes]:
    mask = face.getmask(character)
    return mask.size, bytes(mask)


def wrap(text: str, face: Font, width: int, max_lines: int) -> list[str]:
    """Lines no wider than `width`; words too long for a line are broken."""
    lines: list[str] = []
    current = ""
    for word in drawable(text).split(" "):
        for piece in _break_word(word, face, width):
            candidate = f"{current} {piece}" if current else piece
            if current and face.getlength(candidate) > width:
                lines.append(current)
                candidate = piece
            current = candidate
    if current:
        lines.append(current)
    return _shorten(lines, face, width, max_lines)


def _break_word(word: str, face: Font, width: int) -> list[str]:
    if face.getlength(word) <= width:
        return [word]
    pieces, current = [], ""
    for character in word:
        if current and face.getlength(current + character) > width:
            pieces.append(current)
            current = ""
        current += character
    return [*pieces, current] if current else pieces


def _shorten(lines: list[str], face: Font, width: int, max_lines: int) -> list[str]:
    if len(lines) <= max_lines:
        return lines
    last = lines[max_lines - 1]
    while last and face.getlength(last + ELLIPSIS) > width:
        last = last[:-1]
    return [*lines[: max_lines - 1], last.rstrip() + ELLIPSIS]


# --- text blocks --------------------------------------------------------------------


@dataclass(frozen=True)
class TextLine:
    text: str
    face: Font
    colour: str


@dataclass(frozen=True)
class TextBlock:
    lines: tuple[TextLine, ...]

    @property
    def height(self) -> int:
        return sum(line_height(line.face) for line in self.lines)

    def paint(self, draw: ImageDraw.ImageDraw, x: int, y: int) -> None:
        for line in self.lines:
            draw.text((x, y), line.text, font=line.face, fill=line.colour)
            y += line_height(line.face)


def text_block(text: str, face: Font, colour: str, width: int, max_lines: int = 99) -> TextBlock:
    return TextBlock(
        tuple(TextLine(line, face, colour) for line in wrap(text, face, width, max_lines))
    )


def stacked(*blocks: TextBlock) -> TextBlock:
    return TextBlock(tuple(line for block in blocks for line in block.lines))


# --- bands --------------------------------------------------------------------------


@dataclass(frozen=True)
class Band:
    height: int
    paint: Painter


@dataclass(frozen=True)
class Geometry:
    rooms: tuple[AgendaRoom, ...]

    @property
    def width(self) -> int:
        return max(MIN_WIDTH, 2 * MARGIN + TIME_COLUMN + len(self.rooms) * ROOM_COLUMN)

    @property
    def inner_width(self) -> int:
        return self.width - 2 * MARGIN

    def room_x(self, index: int) -> int:
        return MARGIN + TIME_COLUMN + index * ROOM_COLUMN

    @property
    def grid_right(self) -> int:
        return self.room_x(len(self.rooms)) if self.rooms else self.width - MARGIN


class PngExporter:
    format = "png"
    media_type = "image/png"
    filename = "agenda.png"

    def render(self, agenda: Agenda, t: Translate) -> bytes:
        geometry = Geometry(agenda.rooms)
        bands = _bands(agenda, geometry, t)
        height = sum(band.height for band in bands) + MARGIN
        image = Image.new("RGB", (geometry.width, height), WHITE)
        draw = ImageDraw.Draw(image)
        y = 0
        for band in bands:
            band.paint(draw, y)
            y += band.height
        buffer = io.BytesIO()
        image.save(buffer, format="PNG", compress_level=6)
        return buffer.getvalue()


def _bands(agenda: Agenda, geometry: Geometry, t: Translate) -> list[Band]:
    bands = [_title_band(agenda, geometry, t)]
    if not agenda.published:
        bands.append(_banner(t("exports.draft_notice"), geometry, DRAFT))
    days = camp_days(agenda)
    if not any(day.sessions for day in days):
        bands.append(_message_band(t("exports.empty"), geometry))
    for day in days:
        bands.extend(_day_bands(day, geometry, t))
    return bands


def _title_band(agenda: Agenda, geometry: Geometry, t: Translate) -> Band:
    title = text_block(
        document_title(agenda, t), font(CAMP_TITLE_SIZE, bold=True), INK, geometry.inner_width, 3
    )
    place = one_line(agenda.place)
    if place:
        title = stacked(
            title,
            text_block(
                t("exports.place", place=place), font(PLACE_SIZE), MUTED, geometry.inner_width, 2
            ),
        )

    def paint(draw: ImageDraw.ImageDraw, y: int) -> None:
        title.paint(draw, MARGIN, y + MARGIN)

    return Band(title.height + MARGIN + PADDING, paint)


def _banner(text: str, geometry: Geometry, colour: str) -> Band:
    block = text_block(
        text, font(BANNER_SIZE, bold=True), WHITE, geometry.inner_width - 2 * PADDING, 3
    )

    def paint(draw: ImageDraw.ImageDraw, y: int) -> None:
        bottom = y + block.height + 2 * PADDING
        draw.rectangle((MARGIN, y, geometry.width - MARGIN, bottom), fill=colour)
        block.paint(draw, MARGIN + PADDING, y + PADDING)

    return Band(block.height + 3 * PADDING, paint)


def _message_band(text: str, geometry: Geometry) -> Band:
    block = text_block(text, font(MESSAGE_SIZE), MUTED, geometry.inner_width, 3)

    def paint(draw: ImageDraw.ImageDraw, y: int) -> None:
        block.paint(draw, MARGIN, y + PADDING)

    return Band(block.height + 2 * PADDING, paint)


def _day_bands(day: CampDay, geometry: Geometry, t: Translate) -> list[Band]:
    return [
        _spacer(PADDING),
        _banner(day_label(day.date, t), geometry, DAY_BAND),
        _room_header(geometry, t),
        *(_slot_band(row, geometry, t) for row in day.rows),
    ]


def _spacer(height: int) -> Band:
    return Band(height, lambda draw, y: None)


def _room_header(geometry: Geometry, t: Translate) -> Band:
    face = font(HEADER_SIZE, bold=True)
    cell_width = ROOM_COLUMN - 2 * PADDING
    time_label = text_block(t("exports.time"), face, INK, TIME_COLUMN - 2 * PADDING, 1)
    names = [
        text_block(room.name, face, INK, cell_width, ROOM_NAME_LINES) for room in geometry.rooms
    ]
    height = max([time_label.height, *(name.height for name in names)]) + 2 * PADDING

    def paint(draw: ImageDraw.ImageDraw, y: int) -> None:
        draw.rectangle((MARGIN, y, geometry.grid_right, y + height), fill=HEADER, outline=LINE)
        time_label.paint(draw, MARGIN + PADDING, y + PADDING)
        for index, name in enumerate(names):
            _cell_frame(draw, geometry.room_x(index), y, height)
            name.paint(draw, geometry.room_x(index) + PADDING, y + PADDING)

    return Band(height, paint)


def _slot_band(row: SlotRow, geometry: Geometry, t: Translate) -> Band:
    time_label = text_block(
        time_range(row.start, row.end),
        font(TIME_SIZE, bold=True),
        INK,
        TIME_COLUMN - 2 * PADDING,
        1,
    )
    if row.blocked:
        return _break_band(row, time_label, geometry, t)
    cells = [_cell_block(row.in_room(room), t) for room in geometry.rooms]
    height = max([time_label.height, *(cell.height for cell in cells)]) + 2 * PADDING

    def paint(draw: ImageDraw.ImageDraw, y: int) -> None:
        _cell_frame(draw, MARGIN, y, height, TIME_COLUMN)
        time_label.paint(draw, MARGIN + PADDING, y + PADDING)
        for index, cell in enumerate(cells):
            _cell_frame(draw, geometry.room_x(index), y, height)
            cell.paint(draw, geometry.room_x(index) + PADDING, y + PADDING)

    return Band(height, paint)


def _break_band(row: SlotRow, time_label: TextBlock, geometry: Geometry, t: Translate) -> Band:
    label = text_block(t("exports.break"), font(BREAK_SIZE), MUTED, ROOM_COLUMN - 2 * PADDING, 1)
    height = max(time_label.height, label.height) + 2 * PADDING

    def paint(draw: ImageDraw.ImageDraw, y: int) -> None:
        draw.rectangle((MARGIN, y, geometry.grid_right, y + height), fill=BREAK, outline=LINE)
        time_label.paint(draw, MARGIN + PADDING, y + PADDING)
        label.paint(draw, MARGIN + TIME_COLUMN + PADDING, y + PADDING)

    return Band(height, paint)


def _cell_frame(
    draw: ImageDraw.ImageDraw, x: int, y: int, height: int, width: int = ROOM_COLUMN
) -> None:
    draw.rectangle((x, y, x + width, y + height), outline=LINE)


def _cell_block(placed: list[PlacedSession], t: Translate) -> TextBlock:
    width = ROOM_COLUMN - 2 * PADDING
    blocks = []
    for item in placed:
        blocks.append(
            text_block(
                item.session.title, font(SESSION_TITLE_SIZE, bold=True), INK, width, TITLE_LINES
            )
        )
        hosts = hosts_label(item.session, t)
        if hosts:
            blocks.append(text_block(hosts, font(HOSTS_SIZE), MUTED, width, 1))
    return stacked(*blocks)
