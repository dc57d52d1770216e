"""Translation catalogues: gettext `.po` files read with Babel, German and English.

Every user-facing text is a symbolic key (``vote.budget``) looked up here; the `.po`
files under ``handlers/locale/<lang>/LC_MESSAGES/`` hold the texts. Several files per
language are merged, so each area (core, exports, ...) keeps its own catalogue.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Final, Protocol

from babel.messages.pofile import read_po

LANGUAGES: Final = ("de", "en")
DEFAULT_LANGUAGE: Final = "de"
LOCALE_DIR: Final = Path(__file__).parents[1] / "locale"


class Catalogues:
    def __init__(self, directory: Path = LOCALE_DIR) -> None:
        self._texts: dict[str, dict[str, str]] = {
            lang: _read_language(directory / lang / "LC_MESSAGES") for lang in LANGUAGES
        }

    def text(self, language: str, key: str, /, **values: object) -> str:
        """The text for `key` in `language`, falling back to German, then to the key."""
        texts = self._texts.get(language) or self._texts[DEFAULT_LANGUAGE]
        template = texts.get(key) or self._texts[DEFAULT_LANGUAGE].get(key)
        if template is None:
            return key
        return template.format(**values) if values else template

    def keys(self, language: str) -> set[str]:
        return set(self._texts[language])

    def templates(self, language: str) -> Mapping[str, str]:
        return self._texts[language]


def _read_language(folder: Path) -> dict[str, str]:
    texts: dict[str, str] = {}
    for po_file in sorted(folder.glob("*.po")):
        with po_file.open("rb") as handle:
            catalog = read_po(handle)
        for message in catalog:
            if message.id and isinstance(message.id, str) and isinstance(message.string, str):
                texts[message.id] = message.string
    return texts


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
