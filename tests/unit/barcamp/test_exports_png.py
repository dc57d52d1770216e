"""PNG of the grid: opens with Pillow, has the expected size, survives odd titles."""

from __future__ import annotations

import io
from dataclasses import replace

from PIL import Image, ImageColor

from schedules.barcamp.agenda_model import Agenda
from schedules.barcamp.exports.png_grid import (
    BREAK,
    DRAFT,
    MARGIN,
    MIN_WIDTH,
    MISSING_GLYPH_PROBE,
    ROOM_COLUMN,
    TIME_COLUMN,
    drawable,
    font,
    wrap,
)
from tests.support.exports import TELEGRAM_PHOTO_SIDES
from tests.unit.barcamp.agenda_samples import (
    LONG_WORD,
    bare_camp,
    empty_camp,
    full_camp,
    hostile_camp,
    one_session_camp,
    render,
)


def image_of(agenda: Agenda) -> Image.Image:
    image = Image.open(io.BytesIO(render("png", agenda)))
    image.load()
    assert image.format == "PNG"
    return image


def pixels_of(image: Image.Image, colour: str) -> int:
    wanted = ImageColor.getrgb(colour)
    colours = image.convert("RGB").getcolors(maxcolors=1 << 20) or []
    return sum(count for count, rgb in colours if rgb == wanted)


def has_area_of(image: Image.Image, colour: str) -> bool:
    """At least a band of 400 x 20 pixels; anti-aliased text never gets there."""
    return pixels_of(image, colour) >= 400 * 20


def test_width_follows_the_rooms_and_height_the_slots() -> None:
    one = image_of(one_session_camp())
    full = image_of(full_camp())
    assert one.width == 2 * MARGIN + TIME_COLUMN + 6 * ROOM_COLUMN
    assert full.width == one.width
    assert full.height > 3 * one.height


def test_full_camp_fits_a_chat_photo() -> None:
    image = image_of(full_camp())
    assert image.width + image.height <= TELEGRAM_PHOTO_SIDES
    assert image.height / image.width <= 20


def test_bare_camp_still_gives_a_picture() -> None:
    image = image_of(bare_camp())
    assert image.width == MIN_WIDTH
    assert image.height > 100


def test_draft_banner_only_on_drafts() -> None:
    assert has_area_of(image_of(empty_camp(published=False)), DRAFT)
    assert pixels_of(image_of(empty_camp(published=True)), DRAFT) == 0


def test_breaks_are_drawn_as_a_row() -> None:
    with_lunch = one_session_camp()
    without_breaks = replace(with_lunch, slots=tuple(s for s in with_lunch.slots if not s.blocked))
    assert has_area_of(image_of(with_lunch), BREAK)
    assert not has_area_of(image_of(without_breaks), BREAK)


def test_hostile_titles_render() -> None:
    image = image_of(hostile_camp())
    assert image.width == 2 * MARGIN + TIME_COLUMN + 3 * ROOM_COLUMN


def test_long_words_are_broken_to_the_column_width() -> None:
    face = font(19, bold=True)
    lines = wrap(LONG_WORD, face, 250, max_lines=10)
    assert len(lines) > 1
    assert "".join(lines) == LONG_WORD
    assert all(face.getlength(line) <= 250 for line in lines)


def test_too_many_lines_end_with_an_ellipsis() -> None:
    face = font(19)
    lines = wrap("Wort " * 100, face, 250, max_lines=3)
    assert len(lines) == 3
    assert lines[-1].endswith("…")


def test_emoji_are_left_out_but_letters_stay() -> None:
    assert drawable("🎉 Party 🏳️‍🌈 mit 👩🏽‍💻 Emoji") == "Party mit Emoji"
    assert drawable("Grüße שלום ☺") == "Grüße שלום ☺"
    assert drawable("🎉") == "🎉"


def test_vendored_font_draws_umlauts() -> None:
    face = font(20)
    missing = face.getmask(MISSING_GLYPH_PROBE)
    for letter in "äöüÄÖÜß":
        assert bytes(face.getmask(letter)) != bytes(missing)
