"""How the council's commands and dialogs are registered: as serving councils only.

    from handlers.council.council_registration import command, dialog

    @command("datepoll", event=True, roles=ORGANISERS)
    def datepoll(ctx: Context, text: Text | None) -> None: ...

The same options as `Registry.command` and `Registry.dialog` (handlers.core.registry),
with the kind filled in: in a BarCamp these commands and dialog answers are refused, and
`/help` there does not list them.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence

from handlers.core.dialogs import Dialog, Finish, Step
from handlers.core.registry import registry
from storage.core.shared_tables import EventKind

COUNCIL = frozenset({EventKind.COUNCIL})


# Register a council command: `Registry.command`'s options, with the kind filled in.
command = functools.partial(registry.command, kinds=COUNCIL)


def dialog(name: str, *, steps: Sequence[Step], finish: Finish) -> Dialog:
    """Declare a council dialog (see `handlers.core.dialogs`)."""
    return registry.dialog(name, steps=steps, finish=finish, kinds=COUNCIL)
