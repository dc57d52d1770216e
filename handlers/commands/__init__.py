"""Every command is one function in one module here; importing registers them all."""

from handlers.commands import (  # noqa: F401
    cancel,
    forgetme,
    help,
    join,
    language,
    mine,
    moderation,
    newcamp,
    privacy,
    propose,
    sessions,
    start,
    use,
    vote,
)
