"""German and English catalogues: complete, consistent, and every used key exists."""

from __future__ import annotations

import ast
import re
import string
from pathlib import Path

import pytest

import handlers.barcamp.commands
import handlers.core.commands
import handlers.council.commands  # noqa: F401  (registering the domains' commands)
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


def every_form(language: str, key: str) -> tuple[str, ...]:
    plural = catalogues().plurals(language).get(key)
    return plural.forms if plural else (catalogues().templates(language)[key],)


@pytest.mark.parametrize("key", sorted(catalogues().keys("de")))
def test_placeholders_agree(key: str) -> None:
    forms = [form for lang in LANGUAGES for form in every_form(lang, key)]
    assert len({frozenset(placeholders(form)) for form in forms}) == 1, forms
    assert all(form.strip() for form in forms)


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
    assert keys == {"kind.only_barcamp", "kind.only_council"}
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
    texts = {(k, form) for k in catalogues().keys("de") for form in every_form("de", k)}
    offenders = [k for k, form in texts if formal.search(form)]
    assert offenders == []


# -- plural forms ---------------------------------------------------------------------

PLURAL_KEYS = sorted(catalogues().plurals("de"))
# A number followed by the wrong form of what it counts.
WRONG_AFTER_ONE = re.compile(
    r"\b1 (Stimmen|Personen|Gruppen|Minuten|Sessions|Plätze|Räumen|Bytes"
    r"|votes|people|participants|groups|minutes|sessions|seats|rooms|bytes)\b"
)
SINGULAR_NOUN = (
    r"(Stimme|Person|Gruppe|Minute|Session|Platz|Raum|Byte"
    r"|vote|person|participant|group|minute|session|seat|room|byte)\b"
)


def test_both_languages_have_the_same_plural_keys_and_count_names() -> None:
    german, english = (catalogues().plurals(lang) for lang in LANGUAGES)
    assert {k: p.count for k, p in german.items()} == {k: p.count for k, p in english.items()}
    assert {"sessions.votes", "vote.budget", "announce.people", "publish.told"} <= set(german)


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_plural_entry_has_both_forms_and_shows_its_count(language: str) -> None:
    for key, plural in catalogues().plurals(language).items():
        assert len(plural.forms) == 2, key
        assert len(set(plural.forms)) == 2, f"{key}: the forms should differ"
        assert all(plural.count in placeholders(form) for form in plural.forms), key


def test_every_catalogue_file_declares_the_plural_rule() -> None:
    for po_file in sorted((ROOT / "handlers" / "locale").rglob("*.po")):
        header = '"Plural-Forms: nplurals=2; plural=(n != 1);\\n"'
        assert header in po_file.read_text("utf-8"), po_file
    assert [catalogues().plural_form("de", n) for n in (0, 1, 2, 5)] == [1, 0, 1, 1]


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("key", PLURAL_KEYS)
@pytest.mark.parametrize("number", [0, 1, 2, 5])
def test_a_count_gets_the_right_form(language: str, key: str, number: int) -> None:
    plural = catalogues().plurals(language)[key]
    values: dict[str, object] = dict.fromkeys(placeholders(plural.forms[0]), "X")
    values[plural.count] = number
    text = catalogues().text(language, key, **values)
    assert text == plural.forms[0 if number == 1 else 1].format(**values)
    assert not WRONG_AFTER_ONE.search(text), text
    assert not re.search(rf"\b{number} {SINGULAR_NOUN}", text) or number == 1, text


@pytest.mark.parametrize(
    ("language", "key", "values", "expected"),
    [
        ("de", "sessions.votes", {"count": 1}, "(1 Stimme)"),
        ("de", "sessions.votes", {"count": 0}, "(0 Stimmen)"),
        ("en", "sessions.votes", {"count": 1}, "(1 vote)"),
        ("en", "sessions.votes", {"count": 5}, "(5 votes)"),
        ("de", "announce.people", {"people": 13}, "13 Personen"),
        ("de", "announce.groups", {"chats": 1}, "1 Gruppe"),
        ("en", "announce.people", {"people": 1}, "1 person"),
        ("de", "publish.told", {"people": 1}, "1 Person hat Bescheid bekommen"),
        ("en", "publish.told", {"people": 2}, "2 people have been told"),
        ("de", "remind.soon", {"minutes": 1}, "⏰ In 1 Minute geht's los:"),
        ("en", "vote.budget", {"used": 1, "budget": 1}, "You have used 1 of 1 vote."),
    ],
)
def test_well_known_counts_read_right(
    language: str, key: str, values: dict[str, object], expected: str
) -> None:
    assert catalogues().text(language, key, **values) == expected


def test_every_plural_message_in_the_code_gets_its_count() -> None:
    """A call naming a plural key passes the value that picks the form (or **values)."""
    plurals = catalogues().plurals("de")
    calls = 0
    for folder in ("handlers", "bot"):
        for path in (ROOT / folder).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if not isinstance(node, ast.Call):
                    continue
                keys = [a.value for a in node.args if isinstance(a, ast.Constant)]
                for key in (k for k in keys if isinstance(k, str) and k in plurals):
                    calls += 1
                    names = {word.arg for word in node.keywords}
                    assert plurals[key].count in names or None in names, (path.name, key)
    assert calls > 10, "the scan should find the plural messages the code uses"
