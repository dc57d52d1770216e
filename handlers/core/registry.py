"""Commands as decorated functions with typed arguments; dialogs as lists of steps.

    @command("vote", event=True, private=True, refreshes="sessions")
    def vote(ctx: Context, numbers: list[int]) -> None: ...

`kinds`: the kinds of event the command serves (every kind unless told); a domain's
commands are registered with its own decorator, e.g. `handlers.barcamp.registration`,
which fills in the domain's kind. Run while the active event is of another kind, a
command is refused; `/help` lists only what fits the active event.

`variant`: one name, a function per kind of event. A command of one kind may take the
name of another kind's (the council's `/export ics` beside the BarCamp's `/export md`):
the router runs the one that serves the active event's kind, `/help` shows it, and its
texts are `help.<kind>_<name>` and `usage.<kind>_<name>` (`help.council_export`). The
kinds of one name's commands must not overlap.

`group`: where `/help` lists it (take part, moderate, organise); by default what its
`roles` say. /help shows only the groups a person's role covers.

`private`: a personal step (ballot, dialog, one's own data); asked in a group chat, it
happens in the person's private chat. `refreshes`: a press of the command's button
re-renders the view it sits on (a vote pressed on the ballot updates the ballot); the
view's arguments may be the pressed command's words: `refreshes="datepoll {0}"`.

The signature is the argument grammar: `int`, `str` (one word), `list[int]` (one or
more numbers), `Literal[...]` (a choice), `Text` (the rest of the line), and any of
them `| None` for optional. `/help` is generated from these registrations.
"""

from __future__ import annotations

import inspect
import types
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from handlers.core.dialogs import Dialog, Finish, Step
from storage.core.shared_tables import EventKind, Role


class _RestOfLine:
    """Marker: the parameter takes the rest of the line verbatim."""


Text = Annotated[str, _RestOfLine]

CommandFunc = Callable[..., None]

STAFF = frozenset({Role.YOUTHWORKER, Role.ORGANISER})
ORGANISERS = frozenset({Role.ORGANISER})
EVERY_KIND = frozenset(EventKind)

HelpGroup = Literal["take_part", "moderate", "organise"]
HELP_GROUPS: tuple[HelpGroup, ...] = ("take_part", "moderate", "organise")
_GROUPS_OF_ROLE: dict[Role | None, frozenset[HelpGroup]] = {
    Role.ORGANISER: frozenset(HELP_GROUPS),
    Role.YOUTHWORKER: frozenset({"take_part", "moderate"}),
}


def help_groups_for(role: Role | None) -> frozenset[HelpGroup]:
    """The /help groups a role covers; everyone takes part."""
    return _GROUPS_OF_ROLE.get(role, frozenset({"take_part"}))


class ArgumentError(ValueError):
    """The words after a command do not fit its signature."""


@dataclass(frozen=True)
class Param:
    name: str
    kind: Literal["int", "word", "ints", "choice", "text"]
    optional: bool
    choices: tuple[str, ...] = ()


@dataclass(frozen=True)
class CommandSpec:
    name: str
    func: CommandFunc
    params: tuple[Param, ...]
    # Roles in the active event allowed to run it; None: everyone.
    roles: frozenset[Role] | None = None
    needs_consent: bool = True
    needs_event: bool = False
    hidden: bool = False
    # A personal step: asked in a group chat, it runs in the person's private chat.
    private: bool = False
    # After a press of one of its buttons, re-render the pressed message with this command.
    refreshes: str | None = None
    # The kinds of event it serves; in an event of another kind it is refused.
    kinds: frozenset[EventKind] = EVERY_KIND
    # Where /help lists it; None: what `roles` say.
    group: HelpGroup | None = None
    # Another kind's command of the same name (see the module's docs).
    variant: bool = False

    @property
    def key(self) -> str:
        """Unique in the registry: the name, or `<kind>_<name>` for a variant."""
        return "_".join([*sorted(self.kinds), self.name]) if self.variant else self.name

    @property
    def help_group(self) -> HelpGroup:
        if self.group is not None:
            return self.group
        if self.roles is None:
            return "take_part"
        return "organise" if self.roles == ORGANISERS else "moderate"

    @property
    def help_key(self) -> str:
        return f"help.{self.key}"

    @property
    def usage_key(self) -> str:
        return f"usage.{self.key}"

    @property
    def other_kind_key(self) -> str:
        return other_kind_key(self.kinds)

    def serves(self, kind: EventKind) -> bool:
        return kind in self.kinds

    def parse(self, argument_text: str) -> dict[str, Any]:
        words = argument_text.split()
        values: dict[str, Any] = {}
        for index, param in enumerate(self.params):
            if param.kind == "text":
                rest = _rest_after_words(argument_text, index)
                values[param.name] = rest or (None if param.optional else _missing())
                return values
            if param.kind == "ints":
                values[param.name] = [_to_int(word) for word in words[index:]]
                if not values[param.name] and not param.optional:
                    _missing()
                return values
            values[param.name] = _parse_word(param, words[index] if index < len(words) else None)
        if len(words) > len(self.params):
            raise ArgumentError("too many words")
        return values


