"""German and English catalogues: complete, consistent, and every used key exists."""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest

import handlers.barcamp.commands
import handlers.core.commands  # noqa: F401  (registers the shared commands)
from handlers.core.i18n import LANGUAGES, catalogues
from handlers.core.registry import EVERY_KIND, registry

ROOT = Path(__file__).resolve().parents[3]
KEY_LITERAL = re.compile(
    r"""(?:\.t|\.reply|\.text|\.notify|\.button|Refusal|InputError|Explained)\(\s*"""
    r"""(?:[\w.]+,\s*)?(?:language,\s*|lang,\s*|self\.language,\s*)?"([a-z_]+\.[a-z_]+)\""""
)


def placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def test_both_languages_have_the_same_keys() -> None:
    german, english = (catalogues().keys(lang) for lang in LANGUAGES)
    assert german == english
    assert len(german) > 100


@pytest.mark.parametrize("key", sorted(catalogues().keys("de")))
def test_placeholders_agree(key: str) -> None:
    de, en = (catalogues().templates(lang)[key] for lang in LANGUAGES)
    assert placeholders(de) == placeholders(en)
    assert de.strip()
    assert en.strip()


def test_every_key_used_in_code_exists() -> None:
    used = set()
    for folder in ("handlers", "bot"):
        for path in (ROOT / folder).rglob("*.py"):
            used |= set(KEY_LITERAL.findall(path.read_text(encoding="utf-8")))
    assert len(used) > 60, "the scan should find the keys the handlers use"
    assert used - catalogues().keys("de") == set()


def test_every_command_has_help_and_usage() -> None:
    for spec in registry.commands.values():
        for key in (spec.help_key, spec.usage_key):
            assert key in catalogues().keys("de"), key


def test_every_refusal_in_an_event_of_another_kind_exists() -> None:
    """The key is made from the kinds a command serves (`kind.only_barcamp`)."""
    keys = {spec.other_kind_key for spec in registry.commands.values() if spec.kinds != EVERY_KIND}
    assert keys == {"kind.only_barcamp"}
    for language in LANGUAGES:
        assert keys - catalogues().keys(language) == set()


def test_every_dialog_question_exists() -> None:
    """Questions are declared as keys in the steps, which the scan above cannot see."""
    questions = {step.question for dialog in registry.dialogs.values() for step in dialog.steps}
    assert {"newcamp.ask_name", "propose.ask_title"} <= questions
    for language in LANGUAGES:
        assert questions - catalogues().keys(language) == set()


def test_german_uses_the_informal_du() -> None:
    formal = re.compile(r"\b(Sie|Ihnen|Ihr|Ihre|Ihren)\b")
    offenders = [k for k, v in catalogues().templates("de").items() if formal.search(v)]
    assert offenders == []
