"""The council's commands, one function in one module each; importing registers them all,
and the handlers of the events they raise."""

import handlers.council.council_forgetting
import handlers.council.meeting_notices  # noqa: F401
from handlers.council.commands import (  # noqa: F401
    attend,
    export,
    meeting,
    meetings,
    newcouncil,
)
