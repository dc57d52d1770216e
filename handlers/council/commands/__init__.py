"""The council's commands, one function in one module each; importing registers them all,
and the handlers of the events they raise."""

import handlers.council.council_forgetting
import handlers.council.council_merge
import handlers.council.date_poll_privacy
import handlers.council.invitation_privacy
import handlers.council.meeting_notices  # noqa: F401  (notices, forgetting, /mydata, retention)
from handlers.council.commands import (  # noqa: F401
    attend,
    dateanswer,
    dateconfirm,
    datepoll,
    export,
    invitecamp,
    linkcamp,
    meeting,
    meetings,
    newcouncil,
    nextcamp,
)
