"""The council's commands, one function in one module each; importing registers them all,
and the handlers of the events they raise."""

import handlers.council.invitation_privacy  # noqa: F401
from handlers.council.commands import invitecamp, linkcamp, newcouncil, nextcamp  # noqa: F401
