"""The council's commands, one function in one module each; importing registers them all,
and the handlers of the events they raise."""

from handlers.council.commands import newcouncil  # noqa: F401
