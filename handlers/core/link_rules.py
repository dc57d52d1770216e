"""The rules of `/link`'s one-time codes: short, valid ten minutes, used once, and only
a few wrong tries per person an hour."""

from __future__ import annotations

import enum
import hashlib
import secrets
from collections.abc import Sequence
from datetime import datetime, timedelta

from handlers.core.join_codes import CODE_ALPHABET, normalise_code

LINK_CODE_LENGTH = 8
VALID_FOR = timedelta(minutes=10)
# Wrong codes a person may send per window; then `/link CODE` is refused for a while.
WRONG_TRIES = 5
TRY_WINDOW = timedelta(hours=1)
# A used or expired code is still told apart from a wrong one this long, then pruned.
REMEMBERED_FOR = timedelta(days=1)


class CodeState(enum.StrEnum):
    VALID = "valid"
    EXPIRED = "expired"
    USED = "used"


def new_link_code() -> str:
    """Eight characters from the join codes' alphabet (no 0/O, 1/I/L), about 2^40."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(LINK_CODE_LENGTH))


def code_hash(raw: str) -> str:
    """What the store keeps of a code: typed in any case, with or without spaces."""
    return hashlib.sha256(normalise_code(raw).encode("ascii", "ignore")).hexdigest()


def looks_like_code(raw: str) -> bool:
    code = normalise_code(raw)
    return len(code) == LINK_CODE_LENGTH and all(ch in CODE_ALPHABET for ch in code)


def code_state(expires_at: datetime, used_at: datetime | None, now: datetime) -> CodeState:
    if used_at is not None:
        return CodeState.USED
    return CodeState.VALID if now < expires_at else CodeState.EXPIRED


def blocked_until(failures: Sequence[datetime], now: datetime) -> datetime | None:
    """When `/link CODE` works again after too many wrong codes in the window; None if
    it works now. `failures`: the times of the wrong codes, any order."""
    recent = sorted(at for at in failures if at > now - TRY_WINDOW)
    if len(recent) < WRONG_TRIES:
        return None
    # Free again once fewer than WRONG_TRIES of them lie within the window.
    return recent[-WRONG_TRIES] + TRY_WINDOW
