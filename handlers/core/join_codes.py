"""Join codes: short, unambiguous when read aloud, one per event of any kind."""

from __future__ import annotations

import secrets

from storage.uow import UnitOfWork

# No 0/O, 1/I/L: a code read aloud or copied from a poster still works.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


CODE_LENGTH = 6


def new_join_code(uow: UnitOfWork) -> str:
    while True:
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        if uow.events.by_code(code) is None:
            return code


def normalise_code(raw: str) -> str:
    return "".join(ch for ch in raw.upper() if ch.isalnum())[:16]
