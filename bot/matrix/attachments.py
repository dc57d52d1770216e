"""Images and documents: uploaded to the media repository, encrypted for encrypted rooms."""

from __future__ import annotations

import io
from typing import Any

import nio  # type: ignore[import-untyped, unused-ignore]
from PIL import Image, UnidentifiedImageError

from bot.adapter import RetryAfter
from bot.matrix.sending import CONNECTION_ERRORS, EventSender, SendFailed
from handlers.core.messages import Attachment


async def attachment_content(
    client: nio.AsyncClient,
    sender: EventSender,
    attachment: Attachment,
    image: bool,
    encrypted: bool,
) -> dict[str, Any]:
    """Upload the file and return the content of the message that shows it."""
    try:
        uploaded, keys = await client.upload(
            io.BytesIO(attachment.content),
            content_type=attachment.media_type,
            filename=attachment.filename,
            encrypt=encrypted,
            filesize=len(attachment.content),
        )
    except CONNECTION_ERRORS as error:
        raise sender.unreachable_server(error) from error
    if not isinstance(uploaded, nio.UploadResponse):
        if getattr(uploaded, "status_code", None) == "M_LIMIT_EXCEEDED":
            raise RetryAfter((getattr(uploaded, "retry_after_ms", None) or 5000) / 1000)
        raise SendFailed(f"upload of {attachment.filename} failed: {uploaded}")
    info: dict[str, Any] = {"mimetype": attachment.media_type, "size": len(attachment.content)}
    if image:
        info.update(image_size(attachment.content))
    content: dict[str, Any] = {
        "msgtype": "m.image" if image else "m.file",
        "body": attachment.filename,
        "info": info,
    }
    if encrypted and keys:
        content["file"] = {**keys, "url": uploaded.content_uri}
    else:
        content["url"] = uploaded.content_uri
    return content


def image_size(content: bytes) -> dict[str, int]:
    """Width and height, so clients can reserve the space before loading the image."""
    try:
        with Image.open(io.BytesIO(content)) as picture:
            return {"w": picture.width, "h": picture.height}
    except (UnidentifiedImageError, OSError):
        return {}
