"""Each camp's settings: vote budget, open voting, visible counts, publication, reminders."""

from __future__ import annotations

from sqlmodel import Session

from storage.barcamp.camp_tables import CampSettings


class CampSettingsRepository:
    """The rows are part of the unit of work: what a use case changes on one is stored
    when the unit commits."""

    def __init__(self, session: Session) -> None:
        self._session = session
        # A vote press asks several times (the check, the budget line, the refreshed
        # view): one primary-key read per unit, also against the weak identity map.
        self._known: dict[int, CampSettings] = {}

    def of(self, event_id: int) -> CampSettings:
        """The camp's settings. An event without a row (a council's: councils have no
        camp settings) gets one with the defaults, which BarCamp commands used on it have
        always seen."""
        known = self._known.get(event_id)
        if known is None:
            known = self._session.get(CampSettings, event_id) or self.create(event_id)
            self._known[event_id] = known
        return known

    def create(self, event_id: int) -> CampSettings:
        """The settings of a new camp, with the defaults."""
        settings = CampSettings(event_id=event_id)
        self._session.add(settings)
        self._session.flush()
        self._known[event_id] = settings
        return settings

    def forget(self) -> None:
        """After a rollback: rows read or created before may be gone or changed."""
        self._known.clear()
