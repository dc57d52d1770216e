"""Moving a person's rows to another person (`/link` joins two accounts into one)."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, SQLModel, select


def move_person_rows(
    session: Session, model: type[SQLModel], key: tuple[str, ...], gone: int, kept: int
) -> None:
    """Give `kept` the rows of `gone`; where both have a row with the same `key` (the
    same date, the same meeting), the kept account's stays and the other goes."""
    person: Any = model.person_id  # type: ignore[attr-defined]
    kept_keys = {
        tuple(getattr(row, field) for field in key)
        for row in session.exec(select(model).where(person == kept))
    }
    for row in session.exec(select(model).where(person == gone)).all():
        if tuple(getattr(row, field) for field in key) in kept_keys:
            session.delete(row)
        else:
            row.person_id = kept
    session.flush()
