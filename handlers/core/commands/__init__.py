"""The commands every kind of event shares, one function in one module each; importing
registers them all."""

from handlers.core.commands import (  # noqa: F401
    announce,
    cancel,
    forgetme,
    guardian,
    help,
    join,
    language,
    link,
    linkgroup,
    members,
    mydata,
    poll,
    privacy,
    remind,
    role,
    start,
    use,
)
