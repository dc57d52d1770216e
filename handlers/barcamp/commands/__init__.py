"""The BarCamp's commands, one function in one module each; importing registers them all,
and the handlers of the events they raise."""

import handlers.barcamp.ballot_merge
import handlers.barcamp.board_changes
import handlers.barcamp.camp_copy
import handlers.barcamp.camp_personal_data
import handlers.barcamp.forgetting
import handlers.barcamp.notifications  # noqa: F401
from handlers.barcamp.commands import (  # noqa: F401
    agenda,
    board,
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
