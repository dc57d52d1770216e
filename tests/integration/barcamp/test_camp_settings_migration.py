"""Migration 0005 on SQLite and PostgreSQL: a store filled at 0004 keeps every camp's
settings in `campsettings`, the event loses the columns, and a downgrade brings them back."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from alembic import command
from sqlalchemy import Boolean, Engine, Integer, bindparam, inspect, text
from sqlmodel.sql.sqltypes import UTCDateTime

from storage.db import make_engine
from storage.migrate import alembic_config, current_revision, head_revision, upgrade
from storage.uow import UnitOfWork

NEUTRAL = {"id", "kind", "name", "code", "starts_on", "place", "timezone", "created_at"}
DEFAULTS: dict[str, Any] = {
    "vote_budget": 5,
    "voting_open": True,
    "show_counts": True,
    "agenda_published_at": None,
    "reminder_minutes": 10,
    "vote_reminder_minutes": 60,
}
MOVED = set(DEFAULTS)
CREATED = datetime(2027, 1, 10, 9, 0, tzinfo=UTC)
PUBLISHED = datetime(2027, 3, 1, 12, 30, tzinfo=UTC)
# code -> (kind, settings at 0004): a camp with every value changed, one as it began, a
# council as councils are, and a council on which BarCamp commands changed the budget.
EVENTS: dict[str, tuple[str, dict[str, Any]]] = {
    "CAMPA": (
        "BARCAMP",
        {
            "vote_budget": 7,
            "voting_open": False,
            "show_counts": False,
            "agenda_published_at": PUBLISHED,
            "reminder_minutes": 15,
            "vote_reminder_minutes": 0,
        },
    ),
    "CAMPB": ("BARCAMP", DEFAULTS),
    "RATA": ("COUNCIL", DEFAULTS),
    "RATB": ("COUNCIL", {**DEFAULTS, "vote_budget": 3}),
}
WITH_SETTINGS = {"CAMPA", "CAMPB", "RATB"}
# What belongs to an event, counted before and after: none of it may go.
BELONGING = ("person", "membership", "proposal", "vote")

_INSERT_EVENT = text(
    "INSERT INTO event (kind, name, code, place, timezone, created_at, vote_budget,"
    " voting_open, show_counts, agenda_published_at, reminder_minutes, vote_reminder_minutes)"
    " VALUES (:kind, :code, :code, 'Jugendhaus', 'Europe/Berlin', :created_at, :vote_budget,"
    " :voting_open, :show_counts, :agenda_published_at, :reminder_minutes,"
    " :vote_reminder_minutes)"
).bindparams(
    bindparam("created_at", type_=UTCDateTime()),
    bindparam("agenda_published_at", type_=UTCDateTime()),
    bindparam("voting_open", type_=Boolean()),
    bindparam("show_counts", type_=Boolean()),
)
_EVENT_SETTINGS = text(
    "SELECT code, vote_budget, voting_open, show_counts, agenda_published_at,"
    " reminder_minutes, vote_reminder_minutes FROM event"
).columns(
    vote_budget=Integer(),
    voting_open=Boolean(),
    show_counts=Boolean(),
    agenda_published_at=UTCDateTime(),
    reminder_minutes=Integer(),
    vote_reminder_minutes=Integer(),
)


@pytest.fixture
def engine(store_url: str) -> Iterator[Engine]:
    engine = make_engine(store_url)
    yield engine
    engine.dispose()


def fill_at_0004(engine: Engine) -> None:
    """Events of each kind, and a person who belongs to the first camp and voted there."""
    upgrade(engine, "0004")
    with engine.begin() as connection:
        for code, (kind, settings) in EVENTS.items():
            values = {"kind": kind, "code": code, "created_at": CREATED, **settings}
            connection.execute(_INSERT_EVENT, values)
        connection.execute(
            text(
                "INSERT INTO person (display_name, remind, active_event_id, created_at)"
                " SELECT 'Ana', :yes, id, :now FROM event WHERE code = 'CAMPA'"
            ).bindparams(bindparam("yes", type_=Boolean()), bindparam("now", type_=UTCDateTime())),
            {"yes": True, "now": CREATED},
        )
        rows = "FROM event, person WHERE event.code = 'CAMPA'"
        connection.execute(
            text(
                "INSERT INTO membership (event_id, person_id, role, joined_at)"
                f" SELECT event.id, person.id, 'PARTICIPANT', :now {rows}"
            ).bindparams(bindparam("now", type_=UTCDateTime())),
            {"now": CREATED},
        )
        connection.execute(
            text(
                "INSERT INTO proposal (event_id, number, title, description, proposer_id,"
                " status, anonymous_votes, created_at)"
                f" SELECT event.id, 1, 'Skatepark', '', person.id, 'APPROVED', 0, :now {rows}"
            ).bindparams(bindparam("now", type_=UTCDateTime())),
            {"now": CREATED},
        )
        connection.execute(
            text(
                "INSERT INTO vote (proposal_id, person_id, created_at)"
                " SELECT proposal.id, person.id, :now FROM proposal, person"
            ).bindparams(bindparam("now", type_=UTCDateTime())),
            {"now": CREATED},
        )


def event_ids(engine: Engine) -> dict[str, int]:
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT code, id FROM event"))
        return {str(code): int(id_) for code, id_ in rows}


def counts(engine: Engine) -> dict[str, int]:
    with engine.connect() as connection:
        return {
            table: int(connection.execute(text(f"SELECT count(*) FROM {table}")).scalar_one())
            for table in BELONGING
        }


def active_events(engine: Engine) -> list[int | None]:
    with engine.connect() as connection:
        return list(connection.execute(text("SELECT active_event_id FROM person")).scalars())


def event_columns(engine: Engine) -> set[str]:
    return {column["name"] for column in inspect(engine).get_columns("event")}


def assert_settings_in_their_table(engine: Engine) -> None:
    assert current_revision(engine) == head_revision()
    assert event_columns(engine) == NEUTRAL
    ids = event_ids(engine)
    with engine.connect() as connection:
        rows = set(connection.execute(text("SELECT event_id FROM campsettings")).scalars())
    assert rows == {ids[code] for code in WITH_SETTINGS}
    with UnitOfWork(engine) as uow:
        for code in WITH_SETTINGS:
            camp = uow.camp_settings.of(ids[code])
            assert {name: getattr(camp, name) for name in MOVED} == EVENTS[code][1], code


def test_upgrade_moves_the_settings_and_downgrade_brings_them_back(engine: Engine) -> None:
    fill_at_0004(engine)
    ids, rows = event_ids(engine), counts(engine)
    assert active_events(engine) == [ids["CAMPA"]]

    upgrade(engine)
    assert_settings_in_their_table(engine)
    assert (event_ids(engine), counts(engine), active_events(engine)) == (ids, rows, [ids["CAMPA"]])

    command.downgrade(alembic_config(engine), "0004")
    assert current_revision(engine) == "0004"
    assert event_columns(engine) == NEUTRAL | MOVED
    assert not inspect(engine).has_table("campsettings")
    with engine.connect() as connection:
        settings = {
            row["code"]: {name: row[name] for name in MOVED}
            for row in connection.execute(_EVENT_SETTINGS).mappings()
        }
    assert settings == {code: values for code, (_kind, values) in EVENTS.items()}
    assert (event_ids(engine), counts(engine), active_events(engine)) == (ids, rows, [ids["CAMPA"]])

    upgrade(engine)  # and up again, from what the downgrade left
    assert_settings_in_their_table(engine)


def test_settings_go_with_their_event(engine: Engine) -> None:
    fill_at_0004(engine)
    upgrade(engine)
    with engine.begin() as connection:
        connection.execute(text("DELETE FROM event WHERE code = 'CAMPA'"))
    ids = event_ids(engine)
    with engine.connect() as connection:
        rows = set(connection.execute(text("SELECT event_id FROM campsettings")).scalars())
    assert rows == {ids["CAMPB"], ids["RATB"]}
