"""How the BarCamp's commands and dialogs are registered: as serving BarCamps only.

    from handlers.barcamp.registration import command, dialog

    @command("vote", event=True, private=True, refreshes="sessions")
    def vote(ctx: Context, numbers: list[int]) -> None: ...

    PROPOSE = dialog("propose", steps=(...), finish=submit_answers)

The same options as `Registry.command` and `Registry.dialog` (handlers.core.registry),
with the kind filled in: in a youth council these commands and dialog answers are
refused, and `/help` there does not list the commands.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence

from handlers.core.dialogs import Dialog, Finish, Step
from handlers.core.registry import registry
from storage.core.shared_tables import EventKind

BARCAMP = frozenset({EventKind.BARCAMP})


# Register a BarCamp command: `Registry.command`'s options, with the kind filled in.
command = functools.partial(registry.command, kinds=BARCAMP)


def dialog(name: str, *, steps: Sequence[Step], finish: Finish) -> Dialog:
    """Declare a BarCamp dialog (see `handlers.core.dialogs`)."""
    return registry.dialog(name, steps=steps, finish=finish, kinds=BARCAMP)
