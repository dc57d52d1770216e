"""The council's commands, one function in one module each; importing registers them all,
and the handlers of the events they raise."""

import handlers.council.date_poll_privacy
import handlers.council.invitation_privacy  # noqa: F401  (forgetting, /mydata, retention)
from handlers.council.commands import (  # noqa: F401
    dateanswer,
    dateconfirm,
    datepoll,
    invitecamp,
    linkcamp,
    newcouncil,
    nextcamp,
)
