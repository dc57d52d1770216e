"""Every command is one function in one module here; importing registers them all."""

from handlers.commands import (  # noqa: F401
    announce,
    cancel,
    forgetme,
    help,
    join,
    language,
    linkgroup,
    mine,
    moderation,
    newcamp,
    poll,
    privacy,
    propose,
    sessions,
    start,
    use,
    vote,
)
