"""The exports catalogue: same keys and placeholders in German and English, all used keys exist."""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest

from handlers.core.i18n import catalogues
from schedules.barcamp.exports.csv_table import COLUMNS

EXPORTS_SOURCE = Path(__file__).resolve().parents[3] / "schedules" / "barcamp" / "exports"
KEY_LITERAL = re.compile(r"""["'](exports\.[a-z_.]+)["']""")


def export_keys(language: str) -> set[str]:
    return {key for key in catalogues().keys(language) if key.startswith("exports.")}


def placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def keys_used_in_code() -> set[str]:
    found = {
        match
        for module in EXPORTS_SOURCE.glob("*.py")
        for match in KEY_LITERAL.findall(module.read_text(encoding="utf-8"))
    }
    return found | {f"exports.column.{column}" for column in COLUMNS}


def test_german_and_english_have_the_same_keys() -> None:
    assert export_keys("de") == export_keys("en")
    assert len(export_keys("de")) >= 15


@pytest.mark.parametrize("key", sorted(export_keys("de")))
def test_placeholders_match(key: str) -> None:
    german = catalogues().templates("de")[key]
    english = catalogues().templates("en")[key]
    assert placeholders(german) == placeholders(english)
    assert german.strip()
    assert english.strip()


def test_every_key_the_exporters_use_is_translated() -> None:
    used = keys_used_in_code()
    assert "exports.draft_title" in used
    assert used <= export_keys("de")
    assert used <= export_keys("en")


def test_every_translated_key_is_used() -> None:
    assert export_keys("de") <= keys_used_in_code()


def test_german_says_du_not_sie() -> None:
    for key in export_keys("de"):
        assert not re.search(r"\b(Sie|Ihnen|Ihr|Ihre)\b", catalogues().templates("de")[key]), key
