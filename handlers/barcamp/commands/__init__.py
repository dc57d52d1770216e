"""The BarCamp's commands, one function in one module each; importing registers them all."""

from handlers.barcamp.commands import (  # noqa: F401
    agenda,
    export,
    merge,
    mine,
    moderation,
    move,
    newcamp,
    plan,
    propose,
    sessions,
    settings,
    vote,
    voting,
)
