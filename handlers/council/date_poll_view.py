"""How a date poll looks in the chat: the dates with their counts and the person's own
answers, buttons per date while it is open, and for the team who answered what.

The same view is the poll's message (sent to every member), its refresh after a press,
`/datepoll N`, the reminder and the closing notice; each is rendered for one person in
their language.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from handlers.core.event_time import local_now
from handlers.core.i18n import Texts
from handlers.core.messages import Button, Reply
from handlers.core.registry import STAFF
from handlers.council.councils import quorum_of
from handlers.council.date_choice import DateTally
from handlers.council.date_poll_input import STORED
from storage.core.shared_tables import Event, Poll, PollOption
from storage.council.date_poll_tables import DateAnswer, DateAnswerKind, DatePoll
from storage.uow import UnitOfWork

MARKS = {DateAnswerKind.YES: "✅", DateAnswerKind.MAYBE: "🤷", DateAnswerKind.NO: "❌"}


@dataclass(frozen=True)
class DatePollState:
    """A date poll as loaded from the store, for the rules and the view."""

    event: Event
    poll: Poll
    settings: DatePoll
    options: Sequence[PollOption]
    answers: Sequence[DateAnswer]
    members: Sequence[int]
    team: frozenset[int]
    # How many members the quorum needs in this council now.
    needed: int

    @property
    def dates(self) -> list[datetime]:
        return [datetime.strptime(option.text, STORED) for option in self.options]

    def tallies(self) -> list[DateTally]:
        tallies = []
        for option, starts in zip(self.options, self.dates, strict=True):
            kinds = [answer.answer for answer in self.answers if answer.option_id == option.id]
            tallies.append(
                DateTally(
                    starts,
                    kinds.count(DateAnswerKind.YES),
                    kinds.count(DateAnswerKind.MAYBE),
                    kinds.count(DateAnswerKind.NO),
                )
            )
        return tallies

    def answered(self) -> set[int]:
        return {answer.person_id for answer in self.answers}

    def position_of(self, option_id: int | None) -> int | None:
        ids = [option.id for option in self.options]
        return ids.index(option_id) if option_id in ids else None


def load_state(uow: UnitOfWork, poll: Poll) -> DatePollState | None:
    """The date poll shown by `poll`; None when it is a quick poll."""
    if poll.id is None or poll.event_id is None:
        return None
    settings = uow.date_polls.get(poll.id)
    event = uow.events.get(poll.event_id)
    if settings is None or event is None or event.id is None:
        return None
    members = [person.id for person in uow.events.members(event.id) if person.id is not None]
    return DatePollState(
        event=event,
        poll=poll,
        settings=settings,
        options=uow.polls.options(poll.id),
        answers=uow.date_polls.answers(poll.id),
        members=members,
        team=frozenset(uow.events.with_role(event.id, *STAFF)),
        needed=quorum_of(uow, event.id).needed(len(members)),
    )


def when_text(texts: Texts, starts: datetime) -> str:
    """`Di 12.01.2027, 17:00` in German, `Tue 2027-01-12, 17:00` in English."""
    weekday = texts.t("datepoll.weekdays").split()[starts.weekday()]
    return texts.t(
        "datepoll.when",
        weekday=weekday,
        day=f"{starts.day:02d}",
        month=f"{starts.month:02d}",
        year=starts.year,
        time=f"{starts:%H:%M}",
    )


def poll_view(
    uow: UnitOfWork, texts: Texts, state: DatePollState, person_id: int, heading: str = ""
) -> Reply:
    """The poll for one person: their answers marked, names for the team, buttons while open."""
    poll, tallies = state.poll, state.tallies()
    mine = {a.option_id: a.answer for a in state.answers if a.person_id == person_id}
    lines = [heading] if heading else []
    lines.append(texts.t("datepoll.header", number=poll.number, title=poll.question))
    for position, (option, tally) in enumerate(zip(state.options, tallies, strict=True), 1):
        line = texts.t(
            "datepoll.line",
            position=position,
            when=when_text(texts, tally.starts_at),
            yes=tally.yes,
            maybe=tally.maybe,
            no=tally.no,
        )
        if option.id in mine:
            line += " " + texts.t("datepoll.yours", mark=MARKS[mine[option.id]])
        lines.append(line)
    lines.append(_status(texts, state))
    if person_id in state.team:
        lines += _who(uow, texts, state)
    buttons = () if poll.closed else _answer_buttons(state, mine)
    return Reply("\n".join(lines), buttons=buttons)


def _status(texts: Texts, state: DatePollState) -> str:
    settings = state.settings
    if not state.poll.closed:
        if settings.deadline is None:
            return texts.t("datepoll.open", needed=state.needed)
        deadline = f"{local_now(state.event, settings.deadline):%Y-%m-%d %H:%M}"
        return texts.t("datepoll.open_until", deadline=deadline, needed=state.needed)
    position = state.position_of(settings.proposed_option_id)
    if position is None:
        return texts.t("datepoll.closed")
    when = when_text(texts, state.dates[position])
    key = "datepoll.confirmed" if settings.meeting_id is not None else "datepoll.proposed"
    return texts.t(key, position=position + 1, when=when)


def _who(uow: UnitOfWork, texts: Texts, state: DatePollState) -> list[str]:
    """Who answered each date how, and who has not answered yet (the team's eyes only)."""
    names = {
        person_id: person.display_name or texts.t("person.anonymous")
        for person_id in state.members
        if (person := uow.people.get(person_id)) is not None
    }
    lines = [texts.t("datepoll.who_header")]
    for position, option in enumerate(state.options, 1):
        parts = []
        for kind, mark in MARKS.items():
            who = [
                names.get(a.person_id, "?")
                for a in state.answers
                if a.option_id == option.id and a.answer is kind
            ]
            parts.append(f"{mark} {', '.join(who) if who else '–'}")
        lines.append(f"{position}. " + " · ".join(parts))
    waiting = [names[p] for p in state.members if p not in state.answered() and p in names]
    if waiting:
        lines.append(texts.t("datepoll.not_answered", count=len(waiting), names=", ".join(waiting)))
    return lines


def _answer_buttons(
    state: DatePollState, mine: dict[int, DateAnswerKind]
) -> tuple[tuple[Button, ...], ...]:
    """One row per date: ✅ 🤷 ❌, the person's own answer ticked."""
    rows = []
    for position, option in enumerate(state.options, 1):
        row = []
        for kind, mark in MARKS.items():
            label = f"{position} {mark}"
            if option.id is not None and mine.get(option.id) is kind:
                label = f"✔ {label}"
            row.append(Button(label, f"dateanswer {state.poll.number} {position} {kind.value}"))
        rows.append(tuple(row))
    return tuple(rows)
