"""Looking for a person in the store: in every row of every table, and in SQLite's files.

A test names what must be gone (display name, username, platform id, what they typed)
and gets back where each still is, so a failure says which table or file kept it.
Texts are looked for as they are and as JSON writes them (non-ASCII escaped).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, MetaData, select
from sqlalchemy.engine import make_url

from storage.db import empty_wal


def forms(needle: str) -> list[bytes]:
    """The byte strings `needle` is stored as: UTF-8, and escaped as JSON writes it."""
    escaped = json.dumps(needle)[1:-1]
    return list(dict.fromkeys([needle.encode(), escaped.encode()]))


def rows_naming(engine: Engine, needles: Iterable[str]) -> dict[str, list[str]]:
    """Per needle, the tables whose rows contain it (every column, as text or bytes)."""
    tables = MetaData()
    tables.reflect(engine)
    found: dict[str, list[str]] = {}
    with engine.connect() as connection:
        contents = {
            name: b"\n".join(
                _as_bytes(value)
                for row in connection.execute(select(table))
                for value in row
                if value is not None
            )
            for name, table in tables.tables.items()
        }
    for needle in needles:
        places = [name for name, content in contents.items() if _contains(content, needle)]
        if places:
            found[needle] = places
    return found


def sqlite_files_naming(engine: Engine, needles: Iterable[str]) -> dict[str, list[str]]:
    """Per needle, which of the SQLite file and its write-ahead log hold its bytes, after
    the log was emptied into the file (as the bot's housekeeping does)."""
    assert empty_wal(engine), "a reader held the write-ahead log"
    database = Path(str(make_url(str(engine.url)).database))
    files = [database, database.with_name(database.name + "-wal")]
    contents = {path.name: path.read_bytes() for path in files if path.exists()}
    assert database.name in contents
    found: dict[str, list[str]] = {}
    for needle in needles:
        places = [name for name, content in contents.items() if _contains(content, needle)]
        if places:
            found[needle] = places
    return found


def _contains(content: bytes, needle: str) -> bool:
    return any(form in content for form in forms(needle))


def _as_bytes(value: Any) -> bytes:
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value)
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False).encode()
    return str(value).encode()
