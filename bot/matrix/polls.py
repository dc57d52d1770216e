"""Native Matrix polls (MSC3381): start, answers, end.

One start event per poll, of the type current Element clients send and show
(`org.matrix.msc3381.poll.start`), whose content carries the poll twice: in the unstable
form those clients read and in the stable `m.poll` form of the final proposal, so a
client that understands either shows it and none shows it twice. Answers are read in
both forms (`m.poll.response` with `m.selections`, the unstable one with `answers`).
"""

from __future__ import annotations

from typing import Any

from handlers.core.messages import PollSpec

UNSTABLE = "org.matrix.msc3381"
START = f"{UNSTABLE}.poll.start"
END = f"{UNSTABLE}.poll.end"
RESPONSES = ("m.poll.response", f"{UNSTABLE}.poll.response")
TEXT = "org.matrix.msc1767.text"
ANSWER_PREFIX = "option-"


def answer_id(position: int) -> str:
    return f"{ANSWER_PREFIX}{position}"


def start_content(poll: PollSpec) -> dict[str, Any]:
    fallback = "\n".join(
        [poll.question, *(f"{n}. {option}" for n, option in enumerate(poll.options, 1))]
    )
    kind = "undisclosed" if poll.anonymous else "disclosed"
    return {
        START: {
            "kind": f"{UNSTABLE}.poll.{kind}",
            "max_selections": 1,
            "question": {TEXT: poll.question},
            "answers": [
                {"id": answer_id(n), TEXT: option} for n, option in enumerate(poll.options)
            ],
        },
        TEXT: fallback,
        "m.poll": {
            "kind": f"m.{kind}",
            "max_selections": 1,
            "question": {"m.text": [{"body": poll.question}]},
            "answers": [
                {"m.id": answer_id(n), "m.text": [{"body": option}]}
                for n, option in enumerate(poll.options)
            ],
        },
        "m.text": [{"body": fallback}],
        "body": fallback,
    }


def end_content(start_event_id: str, summary: str) -> dict[str, Any]:
    return {
        "m.relates_to": {"rel_type": "m.reference", "event_id": start_event_id},
        END: {},
        TEXT: summary,
        "m.text": [{"body": summary}],
        "body": summary,
    }


def is_response(event_type: str) -> bool:
    return event_type in RESPONSES


def response_of(content: dict[str, Any]) -> tuple[str, tuple[int, ...]] | None:
    """(poll start event id, chosen positions) of a response; () takes the answer back.

    An answer we did not offer spoils the vote, as the proposal says: it counts as none.
    """
    relation = content.get("m.relates_to")
    if not isinstance(relation, dict) or not isinstance(relation.get("event_id"), str):
        return None
    selections = _selections(content)
    if selections is None:
        return None
    positions = [_position(selection) for selection in selections[:1]]
    if any(position is None for position in positions):
        return relation["event_id"], ()
    return relation["event_id"], tuple(p for p in positions if p is not None)


def _selections(content: dict[str, Any]) -> list[Any] | None:
    stable = content.get("m.selections")
    if isinstance(stable, list):
        return stable
    unstable = content.get(RESPONSES[1])
    if isinstance(unstable, dict) and isinstance(unstable.get("answers"), list):
        return list(unstable["answers"])
    return None


def _position(selection: object) -> int | None:
    if not isinstance(selection, str) or not selection.startswith(ANSWER_PREFIX):
        return None
    number = selection.removeprefix(ANSWER_PREFIX)
    return int(number) if number.isascii() and number.isdigit() and len(number) < 4 else None