class Registry:
    def __init__(self) -> None:
        # By `CommandSpec.key`: a name's variants for other kinds are entries of their own.
        self.commands: dict[str, CommandSpec] = {}
        self._by_name: dict[str, list[CommandSpec]] = {}
        self.dialogs: dict[str, Dialog] = {}

    def command(
        self,
        name: str,
        *,
        roles: frozenset[Role] | None = None,
        consent: bool = True,
        event: bool = False,
        hidden: bool = False,
        private: bool = False,
        refreshes: str | None = None,
        kinds: frozenset[EventKind] = EVERY_KIND,
        group: HelpGroup | None = None,
        variant: bool = False,
    ) -> Callable[[CommandFunc], CommandFunc]:
        if not kinds:
            raise ValueError(f"command {name!r} serves no kind of event")

        def register(func: CommandFunc) -> CommandFunc:
            spec = CommandSpec(
                name,
                func,
                _params_of(func),
                roles,
                consent,
                event or bool(roles),
                hidden,
                private,
                refreshes,
                kinds,
                group,
                variant,
            )
            same_name = self._by_name.setdefault(name, [])
            if spec.key in self.commands or any(other.kinds & kinds for other in same_name):
                raise ValueError(f"command {name!r} registered twice")
            self.commands[spec.key] = spec
            same_name.append(spec)
            return func

        return register

    def find(self, name: str, kind: EventKind | None = None) -> CommandSpec | None:
        """The command a person means by `name` in an event of `kind`: the variant that
        serves it, else the one that is not a variant (which then refuses the kind)."""
        same_name = self._by_name.get(name, [])
        serving = [spec for spec in same_name if kind is not None and spec.serves(kind)]
        plain = [spec for spec in same_name if not spec.variant]
        return next(iter(serving + plain + same_name), None)

    def dialog(
        self,
        name: str,
        *,
        steps: Sequence[Step],
        finish: Finish,
        kinds: frozenset[EventKind] = EVERY_KIND,
    ) -> Dialog:
        """Declare a guided dialog (see `handlers.core.dialogs`)."""
        if name in self.dialogs:
            raise ValueError(f"dialog {name!r} registered twice")
        dialog = self.dialogs[name] = Dialog(name, tuple(steps), finish, kinds)
        return dialog

    def visible_to(
        self,
        role: Role | None,
        consented: bool,
        has_event: bool,
        kind: EventKind | None = None,
    ) -> Iterable[CommandSpec]:
        """What a person can use now, in the order they will likely need it.

        `kind`: the kind of the person's active event, whose commands alone are shown
        (and those that need no event, such as /newcamp); None shows every kind's, of a
        name with variants the one that is not a variant.
        """
        for spec in sorted(self.commands.values(), key=_help_position):
            if spec.hidden or (spec.needs_consent and not consented):
                continue
            if spec is not self.find(spec.name, kind):
                continue  # a name's variant for another kind
            if spec.needs_event and not has_event:
                continue
            if spec.needs_event and kind is not None and not spec.serves(kind):
                continue
            if spec.roles is None or (role is not None and role in spec.roles):
                yield spec


registry = Registry()
command = registry.command


# Participants' flow first, then housekeeping, then the team's commands.
HELP_ORDER = (
    "start",
    "join",
    "propose",
    "sessions",
    "vote",
    "mine",
    "agenda",
    "now",
    "next",
    "remind",
    "use",
    "language",
    "privacy",
    "help",
    "cancel",
    "forgetme",
    "mydata",
    "link",
    "queue",
    "approve",
    "reject",
    "merge",
    "announce",
    "poll",
    "closepoll",
    "linkgroup",
    "guardian",
    "members",
    "role",
    "newcamp",
    "settings",
    "voting",
    "plan",
    "move",
    "pin",
    "publish",
    "export",
)


def other_kind_key(kinds: frozenset[EventKind]) -> str:
    """The refusal in an event of a kind not served: `kind.only_barcamp`."""
    return "kind.only_" + "_".join(sorted(kinds))


def _help_position(spec: CommandSpec) -> tuple[int, str]:
    position = HELP_ORDER.index(spec.name) if spec.name in HELP_ORDER else len(HELP_ORDER)
    return position, spec.name


def _params_of(func: CommandFunc) -> tuple[Param, ...]:
    hints = inspect.get_annotations(func, eval_str=True)
    names = list(inspect.signature(func).parameters)[1:]  # the first one is the context
    return tuple(_param_for(name, hints[name]) for name in names)


def _param_for(name: str, annotation: Any) -> Param:
    optional = False
    if get_origin(annotation) in (Union, types.UnionType):
        members = [arg for arg in get_args(annotation) if arg is not type(None)]
        optional, annotation = True, members[0]
    if annotation is int:
        return Param(name, "int", optional)
    if annotation is str:
        return Param(name, "word", optional)
    if get_origin(annotation) is list:
        return Param(name, "ints", optional)
    if get_origin(annotation) is Literal:
        return Param(name, "choice", optional, tuple(str(arg) for arg in get_args(annotation)))
    if get_origin(annotation) is Annotated and _RestOfLine in get_args(annotation):
        return Param(name, "text", optional)
    raise TypeError(f"unsupported argument type for {name}: {annotation!r}")


def _parse_word(param: Param, word: str | None) -> Any:
    if word is None:
        return None if param.optional else _missing()
    if param.kind == "int":
        return _to_int(word)
    if param.kind == "choice":
        lowered = word.lower()
        if lowered not in param.choices:
            raise ArgumentError(f"{word!r} is not one of {param.choices}")
        return lowered
    return word


def _to_int(word: str) -> int:
    cleaned = word.strip(",;#")
    if not cleaned.isascii() or not cleaned.isdigit() or len(cleaned) > 9:
        raise ArgumentError(f"{word!r} is not a number")
    return int(cleaned)


def _rest_after_words(text: str, count: int) -> str:
    rest = text.strip()
    for _ in range(count):
        parts = rest.split(maxsplit=1)
        rest = parts[1] if len(parts) > 1 else ""
    return rest.strip()


def _missing() -> Any:
    raise ArgumentError("missing argument")
