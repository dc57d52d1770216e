"""Guided dialogs, declared: a list of steps and what to do with the answers.

    NEWCAMP = dialog(  # a domain's helper, e.g. handlers.barcamp.registration
        "newcamp",
        steps=(
            Step("name", text_only(event_name), "newcamp.ask_name"),
            Step("date", camp_date, "newcamp.ask_date"),
            ...
        ),
        finish=create,
    )

    @command("newcamp", private=True)
    def newcamp(ctx: Context) -> None:
        NEWCAMP.start(ctx)

Each step is (field, parser, question key). `start` asks the first question; the router
hands every free-text message of the person to `answer`, which parses it, stores the
value under the step's field, asks the next question and, after the last one, calls
`finish` with all answers. A parser turns the text into a JSON-able value (it is stored
in `DialogState.data` between messages, so a restart loses nothing) or raises
`InputError`: then the person gets the explanation and the same question again, and the
step and the answers so far stay as they were. Should `finish` refuse (raise
`Explained`), the router rolls everything back and the dialog stays on its last step.
`/cancel` leaves any dialog.

A parser also sees the answers so far and today's date (`SoFar`), e.g. the slots of a
camp are read on the camp's day; so can a question's values (`Step.values`) and its
buttons (`Step.buttons`, e.g. one that answers with a command instead). A dialog may start
with answers already known (`start(ctx, data)`), such as the proposal it is about. The
stored step name is the step's field.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from handlers.core.messages import Button
from handlers.core.validation import InputError
from storage.core.shared_tables import EventKind

if TYPE_CHECKING:
    from handlers.core.context import Context

# Field and dialog names are stored in `DialogState` (32 characters at most).
NAME_MAX = 32


@dataclass(frozen=True)
class SoFar:
    """What a step knows besides the text: the earlier answers and today's date."""

    data: Mapping[str, Any]
    today: date

    def __getitem__(self, field: str) -> Any:
        return self.data[field]


Parser = Callable[[str, SoFar], object]
QuestionValues = Callable[[SoFar], Mapping[str, object]]
Finish = Callable[["Context", dict[str, Any]], None]
Buttons = tuple[tuple[Button, ...], ...]
QuestionButtons = Callable[["Context", SoFar], Buttons]


def text_only(parse: Callable[[str], object]) -> Parser:
    """A parser that needs nothing but the text (most do)."""

    def parser(text: str, so_far: SoFar) -> object:
        return parse(text)

    return parser


@dataclass(frozen=True)
class Step:
    field: str
    parse: Parser
    # The catalogue key of the question, and its values if it has placeholders.
    question: str
    values: QuestionValues | None = None
    buttons: QuestionButtons | None = None

    def ask(self, ctx: Context, so_far: SoFar) -> None:
        values = self.values(so_far) if self.values is not None else {}
        buttons = self.buttons(ctx, so_far) if self.buttons is not None else ()
        ctx.reply_text(ctx.t(self.question, **values), buttons=buttons)


@dataclass(frozen=True)
class Dialog:
    name: str
    steps: tuple[Step, ...]
    finish: Finish
    # Like a command's: in an event of another kind, an answer is refused.
    kinds: frozenset[EventKind] = frozenset(EventKind)

    def __post_init__(self) -> None:
        fields = [step.field for step in self.steps]
        if not fields:
            raise ValueError(f"dialog {self.name!r} has no steps")
        if len(set(fields)) != len(fields):
            raise ValueError(f"dialog {self.name!r} asks for a field twice: {fields}")
        if any(len(name) > NAME_MAX for name in (self.name, *fields)):
            raise ValueError(f"dialog {self.name!r}: names are {NAME_MAX} characters at most")

    def step(self, field: str) -> Step | None:
        return next((step for step in self.steps if step.field == field), None)

    def start(self, ctx: Context, data: Mapping[str, Any] | None = None) -> None:
        """Begin (or begin again) with the first question; `data`: answers known already."""
        first = self.steps[0]
        ctx.start_dialog(self.name, first.field, dict(data or {}))
        first.ask(ctx, _so_far(ctx, data or {}))

    def answer(self, ctx: Context, field: str, data: Mapping[str, Any], text: str) -> None:
        """Take the person's answer to the step `field` (one of this dialog's)."""
        step = self.step(field)
        if step is None:
            raise ValueError(f"dialog {self.name!r} has no step {field!r}")
        so_far = _so_far(ctx, data)
        try:
            value = step.parse(text, so_far)
        except InputError as refused:
            # Nothing is stored: the step and the answers so far stay as they were.
            ctx.reply_text(ctx.t(refused.key, **refused.values))
            step.ask(ctx, so_far)
            return
        answers = {**data, step.field: value}
        following = self.steps.index(step) + 1
        if following == len(self.steps):
            ctx.uow.dialogs.clear(ctx.person_id)
            self.finish(ctx, answers)
            return
        upcoming = self.steps[following]
        ctx.uow.dialogs.save(ctx.person_id, self.name, upcoming.field, answers, ctx.now())
        upcoming.ask(ctx, _so_far(ctx, answers))


def _so_far(ctx: Context, data: Mapping[str, Any]) -> SoFar:
    return SoFar(dict(data), ctx.now().date())
