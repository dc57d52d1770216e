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

from collections.abc import Callable, Sequence

from handlers.core.dialogs import Dialog, Finish, Step
from handlers.core.registry import CommandFunc, registry
from storage.core.shared_tables import EventKind, Role

BARCAMP = frozenset({EventKind.BARCAMP})


def command(
    name: str,
    *,
    roles: frozenset[Role] | None = None,
    consent: bool = True,
    event: bool = False,
    hidden: bool = False,
    private: bool = False,
    refreshes: str | None = None,
) -> Callable[[CommandFunc], CommandFunc]:
    """Register a BarCamp command (see `Registry.command`)."""
    return registry.command(
        name,
        roles=roles,
        consent=consent,
        event=event,
        hidden=hidden,
        private=private,
        refreshes=refreshes,
        kinds=BARCAMP,
    )


def dialog(name: str, *, steps: Sequence[Step], finish: Finish) -> Dialog:
    """Declare a BarCamp dialog (see `handlers.core.dialogs`)."""
    return registry.dialog(name, steps=steps, finish=finish, kinds=BARCAMP)
