"""/mydata: everything the bot stores about me, as a JSON file (GDPR Art. 15 and 20)."""

from __future__ import annotations

from handlers.core.context import Context
from handlers.core.messages import Attachment
from handlers.core.personal_data import FILENAME, MEDIA_TYPE, as_json, collect
from handlers.core.registry import command


@command("mydata", consent=False, private=True)
def mydata(ctx: Context) -> None:
    data = {"exported_at": ctx.now(), **collect(ctx.uow, ctx.person_id)}
    ctx.reply("mydata.caption", document=Attachment(FILENAME, MEDIA_TYPE, as_json(data)))
