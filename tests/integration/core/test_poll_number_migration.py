"""Migration 0008 on SQLite and PostgreSQL: polls kept at 0007 get numbers per event in
the order they were made, keep their options and answers, and new polls go on from
there; a downgrade takes the numbers away and nothing else."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from alembic import command
from sqlalchemy import Boolean, Engine, bindparam, inspect, text
from sqlalchemy.exc import IntegrityError
from sqlmodel.sql.sqltypes import UTCDateTime

from handlers.core.quick_polls import create_poll
from storage.db import make_engine
from storage.migrate import alembic_config, current_revision, head_revision, upgrade
from storage.uow import UnitOfWork

CREATED = datetime(2027, 1, 10, 9, 0, tzinfo=UTC)
# Polls in the order they were made: the global ids interleave the two camps.
POLLS = [("CAMPA", "Pizza?"), ("CAMPB", "Pasta?"), ("CAMPA", "Eis?")]
BELONGING = ("poll", "polloption", "pollanswer", "person", "membership")


@pytest.fixture
def engine(store_url: str) -> Iterator[Engine]:
    engine = make_engine(store_url)
    yield engine
    engine.dispose()


def execute(engine: Engine, sql: str, **values: object) -> None:
    statement = text(sql).bindparams(
        *(bindparam(name, type_=UTCDateTime()) for name in values if name == "now"),
        *(bindparam(name, type_=Boolean()) for name in values if name == "yes"),
    )
    with engine.begin() as connection:
        connection.execute(statement, values)


def fill_at_0007(engine: Engine) -> None:
    """Two camps, three polls with two options each, and Ana's answer to the first."""
    upgrade(engine, "0007")
    for code in ("CAMPA", "CAMPB"):
        execute(
            engine,
            "INSERT INTO event (kind, name, code, place, timezone, created_at)"
            " VALUES ('BARCAMP', :code, :code, '', 'Europe/Berlin', :now)",
            code=code,
            now=CREATED,
        )
    for code, question in POLLS:
        execute(
            engine,
            "INSERT INTO poll (event_id, question, secret, closed, created_at)"
            " SELECT id, :question, :yes, NOT :yes, :now FROM event WHERE code = :code",
            code=code,
            question=question,
            yes=True,
            now=CREATED,
        )
    execute(
        engine,
        "INSERT INTO polloption (poll_id, position, text, anonymous_answers)"
        " SELECT id, 0, 'Ja', 0 FROM poll UNION ALL SELECT id, 1, 'Nein', 3 FROM poll",
    )
    execute(
        engine,
        "INSERT INTO person (display_name, remind, created_at) VALUES ('Ana', :yes, :now)",
        yes=True,
        now=CREATED,
    )
    execute(
        engine,
        "INSERT INTO membership (event_id, person_id, role, joined_at)"
        " SELECT event.id, person.id, 'PARTICIPANT', :now FROM event, person"
        " WHERE event.code = 'CAMPA'",
        now=CREATED,
    )
    execute(
        engine,
        "INSERT INTO pollanswer (poll_id, option_id, person_id, answered_at)"
        " SELECT poll.id, polloption.id, person.id, :now FROM poll, polloption, person"
        " WHERE polloption.poll_id = poll.id AND polloption.position = 0"
        " AND poll.question = 'Pizza?'",
        now=CREATED,
    )


def counts(engine: Engine) -> dict[str, int]:
    with engine.connect() as connection:
        return {
            table: int(connection.execute(text(f"SELECT count(*) FROM {table}")).scalar_one())
            for table in BELONGING
        }


def numbers(engine: Engine) -> list[tuple[str, str, int]]:
    with engine.connect() as connection:
        rows = connection.execute(
            text(
                "SELECT event.code, poll.question, poll.number FROM poll"
                " JOIN event ON event.id = poll.event_id ORDER BY poll.id"
            )
        )
        return [(str(code), str(question), int(number)) for code, question, number in rows]


def scalar(engine: Engine, sql: str, **values: object) -> int:
    with engine.connect() as connection:
        return int(connection.execute(text(sql), values).scalar_one())


def test_polls_are_numbered_per_event_and_keep_their_answers(engine: Engine) -> None:
    fill_at_0007(engine)
    before = counts(engine)

    upgrade(engine)
    assert current_revision(engine) == head_revision()
    assert numbers(engine) == [("CAMPA", "Pizza?", 1), ("CAMPB", "Pasta?", 1), ("CAMPA", "Eis?", 2)]
    assert counts(engine) == before

    with UnitOfWork(engine) as uow:  # a new poll goes on from the camp's highest number
        camp = scalar(engine, "SELECT id FROM event WHERE code = :code", code="CAMPB")
        ana = scalar(engine, "SELECT id FROM person")
        poll, _ = create_poll(uow, camp, "Kino?", ["Ja", "Nein"], ana, CREATED)
        assert poll.number == 2
        uow.rollback()

    command.downgrade(alembic_config(engine), "0007")
    assert current_revision(engine) == "0007"
    assert "number" not in {column["name"] for column in inspect(engine).get_columns("poll")}
    assert counts(engine) == before

    upgrade(engine)
    assert numbers(engine)[-1] == ("CAMPA", "Eis?", 2)
    assert counts(engine) == before


def test_two_polls_of_one_event_cannot_share_a_number(engine: Engine) -> None:
    fill_at_0007(engine)
    upgrade(engine)
    with pytest.raises(IntegrityError, match=r"(?i)unique"):
        execute(engine, "UPDATE poll SET number = 1 WHERE question = 'Eis?'")
