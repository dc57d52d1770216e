"""The rules of `/role`: the words for each role (English and German), which of two
roles is higher, and which changes are refused."""

from __future__ import annotations

from storage.core.shared_tables import Role

ROLE_WORDS: dict[str, Role] = {
    "participant": Role.PARTICIPANT,
    "member": Role.PARTICIPANT,
    "teilnehmer": Role.PARTICIPANT,
    "teilnehmerin": Role.PARTICIPANT,
    "mitglied": Role.PARTICIPANT,
    "youthworker": Role.YOUTHWORKER,
    "jugendarbeiter": Role.YOUTHWORKER,
    "jugendarbeiterin": Role.YOUTHWORKER,
    "organiser": Role.ORGANISER,
    "organizer": Role.ORGANISER,
    "orga": Role.ORGANISER,
}
_RANK = {Role.PARTICIPANT: 0, Role.YOUTHWORKER: 1, Role.ORGANISER: 2}


def role_from_word(word: str) -> Role | None:
    """`orga`, `Jugendarbeiterin`, `participant` ...; None for anything else."""
    return ROLE_WORDS.get(word.strip().casefold().replace("*", "").replace("-", ""))


def higher_role(first: Role, second: Role) -> Role:
    return first if _RANK[first] >= _RANK[second] else second


def role_change_refusal(current: Role, wanted: Role, organisers: int) -> str | None:
    """Why a member's role may not change like that (a text key), or None.

    `organisers`: how many the event has now. The last organiser cannot give up the
    role: someone has to be able to run the event.
    """
    if current == wanted:
        return "role.same"
    if current == Role.ORGANISER and organisers <= 1:
        return "role.last_organiser"
    return None
