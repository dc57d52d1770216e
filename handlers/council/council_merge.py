"""What the council does when two accounts become one person (`/link`): their date-poll
answers, meeting answers and invitations are the person's, one per date, meeting and
council (the account that sent the code keeps its own where both answered)."""

from __future__ import annotations

from handlers.core.core_events import PeopleMerged
from handlers.core.message_bus import Effects, handles


@handles(PeopleMerged)
def merge_council_rows(event: PeopleMerged, effects: Effects) -> None:
    uow = effects.uow
    uow.date_polls.move_person(event.gone, event.kept)
    uow.meetings.move_person(event.gone, event.kept)
    uow.council_invitations.move_person(event.gone, event.kept)
