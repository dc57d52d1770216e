"""Translation catalogues: gettext `.po` files read with Babel, German and English.

Every user-facing text is a symbolic key (``vote.budget``) looked up here; the `.po`
files under ``handlers/locale/<lang>/LC_MESSAGES/`` hold the texts. Several files per
language are merged, so each area (core, exports, ...) keeps its own catalogue.

A message with a count has plural forms (``msgid_plural``, ``msgstr[0]``, ``msgstr[1]``).
Its ``msgid_plural`` names the value that picks the form: ``msgid_plural "budget"``
makes ``t("vote.budget", used=1, budget=5)`` choose by ``budget``, through the
``Plural-Forms`` rule of the language's catalogue.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache
from gettext import c2py
from pathlib import Path
from typing import Final, Protocol

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po

LANGUAGES: Final = ("de", "en")
DEFAULT_LANGUAGE: Final = "de"
LOCALE_DIR: Final = Path(__file__).parents[1] / "locale"


@dataclass(frozen=True)
class Plural:
    """A message with plural forms; `count` names the value that picks one."""

    count: str
    forms: tuple[str, ...]


@dataclass
class _Language:
    texts: dict[str, str]
    plurals: dict[str, Plural]
    form_index: Callable[[int], int]


class Catalogues:
    def __init__(self, directory: Path = LOCALE_DIR) -> None:
        self._languages = {
            lang: _read_language(directory / lang / "LC_MESSAGES") for lang in LANGUAGES
        }

    def text(self, language: str, key: str, /, **values: object) -> str:
        """The text for `key` in `language`, falling back to German, then to the key.

        A plural message picks its form by the value its `msgid_plural` names.
        """
        chosen = self._languages.get(language) or self._languages[DEFAULT_LANGUAGE]
        for catalogue in (chosen, self._languages[DEFAULT_LANGUAGE]):
            if key in catalogue.plurals:
                plural = catalogue.plurals[key]
                count = values[plural.count]
                if not isinstance(count, int):
                    raise TypeError(f"{key}: {plural.count} must be a number, not {count!r}")
                form = plural.forms[min(catalogue.form_index(count), len(plural.forms) - 1)]
                return form.format(**values)
            if template := catalogue.texts.get(key):
                return template.format(**values) if values else template
        return key

    def keys(self, language: str) -> set[str]:
        catalogue = self._languages[language]
        return set(catalogue.texts) | set(catalogue.plurals)

    def templates(self, language: str) -> Mapping[str, str]:
        """Every key's text; a plural message by its last (plural) form."""
        catalogue = self._languages[language]
        last_forms = {key: plural.forms[-1] for key, plural in catalogue.plurals.items()}
        return {**catalogue.texts, **last_forms}

    def plurals(self, language: str) -> Mapping[str, Plural]:
        return self._languages[language].plurals

    def plural_form(self, language: str, count: int) -> int:
        """Which form (0, 1, ...) the language's `Plural-Forms` rule picks for `count`."""
        return self._languages[language].form_index(count)


def _read_language(folder: Path) -> _Language:
    texts: dict[str, str] = {}
    plurals: dict[str, Plural] = {}
    rules: set[str] = set()
    for po_file in sorted(folder.glob("*.po")):
        with po_file.open("rb") as handle:
            catalog = read_po(handle)
        rules.add(_plural_rule(catalog))
        for message in catalog:
            if isinstance(message.id, tuple) and isinstance(message.string, tuple | list):
                key, count = message.id[0], message.id[1]
                plurals[key] = Plural(count, tuple(message.string))
            elif message.id and isinstance(message.id, str) and isinstance(message.string, str):
                texts[message.id] = message.string
    if len(rules) != 1:
        raise ValueError(f"{folder}: the .po files disagree on Plural-Forms: {sorted(rules)}")
    return _Language(texts, plurals, c2py(rules.pop()))


def _plural_rule(catalog: Catalog) -> str:
    return str(catalog.plural_expr)


@cache
def catalogues() -> Catalogues:
    """The packaged catalogues, read once per process."""
    return Catalogues()


def normalise_language(code: str | None, default: str = DEFAULT_LANGUAGE) -> str:
    """Map a platform language code such as ``de-AT`` or ``en_GB`` to one we speak."""
    if code:
        short = code.replace("_", "-").split("-")[0].lower()
        if short in LANGUAGES:
            return short
    return default


class Texts(Protocol):
    """Anything that speaks a language: a `Context`, or a `Voice` outside a chat."""

    @property
    def language(self) -> str: ...

    def t(self, key: str, /, **values: object) -> str: ...


@dataclass(frozen=True)
class Voice:
    """Texts in one person's language where there is no chat context (scheduled work)."""

    catalogues: Catalogues
    language: str

    def t(self, key: str, /, **values: object) -> str:
        return self.catalogues.text(self.language, key, **values)
