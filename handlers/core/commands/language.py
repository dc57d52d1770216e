"""/language de|en: answers from now on in that language."""

from __future__ import annotations

from typing import Literal

from handlers.core.context import Context
from handlers.core.i18n import LANGUAGES
from handlers.core.messages import Button
from handlers.core.registry import command


@command("language", consent=False, private=True)
def language(ctx: Context, code: Literal["de", "en"] | None) -> None:
    if code is None:
        buttons = tuple(
            Button(ctx.catalogues.text(lang, "language.name"), f"language {lang}")
            for lang in LANGUAGES
        )
        ctx.reply("language.choose", buttons=(buttons,))
        return
    if not ctx.consented:
        # Nothing is stored before consent: show the welcome in that language instead.
        from handlers.core.commands.start import show_consent

        show_consent(ctx, code, None)
        return
    ctx.person.language = code
    ctx.reply("language.set")
